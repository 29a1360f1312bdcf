{#-
  The dbt-matrix interval contract: a run covers the half-open interval
  [var('start_dttm'), var('end_dttm')). Values are ISO 8601 strings, with an offset
  ('2024-01-15T00:00:00+00:00') or naive ('2024-01-15T00:00:00', read in the session time zone).
  Casting to timestamptz keeps the offset on both DuckDB and PostgreSQL; a plain `timestamp`
  cast would silently drop it on DuckDB.
-#}

{% macro dttm_literal(value) -%}
  cast('{{ value | string | replace("'", "''") }}' as timestamp with time zone)
{%- endmacro %}

{% macro interval_start() -%}
  {{ shop.dttm_literal(var('start_dttm')) }}
{%- endmacro %}

{% macro interval_end() -%}
  {{ shop.dttm_literal(var('end_dttm')) }}
{%- endmacro %}

{#- `column >= start AND column < end`: every row lands in exactly one interval of a partition. -#}
{% macro in_interval(column) -%}
  ({{ column }} >= {{ shop.interval_start() }} and {{ column }} < {{ shop.interval_end() }})
{%- endmacro %}

{#- The UTC calendar date of a timestamptz, independent of the session time zone. -#}
{% macro utc_date(column) -%}
  cast(({{ column }}) at time zone 'UTC' as date)
{%- endmacro %}

{#- A date as the timestamptz of its UTC midnight, so date-grained rows can be cut by the interval. -#}
{% macro utc_midnight(date_column) -%}
  (cast({{ date_column }} as timestamp) at time zone 'UTC')
{%- endmacro %}

{#- Start of the UTC hour of a timestamptz, as a timestamptz. -#}
{% macro utc_hour(column) -%}
  (date_trunc('hour', ({{ column }}) at time zone 'UTC') at time zone 'UTC')
{%- endmacro %}
