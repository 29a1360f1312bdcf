-- The top of the finance chain (depth 7 counting the seed), read by the finance dashboard exposure.
-- safe_divide comes from the local package packages/shop_utils (installed by dbt deps).
{{ config(meta={'owner': 'finance', 'sla': 'daily 06:00 UTC'}, tags=['kpi']) }}

select
    revenue_month,
    payments,
    revenue_usd,
    cast({{ shop_utils.safe_divide('revenue_usd', 'payments') }} as numeric(12, 2)) as average_payment_usd,
    cast({{ shop_utils.safe_divide('revenue_usd', 'days_with_revenue') }} as numeric(14, 2)) as revenue_per_active_day
from {{ ref('fin_revenue_monthly') }}
