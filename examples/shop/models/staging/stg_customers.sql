select
    customer_id,
    first_name,
    last_name,
    first_name || ' ' || last_name as full_name,
    lower(email) as email,
    upper(country_code) as country_code,
    segment,
    signed_up_at
from {{ ref('customers') }}
