{{ config(materialized='view') }}

select
    payments.payment_id,
    payments.order_id,
    payments.payment_method,
    payments.paid_at,
    payments.paid_date,
    payments.amount,
    payments.currency_code,
    cast(payments.amount * coalesce(rates.usd_rate, 1) as numeric(14, 2)) as amount_usd
from {{ ref('fct_payments') }} as payments
left join {{ ref('stg_exchange_rates') }} as rates
    on payments.currency_code = rates.currency_code
   and payments.paid_date = rates.rate_date
