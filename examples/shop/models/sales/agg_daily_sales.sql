select
    order_date,
    count(*) as orders,
    count(*) filter (where is_revenue) as revenue_orders,
    count(distinct customer_id) as customers,
    cast(sum(case when is_revenue then gross_amount else 0 end) as numeric(14, 2)) as revenue,
    cast(sum(case when is_revenue then margin_amount else 0 end) as numeric(14, 2)) as margin
from {{ ref('fct_orders') }}
group by order_date
