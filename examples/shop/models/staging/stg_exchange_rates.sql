select
    upper(currency_code) as currency_code,
    rate_date,
    usd_rate
from {{ ref('exchange_rates') }}
