{#- numerator / denominator, NULL instead of a division by zero. -#}
{% macro safe_divide(numerator, denominator) -%}
  {{ numerator }} / nullif({{ denominator }}, 0)
{%- endmacro %}
