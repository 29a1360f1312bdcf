-- One row per order line whose order was placed in [start_dttm, end_dttm).
{{ config(
    materialized='incremental',
    incremental_strategy='interval',
    on_schema_change='fail',
    tags=['incremental'],
    meta={'interval_column': 'ordered_at'}
) }}

select
    lines.order_item_id,
    lines.order_id,
    lines.product_id,
    orders.ordered_at,
    orders.order_date,
    orders.status,
    lines.quantity,
    lines.unit_price,
    lines.line_amount,
    lines.line_cost,
    lines.line_margin
from {{ ref('int_order_lines') }} as lines
inner join {{ ref('stg_orders') }} as orders
    on lines.order_id = orders.order_id
where {{ shop.in_interval('orders.ordered_at') }}
