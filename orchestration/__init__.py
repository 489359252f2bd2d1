"""Empathy warehouse: the Dagster code location and the pipeline's Python code."""
