-- One row per order placed in [start_dttm, end_dttm); re-running an interval replaces it.
{{ config(
    materialized='incremental',
    incremental_strategy='interval',
    on_schema_change='fail',
    tags=['incremental', 'hourly'],
    meta={'interval_column': 'ordered_at', 'owner': 'sales-analytics', 'contains_pii': false}
) }}

with orders as (
    select * from {{ ref('stg_orders') }}
    where {{ shop.in_interval('ordered_at') }}
),

lines as (
    select
        order_id,
        count(*) as line_count,
        sum(quantity) as item_count,
        sum(line_amount) as gross_amount,
        sum(line_cost) as cost_amount,
        sum(line_margin) as margin_amount
    from {{ ref('int_order_lines') }}
    group by order_id
)

select
    orders.order_id,
    orders.customer_id,
    orders.store_id,
    orders.campaign_id,
    orders.channel,
    orders.status,
    orders.ordered_at,
    orders.order_date,
    coalesce(lines.line_count, 0) as line_count,
    coalesce(lines.item_count, 0) as item_count,
    cast(coalesce(lines.gross_amount, 0) as numeric(12, 2)) as gross_amount,
    cast(coalesce(lines.cost_amount, 0) as numeric(12, 2)) as cost_amount,
    cast(coalesce(lines.margin_amount, 0) as numeric(12, 2)) as margin_amount,
    orders.status not in ('cancelled', 'returned') as is_revenue
from orders
left join lines
    on orders.order_id = lines.order_id
