{#-
  SQL that keeps a warehouse query busy for `seconds` seconds (used by ops/sleeper to test
  timeouts, cancellation and connection budgets). Dispatched per adapter:
  PostgreSQL runs pg_sleep inside the query, so SIGINT to dbt must cancel it server-side;
  DuckDB has no sleep function and is embedded, so its version is a cheap no-op select.
-#}
{% macro sleep_query(seconds) -%}
  {{ return(adapter.dispatch('sleep_query', 'shop')(seconds)) }}
{%- endmacro %}

{% macro default__sleep_query(seconds) -%}
  select cast({{ seconds }} as numeric) as requested_seconds, false as slept
{%- endmacro %}

{% macro postgres__sleep_query(seconds) -%}
  {#- pg_sleep returns void, which a table column cannot hold: call it in a subquery. pg_sleep is
      volatile, so the planner keeps the unused subquery column and the sleep really happens. -#}
  select cast({{ seconds }} as numeric) as requested_seconds, true as slept
  from (select pg_sleep({{ seconds }}) as done) as sleeping
{%- endmacro %}
