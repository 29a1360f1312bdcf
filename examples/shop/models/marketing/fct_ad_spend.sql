-- Daily spend per campaign for days starting in [start_dttm, end_dttm). Day grain: intervals
-- that cut a UTC day in half take the whole day into the interval holding its midnight.
{{ config(
    materialized='incremental',
    incremental_strategy='interval',
    on_schema_change='fail',
    tags=['incremental'],
    meta={'interval_column': 'spend_day_start'}
) }}

select
    campaign_id,
    spend_date,
    spend_day_start,
    impressions,
    clicks,
    spend,
    case when clicks > 0 then cast(spend / clicks as numeric(12, 4)) end as cost_per_click
from {{ ref('stg_ad_spend') }}
where {{ shop.in_interval('spend_day_start') }}
