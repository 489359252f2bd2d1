"""Read one export file, every value as text, into a temporary table, or reject it whole.

The result is the temp table `_ingest_export` (`_row_number`, `_file_name`, then one VARCHAR
column per export column) and `_ingest_malformed` (rows that could not be split into the
header's fields: quarantined individually). A zero-byte file, a wrong encoding, and a file cut
off mid-row raise :class:`FileRejected` with a message naming the file, the problem and the fix.
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest.landing_files import readable_copy
from orchestration.ingest.ledger import FileFingerprint
from orchestration.ingest.mapping import EntityMapping
from orchestration.ingest.results import FileRejected
from orchestration.ingest.sql_text import quote_identifier, redact, sql_literal

EXPORT_TABLE = "_ingest_export"
MALFORMED_TABLE = "_ingest_malformed"
_PARSED = "_ingest_parsed"
_REJECTS = "_ingest_rejects"
_REJECT_SCANS = "_ingest_reject_scans"
_HEADER_BYTES = 1 << 20
# Longest CSV row read (DuckDB's `max_line_size`; its default is 2 MB). Longer rows are
# quarantined with a reason saying so.
MAX_LINE_BYTES = 32 << 20
_NUL_REASON = (
    "row contains NUL bytes (\\0), which a text export never has: the file is damaged "
    "here; export it again or remove the NUL characters"
)


@dataclass(frozen=True)
class StagedExport:
    """The export's column names (header names, or JSON keys) and its malformed-row count."""

    columns: tuple[str, ...]
    malformed: int


def _encoding_fix(label: str, mapping: EntityMapping, where: str) -> FileRejected:
    return FileRejected(
        f"{label}: the file is not valid {mapping.encoding} (first bad character in {where}). "
        f"Set `encoding: latin-1` (or the encoding the export really uses) for `{mapping.entity}` "
        f"in {mapping.mapping_file}; the file is retried on the next run."
    )


def _header(path: Path, label: str, mapping: EntityMapping) -> tuple[str, ...]:
    """Header names, trimmed; an empty name becomes `column<position>`, a repeat gets `_2`."""
    with path.open("rb") as handle:
        head = handle.read(_HEADER_BYTES)
    try:
        text = codecs.getincrementaldecoder(mapping.python_codec)().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise _encoding_fix(label, mapping, "the header") from exc
    escape = mapping.escape if mapping.escape not in (None, mapping.quote) else None
    # Universal newlines: the header row may end in LF, CRLF or a lone CR.
    reader = csv.reader(
        io.StringIO(text, newline=None),
        delimiter=mapping.delimiter,
        quotechar=mapping.quote,
        escapechar=escape,
        doublequote=escape is None,
    )
    raw = next(reader, [])
    if not any(name.strip() for name in raw):
        raise FileRejected(
            f"{label}: the file has no header row. Export it again with column "
            "names in the first row."
        )
    names: list[str] = []
    for position, name in enumerate(raw, start=1):
        name = name.strip() or f"column{position}"
        candidate, n = name, 1
        while candidate in names:
            n += 1
            candidate = f"{name}_{n}"
        names.append(candidate)
    return tuple(names)


_DELIMITERS = {",": '","', ";": '";"', "\t": '"\\t" (tab)', "|": '"|"'}


