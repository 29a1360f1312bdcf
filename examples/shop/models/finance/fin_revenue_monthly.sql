select
    cast(date_trunc('month', paid_date) as date) as revenue_month,
    sum(payments) as payments,
    cast(sum(revenue_usd) as numeric(14, 2)) as revenue_usd,
    count(*) as days_with_revenue
from {{ ref('fin_revenue_daily') }}
group by 1
