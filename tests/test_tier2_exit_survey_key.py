"""The exit-survey form has no response id: its business key (customer and timestamp, see
mappings/surveys.yml) must be the same when the form tool re-exports every answer so far
under a new file name, so that staging keeps one row per answer instead of one per export."""

from __future__ import annotations

import os

import duckdb

from orchestration.ingest import ingest_source, load_contract
from orchestration.settings import Settings

HEADER = (
    "Timestamp,Customer number,I felt understood,I felt valued,Main reason for leaving,"
    "Anything else you'd like to tell us?\n"
)
FIRST = [
    "06/11/2025 12:47:50,0049743,Agree,Agree,Product,\n",
    "10/31/2024 19:35:03,0166689,Disagree,Strongly disagree,Moving,Relocating.\n",
]
LATER = "07/02/2025 09:12:00,0049744,Strongly agree,Agree,Price,Cheaper elsewhere.\n"


def test_a_cumulative_re_export_under_a_new_name_keeps_one_key_per_answer(
    isolated_settings: Settings,
) -> None:
    folder = isolated_settings.landing_dir / "surveys"
    folder.mkdir(parents=True)
    first = folder / "exit_survey_form.csv"
    first.write_text(HEADER + "".join(FIRST), encoding="utf-8")
    again = folder / "exit_survey_form (2).csv"
    again.write_text(HEADER + LATER + "".join(FIRST), encoding="utf-8")  # new order, new name
    os.utime(again, (first.stat().st_mtime + 60, first.stat().st_mtime + 60))
    isolated_settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    assert "surveys" in load_contract().sources
    with duckdb.connect(str(isolated_settings.build_db)) as con:
        results = ingest_source(con, isolated_settings, "surveys")
        keys = con.execute(
            "SELECT response_id, count(*) FROM raw.exit_surveys GROUP BY 1 ORDER BY 1"
        ).fetchall()

    assert [r.rows_loaded for r in results if r.entity == "exit_surveys"] == [2, 3]
    assert keys == [
        ("0049743@06/11/2025 12:47:50", 2),
        ("0049744@07/02/2025 09:12:00", 1),
        ("0166689@10/31/2024 19:35:03", 2),
    ]
