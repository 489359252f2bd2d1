"""Publication: the serving file BI tools read, its versions and rollback.

- `serving.publish(settings, publication) -> int` and `serving.rollback(settings, to_version=None)`.
- `gate.decide(blocking_checks, evaluations)`: every blocking check upstream passed in this run.
- `fingerprints`: what each mart held when its checks saw it, and the publication's content.

The `serving_database` asset that uses them is in `orchestration/defs/publish.py`.
"""
