select
    upper(country_code) as country_code,
    country_name,
    region,
    upper(currency_code) as currency_code
from {{ ref('countries') }}
