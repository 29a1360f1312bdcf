with spend as (
    select
        campaign_id,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(spend) as spend
    from {{ ref('fct_ad_spend') }}
    group by campaign_id
),

attributed as (
    select
        campaign_id,
        count(*) as attributed_orders
    from {{ ref('stg_orders') }}
    where campaign_id is not null and status <> 'cancelled'
    group by campaign_id
)

select
    campaigns.campaign_id,
    campaigns.campaign_name,
    campaigns.channel,
    campaigns.budget,
    coalesce(spend.impressions, 0) as impressions,
    coalesce(spend.clicks, 0) as clicks,
    cast(coalesce(spend.spend, 0) as numeric(14, 2)) as spend,
    coalesce(attributed.attributed_orders, 0) as attributed_orders,
    case
        when coalesce(attributed.attributed_orders, 0) > 0
            then cast(spend.spend / attributed.attributed_orders as numeric(12, 2))
    end as cost_per_order
from {{ ref('dim_campaigns') }} as campaigns
left join spend on campaigns.campaign_id = spend.campaign_id
left join attributed on campaigns.campaign_id = attributed.campaign_id
