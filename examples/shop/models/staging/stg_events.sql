select
    event_id,
    session_id,
    customer_id,
    event_type,
    page_path,
    occurred_at
from {{ ref('events') }}
