"""Placeholder: replaced by this layer's definitions."""

import dagster as dg

defs = dg.Definitions()
