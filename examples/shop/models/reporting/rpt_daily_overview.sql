-- One row per day of the seed data: sales and web traffic side by side, in the `reporting`
-- custom schema (see macros/generate_schema_name.sql).
select
    s.order_date,
    s.orders,
    s.revenue,
    coalesce(w.events, 0) as web_events
from {{ ref('agg_daily_sales') }} as s
left join {{ ref('web_events_daily') }} as w
    on cast(w.event_date as date) = s.order_date
