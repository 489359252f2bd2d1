"""Quality gates: suites as files in `expectations/` (Great Expectations 1.x format).

- `gx_validation.validate_frame(frame, suite)`: one suite on one frame (GX 1.x, counts only).
- `sql_validation.compile_suite(suite)` / `evaluate(...)`: a raw suite as one DuckDB query
  over a file's rows, with GX's semantics (no frame of the file).
- `batch.validate_batch(entity, con, relation)`: the ingestion hook, one export file before
  loading.
- `marts.validate_marts(con, suites)`: the published marts (the checks in
  `orchestration/defs/quality.py`).
- `gx_worker.validate_marts_in_worker(build_db, suites)`: the same in a worker process (the
  one `empathy run` started early with `gx_worker.start_worker`, else a new one): GX is never
  imported in a Dagster step's process.
- `validation_report.write_validation_report(...)`: the human-readable report of a run.
"""
