{#-
  Audit hooks (dbt_project.yml on-run-start / on-run-end). dbt runs these once per invocation;
  dbt-matrix runs one invocation per shard, chunk and retry, and tells hooks which one this is
  through environment variables (DBT_MATRIX_SHARD, _STAGE, _CHUNK, _CHUNKS, _ATTEMPT,
  _LAST_INVOCATION). A plain `dbt build` sets none of them: the defaults say "the whole run".
    audit_invocations  one row per dbt invocation: which shard, stage and chunk, how many results
    audit_runs         one row per run: written only by the invocation that is the run's last
  The variables are read under `execute` only: while parsing, dbt never sees them, so every shard
  can reuse the plan's parse whatever its shard id.
-#}
{% macro audit_tables() -%}
  create table if not exists {{ target.schema }}.audit_invocations (
    shard varchar, stage varchar, chunk varchar, attempt varchar, last_invocation varchar, results integer
  );
  create table if not exists {{ target.schema }}.audit_runs (start_dttm varchar, end_dttm varchar)
{%- endmacro %}

{% macro audit_invocation(results) -%}
  {%- if execute -%}
  insert into {{ target.schema }}.audit_invocations values (
    '{{ env_var("DBT_MATRIX_SHARD", "") }}', '{{ env_var("DBT_MATRIX_STAGE", "") }}',
    '{{ env_var("DBT_MATRIX_CHUNK", "") }}', '{{ env_var("DBT_MATRIX_ATTEMPT", "") }}',
    '{{ env_var("DBT_MATRIX_LAST_INVOCATION", "true") }}', {{ results | length }}
  )
  {%- endif -%}
{%- endmacro %}

{#- Once per run: an empty hook does nothing, so every other invocation skips it. -#}
{% macro audit_run() -%}
  {%- if execute and env_var("DBT_MATRIX_LAST_INVOCATION", "true") == "true" -%}
  insert into {{ target.schema }}.audit_runs values ('{{ var("start_dttm") }}', '{{ var("end_dttm") }}')
  {%- endif -%}
{%- endmacro %}
