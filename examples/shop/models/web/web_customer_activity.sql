select
    customers.customer_id,
    customers.segment,
    count(sessions.session_id) as sessions,
    count(sessions.session_id) filter (where sessions.purchased) as purchasing_sessions,
    max(sessions.session_started_at) as last_seen_at
from {{ ref('dim_customers') }} as customers
left join {{ ref('fct_web_sessions') }} as sessions
    on customers.customer_id = sessions.customer_id
group by customers.customer_id, customers.segment
