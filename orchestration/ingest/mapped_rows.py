"""Apply an entity mapping to a staged export: one column per canonical column, in SQL.

Creates the temp table `_ingest_mapped` (`_row_number` + every canonical column) from
`_ingest_export`. Text values are trimmed (blank -> NULL), pseudonymized columns are
replaced by their HMAC pseudonym, and emails, phone and card-like numbers in free-text
columns are masked here, before anything is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from orchestration.ingest.contract import ColumnSpec, EntitySpec
from orchestration.ingest.mapping import ColumnSource, EntityMapping
from orchestration.ingest.pseudonyms import Pseudonymizer
from orchestration.ingest.reader import EXPORT_TABLE, StagedExport
from orchestration.ingest.results import FileRejected
from orchestration.ingest.sql_text import quote_identifier, redact, sql_literal
from orchestration.text.masking import mask_text

MAPPED_TABLE = "_ingest_mapped"
MASK_FUNCTION = "mask_contact_details"
# A text `mask_text` can change has an "@" (emails) or a match of its number pattern
# `\d[\d \t\u00a0().-]{5,}\d` (Python's \d: Unicode decimal digits). RE2's \pN (every Unicode
# number) covers \d, and the lookarounds Python adds only narrow its matches: every text
# without a match here is returned unchanged by mask_text, so only matches call Python.
MASK_PREFILTER = r"@|\pN[\pN \t\x{00a0}().-]{5,}\pN"


def _mask_contact_details(text: str) -> str:
    return mask_text(text)


def _register_masking(con: duckdb.DuckDBPyConnection) -> None:
    """Make `mask_contact_details(text)` (orchestration.text.masking) callable from SQL."""
    registered = con.execute(
        "SELECT 1 FROM duckdb_functions() WHERE function_name = ?", [MASK_FUNCTION]
    ).fetchall()
    if not registered:
        con.create_function(
            MASK_FUNCTION, _mask_contact_details, ["VARCHAR"], "VARCHAR", side_effects=False
        )


@dataclass(frozen=True)
class MappedColumns:
    """What mapping one file produced."""

    types: dict[str, str]  # DuckDB type of every canonical column in MAPPED_TABLE
    missing_optional: tuple[str, ...]  # mapped optional columns this file cannot produce
    ignored: tuple[str, ...]  # export columns that no mapping uses


def _missing_required(
    label: str, mapping: EntityMapping, column: str, problem: str, staged: StagedExport
) -> FileRejected:
    found = ", ".join(f'"{c}"' for c in staged.columns)
    hint = ""
    if len(staged.columns) == 1 and re.search(r"[;\t|,]", staged.columns[0]):
        hint = " The columns look glued together: set `delimiter:` to the export's separator."
    return FileRejected(
        f"{label}: required column `{column}` {problem}. The file's columns are: {found}. "
        f"Fix the mapping of `{column}` for `{mapping.entity}` in {mapping.mapping_file} (or "
        f"export the column), then drop the file again.{hint}"
    )


def _expression(
    con: duckdb.DuckDBPyConnection,
    col: ColumnSpec,
    source: ColumnSource | None,
    staged: StagedExport,
    label: str,
    mapping: EntityMapping,
) -> tuple[str | None, str]:
    """(SQL over the export, its DuckDB type), or (None, type) when this file cannot produce it."""
    if source is None:
        return None, col.type
    if source.export is not None:
        if source.export in staged.columns:
            return quote_identifier(source.export), "VARCHAR"
        if col.required:
            raise _missing_required(
                label,
                mapping,
                col.name,
                f'is mapped to export column "{source.export}", which is not in this file',
                staged,
            )
        return None, col.type
    sql = f"({source.sql})"
    try:
        described = con.execute(f"DESCRIBE SELECT {sql} AS v FROM {EXPORT_TABLE}").fetchone()
    except duckdb.BinderException as exc:
        if col.required:
            raise _missing_required(
                label,
                mapping,
                col.name,
                f"is mapped to an expression this file cannot answer ({redact(exc)})",
                staged,
            ) from exc
        return None, col.type
    except duckdb.Error as exc:
        raise FileRejected(
            f"{label}: the expression for `{col.name}` in {mapping.mapping_file} "
            f"is not valid DuckDB SQL ({redact(exc)})."
        ) from exc
    return sql, described[1]


def masked(text_sql: str) -> str:
    """`text_sql` with contact details masked: Python's mask_text only where it could act."""
    return (
        f"(CASE WHEN regexp_matches({text_sql}, {sql_literal(MASK_PREFILTER)}) "
        f"THEN {MASK_FUNCTION}({text_sql}) ELSE {text_sql} END)"
    )


def translated(sql: str, values: tuple[tuple[str, str], ...]) -> str:
    """`sql` with the mapping's `values:` applied (matched ignoring case and outer spaces)."""
    cases = " ".join(
        f"WHEN {sql_literal(k.strip().lower())} THEN {sql_literal(v)}" for k, v in values
    )
    return f"(CASE lower(trim({sql})) {cases} ELSE {sql} END)"


def _uses(sources: list[ColumnSource], export_column: str) -> bool:
    """Whether any mapping reads `export_column` (by name, or mentioned in an expression)."""
    pattern = re.compile(r"(?<![\w])" + re.escape(export_column) + r"(?![\w])")
    return any(s.export == export_column or (s.sql and pattern.search(s.sql)) for s in sources)


def map_columns(
    con: duckdb.DuckDBPyConnection,
    spec: EntitySpec,
    mapping: EntityMapping,
    staged: StagedExport,
    label: str,
    pseudonymizer: Pseudonymizer,
) -> MappedColumns:
    """Create MAPPED_TABLE from the staged export; reject the file if a required one is absent."""
    sources = dict(mapping.columns)
    _register_masking(con)
    selects, types, missing, params = [], {}, [], None
    for col in spec.columns:
        sql, typ = _expression(con, col, sources.get(col.name), staged, label, mapping)
        if sql is None:
            if col.name in sources:
                missing.append(col.name)
            selects.append(f"NULL::{col.type} AS {quote_identifier(col.name)}")
            types[col.name] = col.type
            continue
        if typ == "VARCHAR":
            sql = f"NULLIF(trim({sql}), '')"
        source = sources[col.name]
        if source.values:
            sql, typ = (
                translated(sql if typ == "VARCHAR" else f"CAST({sql} AS VARCHAR)", source.values),
                "VARCHAR",
            )
        if col.text:
            sql, typ = masked(f"CAST({sql} AS VARCHAR)"), "VARCHAR"
        if col.pseudonymize:
            value = sql if typ == "VARCHAR" else f"CAST({sql} AS VARCHAR)"
            sql, typ = pseudonymizer.sql(col.pseudonymize, value), "VARCHAR"
            params = pseudonymizer.sql_parameters()
        selects.append(f"{sql} AS {quote_identifier(col.name)}")
        types[col.name] = typ
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {MAPPED_TABLE} AS "
            f"SELECT _row_number, {', '.join(selects)} FROM {EXPORT_TABLE}",
            params,
        )
    except duckdb.Error as exc:
        raise FileRejected(
            f"{label}: a mapping expression in {mapping.mapping_file} failed on "
            f"this file ({redact(exc)}). Fix the expression, then drop the file "
            "again."
        ) from exc
    ignored = tuple(c for c in staged.columns if not _uses(list(sources.values()), c))
    return MappedColumns(types=types, missing_optional=tuple(missing), ignored=ignored)
