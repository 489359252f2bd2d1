"""The mappings in examples/realdata/ ingest real public exports without code changes.

Expected figures are computed here from the files themselves with Python's csv module, never
typed in. Skipped when ../shared/realdata is absent.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter

import pytest
from conftest import REALDATA_DIR
from ingest_kit import ingest_all, query

from orchestration.ingest import FileResult, Pseudonymizer
from orchestration.settings import PROJECT_ROOT, Settings

EXAMPLES_DIR = PROJECT_ROOT / "examples" / "realdata"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not REALDATA_DIR.is_dir(),
        reason=f"real exports not found at {REALDATA_DIR} (see its README)",
    ),
]


def _ingest(example: str, files: list[str], monkeypatch) -> tuple[Settings, dict[str, FileResult]]:
    """Copy the real files into the landing folder (ingestion never follows a link out of
    it) and ingest them with the example."""
    monkeypatch.setenv("EMPATHY_MAPPINGS_DIR", str(EXAMPLES_DIR / example))
    settings = Settings.from_env()
    for relative in files:
        target = settings.landing_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REALDATA_DIR / relative, target)
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    results = {r.entity: r for r in ingest_all(settings)}
    for result in results.values():
        assert result.status == "loaded", result.message
        assert result.rows_read == result.rows_loaded + result.rows_quarantined
    return settings, results


def _rows(relative: str) -> list[dict[str, str]]:
    with (REALDATA_DIR / relative).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.usefixtures("isolated_settings")
def test_clothing_reviews_unnamed_index_and_blank_texts(monkeypatch):
    relative = "reviews/womens_clothing_ecommerce_reviews.csv"
    settings, results = _ingest("clothing_reviews", [relative], monkeypatch)
    rows = _rows(relative)

    assert results["reviews"].rows_read == len(rows) == results["reviews"].rows_loaded
    assert query(
        settings,
        "SELECT count(*) FILTER (review_text IS NULL), "
        "count(DISTINCT review_id), count(created_at) FROM raw.reviews",
    ) == [(sum(not r["Review Text"].strip() for r in rows), len(rows), 0)]
    assert dict(
        query(settings, "SELECT rating::INT::VARCHAR, count(*) FROM raw.reviews GROUP BY 1")
    ) == Counter(r["Rating"] for r in rows)
    assert {r[0] for r in query(settings, "SELECT review_id FROM raw.reviews")} == {
        r[""] for r in rows
    }


@pytest.mark.usefixtures("isolated_settings")
def test_telco_churn_yes_no_flags_and_blank_numerics(monkeypatch):
    relative = "crm/telco_customer_churn.csv"
    settings, results = _ingest("telco_churn", [relative], monkeypatch)
    rows = _rows(relative)
    blank = sorted(r["customerID"] for r in rows if not r["TotalCharges"].strip())

    assert results["customers"].rows_read == len(rows) == results["customers"].rows_loaded
    assert blank, "the export is known to have blank TotalCharges"
    assert [
        r[0]
        for r in query(
            settings, "SELECT customer_id FROM raw.customers WHERE reported_cltv IS NULL ORDER BY 1"
        )
    ] == blank
    assert query(
        settings,
        "SELECT count(*) FILTER (is_churned), count(*) FILTER (NOT is_churned) FROM raw.customers",
    ) == [(sum(r["Churn"] == "Yes" for r in rows), sum(r["Churn"] == "No" for r in rows))]
    assert query(settings, "SELECT sum(tenure_months) FROM raw.customers") == [
        (sum(int(r["tenure"]) for r in rows),)
    ]


@pytest.mark.usefixtures("isolated_settings")
def test_telco_status_key_with_a_space_feeds_customers_and_csat(monkeypatch):
    relative = "crm/telco_11_status.csv"
    settings, results = _ingest("telco_status", [relative], monkeypatch)
    rows = _rows(relative)

    assert results["customers"].rows_loaded == results["survey_responses"].rows_loaded == len(rows)
    assert dict(
        query(
            settings,
            "SELECT score::INT::VARCHAR, count(*) FROM raw.survey_responses "
            "WHERE survey_type = 'csat' GROUP BY 1",
        )
    ) == Counter(r["Satisfaction Score"] for r in rows)
    assert query(
        settings,
        "SELECT count(*) FROM raw.survey_responses s JOIN raw.customers c USING (customer_id)",
    ) == [(len(rows),)]
    cltv, churned = query(
        settings, "SELECT sum(reported_cltv), count(*) FILTER (is_churned) FROM raw.customers"
    )[0]
    assert cltv == pytest.approx(sum(float(r["CLTV"]) for r in rows))
    assert churned == sum(r["Churn Label"] == "Yes" for r in rows)


@pytest.mark.usefixtures("isolated_settings")
def test_cdnow_orders_keep_leading_zeros_and_get_built_ids(monkeypatch):
    relative = "crm/cdnow_transactions.csv"
    settings, results = _ingest("cdnow", [relative], monkeypatch)
    rows = _rows(relative)

    assert results["orders"].rows_read == len(rows) == results["orders"].rows_loaded
    ids = {r[0] for r in query(settings, "SELECT DISTINCT customer_id FROM raw.orders")}
    assert ids == {r["customer_id"] for r in rows}
    assert any(i.startswith("0") for i in ids)
    assert query(settings, "SELECT count(DISTINCT order_id), min(order_id) FROM raw.orders") == [
        (len(rows), "cdnow_transactions.csv:1")
    ]
    assert query(settings, "SELECT sum(amount) FROM raw.orders")[0][0] == pytest.approx(
        sum(float(r["dollar_value"]) for r in rows)
    )


@pytest.mark.usefixtures("isolated_settings")
def test_ibm_hr_byte_order_mark_rescaled_scales_and_pseudonyms(monkeypatch):
    relative = "hr/ibm_hr_employee_attrition.csv"
    assert (REALDATA_DIR / relative).read_bytes()[:3] == b"\xef\xbb\xbf"
    settings, results = _ingest("ibm_hr", [relative], monkeypatch)
    rows = _rows(relative)

    assert results["employees"].rows_loaded == results["pulse_surveys"].rows_loaded == len(rows)
    assert results["employees"].ignored_columns[0] == "Age"  # the first header, without the BOM
    rescaled = Counter(round(1 + (int(r["JobSatisfaction"]) - 1) * 4 / 3, 6) for r in rows)
    assert (
        dict(
            query(
                settings,
                "SELECT round(job_satisfaction, 6), count(*) FROM raw.pulse_surveys GROUP BY 1",
            )
        )
        == rescaled
    )
    assert query(
        settings,
        "SELECT min(job_satisfaction), max(job_satisfaction), "
        "min(wellbeing), max(wellbeing) FROM raw.pulse_surveys",
    ) == [(1.0, 5.0, 1.0, 5.0)]
    pseudonyms = Pseudonymizer.from_settings(settings)
    expected = {pseudonyms.pseudonymize("employee", r["EmployeeNumber"]) for r in rows}
    for table in ("raw.employees", "raw.pulse_surveys", "restricted.employees_pii"):
        assert {r[0] for r in query(settings, f"SELECT employee_id FROM {table}")} == expected


def test_every_example_mapping_names_files_that_exist():
    for mapping in EXAMPLES_DIR.glob("*/*.yml"):
        text = mapping.read_text(encoding="utf-8")
        named = [line.split('"')[1] for line in text.splitlines() if "files:" in line]
        for pattern in named:
            assert list(REALDATA_DIR.glob(pattern)), f"{mapping}: {pattern} matches no real export"
