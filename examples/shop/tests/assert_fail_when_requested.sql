-- Fails (returns one row) only when var('fail_test') is true: the fixture for failure handling in
-- the runner and the merge. It hangs off fin_kpis, a leaf, so a failure skips no other node, and it
-- reads no data, so it fails the same way for every interval.
-- depends_on: {{ ref('fin_kpis') }}
{{ config(tags=['fail_switch']) }}

select 'fail_test var is set' as reason
where {{ 'true' if shop.var_flag('fail_test') else 'false' }}
