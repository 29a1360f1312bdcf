select
    movement_id,
    warehouse_id,
    upper(sku) as sku,
    reason,
    quantity_delta,
    moved_at
from {{ ref('stock_movements') }}
