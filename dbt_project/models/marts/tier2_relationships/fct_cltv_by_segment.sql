{#- Customer value by perceived-empathy segment: n, mean, median and spread per segment, and
    each segment against the reference segment ('low' for empathy_segment, 'not_understood'
    for felt_understood) as a difference (95% Welch interval) and a ratio (95% delta-method
    interval). Three value measures:
    historical_cltv: revenue over the whole export (every customer; 0 without orders);
    revenue_in_outcome_window: revenue after as_of up to outcome_window_end, customers still
      active at as_of (the segment predates the outcome: no leakage);
    reported_cltv: the CLTV the source system reports (e.g. IBM telco), when exported. -#}
{%- set segmentations = [('empathy_segment', 'low'), ('felt_understood', 'not_understood')] %}
with customers as (
    select * from {{ ref('fct_customer_value') }}
),

window_ as (
    select * from {{ ref('int_relationship_window') }}
),

values_ as (
    {#- every customer once per value measure and segmentation: the customers crossed with the
        measures and the segmentations, one read of the customers (a union all per pair reads
        them six times, and repeats their plan six times on Spark) -#}
    select
        measures.value_measure,
        segmentations.segmentation,
        case segmentations.segmentation
            {%- for segmentation, _ in segmentations %}
            when '{{ segmentation }}' then customers.{{ 'empathy_segment' if segmentation == 'empathy_segment' else 'felt_understood_segment' }}
            {%- endfor %}
        end as segment,
        case measures.value_measure
            when 'historical_cltv' then customers.historical_cltv
            when 'revenue_in_outcome_window' then customers.revenue_in_outcome_window
            when 'reported_cltv' then customers.reported_cltv
        end as value
    from customers
    cross join window_
    cross join (
        select 'historical_cltv' as value_measure
        union all select 'revenue_in_outcome_window'
        union all select 'reported_cltv'
    ) as measures
    cross join (
        {%- for segmentation, _ in segmentations %}
        select '{{ segmentation }}' as segmentation{% if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as segmentations
    where case measures.value_measure
        when 'historical_cltv' then window_.n_orders > 0
        when 'revenue_in_outcome_window' then window_.n_orders > 0 and customers.is_active_at_as_of
        when 'reported_cltv' then customers.reported_cltv is not null
    end
),

by_segment as (
    select
        value_measure,
        segmentation,
        segment,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_customers,
        sum(value) as value_sum,
        sum(value * value) as value_sum_of_squares,
        avg(value) as mean_value,
        percentile_cont(0.5) within group (order by value) as median_value,
        var_samp(value) as value_variance
    from values_
    group by value_measure, segmentation, segment
),

reference as (
    {%- for segmentation, reference_segment in segmentations %}
    select '{{ segmentation }}' as segmentation, '{{ reference_segment }}' as reference_segment
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

compared as (
    select
        a.*,
        reference.reference_segment,
        b.n_customers as reference_n_customers,
        b.mean_value as reference_mean_value,
        b.value_variance as reference_value_variance
    from by_segment as a
    inner join reference on a.segmentation = reference.segmentation
    left join by_segment as b
        on a.value_measure = b.value_measure
        and a.segmentation = b.segmentation
        and b.segment = reference.reference_segment
        and a.segment <> reference.reference_segment
)

select
    compared.value_measure,
    compared.segmentation,
    compared.segment,
    window_.as_of,
    window_.segment_window_start,
    case when compared.value_measure = 'revenue_in_outcome_window' then window_.outcome_window_end
        else window_.observation_end end as value_window_end,
    compared.n_customers,
    compared.value_sum,
    compared.value_sum_of_squares,
    compared.mean_value,
    {{ mean_low('compared.value_sum', 'compared.value_sum_of_squares', 'compared.n_customers', '-1e300', '1e300') }} as mean_value_ci_low,
    {{ mean_high('compared.value_sum', 'compared.value_sum_of_squares', 'compared.n_customers', '-1e300', '1e300') }} as mean_value_ci_high,
    compared.median_value,
    sqrt(compared.value_variance) as value_sd,
    compared.reference_segment,
    compared.reference_n_customers,
    compared.reference_mean_value,
    compared.mean_value - compared.reference_mean_value as difference,
    {{ welch_bound('compared.mean_value', 'compared.value_variance', 'compared.n_customers',
        'compared.reference_mean_value', 'compared.reference_value_variance', 'compared.reference_n_customers', 'low') }}
        as difference_ci_low,
    {{ welch_bound('compared.mean_value', 'compared.value_variance', 'compared.n_customers',
        'compared.reference_mean_value', 'compared.reference_value_variance', 'compared.reference_n_customers', 'high') }}
        as difference_ci_high,
    compared.mean_value / nullif(compared.reference_mean_value, 0) as ratio,
    {{ ratio_bound('compared.mean_value', 'compared.value_variance', 'compared.n_customers',
        'compared.reference_mean_value', 'compared.reference_value_variance', 'compared.reference_n_customers', 'low') }}
        as ratio_ci_low,
    {{ ratio_bound('compared.mean_value', 'compared.value_variance', 'compared.n_customers',
        'compared.reference_mean_value', 'compared.reference_value_variance', 'compared.reference_n_customers', 'high') }}
        as ratio_ci_high,
    compared.n_customers >= {{ var('min_n_reportable') }} as is_reportable
from compared
cross join window_
