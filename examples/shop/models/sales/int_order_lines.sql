-- Ephemeral: never built, compiled into fct_orders and fct_order_lines as a CTE.
{{ config(materialized='ephemeral') }}

select
    items.order_item_id,
    items.order_id,
    items.product_id,
    items.quantity,
    items.unit_price,
    items.line_amount,
    cast(items.quantity * products.unit_cost as numeric(12, 2)) as line_cost,
    cast(items.line_amount - items.quantity * products.unit_cost as numeric(12, 2)) as line_margin
from {{ ref('stg_order_items') }} as items
inner join {{ ref('stg_products') }} as products
    on items.product_id = products.product_id
