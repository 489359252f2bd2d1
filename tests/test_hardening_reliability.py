"""The figures of docs/reliability.md: every kind of bad input at once loses no row, and an
ingest killed in the middle of a file leaves nothing half-loaded and is loaded once later."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_kit import EXPORTS, ingest_all, query, with_mappings, write_export
from quality_kit import kill_when

from orchestration.ingest import reader as reader_module
from orchestration.runlock import pipeline_run_lock

H = "id;type;score;customer;answered;comment\n"


def _rows(n: int, prefix: str, end: str = "\n") -> str:
    return "".join(f"{prefix}{i};csat;4;1;2024-03-0{i % 9 + 1};ok{end}" for i in range(n))


# name -> (relative path, bytes, data rows in the file, expected ledger status)
CORPUS: dict[str, tuple[str, bytes, int, str]] = {
    "good file": ("surveys/responses_good.csv", (H + _rows(3, "g")).encode(), 3, "loaded"),
    "CR-only line endings": (
        "surveys/responses_cr.csv",
        (H + _rows(3, "cr")).replace("\n", "\r").encode(),
        3,
        "loaded",
    ),
    "CRLF line endings": (
        "surveys/responses_crlf.csv",
        (H + _rows(3, "crlf")).replace("\n", "\r\n").encode(),
        3,
        "loaded",
    ),
    "mixed CRLF/LF/CR line endings": (
        "surveys/responses_mixed.csv",
        (
            H.replace("\n", "\r\n") + _rows(2, "m1", "\r\n") + _rows(2, "m2") + _rows(2, "m3", "\r")
        ).encode(),
        6,
        "loaded",
    ),
    "UTF-8 byte-order mark": (
        "surveys/responses_bom.csv",
        ("\ufeff" + H + _rows(2, "bom")).encode(),
        2,
        "loaded",
    ),
    "NUL byte after a closing quote": (
        "surveys/responses_nulq.csv",
        (H + 'n1;csat;5;1;2024-03-01;"ok"\0\n' + _rows(2, "nq")).encode(),
        3,
        "loaded",
    ),
    "NUL byte inside a value": (
        "surveys/responses_nulv.csv",
        (H + 'v1;csat;5;1;2024-03-01;"o\0k"\n' + _rows(2, "nv")).encode(),
        3,
        "loaded",
    ),
    "field over 2 MB (DuckDB's default line limit)": (
        "surveys/responses_long.csv",
        (H + "l1;csat;5;1;2024-03-01;" + "x" * (3 << 20) + "\n" + _rows(1, "lg")).encode(),
        2,
        "loaded",
    ),
    "field over the documented limit": (
        "surveys/responses_huge.csv",
        (H + "h1;csat;5;1;2024-03-01;" + "y" * (5 << 20) + "\n" + _rows(1, "hg")).encode(),
        2,
        "loaded",
    ),
    "row with too many fields": (
        "surveys/responses_fields.csv",
        (H + "f1;csat;5;1;2024-03-01;a;extra\n" + _rows(2, "fg")).encode(),
        3,
        "loaded",
    ),
    "values of the wrong type": (
        "surveys/responses_types.csv",
        (H + "t1;nps;five;1;yesterday;\n" + _rows(1, "tg")).encode(),
        2,
        "loaded",
    ),
    "header only": ("surveys/responses_empty_body.csv", H.encode(), 0, "loaded"),
    "hostile file name": (
        "surveys/responses_';DROP TABLE raw.reviews;--<script>.csv",
        (H + _rows(1, "hn")).encode(),
        1,
        "loaded",
    ),
    "zero-byte file": ("surveys/responses_zero.csv", b"", 0, "rejected"),
    "file cut off mid-row": (
        "surveys/responses_cut.csv",
        (H + _rows(2, "c") + "c9;cs").encode(),
        3,
        "rejected",
    ),
    "wrong encoding (latin-1 in a UTF-8 mapping)": (
        "surveys/responses_latin1.csv",
        (H + "e1;csat;5;1;2024-03-01;café\n").encode("latin-1"),
        1,
        "rejected",
    ),
    "required column missing": ("surveys/responses_nocol.csv", b"id;type\nx;csat\n", 1, "rejected"),
    "unreadable file": (
        "surveys/responses_locked.csv",
        (H + _rows(2, "u")).encode(),
        2,
        "rejected",
    ),
    "symbolic link outside the landing folder": (
        "surveys/responses_passwd.csv",
        b"",
        0,
        "rejected",
    ),
    "dangling symbolic link": ("surveys/responses_dangling.csv", b"", 0, "rejected"),
    "JSON lines: nested object for a scalar column": (
        "crm/tickets_nested.jsonl",
        (
            b'{"ticket_id": "j1", "customer": "1", "channel": "chat", "agent": {"id": "A1"}, '
            b'"opened": "2024-03-01T09:00:00"}\n'
            b'{"ticket_id": "j2", "customer": "1", "channel": "chat", "agent": "A2", '
            b'"opened": "2024-03-01T09:00:00"}\n'
        ),
        2,
        "loaded",
    ),
    "JSON lines: a line that is not an object": (
        "crm/tickets_array.jsonl",
        (
            b'[1, 2]\n{"ticket_id": "j3", "customer": "1", "channel": "chat", '
            b'"opened": "2024-03-01T09:00:00"}\n'
        ),
        2,
        "loaded",
    ),
    "JSON lines: file cut off": (
        "crm/tickets_cut.jsonl",
        (EXPORTS["crm/tickets.jsonl"] + '{"ticket_id": "t3", "chan').encode(),
        3,
        "rejected",
    ),
}


def _write_corpus(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("root:x:0:0:SECRET-FIRST-LINE\n")
    for name, (relative, content, _, _) in CORPUS.items():
        if name == "symbolic link outside the landing folder":
            (settings.landing_dir / relative).symlink_to(outside)
        elif name == "dangling symbolic link":
            (settings.landing_dir / relative).symlink_to(tmp_path / "gone.csv")
        else:
            path = write_export(settings, relative, content)
            if name == "unreadable file":
                real_open = Path.open

                def refuse(self, *args, _locked=path, real_open=real_open, **kwargs):
                    if self == _locked:
                        raise PermissionError(13, "Permission denied", str(self))
                    return real_open(self, *args, **kwargs)

                path.chmod(0)
                monkeypatch.setattr(Path, "open", refuse)


def test_every_kind_of_bad_input_at_once_loses_no_row(isolated_settings, tmp_path, monkeypatch):
    settings = with_mappings(tmp_path, monkeypatch)
    (settings.landing_dir / "surveys").mkdir(parents=True)
    monkeypatch.setattr(reader_module, "MAX_LINE_BYTES", 4 << 20)  # the limit, made small
    _write_corpus(settings, tmp_path, monkeypatch)

    ingest_all(settings)

    ledger = {
        path: (status, read, loaded, quarantined, message)
        for path, status, read, loaded, quarantined, message in query(
            settings,
            "SELECT file_path, status, rows_read, rows_loaded, rows_quarantined, "
            "message FROM ingest.ledger",
        )
    }
    accounted = 0
    for name, (relative, _, rows, status) in CORPUS.items():
        assert relative in ledger, name
        got, read, loaded, quarantined, message = ledger[relative]
        assert got == status, (name, message)
        assert read == loaded + quarantined
        if status == "loaded":
            assert read == rows, name  # every row loaded or quarantined with its reason
        else:
            assert relative.split("/")[-1] in message, name  # names the file; still in landing
            assert (settings.landing_dir / relative).is_symlink() or (
                settings.landing_dir / relative
            ).exists()
        accounted += read if status == "loaded" else rows
    assert accounted == sum(rows for _, _, rows, _ in CORPUS.values())  # rows lost: 0
    assert "SECRET" not in json.dumps(list(ledger.values()))
    reasons = " ".join(
        r
        for (rs,) in query(settings, "SELECT reasons FROM restricted.quarantined_rows")
        for r in rs
    )
    for expected in (
        "NUL bytes",
        "longer than the 4 MiB limit",
        "nested JSON",
        "different number of fields",
        "not a JSON object",
    ):
        assert expected in reasons
    print(f"\n{len(CORPUS)} kinds of bad input, {accounted} rows, 0 lost")


_KILLED_INGEST = """
import sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from ingest_kit import ingest_all
from orchestration.ingest import loader, reader
from orchestration.runlock import pipeline_run_lock
from orchestration.settings import Settings

