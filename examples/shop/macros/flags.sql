{#- A var as a boolean: JSON true/false, or the strings 'true'/'1'/'yes' from a CLI or a dispatch input. -#}
{% macro var_flag(name, default=false) -%}
  {%- set value = var(name, default) -%}
  {%- if value is string -%}
    {{ return(value | trim | lower in ['true', '1', 'yes', 'on']) }}
  {%- endif -%}
  {{ return(value is true or (value is number and value != 0)) }}
{%- endmacro %}
