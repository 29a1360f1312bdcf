select
    campaign_id,
    campaign_name,
    channel,
    started_on,
    ended_on,
    budget
from {{ ref('campaigns') }}
