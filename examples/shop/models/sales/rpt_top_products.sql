with product_sales as (
    select
        product_id,
        sum(quantity) as units,
        cast(sum(line_amount) as numeric(14, 2)) as revenue
    from {{ ref('fct_order_lines') }}
    where status not in ('cancelled', 'returned')
    group by product_id
)

select
    products.product_id,
    products.product_name,
    products.category,
    product_sales.units,
    product_sales.revenue,
    rank() over (order by product_sales.revenue desc, products.product_id) as revenue_rank
from product_sales
inner join {{ ref('dim_products') }} as products
    on product_sales.product_id = products.product_id
