select
    payment_id,
    order_id,
    payment_method,
    amount,
    upper(currency_code) as currency_code,
    paid_at
from {{ ref('payments') }}
