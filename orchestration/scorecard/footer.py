"""The footer: which publication this is, how fresh its data is, which checks passed, and
the pipeline runs that failed recently."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.failed_runs import read_failed_runs
from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile
from orchestration.settings import Settings

# Marts whose dates say how recent the published data is.
_DATED = {
    "fct_csat": "select max(period_start) from {fct_csat} where grain = 'day'",
    "fct_nps": "select max(period_start) from {fct_nps} where grain = 'day'",
    "fct_ces": "select max(period_start) from {fct_ces} where grain = 'day'",
    "fct_verbatims": "select max(text_date) from {fct_verbatims}",
}


@dataclass(frozen=True)
class FailedRun:
    """A failed pipeline run: when, and each failed step with its error class (no values)."""

    when: str
    steps: str


@dataclass(frozen=True)
class PublicationFacts:
    """The publication log's entry for the publication shown."""

    version: int
    published_at: str
    source_files: int
    checks_passed: int
    checks_by_layer: tuple[tuple[str, int], ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Footer:
    """The page's last lines; `publication` is None when the file has no publication log."""

    publication: PublicationFacts | None
    data_until: str
    failed_runs: tuple[FailedRun, ...]


def _data_until(serving: ServingFile) -> str:
    dated = [sql for table, sql in _DATED.items() if serving.has(table)]
    if not dated:
        return "–"
    latest = serving.query(
        "select max(latest) from (" + " union all ".join(f"({q}) " for q in dated) + ") t(latest)"
    )
    return fmt.day(latest.iloc[0, 0])


def _checks_by_layer(serving: ServingFile, version: int) -> tuple[tuple[str, int], ...]:
    """Passed checks counted by the first part of their asset key (`raw`, `marts`, ...)."""
    rows = serving.query(
        """
        select split_part(split_part(check_name, ':', 1), '/', 1) as layer, count(*) as checks
        from (select unnest(checks_passed) as check_name from {publication_log} where version = ?)
        group by layer
        order by checks desc, layer
        """,
        [version],
    )
    return tuple((str(r.layer), int(r.checks)) for r in rows.itertuples())


def _failed_runs(settings: Settings, limit: int) -> tuple[FailedRun, ...]:
    return tuple(
        FailedRun(
            when=run["failed_at"][:16].replace("T", " ") + " UTC",
            steps="; ".join(
                f"{step['step']}: {step['error_class'] or 'error'}" for step in run["steps"]
            )
            or "the run failed before any step",
        )
        for run in read_failed_runs(settings, limit=limit)
    )


def _publication(serving: ServingFile) -> PublicationFacts | None:
    if serving.missing("publication_log"):
        return None
    latest = serving.query("select * from {publication_log} order by version desc limit 1")
    if latest.empty:
        return None
    row = latest.iloc[0]
    return PublicationFacts(
        version=int(row["version"]),
        published_at=f"{row['published_at']:%d %b %Y %H:%M} UTC",
        source_files=int(row["source_files"]),
        checks_passed=len(row["checks_passed"]),
        checks_by_layer=_checks_by_layer(serving, int(row["version"])),
        warnings=tuple(sorted(row["checks_failed"])),
    )


def footer(serving: ServingFile, settings: Settings, failed_runs: int = 5) -> Footer:
    """The latest publication's log entry, data freshness and recent failed runs."""
    return Footer(
        publication=_publication(serving),
        data_until=_data_until(serving),
        failed_runs=_failed_runs(settings, failed_runs),
    )
