-- Orders against payments: spans sales and finance.
with paid as (
    select
        order_id,
        sum(amount) as paid_amount
    from {{ ref('fct_payments') }}
    group by order_id
)

select
    orders.order_id,
    orders.status,
    orders.gross_amount,
    cast(coalesce(paid.paid_amount, 0) as numeric(12, 2)) as paid_amount,
    cast(orders.gross_amount - coalesce(paid.paid_amount, 0) as numeric(12, 2)) as outstanding_amount
from {{ ref('fct_orders') }} as orders
left join paid
    on orders.order_id = paid.order_id
