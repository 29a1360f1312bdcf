select
    store_id,
    store_name,
    upper(country_code) as country_code,
    opened_on
from {{ ref('stores') }}
