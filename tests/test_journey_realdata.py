"""The journey on a real export: CDNOW's purchase history (orders only, no other source).

Every transaction becomes a touchpoint of its customer, every customer who bought twice or
more is `retained`, and the path counts equal those computed here from the file with the csv
module. The build passes without interactions or surveys: the friction mart is empty.
Skipped when ../shared/realdata is absent.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter

import duckdb
import pytest
from conftest import REALDATA_DIR
from dbt_kit import run_dbt
from ingest_kit import ingest_all

from orchestration.settings import PROJECT_ROOT, Settings
from orchestration.text.enrichment import run_enrichment

RELATIVE = "crm/cdnow_transactions.csv"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not REALDATA_DIR.is_dir(),
        reason=f"real exports not found at {REALDATA_DIR} (see its README)",
    ),
]


def _expected_paths() -> tuple[Counter, Counter]:
    """Orders per customer; retained customers per path (the 3 orders before the latest)."""
    with (REALDATA_DIR / RELATIVE).open(encoding="utf-8-sig", newline="") as handle:
        orders = Counter(row["customer_id"] for row in csv.DictReader(handle))
    paths = Counter(" > ".join(["order"] * min(n - 1, 3)) for n in orders.values() if n >= 2)
    return orders, paths


@pytest.mark.usefixtures("isolated_settings")
def test_cdnow_purchase_histories_are_journeys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "EMPATHY_MAPPINGS_DIR", str(PROJECT_ROOT / "examples" / "realdata" / "cdnow")
    )
    settings = Settings.from_env()
    target = settings.landing_dir / RELATIVE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REALDATA_DIR / RELATIVE, target)  # ingestion never follows a link out
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    ingest_all(settings)
    with duckdb.connect(str(settings.build_db)) as con:
        run_enrichment(con)  # no texts: the enrichment tables exist, empty
    run_dbt(
        settings.build_db, "build", "--select", "+fct_journey_paths", "+fct_journey_friction_points"
    )

    orders, paths = _expected_paths()
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        per_customer = dict(
            con.execute(
                "SELECT customer_id, count(*) FROM marts.fct_journey_touchpoints GROUP BY 1"
            ).fetchall()
        )
        published = dict(
            con.execute("SELECT path, n_retained FROM marts.fct_journey_paths").fetchall()
        )
        churned, friction = con.execute(
            "SELECT (SELECT sum(n_churned) FROM marts.fct_journey_paths), "
            "(SELECT count(*) FROM marts.fct_journey_friction_points)"
        ).fetchone()
    assert len(per_customer) == len(orders) == 23_570
    assert per_customer == dict(orders)
    assert published == dict(paths)
    assert churned == 0 and friction == 0
