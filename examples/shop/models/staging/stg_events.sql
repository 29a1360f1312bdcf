-- event_time: microbatch models downstream (web_events_daily) read only each batch's rows.
{{ config(event_time='occurred_at') }}

select
    event_id,
    session_id,
    customer_id,
    event_type,
    page_path,
    occurred_at
from {{ ref('events') }}
