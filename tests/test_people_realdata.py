"""The IBM HR attrition export through the people marts: job satisfaction and work-life balance
(1-4 in the file, rescaled to 1-5 by the example mapping) by department and job role with
suppression, and attrition by well-being band, reconciled to the file (237 of 1,470 left).
Expected figures are computed here from the file with the csv module. Skipped without
../shared/realdata.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict

import duckdb
import pytest
from conftest import REALDATA_DIR
from dbt_kit import run_dbt
from people_attacker import attack, published_cells

from orchestration.ingest import ingest_source
from orchestration.settings import PROJECT_ROOT, Settings

RELATIVE = "hr/ibm_hr_employee_attrition.csv"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (REALDATA_DIR / RELATIVE).is_file(),
        reason=f"real exports not found at {REALDATA_DIR} (see its README)",
    ),
]


def _rescaled(value: float) -> float:
    return 1 + (value - 1) * 4 / 3


@pytest.fixture(scope="module")
def ibm(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, list[dict]]:
    root = tmp_path_factory.mktemp("ibm_hr")
    env = {
        "EMPATHY_LANDING_DIR": str(root / "landing"),
        "EMPATHY_BUILD_DB": str(root / "build.duckdb"),
        "EMPATHY_KEY_FILE": str(root / "pseudonym.key"),
        "EMPATHY_MAPPINGS_DIR": str(PROJECT_ROOT / "examples" / "realdata" / "ibm_hr"),
    }
    target = root / "landing" / RELATIVE
    target.parent.mkdir(parents=True)
    shutil.copyfile(REALDATA_DIR / RELATIVE, target)  # ingestion never follows a link out
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        settings = Settings.from_env()
        with duckdb.connect(str(settings.build_db)) as con:
            ingest_source(con, settings, "hr")
    run_dbt(
        root / "build.duckdb",
        "build",
        "--select",
        "+fct_people_pulse +fct_people_attrition +fct_people_empathy +fct_people_initiatives",
    )
    with (REALDATA_DIR / RELATIVE).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    con = duckdb.connect(str(root / "build.duckdb"), read_only=True)
    yield con, rows
    con.close()


def test_satisfaction_and_work_life_balance_by_department_and_role(ibm) -> None:
    con, rows = ibm
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[("overall", "overall")].append(r)
        groups[("department", r["Department"])].append(r)
        groups[("team", r["JobRole"])].append(r)
    published = {
        (g, v): (n, js, wlb, suppressed)
        for g, v, n, js, wlb, suppressed in con.execute(
            "SELECT grain, grain_value, n_people, job_satisfaction_mean, wellbeing_mean, "
            "is_suppressed FROM marts.fct_people_pulse"
            " WHERE grain IN ('overall', 'department', 'team')"
        ).fetchall()
    }
    assert set(published) == set(groups)
    for key, members in groups.items():
        n, job_satisfaction, work_life, suppressed = published[key]
        assert not suppressed and n == len(members)  # every department and role has >= 5 people
        expected_js = sum(int(r["JobSatisfaction"]) for r in members) / len(members)
        expected_wlb = sum(int(r["WorkLifeBalance"]) for r in members) / len(members)
        assert job_satisfaction == pytest.approx(_rescaled(expected_js))
        assert work_life == pytest.approx(_rescaled(expected_wlb))
    assert published[("team", "Human Resources")][0] == 52


def test_attrition_by_well_being_band_reconciles_to_the_file(ibm) -> None:
    con, rows = ibm
    bands: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        bands["1-low" if int(r["WorkLifeBalance"]) <= 2 else "3-high"].append(
            r
        )  # 2 -> 2.33, 3 -> 3.67
    published = dict(
        ((grain, value), (n, left, share))
        for grain, value, n, left, share in con.execute(
            "SELECT grain, grain_value, n_people, n_left, attrition_share"
            " FROM marts.fct_people_attrition"
        ).fetchall()
    )
    assert published[("overall", "overall")] == (1470, 237, pytest.approx(237 / 1470))
    assert len(rows) == 1470 and sum(r["Attrition"] == "Yes" for r in rows) == 237
    for band, members in bands.items():
        left = sum(r["Attrition"] == "Yes" for r in members)
        assert published[("wellbeing_band", band)] == (
            len(members),
            left,
            pytest.approx(left / len(members)),
        )
    assert (
        sum(n for (grain, _), (n, _, _) in published.items() if grain == "wellbeing_band") == 1470
    )


def test_the_attacker_finds_nothing_in_the_ibm_export(ibm) -> None:
    con, _ = ibm
    assert attack(published_cells(con)) == []
