-- Events per UTC hour for the hours in [start_dttm, end_dttm). Exact for intervals on whole hours
-- (every dbt-matrix chunk unit is), and idempotent per interval like every `interval` model.
{{ config(
    materialized='incremental',
    incremental_strategy='interval',
    on_schema_change='fail',
    tags=['incremental', 'hourly'],
    meta={'interval_column': 'hour_start'}
) }}

select
    {{ shop.utc_hour('occurred_at') }} as hour_start,
    count(*) as events,
    count(distinct session_id) as sessions,
    count(*) filter (where event_type = 'purchase') as purchases
from {{ ref('stg_events') }}
where {{ shop.in_interval('occurred_at') }}
group by 1
