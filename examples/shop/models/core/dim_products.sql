select
    product_id,
    sku,
    product_name,
    category,
    unit_price,
    unit_cost,
    unit_margin,
    case
        when unit_price >= 300 then 'premium'
        when unit_price >= 50 then 'standard'
        else 'budget'
    end as price_band
from {{ ref('stg_products') }}
