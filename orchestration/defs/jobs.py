"""Jobs shared by schedules and sensors."""

import dagster as dg

WRITER_POOL = "duckdb_writer"
# Every run of the pipeline carries this tag; `orchestration/dagster.yaml` queues runs with it
# one at a time, so two runs never interleave their writes (the pool serialises steps only).
WRITER_RUN_TAG = "empathy/writes"

empathy_pipeline = dg.define_asset_job(
    name="empathy_pipeline",
    selection=dg.AssetSelection.all(),
    description="Ingest new exports, enrich texts, build and gate the marts, publish, report.",
    tags={WRITER_RUN_TAG: "warehouse"},
)

defs = dg.Definitions(jobs=[empathy_pipeline])
