-- The inventory chain reads only its own seeds: it shares nothing with the other domains.
select
    warehouse_id,
    warehouse_name,
    city
from {{ ref('warehouses') }}
