{{ config(materialized='table', meta={'owner': 'logistics'}) }}

select
    warehouses.warehouse_id,
    warehouses.warehouse_name,
    movements.sku,
    sum(movements.quantity_delta) as on_hand,
    count(*) as movements,
    max(movements.moved_at) as last_moved_at
from {{ ref('inv_fct_stock_movements') }} as movements
inner join {{ ref('inv_stg_warehouses') }} as warehouses
    on movements.warehouse_id = warehouses.warehouse_id
group by warehouses.warehouse_id, warehouses.warehouse_name, movements.sku
