"""Quality gates: suites as files in `expectations/` (Great Expectations 1.x format).

- `gx_validation.validate_frame(frame, suite)`: one suite on one frame (GX 1.x, counts only).
- `sql_validation.compile_suite(suite)` / `evaluate(...)`: a raw suite as one DuckDB query
  over a file's rows, with GX's semantics (no frame of the file).
- `batch.validate_batch(entity, con, relation)`: the ingestion hook, one export file before
  loading.
- `marts.validate_marts(con, suites)`: the published marts (the checks in
  `orchestration/defs/quality.py`).
- `preloaded.validate_marts_preloaded(build_db, suites)`: the same in the worker `empathy run`
  started with GX imported (`preloaded.start_preloading`), else in this process.
- `validation_report.write_validation_report(...)`: the human-readable report of a run.
"""
