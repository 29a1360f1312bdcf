select
    customers.customer_id,
    customers.segment,
    customers.country_code,
    count(orders.order_id) as orders,
    min(orders.ordered_at) as first_ordered_at,
    max(orders.ordered_at) as last_ordered_at,
    cast(coalesce(sum(case when orders.is_revenue then orders.gross_amount end), 0) as numeric(14, 2))
        as lifetime_revenue
from {{ ref('dim_customers') }} as customers
left join {{ ref('fct_orders') }} as orders
    on customers.customer_id = orders.customer_id
group by customers.customer_id, customers.segment, customers.country_code
