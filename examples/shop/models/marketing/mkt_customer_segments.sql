-- Lifecycle stage per customer (covered by a unit test in marketing.yml).
with order_counts as (
    select
        customer_id,
        count(*) as orders
    from {{ ref('stg_orders') }}
    where status <> 'cancelled'
    group by customer_id
)

select
    customers.customer_id,
    customers.segment as account_segment,
    customers.country_code,
    coalesce(order_counts.orders, 0) as orders,
    case
        when coalesce(order_counts.orders, 0) = 0 then 'dormant'
        when order_counts.orders >= 10 then 'loyal'
        when order_counts.orders >= 3 then 'active'
        else 'new'
    end as lifecycle_stage
from {{ ref('dim_customers') }} as customers
left join order_counts
    on customers.customer_id = order_counts.customer_id
