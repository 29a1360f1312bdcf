select
    paid_date,
    count(*) as payments,
    cast(sum(amount_usd) as numeric(14, 2)) as revenue_usd,
    cast(sum(amount_usd) filter (where payment_method = 'gift_card') as numeric(14, 2)) as gift_card_usd
from {{ ref('fin_payments_usd') }}
group by paid_date
