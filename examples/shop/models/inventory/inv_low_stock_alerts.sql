select
    warehouse_id,
    warehouse_name,
    sku,
    on_hand
from {{ ref('inv_stock_levels') }}
where on_hand < 20
