"""Enrichment layer: sentiment, empathy cues, emotions, topics and staff mentions of every text.

One multi-asset writes ``enrichment.text_occurrences`` and ``enrichment.text_scores`` (see
docs/architecture.md); dbt reads both as sources. Metadata and logs carry counts and rates only,
never a text.
"""

from collections.abc import Iterator

import dagster as dg
from pydantic import Field

from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
from orchestration.defs.resources import SettingsResource
from orchestration.text.enrichment import (
    EnrichmentStats,
    missing_occurrences,
    present_sources,
    run_enrichment,
    text_sources,
)

GROUP = "text"
OCCURRENCES_KEY = dg.AssetKey(["enrichment", "text_occurrences"])
SCORES_KEY = dg.AssetKey(["enrichment", "text_scores"])
RAW_TEXT_KEYS = sorted({dg.AssetKey(["raw", s.entity]) for s in text_sources()}, key=str)


class TextAnalyticsConfig(dg.Config):
    """Run options of the text-analytics asset."""

    rescore_on_new_lexicon: bool = Field(
        default=True,
        description=(
            "When the lexicon version changed, rescore every distinct text under the new version "
            "(the run's metadata says how many and why). False postpones it: only texts never "
            "scored are scored, and `rescore_postponed` counts the rest."
        ),
    )
    workers: int = Field(
        default=0, description="Scoring processes, at most one per core; 0 uses every core."
    )


def _metadata(stats: EnrichmentStats) -> dict[str, object]:
    return {
        "lexicon_version": stats.lexicon_version,
        "texts_seen": stats.occurrences,
        "occurrences_added": stats.occurrences_added,
        "occurrences_removed": stats.occurrences_removed,
        "occurrences_rebuilt": dg.MetadataValue.md(
            "\n".join(f"- {r}" for r in stats.occurrences_rebuilt) or "none"
        ),
        "distinct_texts": stats.distinct_texts,
        "new_texts_scored": stats.new_texts_scored,
        "rescored": stats.rescored,
        "rescore_reason": stats.rescore_reason,
        "rescore_postponed": stats.rescore_postponed,
        "coverage_share_with_opinion": dg.MetadataValue.float(stats.coverage or 0.0),
        "texts_per_second": dg.MetadataValue.float(stats.texts_per_second or 0.0),
        "workers": stats.workers,
        "seconds": round(stats.seconds, 2),
        "sources_not_available": dg.MetadataValue.md(
            "\n".join(f"- {s}: no raw table or column" for s in stats.sources_missing) or "none"
        ),
    }


@dg.multi_asset(
    name="text_analytics",
    specs=[
        dg.AssetSpec(
            OCCURRENCES_KEY,
            deps=RAW_TEXT_KEYS,
            group_name=GROUP,
            kinds={"duckdb", "python"},
            description="One row per text field of every raw row, keyed by the text's hash.",
        ),
        dg.AssetSpec(
            SCORES_KEY,
            deps=[OCCURRENCES_KEY],
            group_name=GROUP,
            kinds={"duckdb", "python"},
            description=(
                "Scores of each distinct normalized text per lexicon version: TextBlob, the "
                "project's sentiment, empathy cues, emotions, topics, staff mentions, masked text."
            ),
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "every_text_has_an_occurrence",
            asset=OCCURRENCES_KEY,
            description=(
                "Every non-empty text of every raw text column has an occurrence row: the run's "
                "new rows row by row, older rows by counts against the recorded files."
            ),
        ),
        dg.AssetCheckSpec(
            "every_text_is_scored",
            asset=SCORES_KEY,
            description="Every distinct text has a score under the current lexicon version.",
        ),
    ],
    pool=WRITER_POOL,
    retry_policy=TRANSIENT_RETRY,
)
def text_analytics(
    context: dg.AssetExecutionContext, config: TextAnalyticsConfig, settings: SettingsResource
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Score new texts (and all texts after a lexicon version change) on every core."""
    settings = settings.get()
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with only_transient_retried(), settings.connect_build() as con:
        stats = run_enrichment(
            con,
            rescore_on_new_version=config.rescore_on_new_lexicon,
            workers=config.workers or None,
        )
        # The run's new rows row by row, the history by counts (see missing_occurrences).
        missing = missing_occurrences(con, present_sources(con)[0], stats.checked_after)
    context.log.info(
        f"lexicon {stats.lexicon_version}: {stats.occurrences_added} new occurrences, "
        f"{stats.new_texts_scored} new texts and {stats.rescored} rescored "
        f"({stats.rescore_reason}) in {stats.seconds:.1f}s on {stats.workers} worker(s)"
    )
    if stats.sources_missing:
        context.log.warning(f"text sources not available: {', '.join(stats.sources_missing)}")
    metadata = _metadata(stats)
    yield dg.MaterializeResult(
        asset_key=OCCURRENCES_KEY, metadata={**metadata, "dagster/row_count": stats.occurrences}
    )
    yield dg.MaterializeResult(asset_key=SCORES_KEY, metadata=metadata)
    yield dg.AssetCheckResult(
        asset_key=OCCURRENCES_KEY,
        check_name="every_text_has_an_occurrence",
        passed=missing == 0,
        metadata={"texts_without_occurrence": missing},
    )
    yield dg.AssetCheckResult(
        asset_key=SCORES_KEY,
        check_name="every_text_is_scored",
        passed=stats.rescore_postponed == 0,
        severity=(
            dg.AssetCheckSeverity.ERROR
            if config.rescore_on_new_lexicon
            else dg.AssetCheckSeverity.WARN
        ),
        metadata={"texts_without_current_score": stats.rescore_postponed},
    )


defs = dg.Definitions(assets=[text_analytics])
