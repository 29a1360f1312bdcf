{{ config(materialized='view') }}

select
    segments.customer_id,
    customers.email,
    segments.lifecycle_stage
from {{ ref('mkt_customer_segments') }} as segments
inner join {{ ref('dim_customers') }} as customers
    on segments.customer_id = customers.customer_id
where segments.lifecycle_stage in ('dormant', 'new')
