{#-
  Incremental strategy `interval`: delete+insert keyed on the run's interval.

    {{ config(materialized='incremental', incremental_strategy='interval',
              meta={'interval_column': 'ordered_at'}) }}

  The model selects exactly the rows with `interval_column` in [start_dttm, end_dttm) (use
  shop.in_interval). On an incremental run this strategy deletes the target's rows of that same
  interval and inserts the new batch, in one statement batch. Unlike the built-in delete+insert
  (which deletes only keys present in the new batch) rows that vanished from the source are removed
  too, so re-running an interval, or re-running it in smaller chunks, is idempotent.
  dbt resolves `incremental_strategy='interval'` to this macro by name on every adapter.
-#}
{% macro get_incremental_interval_sql(arg_dict) %}
  {%- set target = arg_dict['target_relation'] -%}
  {%- set source = arg_dict['temp_relation'] -%}
  {%- set meta = config.get('meta') or {} -%}
  {%- set interval_column = meta.get('interval_column') -%}
  {%- if not interval_column -%}
    {{ exceptions.raise_compiler_error(
        "incremental_strategy 'interval' needs meta.interval_column on model " ~ this) }}
  {%- endif -%}
  {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}

  delete from {{ target }}
  where {{ shop.in_interval(interval_column) }};

  insert into {{ target }} ({{ columns }})
  select {{ columns }} from {{ source }}
{% endmacro %}
