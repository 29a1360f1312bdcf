-- Shared dimension: sales, marketing, web and finance all join to it.
select
    customers.customer_id,
    customers.full_name,
    customers.email,
    customers.segment,
    customers.country_code,
    countries.country_name,
    countries.region,
    countries.currency_code,
    customers.signed_up_at
from {{ ref('stg_customers') }} as customers
left join {{ ref('stg_countries') }} as countries
    on customers.country_code = countries.country_code
