"""The human-readable validation report, written at every run (latest and one per run)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from orchestration.quality.gx_validation import Outcome
from orchestration.settings import Settings

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def report_dir(settings: Settings) -> Path:
    """Where validation reports live: `latest.html` and `runs/<run id>.html`."""
    return settings.reports_dir / "validation"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_validation_report(
    settings: Settings,
    run_id: str,
    marts: Mapping[str, list[Outcome]],
    batches: list[dict[str, Any]],
) -> Path:
    """Render the report for one run; returns the per-run file (also copied to latest.html)."""
    evaluated = [o for outcomes in marts.values() for o in outcomes]
    html = _TEMPLATES.get_template("validation_report.html.j2").render(
        run_id=run_id,
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        marts=marts,
        batches=batches,
        totals={
            "evaluated": len(evaluated),
            "blocking_failed": sum(not o.passed and o.blocking for o in evaluated),
            "warning_failed": sum(not o.passed and not o.blocking for o in evaluated),
        },
    )
    run_file = report_dir(settings) / "runs" / f"{run_id}.html"
    _write_atomically(run_file, html)
    _write_atomically(report_dir(settings) / "latest.html", html)
    return run_file
