select
    campaign_id,
    campaign_name,
    channel,
    started_on,
    ended_on,
    budget,
    ended_on - started_on + 1 as duration_days
from {{ ref('stg_campaigns') }}
