select
    {{ shop.utc_date('session_started_at') }} as session_date,
    count(*) as sessions,
    count(*) filter (where added_to_cart) as carts,
    count(*) filter (where reached_checkout) as checkouts,
    count(*) filter (where purchased) as purchases
from {{ ref('fct_web_sessions') }}
group by 1
