"""The Dagster code location: every asset, check, job, schedule and sensor of the warehouse."""

import dagster as dg

from orchestration.defs import (
    churn_risk,
    clv,
    dbt_models,
    ingest,
    jobs,
    operations,
    publish,
    quality,
    resources,
    scorecard,
    support_need,
    text,
)

defs = dg.Definitions.merge(
    ingest.defs,
    text.defs,
    dbt_models.defs,
    clv.defs,
    churn_risk.defs,
    support_need.defs,
    quality.defs,
    publish.defs,
    scorecard.defs,
    jobs.defs,
    operations.defs,
    resources.defs,
)
