select
    product_id,
    sku,
    product_name,
    category,
    unit_price,
    unit_cost,
    unit_price - unit_cost as unit_margin,
    updated_at
from {{ ref('products') }}
