"""Per-customer churn risk: a scikit-learn model on dbt-built features, evaluated on a time
split against a recency-only baseline, published only when it beats that baseline."""
