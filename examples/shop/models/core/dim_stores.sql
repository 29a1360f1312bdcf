select
    stores.store_id,
    stores.store_name,
    stores.country_code,
    countries.country_name,
    countries.region,
    stores.opened_on
from {{ ref('stg_stores') }} as stores
left join {{ ref('stg_countries') }} as countries
    on stores.country_code = countries.country_code
