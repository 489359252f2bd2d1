"""Great Expectations gates: suites as files in `expectations/`, run on pandas frames.

- `batch.validate_batch(entity, frame)`: the ingestion hook, one export file before loading.
- `marts.validate_marts(con, suites)`: the published marts, as Dagster asset checks.
- `report.write_validation_report(...)`: the human-readable report of a run.
"""
