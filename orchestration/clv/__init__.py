"""Predictive customer lifetime value: BG/NBD repeat purchases and Gamma-Gamma spend.

- `rfm`: per-customer summaries (frequency, recency, T, monetary) computed in DuckDB SQL.
- `bgnbd`: BG/NBD maximum likelihood, expected repeat purchases, probability alive.
- `gamma_gamma`: Gamma-Gamma spend model and expected average order value.
- `value`: discounted 12-month value from both models.
- `holdout`: predicted vs actual repeat purchases in a holdout window.
- `clv_run`: the calibration/holdout check, refit on all history, result tables.
- `clv_refresh`: each run refits when due (`orchestration.churn_risk.cadence`), else scores
  with the stored fit's parameters.

Nothing here imports Dagster; `orchestration/defs/clv.py` wires it as an asset.
"""
