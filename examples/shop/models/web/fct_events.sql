-- Raw web events that occurred in [start_dttm, end_dttm).
{{ config(
    materialized='incremental',
    incremental_strategy='interval',
    on_schema_change='fail',
    tags=['incremental', 'hourly'],
    meta={'interval_column': 'occurred_at'}
) }}

select
    event_id,
    session_id,
    customer_id,
    event_type,
    page_path,
    occurred_at,
    {{ shop.utc_date('occurred_at') }} as event_date
from {{ ref('stg_events') }}
where {{ shop.in_interval('occurred_at') }}
