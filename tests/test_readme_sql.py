"""Every ```sql block of the README runs on the DuckDB the project installs (issue 17)."""

from __future__ import annotations

import re

import duckdb
from ingest_kit import EXPORTS, ingest_all, with_mappings, write_export

from orchestration.settings import PROJECT_ROOT


def _statements() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has no ```sql block"
    statements = []
    for block in blocks:
        body = "\n".join(line for line in block.splitlines() if not line.startswith("--"))
        statements += [s.strip() for s in body.split(";") if s.strip()]
    return statements


def test_every_readme_sql_statement_runs_on_a_build_database(
    isolated_settings, tmp_path, monkeypatch
):
    settings = with_mappings(tmp_path, monkeypatch)
    for path, content in EXPORTS.items():
        write_export(settings, path, content)
    write_export(
        settings,
        "reviews/bad.csv",
        "Review ID,Source,Stars,Review,Date,Author\nx1,Google,9,text,03/01/2024,A\n",
    )
    ingest_all(settings)
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        for statement in _statements():
            rows = con.execute(statement).fetchall()
            assert rows, statement
