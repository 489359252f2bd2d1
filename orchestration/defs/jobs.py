"""Jobs shared by schedules and sensors."""

import dagster as dg

WRITER_POOL = "duckdb_writer"

empathy_pipeline = dg.define_asset_job(
    name="empathy_pipeline",
    selection=dg.AssetSelection.all(),
    description="Ingest new exports, enrich texts, build and gate the marts, publish, report.",
)

defs = dg.Definitions(jobs=[empathy_pipeline])
