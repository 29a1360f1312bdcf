{#-
  Custom schemas: a model configured with `schema: reporting` lands in `<target schema>_reporting`
  (dbt's own rule, spelled out so the example shows where to change it), any other model in the
  target schema. The `prod` target takes the custom name as it is.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}
    {{ target.schema }}
  {%- elif target.name == 'prod' -%}
    {{ custom_schema_name | trim }}
  {%- else -%}
    {{ target.schema }}_{{ custom_schema_name | trim }}
  {%- endif -%}
{%- endmacro %}
