-- The top of the finance chain (depth 7 counting the seed), read by the finance dashboard exposure.
{{ config(meta={'owner': 'finance', 'sla': 'daily 06:00 UTC'}, tags=['kpi']) }}

select
    revenue_month,
    payments,
    revenue_usd,
    cast(revenue_usd / nullif(payments, 0) as numeric(12, 2)) as average_payment_usd,
    cast(revenue_usd / nullif(days_with_revenue, 0) as numeric(14, 2)) as revenue_per_active_day
from {{ ref('fin_revenue_monthly') }}
