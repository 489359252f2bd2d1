"""Issue 17, must show 2: a new user's walkthrough on real exports, scripted end to end.

`empathy init`, copies (never links) of real exports, mappings, `check-mapping`, `make run`
on that workspace; results in the serving file and on the scorecard; the demo untouched.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import REALDATA_DIR

from orchestration.settings import PROJECT_ROOT

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not REALDATA_DIR.is_dir(), reason=f"real exports not found at {REALDATA_DIR}"
    ),
]
EXPORTS = {
    "reviews/womens_clothing_ecommerce_reviews.csv": "clothing_reviews/reviews.yml",
    "crm/telco_customer_churn.csv": "telco_churn/crm.yml",
    "hr/ibm_hr_employee_attrition.csv": "ibm_hr/hr.yml",
}
EMPATHY = str(Path(sys.executable).parent / "empathy")


def _demo_state() -> dict[str, tuple[int, int]]:
    """Size and mtime of every file of the demo's data folder and Dagster home."""
    state = {}
    for folder in (PROJECT_ROOT / "data", PROJECT_ROOT / ".dagster_home"):
        for path in folder.rglob("*") if folder.is_dir() else []:
            if path.is_file():
                stat = path.stat()
                state[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return state


def _env(workspace: Path, tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_") and k != "DAGSTER_HOME"
    }
    env["EMPATHY_WORKSPACE"] = str(workspace)
    env["EMPATHY_KEY_FILE"] = str(tmp_path / "secrets" / "pseudonym.key")
    return env


def test_new_user_walkthrough_on_real_exports(tmp_path: Path) -> None:
    before = _demo_state()
    workspace = tmp_path / "my_business"
    env = _env(workspace, tmp_path)

    init = subprocess.run(
        [EMPATHY, "init", str(workspace)], env=env, capture_output=True, text=True, check=True
    )
    assert "make run EMPATHY_WORKSPACE=" in init.stdout
    assert (workspace / "dagster_home" / "dagster.yaml").is_file()
    for template in (workspace / "mappings").glob("*.yml"):
        template.unlink()  # the user replaces the demo templates with their own mappings
    for export, mapping in EXPORTS.items():
        target = workspace / "landing" / export
        shutil.copyfile(REALDATA_DIR / export, target)  # a copy: links are refused
        shutil.copyfile(
            PROJECT_ROOT / "examples" / "realdata" / mapping,
            workspace / "mappings" / Path(mapping).name,
        )

    check = subprocess.run([EMPATHY, "check-mapping"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "4 file(s) checked, 0 error(s); nothing was loaded." in check.stdout
    assert not (workspace / "warehouse" / "build.duckdb").exists()

    run = subprocess.run(
        ["make", "-s", "run", f"EMPATHY_WORKSPACE={workspace}"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "Ingest summary (this run):" in run.stdout
    assert "reviews/womens_clothing_ecommerce_reviews.csv [reviews] loaded" in run.stdout
    assert " - DEBUG - " not in run.stdout  # Dagster's step events stay out of the summary

    with (REALDATA_DIR / "reviews/womens_clothing_ecommerce_reviews.csv").open(
        encoding="utf-8-sig", newline=""
    ) as handle:
        ratings = [int(row["Rating"]) for row in csv.DictReader(handle)]
    serving = workspace / "serving" / "empathy.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        n_reviews, rating_mean = con.execute(
            "SELECT n_reviews, rating_mean FROM marts.fct_review_signals WHERE grain = 'overall'"
        ).fetchone()
        reply = con.execute(
            "SELECT latest_value, status, status_reason FROM marts.dim_kpis "
            "WHERE kpi = 'review_reply_rate'"
        ).fetchone()
    # The clothing export has no reply column: "not available" with the reason, never 0%.
    assert reply[:2] == (None, "no_data") and "reply_text" in reply[2]
    assert n_reviews == len(ratings) == 23486
    assert rating_mean == pytest.approx(sum(ratings) / len(ratings))
    with duckdb.connect(str(workspace / "warehouse" / "build.duckdb"), read_only=True) as con:
        (contradicting,) = con.execute(
            """
            SELECT count(*) FROM marts.fct_verbatims v
            JOIN intermediate.int_texts_scored t
              ON t.source_entity = v.source_entity AND t.text_hash = v.text_hash
            JOIN staging.stg_reviews__reviews r ON r.review_id = t.source_id
            WHERE v.source_entity = 'reviews'
              AND ((v.polarity = 'positive' AND r.rating <= 2)
                OR (v.polarity = 'negative' AND r.rating >= 4))
            """
        ).fetchone()
    assert contradicting == 0  # no board quote disagrees with its own star rating
    scorecard = (workspace / "reports" / "scorecard" / "scorecard.html").read_text()
    assert "23,486" in scorecard
    assert any((workspace / "dagster_home").rglob("*.db"))  # the workspace's own run history
    assert _demo_state() == before  # the demo's data and run history were not touched