def wait_to_be_killed():
    Path({marker!r}).touch()
    time.sleep(3600)

store, stage = loader._store, reader._stage_csv
def store_then_wait(con, *args):
    store(con, *args)
    wait_to_be_killed()  # raw rows inserted, the file's transaction still open
def wait_then_stage(*args):
    wait_to_be_killed()  # reading the file through its normalised copy
if {phase!r} == "store":
    loader._store = store_then_wait
else:
    reader._stage_csv = wait_then_stage
with pipeline_run_lock(Settings.from_env()):
    ingest_all(Settings.from_env())
"""


@pytest.mark.parametrize("phase", ["stage", "store"])
def test_ingest_killed_mid_file_leaves_nothing_half_loaded_and_loads_it_once(
    isolated_settings, tmp_path, monkeypatch, phase
):
    settings = with_mappings(tmp_path, monkeypatch)
    mixed = (H.replace("\n", "\r\n") + _rows(2, "k1", "\r\n") + _rows(3, "k2")).encode()
    write_export(settings, "surveys/responses_mixed.csv", mixed)  # read through a scratch copy
    marker = tmp_path / "inside-the-transaction"
    code = _KILLED_INGEST.format(tests=str(Path(__file__).parent), marker=str(marker), phase=phase)
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=dict(os.environ), start_new_session=True
    )
    kill_when(marker, process, timeout=300)

    assert query(settings, "SELECT count(*) FROM raw.survey_responses") == [(0,)]
    assert query(settings, "SELECT count(*) FROM ingest.ledger WHERE status = 'loaded'") == [(0,)]
    scratch = settings.build_db.parent / ".ingest-scratch"
    assert len(list(scratch.iterdir())) == (phase == "stage")  # the normalised copy
    with pipeline_run_lock(settings, wait_seconds=5):  # released by the kernel at the kill
        ingest_all(settings)
        ingest_all(settings)
    assert query(
        settings, "SELECT count(*), count(DISTINCT response_id) FROM raw.survey_responses"
    ) == [(5, 5)]
    assert not list(scratch.iterdir())  # the leftover copy was cleared
    assert query(settings, "SELECT count(*) FROM ingest.ledger WHERE status = 'loaded'") == [(1,)]
