-- Stock movements in [start_dttm, end_dttm).
{{ config(
    materialized='incremental',
    incremental_strategy='interval',
    on_schema_change='fail',
    tags=['incremental'],
    meta={'interval_column': 'moved_at', 'owner': 'logistics'}
) }}

select
    movement_id,
    warehouse_id,
    sku,
    reason,
    quantity_delta,
    moved_at
from {{ ref('inv_stg_stock_movements') }}
where {{ shop.in_interval('moved_at') }}
