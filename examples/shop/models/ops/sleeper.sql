-- Sleeps var('sleep_seconds') seconds inside a warehouse query (pg_sleep on PostgreSQL, a no-op on
-- DuckDB): the fixture for timeout, SIGINT-cancellation and connection-budget tests. It stays in the
-- default selection; with the default sleep_seconds = 0 it costs one trivial query.
{{ config(materialized='table', tags=['sleeper'], meta={'owner': 'dbt-matrix tests'}) }}

{{ shop.sleep_query(var('sleep_seconds', 0) | float) }}
