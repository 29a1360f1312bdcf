-- Every order's gross amount equals the sum of its lines (fct_orders and fct_order_lines are built
-- from the same interval, so they must agree). Returns the orders that disagree.
with line_totals as (
    select order_id, sum(line_amount) as line_total
    from {{ ref('fct_order_lines') }}
    group by order_id
)

select
    orders.order_id,
    orders.gross_amount,
    line_totals.line_total
from {{ ref('fct_orders') }} as orders
left join line_totals
    on orders.order_id = line_totals.order_id
where orders.gross_amount <> coalesce(line_totals.line_total, 0)
