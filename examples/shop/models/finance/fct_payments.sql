-- Payments received in [start_dttm, end_dttm).
{{ config(
    materialized='incremental',
    incremental_strategy='interval',
    on_schema_change='fail',
    tags=['incremental'],
    meta={'interval_column': 'paid_at', 'contains_pii': false}
) }}

select
    payment_id,
    order_id,
    payment_method,
    amount,
    currency_code,
    paid_at,
    {{ shop.utc_date('paid_at') }} as paid_date
from {{ ref('stg_payments') }}
where {{ shop.in_interval('paid_at') }}
