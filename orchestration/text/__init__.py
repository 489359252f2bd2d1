"""Text analytics: sentiment, empathy cues, emotions, topics and staff mentions of every text.

`textblob_compat` reproduces TextBlob's tokens and scores fast, `lexicon` loads the project's
versioned lexicons, `scorer` scores one text in one pass, `masking` scrubs personal data,
`parallel` spreads batches over all cores, `enrichment` reads and writes the build database
and `evaluate` measures the scorer against real labels.
"""
