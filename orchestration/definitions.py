"""The Dagster code location: every asset, check, job, schedule and sensor of the warehouse."""

import dagster as dg

from orchestration.defs import (
    churn_risk,
    clv_predictions,
    dbt_models,
    ingestion,
    jobs,
    operations,
    publication,
    quality,
    reporting,
    support_need,
    text_analytics,
)

defs = dg.Definitions.merge(
    ingestion.defs,
    text_analytics.defs,
    dbt_models.defs,
    clv_predictions.defs,
    churn_risk.defs,
    support_need.defs,
    quality.defs,
    publication.defs,
    reporting.defs,
    jobs.defs,
    operations.defs,
)
