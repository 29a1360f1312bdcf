select
    campaign_id,
    spend_date,
    {{ shop.utc_midnight('spend_date') }} as spend_day_start,
    impressions,
    clicks,
    spend
from {{ ref('ad_spend') }}
