"""Portability of the dbt models: the same models built on Apache Spark and compared with DuckDB.

No Dagster objects here: `empathy spark-check` and the tests call these functions.
"""
