select
    session_id,
    max(customer_id) as customer_id,
    min(occurred_at) as session_started_at,
    max(occurred_at) as session_ended_at,
    count(*) as events,
    bool_or(event_type = 'add_to_cart') as added_to_cart,
    bool_or(event_type = 'checkout') as reached_checkout,
    bool_or(event_type = 'purchase') as purchased
from {{ ref('fct_events') }}
group by session_id
