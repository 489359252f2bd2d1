"""Jobs shared by schedules and sensors."""

import dagster as dg

from orchestration.runlock import WRITER_RUN_TAG

# Every asset and check that opens the build database (even read-only: a reader blocks DuckDB's
# writer) runs in this pool; the instance (`orchestration/dagster.yaml`) limits it to 1.
WRITER_POOL = "duckdb_writer"

empathy_pipeline = dg.define_asset_job(
    name="empathy_pipeline",
    selection=dg.AssetSelection.all(),
    description="Ingest new exports, enrich texts, build and gate the marts, publish, report.",
    tags={WRITER_RUN_TAG: "warehouse"},
)

defs = dg.Definitions(jobs=[empathy_pipeline])
