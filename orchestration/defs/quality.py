"""Wiring of the quality gates: GX checks on the dbt marts and on the raw entities.

The checks themselves are built in `orchestration.quality.checks`; this module finds the mart
assets (the dbt models materialized in schema `marts`, and the marts Python assets write) and
the raw entities with a suite.
"""

import dagster as dg

from orchestration.quality.checks import build_mart_checks, build_raw_batch_checks
from orchestration.quality.suites import load_suites
from orchestration.settings import MARTS_SCHEMA


def mart_asset_keys() -> list[dg.AssetKey]:
    """Keys of every table of the `marts` schema: the dbt models materialized there (from
    dagster-dbt metadata) and the Python-built marts (`clv_predictions`, `churn_risk`,
    `support_need`)."""
    from orchestration.defs import churn_risk, clv_predictions, dbt_models, support_need

    keys = list(clv_predictions.MART_KEYS) + list(churn_risk.MART_KEYS)
    keys += list(support_need.MART_KEYS)
    for assets_def in dbt_models.defs.assets or []:
        for spec in assets_def.specs:
            table = str(spec.metadata.get("dagster/table_name", ""))
            if table.split(".")[-2:-1] == [MARTS_SCHEMA]:
                keys.append(spec.key)
    return sorted(keys, key=lambda key: key.to_user_string())


def _nonempty(*checks: dg.AssetChecksDefinition) -> list[dg.AssetChecksDefinition]:
    return [c for c in checks if any(True for _ in c.check_specs)]


defs = dg.Definitions(
    asset_checks=_nonempty(
        build_mart_checks(mart_asset_keys()), build_raw_batch_checks(load_suites("raw"))
    )
)
