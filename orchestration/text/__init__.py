"""Text analytics: sentiment, empathy cues, emotions, topics and staff mentions of every text.

- `textblob_compat`: TextBlob's tokens and scores, reproduced exactly and fast;
- `words`, `lexicon`, `lexicons/*.yml`: the project's versioned lexicons and how texts are read;
- `scorer`: one text in one pass; `masking` and `staff_names`: personal data and staff names;
- `batches`: batches of distinct texts on every core; `enrichment`: the build-database tables.

Its evaluation against labelled data (`empathy eval-text`) is dev tooling:
`empathy_devtools/text_eval/`.
"""
