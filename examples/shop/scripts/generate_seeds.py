"""Regenerate the shop example's seed CSVs deterministically.

The CSVs are committed; run this only to change the data:
    python examples/shop/scripts/generate_seeds.py
Tests compute their expectations from the CSVs, never from this script.
"""
import csv
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
rng = random.Random(20240101)


def ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(SEEDS / f"{name}.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def random_moment(start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(seconds))


UTC = timezone.utc
# Data spans late December to early February so January intervals have edges to cut.
SPAN_START = datetime(2023, 12, 26, tzinfo=UTC)
SPAN_END = datetime(2024, 2, 6, tzinfo=UTC)

countries = [
    ("US", "United States", "Americas", "USD"),
    ("CA", "Canada", "Americas", "CAD"),
    ("BR", "Brazil", "Americas", "BRL"),
    ("DE", "Germany", "Europe", "EUR"),
    ("FR", "France", "Europe", "EUR"),
    ("GB", "United Kingdom", "Europe", "GBP"),
    ("JP", "Japan", "Asia", "JPY"),
    ("IN", "India", "Asia", "INR"),
]
write("countries", ["country_code", "country_name", "region", "currency_code"], [list(c) for c in countries])

first_names = ["Ada", "Alan", "Grace", "Linus", "Edsger", "Barbara", "Ken", "Margaret", "Dennis", "Frances",
               "John", "Radia", "Tim", "Hedy", "Donald", "Sophie", "Guido", "Anita", "Bjarne", "Katherine"]
last_names = ["Lovelace", "Turing", "Hopper", "Torvalds", "Dijkstra", "Liskov", "Thompson", "Hamilton",
              "Ritchie", "Allen", "Backus", "Perlman", "Lee", "Lamarr", "Knuth", "Wilson", "Rossum", "Borg"]
customers = []
for customer_id in range(1, 61):
    first, last = rng.choice(first_names), rng.choice(last_names)
    country = rng.choice(countries)[0]
    signed_up = random_moment(datetime(2022, 1, 1, tzinfo=UTC), datetime(2024, 1, 20, tzinfo=UTC))
    segment = rng.choice(["consumer", "consumer", "consumer", "business", "education"])
    email = f"{first}.{last}.{customer_id}@example.com".lower()
    customers.append([customer_id, first, last, email, country, segment, ts(signed_up)])
write("customers", ["customer_id", "first_name", "last_name", "email", "country_code", "segment", "signed_up_at"],
      customers)

categories = {"books": (8, 45), "electronics": (40, 900), "garden": (5, 120), "kitchen": (6, 250), "toys": (4, 80)}
products = []
for product_id in range(1, 26):
    category = list(categories)[product_id % len(categories)]
    low, high = categories[category]
    price = round(rng.uniform(low, high), 2)
    cost = round(price * rng.uniform(0.35, 0.75), 2)
    updated = random_moment(datetime(2023, 6, 1, tzinfo=UTC), datetime(2023, 12, 31, tzinfo=UTC))
    products.append([product_id, f"SKU-{product_id:03d}", f"{category.title()} item {product_id}", category,
                     f"{price:.2f}", f"{cost:.2f}", ts(updated)])
write("products", ["product_id", "sku", "product_name", "category", "unit_price", "unit_cost", "updated_at"], products)

stores = [[1, "Manhattan", "US", "2019-03-01"], [2, "Toronto", "CA", "2020-06-15"], [3, "Berlin", "DE", "2018-09-01"],
          [4, "Paris", "FR", "2021-04-20"], [5, "London", "GB", "2017-11-11"], [6, "Osaka", "JP", "2022-02-02"]]
write("stores", ["store_id", "store_name", "country_code", "opened_on"], stores)

campaigns = [[1, "New year newsletter", "email", "2023-12-28", "2024-01-10", "1500.00"],
             [2, "Winter search push", "search", "2024-01-01", "2024-01-31", "6000.00"],
             [3, "Gadget reels", "social", "2024-01-05", "2024-01-25", "3500.00"],
             [4, "Garden preseason", "search", "2024-01-15", "2024-02-05", "2500.00"],
             [5, "Back to books", "email", "2024-01-08", "2024-01-22", "800.00"],
             [6, "Toys clearance", "social", "2023-12-26", "2024-01-07", "1200.00"]]
write("campaigns", ["campaign_id", "campaign_name", "channel", "started_on", "ended_on", "budget"], campaigns)

statuses = ["completed"] * 6 + ["shipped"] * 2 + ["placed", "returned", "cancelled"]
orders, order_items, payments = [], [], []
item_id = 0
for order_id in range(1, 401):
    ordered_at = random_moment(SPAN_START, SPAN_END)
    channel = rng.choice(["web", "web", "store"])
    store_id = rng.choice(stores)[0] if channel == "store" else ""
    live = [c for c in campaigns if c[3] <= ordered_at.date().isoformat() <= c[4]]
    campaign_id = rng.choice(live)[0] if live and rng.random() < 0.4 else ""
    status = rng.choice(statuses)
    orders.append([order_id, rng.randint(1, 60), store_id, campaign_id, channel, status, ts(ordered_at)])
    total = 0.0
    for _ in range(rng.randint(1, 4)):
        item_id += 1
        product = rng.choice(products)
        quantity = rng.randint(1, 3)
        discount = rng.choice([1.0, 1.0, 1.0, 0.9, 0.8])
        unit_price = round(float(product[4]) * discount, 2)
        total += unit_price * quantity
        order_items.append([item_id, order_id, product[0], quantity, f"{unit_price:.2f}"])
    if status != "cancelled":
        paid_at = ordered_at + timedelta(minutes=rng.randint(1, 90))
        payments.append([len(payments) + 1, order_id, rng.choice(["card", "card", "paypal", "gift_card"]),
                         f"{total:.2f}", "USD", ts(paid_at)])
write("orders", ["order_id", "customer_id", "store_id", "campaign_id", "channel", "status", "ordered_at"], orders)
write("order_items", ["order_item_id", "order_id", "product_id", "quantity", "unit_price"], order_items)
write("payments", ["payment_id", "order_id", "payment_method", "amount", "currency_code", "paid_at"], payments)

ad_spend = []
day = SPAN_START.date()
while day < SPAN_END.date():
    for campaign in campaigns:
        if campaign[3] <= day.isoformat() <= campaign[4]:
            impressions = rng.randint(1000, 20000)
            clicks = int(impressions * rng.uniform(0.005, 0.05))
            ad_spend.append([campaign[0], day.isoformat(), impressions, clicks, f"{clicks * rng.uniform(0.2, 1.5):.2f}"])
    day += timedelta(days=1)
write("ad_spend", ["campaign_id", "spend_date", "impressions", "clicks", "spend"], ad_spend)

base_rates = {"USD": 1.0, "CAD": 0.74, "BRL": 0.2, "EUR": 1.09, "GBP": 1.27, "JPY": 0.0069, "INR": 0.012}
rates = []
day = SPAN_START.date()
while day < SPAN_END.date():
    for currency, base in base_rates.items():
        rate = base if currency == "USD" else base * rng.uniform(0.98, 1.02)
        rates.append([currency, day.isoformat(), f"{rate:.6f}"])
    day += timedelta(days=1)
write("exchange_rates", ["currency_code", "rate_date", "usd_rate"], rates)

pages = ["/", "/search", "/product", "/product", "/cart", "/checkout"]
event_types = {"/": "page_view", "/search": "search", "/product": "page_view", "/cart": "add_to_cart",
               "/checkout": "checkout"}
events = []
for session_id in range(1, 301):
    customer_id = rng.randint(1, 60) if rng.random() < 0.7 else ""
    moment = random_moment(SPAN_START, SPAN_END)
    for step in range(rng.randint(1, 8)):
        page = pages[min(step, len(pages) - 1)] if rng.random() < 0.7 else rng.choice(pages)
        events.append([len(events) + 1, f"s{session_id:04d}", customer_id, event_types[page], page, ts(moment)])
        moment += timedelta(seconds=rng.randint(5, 600))
    if rng.random() < 0.25:
        events.append([len(events) + 1, f"s{session_id:04d}", customer_id, "purchase", "/checkout", ts(moment)])
events.sort(key=lambda e: (e[5], e[0]))
write("events", ["event_id", "session_id", "customer_id", "event_type", "page_path", "occurred_at"], events)

warehouses = [[1, "North hub", "Hamburg"], [2, "West hub", "Rotterdam"], [3, "South hub", "Milan"]]
write("warehouses", ["warehouse_id", "warehouse_name", "city"], warehouses)
movements = []
for movement_id in range(1, 501):
    reason = rng.choice(["receipt", "shipment", "shipment", "shipment", "adjustment"])
    quantity = rng.randint(20, 200) if reason == "receipt" else -rng.randint(1, 15)
    if reason == "adjustment":
        quantity = rng.randint(-5, 5) or 1
    movements.append([movement_id, rng.choice(warehouses)[0], f"SKU-{rng.randint(1, 25):03d}", reason, quantity,
                      ts(random_moment(SPAN_START, SPAN_END))])
movements.sort(key=lambda m: (m[5], m[0]))
write("stock_movements", ["movement_id", "warehouse_id", "sku", "reason", "quantity_delta", "moved_at"], movements)
