"""Wiring of the publication: `serving_database` after every dbt mart and its blocking checks."""

import dagster as dg

from orchestration.defs import dbt_models, quality
from orchestration.defs.quality import mart_asset_keys
from orchestration.publish.asset import build_serving_asset
from orchestration.publish.gate import blocking_checks_on

_marts = mart_asset_keys()
_checked = [*(dbt_models.defs.assets or []), *(quality.defs.asset_checks or [])]

defs = dg.Definitions(assets=[build_serving_asset(_marts, blocking_checks_on(_marts, _checked))])
