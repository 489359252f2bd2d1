"""Type the mapped values and list, per row, every reason to quarantine it, in one SQL statement.

Creates the temp table `_ingest_checked`: `_row_number`, every canonical column typed as the
contract says, `_reasons` (empty for a valid row) and, for invalid rows, `_original` (the
mapped values as JSON).
Reasons never quote a value: the values are in `_original`, which only reaches restricted
storage.
"""

from __future__ import annotations

import duckdb

from orchestration.ingest.contract import ColumnSpec, EntitySpec
from orchestration.ingest.mapped_rows import MAPPED_TABLE
from orchestration.ingest.sql_text import quote_identifier, sql_literal

CHECKED_TABLE = "_ingest_checked"
_TRUE_WORDS = ("yes", "y", "true", "t", "1")
_FALSE_WORDS = ("no", "n", "false", "f", "0")


def _in_list(values: tuple[str, ...]) -> str:
    return ", ".join(sql_literal(v) for v in values)


# A time of day followed by `Z` or a UTC offset (+02:00, -0500, +01) ends the value.
_ZONED = r"[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?[ ]*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$"


def _iso_timestamp(ref: str, time_zone: str) -> str:
    """ISO 8601 text -> the business's local time: a value carrying `Z` or an offset is
    converted to `time_zone`; a value without one is already local."""
    zone = sql_literal(time_zone)
    return (
        f"CASE WHEN regexp_matches(trim({ref}), {sql_literal(_ZONED)}) "
        f"THEN timezone({zone}, TRY_CAST(trim({ref}) AS TIMESTAMPTZ)) "
        f"ELSE TRY_CAST({ref} AS TIMESTAMP) END"
    )


def _timestamp(ref: str, date_formats: tuple[str, ...], time_zone: str) -> str:
    """Text -> TIMESTAMP in the business's time zone: the mapping's formats in order, then
    ISO 8601. Zone-aware formats (%z, %Z) are converted to `time_zone`."""
    iso = _iso_timestamp(ref, time_zone)
    if not date_formats:
        return iso
    parsed = f"try_strptime({ref}, [{_in_list(date_formats)}])"
    if any("%z" in f or "%Z" in f for f in date_formats):
        parsed = f"timezone({sql_literal(time_zone)}, {parsed})"
    return f"COALESCE({parsed}, {iso})"


def typed_expression(
    col: ColumnSpec,
    ref: str,
    mapped_type: str,
    date_formats: tuple[str, ...],
    time_zone: str = "UTC",
) -> str:
    """SQL turning the mapped value `ref` into the contract type; NULL when it cannot."""
    text = mapped_type == "VARCHAR"
    number = f"TRY_CAST({ref} AS DOUBLE)"
    match col.type:
        case "VARCHAR":
            value = ref if text else f"CAST({ref} AS VARCHAR)"
            return f"lower({value})" if col.accepted else value
        case "INTEGER":  # whole numbers only: TRY_CAST alone would round 3.5 to 4
            return f"CASE WHEN {number} = trunc({number}) THEN TRY_CAST({number} AS INTEGER) END"
        case "DOUBLE":
            return f"CASE WHEN isfinite({number}) THEN {number} END"
        case "BOOLEAN":
            if not text:
                return f"TRY_CAST({ref} AS BOOLEAN)"
            return (
                f"CASE WHEN lower({ref}) IN ({_in_list(_TRUE_WORDS)}) THEN true "
                f"WHEN lower({ref}) IN ({_in_list(_FALSE_WORDS)}) THEN false END"
            )
        case "TIMESTAMP":
            if not text:
                return f"TRY_CAST({ref} AS TIMESTAMP)"
            return _timestamp(ref, date_formats, time_zone)
        case "DATE":
            if not text:
                return f"TRY_CAST({ref} AS DATE)"
            return f"CAST({_timestamp(ref, date_formats, time_zone)} AS DATE)"
    raise ValueError(f"unsupported contract type {col.type}")


