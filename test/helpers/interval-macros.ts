/**
 * The macros the README documents for `--interval-env`: under dbt-matrix the chunk's interval
 * from DBT_MATRIX_START_DTTM/DBT_MATRIX_END_DTTM, in a plain `dbt build` the vars. They read the
 * env vars only under `execute`, so dbt never records them while parsing and a new chunk's values
 * re-parse nothing. The test and the startup bench put this text in their projects.
 */
export const INTERVAL_MACROS = `{% macro matrix_start_dttm() %}
  {{ return(env_var('DBT_MATRIX_START_DTTM', var('start_dttm')) if execute else var('start_dttm')) }}
{% endmacro %}
{% macro matrix_end_dttm() %}
  {{ return(env_var('DBT_MATRIX_END_DTTM', var('end_dttm')) if execute else var('end_dttm')) }}
{% endmacro %}
`;

/** The same macros reading the env vars while parsing too: dbt then re-parses every model that calls them when a value changes. */
export const INTERVAL_MACROS_UNGUARDED = `{% macro matrix_start_dttm() %}
  {{ return(env_var('DBT_MATRIX_START_DTTM', var('start_dttm'))) }}
{% endmacro %}
{% macro matrix_end_dttm() %}
  {{ return(env_var('DBT_MATRIX_END_DTTM', var('end_dttm'))) }}
{% endmacro %}
`;
