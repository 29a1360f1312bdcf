select
    order_item_id,
    order_id,
    product_id,
    quantity,
    unit_price,
    cast(quantity * unit_price as numeric(12, 2)) as line_amount
from {{ ref('order_items') }}
