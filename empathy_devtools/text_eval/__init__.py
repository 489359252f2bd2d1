"""`empathy eval-text`: the text scorer measured on labelled data (docs/benchmarks/text_eval.md)."""
