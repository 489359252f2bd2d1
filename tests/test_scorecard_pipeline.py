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
        # The headline: the latest month as complete as all periods together, else all periods.
        (index_value,) = con.execute(
            """
            with whole as (select * from marts.fct_empathy_index where period = 'overall')
            select coalesce((
                select m.index_value from marts.fct_empathy_index as m, whole
                where m.period <> 'overall' and m.index_value is not null
                    and m.coverage >= whole.coverage - 1e-9
                order by m.period_start desc limit 1
            ), (select index_value from whole))
            """
        ).fetchone()

    cards = kit.headline_cards(page)
    assert set(cards) == {kpi for kpi, *_ in kpis}
    for kpi, unit, value, reason in kpis:
        expected = reason if reason else fmt.number(value, unit)
        assert expected in cards[kpi], (kpi, cards[kpi])
    assert f"{fmt.number(index_value, 'index')} /100" in kit.section_text(page, "index")
    assert f"Publication {version}" in kit.section_text(page, "footer")
