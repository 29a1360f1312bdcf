-- Web events per UTC day, built with dbt's microbatch strategy (dbt 1.9+): dbt runs one query per
-- day ("batch"), filtering stg_events (whose event_time is occurred_at) to that day itself. The
-- window is --event-time-start/--event-time-end, which dbt-matrix passes from the run's interval
-- (start_dttm/end_dttm do not apply here); without them a first run would build every day from
-- `begin` to today. dbt-postgres's microbatch needs a unique_key; dbt-duckdb's refuses one.
{{ config(
    materialized='incremental',
    incremental_strategy='microbatch',
    event_time='event_date',
    batch_size='day',
    begin='2024-01-01',
    lookback=0,
    unique_key=('event_date' if target.type == 'postgres' else none),
    tags=['microbatch']
) }}

select
    cast(date_trunc('day', occurred_at at time zone 'UTC') as timestamp) as event_date,
    count(*) as events,
    count(distinct session_id) as sessions
from {{ ref('stg_events') }}
{#- var fail_batch_once=YYYY-MM-DD: that day's batch fails on the first attempt only (DBT_MATRIX_ATTEMPT
    is 1), so tests can show that `retries` re-runs just the failed batch. -#}
{%- set fail_day = var('fail_batch_once', '') %}
{%- if execute and fail_day and env_var('DBT_MATRIX_ATTEMPT', '1') == '1' and model.batch and (model.batch.event_time_start | string)[:10] == fail_day %}
where cast('fail_batch_once: the batch of {{ fail_day }} fails on its first attempt' as integer) = 0
{%- endif %}
group by 1
