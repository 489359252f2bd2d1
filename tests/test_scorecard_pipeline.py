"""The scorecard that `empathy run` writes on the demo exports agrees with what it published."""

from __future__ import annotations

import duckdb
import pytest
import scorecard_kit as kit

from orchestration.publish.serving import served_version
from orchestration.scorecard import formatting as fmt

pytestmark = pytest.mark.slow


def test_run_writes_the_scorecard_of_what_it_published(demo_pipeline) -> None:
    settings = demo_pipeline.settings
    page_path = settings.reports_dir / "scorecard" / "scorecard.html"
    assert f"Board scorecard: {page_path}" in demo_pipeline.output
    page = page_path.read_text(encoding="utf-8")
    version = served_version(settings)
    assert (page_path.parent / f"scorecard_v{version:04d}.html").read_text(encoding="utf-8") == page

    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        kpis = con.execute(
            "select kpi, unit, latest_value, status_reason from marts.dim_kpis "
            "where tier <> 'empathy_index'"
        ).fetchall()
        # The headline: the reporting month, the one dim_kpis reports too.
        index_value, index_period = con.execute(
            "select index_value, period from marts.fct_empathy_index where is_latest"
        ).fetchone()
        rows = con.execute("select distinct latest_period from marts.dim_kpis").fetchall()
        kpi_periods = {period for (period,) in rows}

    cards = kit.headline_cards(page)
    assert set(cards) == {kpi for kpi, *_ in kpis}
    for kpi, unit, value, reason in kpis:
        expected = reason if reason else fmt.number(value, unit)
        assert expected in cards[kpi], (kpi, cards[kpi])
    index = kit.section_text(page, "index")
    assert f"{fmt.month(index_period)}" in index
    assert kpi_periods <= {index_period, "overall"}, "one definition of the latest period"
    if index_value is None:
        assert "Not available" in index and "below the floor" in index
    else:
        assert f"{fmt.number(index_value, 'index')} /100" in index
    assert f"Publication {version}" in kit.section_text(page, "footer")
