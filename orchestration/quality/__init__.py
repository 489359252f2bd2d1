"""Great Expectations gates: suites as files in `expectations/`, run on pandas frames.

- `gx_validation.validate_frame(frame, suite)`: one suite on one frame (GX 1.x, counts only).
- `batch.validate_batch(entity, frame)`: the ingestion hook, one export file before loading.
- `marts.validate_marts(con, suites)`: the published marts (the checks in
  `orchestration/defs/quality.py`).
- `validation_report.write_validation_report(...)`: the human-readable report of a run.
"""
