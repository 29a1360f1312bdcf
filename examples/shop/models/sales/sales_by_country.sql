{#-
  Revenue for the countries in var('countries'), a tuple string spliced into SQL.

  dbt-matrix turns an array var into a tuple string in one of two forms:
    sql form     ["US","DE"] -> ('US','DE')   single-quoted string literals (quotes doubled)
    compat form  ["US","DE"] -> ("US","DE")   double quotes: in standard SQL "US" is an IDENTIFIER
                                               (a column name), not a string
  DuckDB and PostgreSQL both follow the standard, so this model needs the sql form there
  (`--array-format sql`); the compat form fails with "column US does not exist" (PostgreSQL) or
  'Referenced column "US" not found' (DuckDB). The compat form only works on engines that read
  double-quoted text as a string literal (BigQuery, Spark/Databricks without ANSI mode, MySQL),
  which is where dmp-af style projects come from.
-#}
{{ config(tags=['array_var'], meta={'vars': ['countries']}) }}

select
    customers.country_code,
    customers.country_name,
    count(*) as orders,
    count(distinct orders.customer_id) as customers,
    cast(sum(orders.gross_amount) as numeric(14, 2)) as revenue
from {{ ref('fct_orders') }} as orders
inner join {{ ref('dim_customers') }} as customers
    on orders.customer_id = customers.customer_id
where orders.is_revenue
  and customers.country_code in {{ var('countries', "('US','DE')") }}
group by customers.country_code, customers.country_name
