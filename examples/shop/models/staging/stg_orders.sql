select
    order_id,
    customer_id,
    store_id,
    campaign_id,
    channel,
    status,
    ordered_at,
    {{ shop.utc_date('ordered_at') }} as order_date
from {{ ref('orders') }}
