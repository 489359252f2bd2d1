{#- The sentiment block every text mart publishes: counts, positive and negative shares of the
    texts with an opinion word (Wilson intervals), and net sentiment (adjusted-Wald interval).
    Expects the columns n_with_opinion, n_positive and n_negative. -#}
{% macro sentiment_columns() -%}
    n_with_opinion,
    n_positive,
    n_negative,
    cast(n_positive as double) / nullif(n_with_opinion, 0) as positive_share,
    {{ wilson_low('n_positive', 'n_with_opinion') }} as positive_share_ci_low,
    {{ wilson_high('n_positive', 'n_with_opinion') }} as positive_share_ci_high,
    cast(n_negative as double) / nullif(n_with_opinion, 0) as negative_share,
    {{ wilson_low('n_negative', 'n_with_opinion') }} as negative_share_ci_low,
    {{ wilson_high('n_negative', 'n_with_opinion') }} as negative_share_ci_high,
    cast(n_positive - n_negative as double) / nullif(n_with_opinion, 0) as net_sentiment,
    {{ difference_low('n_positive', 'n_negative', 'n_with_opinion') }} as net_sentiment_ci_low,
    {{ difference_high('n_positive', 'n_negative', 'n_with_opinion') }} as net_sentiment_ci_high
{%- endmacro %}