def _reject_one_column(path: Path, label: str, mapping: EntityMapping, name: str) -> None:
    """Reject a CSV whose header splits into one column when another delimiter splits it."""
    with path.open("rb") as handle:
        head = handle.read(_HEADER_BYTES)
    text = codecs.getincrementaldecoder(mapping.python_codec)().decode(head, final=False)
    line = next(iter(io.StringIO(text, newline=None)), "")
    counts = {
        d: len(next(csv.reader([line], delimiter=d, quotechar=mapping.quote), []))
        for d in _DELIMITERS
        if d != mapping.delimiter
    }
    best = max(counts, key=lambda d: counts[d]) if counts else None
    if best is None or counts[best] < 2:
        return
    shown = name if len(name) <= 60 else name[:57] + "..."
    current = _DELIMITERS.get(mapping.delimiter, repr(mapping.delimiter))
    raise FileRejected(
        f'{label}: with delimiter {current} the file parses to ONE column ("{shown}"); with '
        f"delimiter {_DELIMITERS[best]} its header has {counts[best]} columns. Set `delimiter: "
        f"{_DELIMITERS[best].split(' ')[0]}` for `{mapping.entity}` in {mapping.mapping_file}; "
        "the file is retried on the next run."
    )


def _number_rows(con: duckdb.DuckDBPyConnection, label: str, bad_rows: str) -> None:
    """Create EXPORT_TABLE from _PARSED, giving each row its 1-based data-row number in the file.

    `bad_rows` selects the data-row numbers (column `n`) of rows the reader could not parse.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {EXPORT_TABLE} AS
        WITH bad AS ({bad_rows}),
        good_numbers AS (
            SELECT n, row_number() OVER (ORDER BY n) AS _ordinal
            FROM range(1, (SELECT count(*) FROM {_PARSED}) + (SELECT count(*) FROM bad) + 1) r(n)
            WHERE n NOT IN (SELECT n FROM bad)
        )
        SELECT g.n AS _row_number, {sql_literal(Path(label).name)} AS _file_name,
               p.* EXCLUDE (_ordinal)
        FROM {_PARSED} p JOIN good_numbers g USING (_ordinal)
        ORDER BY _row_number
    """)


def _stage_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    label: str,
    mapping: EntityMapping,
    fingerprint: FileFingerprint,
    keep_raw_lines: bool,
) -> StagedExport:
    names = _header(path, label, mapping)
    if len(names) == 1:
        _reject_one_column(path, label, mapping, names[0])
    columns = "{" + ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in names) + "}"
    escape = mapping.escape or mapping.quote
    for table in (_REJECTS, _REJECT_SCANS):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {_PARSED} AS
        SELECT row_number() OVER () AS _ordinal, *
        FROM read_csv({sql_literal(str(path))}, header = true, auto_detect = false,
                      columns = {columns}, delim = {sql_literal(mapping.delimiter)},
                      quote = {sql_literal(mapping.quote)}, escape = {sql_literal(escape)},
                      encoding = {sql_literal(mapping.duckdb_encoding)},
                      max_line_size = {MAX_LINE_BYTES}, store_rejects = true,
                      rejects_table = '{_REJECTS}', rejects_scan = '{_REJECT_SCANS}')
    """)
    # DuckDB's reject `line` counts records (the header is 1), so data row = line - 1.
    bad_encoding, unclosed, bad_rows, last_bad = con.execute(f"""
        SELECT min(line) FILTER (error_type = 'INVALID ENCODING') - 1,
               min(line) FILTER (error_type = 'UNQUOTED VALUE'
                                 AND NOT contains(csv_line, chr(0))) - 1,
               count(DISTINCT line), max(line) - 1
        FROM {_REJECTS}""").fetchone()
    if bad_encoding:
        raise _encoding_fix(label, mapping, f"data row {bad_encoding}")
    if unclosed:
        raise FileRejected(
            f"{label}: a quote opened in data row {unclosed} is never closed, so the file looks "
            f"cut off. Export it again and replace the file; if the export does not quote values "
            f"with {mapping.quote}, set `quote:` in {mapping.mapping_file}."
        )
    last_row = con.execute(f"SELECT count(*) FROM {_PARSED}").fetchone()[0] + bad_rows
    if bad_rows and last_bad == last_row and not fingerprint.ends_with_newline:
        raise FileRejected(
            f"{label}: the file is cut off: its last row (data row {last_row}) is incomplete. "
            "Export it again and replace the file; nothing from it was loaded."
        )
    original = "to_json({'raw_line': csv_line})" if keep_raw_lines else "NULL::JSON"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {MALFORMED_TABLE} AS
        SELECT line - 1 AS _row_number,
               CASE WHEN contains(csv_line, chr(0)) THEN {sql_literal(_NUL_REASON)}
                    WHEN too_long THEN {sql_literal(_too_long_reason())}
                    ELSE 'row has a different number of fields than the header ({len(names)}): '
                         || 'check the delimiter and quoting of this row' END AS reason,
               CASE WHEN too_long THEN NULL ELSE {original} END AS original_values
        FROM (SELECT line, any_value(csv_line) AS csv_line,
                     bool_or(error_type = 'LINE SIZE OVER MAXIMUM') AS too_long
              FROM {_REJECTS} GROUP BY line)
    """)
    _number_rows(con, label, f"SELECT _row_number AS n FROM {MALFORMED_TABLE}")
    return StagedExport(names, bad_rows + _quarantine_nul_rows(con, names))