def _unreadable(col: ColumnSpec, date_formats: tuple[str, ...]) -> str:
    words = {"INTEGER": "a whole number", "DOUBLE": "a number", "BOOLEAN": "a yes/no value"}
    if col.type in ("DATE", "TIMESTAMP"):
        tried = ", ".join((*date_formats, "ISO 8601"))
        return f"{col.name}: not a valid {col.type.lower()} (formats tried: {tried})"
    return f"{col.name}: not {words[col.type]}"


def _column_reasons(col: ColumnSpec, date_formats: tuple[str, ...]) -> list[str]:
    mapped, typed = f"struct_extract(_m, {sql_literal(col.name)})", quote_identifier(col.name)
    reasons = []
    if col.type != "VARCHAR":
        reasons.append(
            f"CASE WHEN {mapped} IS NOT NULL AND {typed} IS NULL "
            f"THEN {sql_literal(_unreadable(col, date_formats))} END"
        )
    if col.required:
        reasons.append(
            f"CASE WHEN {mapped} IS NULL "
            f"THEN {sql_literal(f'{col.name}: required value is missing')} END"
        )
    if col.min is not None:
        reasons.append(
            f"CASE WHEN {typed} < {col.min} "
            f"THEN {sql_literal(f'{col.name}: below the minimum {col.min}')} END"
        )
    if col.max is not None:
        reasons.append(
            f"CASE WHEN {typed} > {col.max} "
            f"THEN {sql_literal(f'{col.name}: above the maximum {col.max}')} END"
        )
    if col.accepted:
        allowed = ", ".join(col.accepted)
        reasons.append(
            f"CASE WHEN {typed} NOT IN ({_in_list(col.accepted)}) "
            f"THEN {sql_literal(f'{col.name}: not one of {allowed}')} END"
        )
    return reasons


def check_rows(
    con: duckdb.DuckDBPyConnection,
    spec: EntitySpec,
    mapped_types: dict[str, str],
    date_formats: tuple[str, ...],
    time_zone: str = "UTC",
) -> None:
    """Create CHECKED_TABLE from MAPPED_TABLE.

    Reasons: unreadable value, required value missing, out of range, not an accepted value,
    a contract check not true, and a business key repeated later in the file (among rows
    that are otherwise valid, the last occurrence is kept).
    """
    names = [c.name for c in spec.columns]
    mapped = ", ".join(f"{quote_identifier(n)} := m.{quote_identifier(n)}" for n in names)
    typed = ", ".join(
        typed_expression(
            c, "m." + quote_identifier(c.name), mapped_types[c.name], date_formats, time_zone
        )
        + f" AS {quote_identifier(c.name)}"
        for c in spec.columns
    )
    reasons = [r for c in spec.columns for r in _column_reasons(c, date_formats)]
    reasons += [
        f"CASE WHEN ({check.sql}) IS NOT TRUE "
        f"THEN {sql_literal(f'{check.name}: {check.reason}')} END"
        for check in spec.checks
    ]
    key = ", ".join(quote_identifier(k) for k in spec.business_key)
    duplicate = sql_literal(
        f"duplicate {', '.join(spec.business_key)}: a later row of this file "
        "has the same key (the last one is kept)"
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {CHECKED_TABLE} AS
        WITH typed AS (
            SELECT m._row_number, struct_pack({mapped}) AS _m, {typed} FROM {MAPPED_TABLE} m
        ), ruled AS (
            SELECT *, list_filter([{", ".join(reasons)}], lambda r: r IS NOT NULL) AS _reasons
            FROM typed
        )
        SELECT * EXCLUDE (_m), CASE WHEN len(_reasons) > 0 THEN to_json(_m) END AS _original
        FROM (
            SELECT * EXCLUDE (_reasons),
                   CASE WHEN len(_reasons) = 0 AND row_number() OVER (
                            PARTITION BY len(_reasons) = 0, {key} ORDER BY _row_number DESC) > 1
                        THEN [{duplicate}] ELSE _reasons END AS _reasons
            FROM ruled
        ) ORDER BY _row_number
    """)
