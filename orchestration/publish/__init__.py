"""Publication: the serving file BI tools read, its versions and rollback.

- `serving.publish(settings, publication) -> int` and `serving.rollback(settings, to_version)`.
- `gate.decide(...)`: every blocking check upstream passed in this run.
- `asset.build_serving_asset(mart_keys)`: the `serving_database` Dagster asset.
"""