def _too_long_reason() -> str:
    return (
        f"row is longer than the {MAX_LINE_BYTES >> 20} MiB limit for one row: shorten the "
        "long text in the export (or split the file); see docs/reliability.md"
    )


def _quarantine_nul_rows(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...]) -> int:
    """Move staged rows with a NUL byte in any value to MALFORMED_TABLE; how many moved."""
    if not columns:
        return 0
    has_nul = " OR ".join(f"contains({quote_identifier(c)}, chr(0))" for c in columns)
    con.execute(f"""
        INSERT INTO {MALFORMED_TABLE}
        SELECT _row_number, {sql_literal(_NUL_REASON)}, NULL::JSON
        FROM {EXPORT_TABLE} WHERE {has_nul}""")
    (moved,) = con.execute(f"SELECT count(*) FROM {EXPORT_TABLE} WHERE {has_nul}").fetchone()
    con.execute(f"DELETE FROM {EXPORT_TABLE} WHERE {has_nul}")
    return moved


def _json_path(key: str) -> str:
    return sql_literal('$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _json_values(function: str, keys: Sequence[str]) -> str:
    """SQL for the values of `keys` in `json` as one list: each record is parsed once, not
    once per key (`json ->> key` per column took 3x as long on 690k tickets). NULL for no keys.
    """
    if not keys:
        return "NULL"
    return f"{function}(json, [{', '.join(_json_path(k) for k in keys)}])"


def _nested_reasons_sql(mapping: EntityMapping) -> str:
    """A select of `_ordinal, reason` for every JSON-object record of the parsed file: why it
    is quarantined when a directly mapped key holds an object/array, else NULL (keys read by
    `sql:` expressions may nest). The mapped keys' values are parsed once per record."""
    keys = sorted({s.export for _, s in mapping.columns if s.export is not None})
    parts = ", ".join(
        f"CASE WHEN json_type(_values[{i}]) IN ('OBJECT', 'ARRAY') THEN "
        f"{sql_literal(k)} || ' holds nested JSON (' || lower(json_type(_values[{i}]))"
        f" || ') where one value is expected' END"
        for i, k in enumerate(keys, 1)
    )
    reason = (
        f"nullif(concat_ws('; ', {parts}), '') || ': map a field inside it with "
        '{sql: "..."} in the mapping, or fix the export\''
        if keys
        else "NULL"
    )
    return (
        f"SELECT _ordinal, {reason} AS reason FROM (SELECT _ordinal, "
        f"{_json_values('json_extract', keys)} AS _values FROM {_PARSED} "
        "WHERE json_type(json) = 'OBJECT')"
    )


def _stage_jsonl(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    label: str,
    mapping: EntityMapping,
    fingerprint: FileFingerprint,
) -> StagedExport:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {_PARSED} AS
        SELECT row_number() OVER () AS _ordinal, json
        FROM read_json_objects({sql_literal(str(path))}, format = 'newline_delimited',
                               ignore_errors = true, maximum_object_size = {MAX_LINE_BYTES})
    """)
    bad = [
        n
        for (n,) in con.execute(
            f"SELECT _ordinal FROM {_PARSED} WHERE json IS NULL OR json_type(json) <> 'OBJECT' "
            "ORDER BY _ordinal"
        ).fetchall()
    ]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ingest_nested AS {_nested_reasons_sql(mapping)}")
    con.execute("DELETE FROM _ingest_nested WHERE reason IS NULL")
    total = con.execute(f"SELECT count(*) FROM {_PARSED}").fetchone()[0]
    if bad and bad[-1] == total and not fingerprint.ends_with_newline:
        raise FileRejected(
            f"{label}: the file is cut off: its last record ({total}) is incomplete JSON. "
            "Export it again and replace the file; nothing from it was loaded."
        )
    keys = tuple(
        k
        for (k,) in con.execute(f"""
        SELECT k FROM (SELECT _ordinal, unnest(json_keys(json)) AS k FROM {_PARSED}
                       WHERE json_type(json) = 'OBJECT')
        GROUP BY k ORDER BY min(_ordinal), k""").fetchall()
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {MALFORMED_TABLE} AS
        SELECT _ordinal AS _row_number,
               'record is not a JSON object: check this line of the file' AS reason,
               NULL::JSON AS original_values
        FROM {_PARSED} WHERE json IS NULL OR json_type(json) <> 'OBJECT'
        UNION ALL
        SELECT _ordinal, reason, NULL::JSON FROM _ingest_nested
    """)
    extract = "".join(f", _values[{i}] AS {quote_identifier(k)}" for i, k in enumerate(keys, 1))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {_PARSED} AS
        SELECT row_number() OVER (ORDER BY _ordinal) AS _ordinal{extract}
        FROM (SELECT _ordinal, {_json_values("json_extract_string", keys)} AS _values
              FROM {_PARSED} WHERE json_type(json) = 'OBJECT'
                AND _ordinal NOT IN (SELECT _ordinal FROM _ingest_nested))
        ORDER BY _ordinal
    """)
    (nested,) = con.execute("SELECT count(*) FROM _ingest_nested").fetchone()
    con.execute("DROP TABLE _ingest_nested")
    _number_rows(con, label, f"SELECT _row_number AS n FROM {MALFORMED_TABLE}")
    return StagedExport(keys, len(bad) + nested + _quarantine_nul_rows(con, keys))


def stage_export(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    label: str,
    mapping: EntityMapping,
    fingerprint: FileFingerprint,
    keep_raw_lines: bool,
    scratch: Path | None = None,
) -> StagedExport:
    """Read `path` (shown as `label`) into EXPORT_TABLE and MALFORMED_TABLE.

    `keep_raw_lines` keeps a malformed CSV row's text in quarantine; pass False for entities
    with pseudonymized ids, whose raw values must not be stored anywhere. A CSV with mixed
    line endings is read through a normalised copy in `scratch` (default: the temp folder).
    """
    if fingerprint.size == 0:
        raise FileRejected(
            f"{label}: the file is empty (0 bytes); the export was probably interrupted. "
            "Export it again and replace the file."
        )
    try:
        if mapping.format == "jsonl":
            return _stage_jsonl(con, path, label, mapping, fingerprint)
        eight_bit = mapping.duckdb_encoding != "utf-16"
        scratch = scratch or Path(tempfile.gettempdir())
        with readable_copy(path, fingerprint.line_endings, eight_bit, scratch) as readable:
            return _stage_csv(con, readable, label, mapping, fingerprint, keep_raw_lines)
    except duckdb.Error as exc:
        raise FileRejected(
            f"{label}: the file cannot be read as {mapping.format} with the "
            f"settings in {mapping.mapping_file} ({redact(exc)})."
        ) from exc
