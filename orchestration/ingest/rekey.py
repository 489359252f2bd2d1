"""`empathy rotate-key`: re-key every pseudonym of the warehouse in one transaction.

A pseudonym cannot be turned back into the id, so the new pseudonyms are computed from the
export files themselves: every loaded file of an entity with pseudonymized columns is read
again (it must still be in the landing folder with the same content) and each raw row, found
by its lineage (`_file_hash`, `_row_number`), gets its new pseudonym. This gives a map old ->
new pseudonym that is applied everywhere a pseudonym is stored (raw and restricted tables,
staff mentions of the text enrichment); quarantined originals of those entities lose their
pseudonymized values. Only if every pseudonym in the warehouse is covered does the change
commit, with the new key's fingerprint; the new key file replaces the old one afterwards
(the old one is kept beside it as `<name>.replaced-<UTC time>`, if it existed).
Works with the old key lost: it is never needed.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest.contract import EntitySpec, load_contract
from orchestration.ingest.ledger import fingerprint_file
from orchestration.ingest.mapped_rows import MAPPED_TABLE, map_columns
from orchestration.ingest.mapping import load_source_mapping
from orchestration.ingest.pseudonyms import KEY_BYTES, Pseudonymizer, record_fingerprint
from orchestration.ingest.reader import EXPORT_TABLE, MALFORMED_TABLE, stage_export
from orchestration.ingest.sandbox import restrict_file_access
from orchestration.ingest.sql_text import quote_identifier
from orchestration.ingest.tables import LEDGER, QUARANTINE, pii_table, raw_table
from orchestration.settings import ENRICHMENT_SCHEMA, Settings

_MAP = "_rekey_map"


class RekeyError(RuntimeError):
    """Re-keying is not possible as things are; nothing was changed."""


@dataclass(frozen=True)
class RekeyReport:
    """What a rotation changed."""

    files_read: int
    pseudonyms: int
    fingerprint: str
    old_key_kept: Path | None


def _tables_of(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        f"{s}.{t}"
        for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database()"
        ).fetchall()
    }


def _collect(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    spec: EntitySpec,
    new: Pseudonymizer,
    missing: list[str],
) -> int:
    """Add old -> new pseudonyms of one entity's loaded files to the map; files read."""
    mappings = {
        m.entity: m
        for m in load_source_mapping(settings.mappings_dir, spec.source, load_contract())
    }
    files = con.execute(
        f"SELECT DISTINCT file_hash, file_path FROM {LEDGER} "
        "WHERE entity = ? AND status = 'loaded'",
        [spec.name],
    ).fetchall()
    read = 0
    for file_hash, label in files:
        path = settings.landing_dir / label
        if (
            spec.name not in mappings
            or not path.is_file()
            or (fingerprint := fingerprint_file(path)).sha256 != file_hash
        ):
            missing.append(label)
            continue
        mapping = mappings[spec.name]
        staged = stage_export(
            con,
            path,
            label,
            mapping,
            fingerprint,
            keep_raw_lines=False,
            scratch=settings.build_db.parent / ".ingest-scratch",
        )
        map_columns(con, spec, mapping, staged, label, new)
        for col in spec.pseudonymized_columns:
            name = quote_identifier(col.name)
            con.execute(
                f"""
                INSERT INTO {_MAP}
                SELECT DISTINCT r.{name}, m.{name} FROM {raw_table(spec.name)} r
                JOIN {MAPPED_TABLE} m ON r._row_number = m._row_number
                WHERE r._file_hash = ? AND r.{name} IS NOT NULL""",
                [file_hash],
            )
        read += 1
    for table in (EXPORT_TABLE, MALFORMED_TABLE, MAPPED_TABLE):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return read


def _apply(con: duckdb.DuckDBPyConnection, specs: list[EntitySpec]) -> None:
    present = _tables_of(con)
    for spec in specs:
        names = [c.name for c in spec.pseudonymized_columns]
        for table in (raw_table(spec.name), pii_table(spec.name)):
            if table not in present:
                continue
            columns = {
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name || '.' || "
                    "table_name = ?",
                    [table],
                ).fetchall()
            }
            for name in (n for n in names if n in columns):
                column = quote_identifier(name)
                con.execute(
                    f"UPDATE {table} t SET {column} = m.new FROM {_MAP} m WHERE t.{column} = m.old"
                )
        patch = "{" + ", ".join(f'"{n}": null' for n in names) + "}"
        con.execute(
            f"UPDATE {QUARANTINE} SET original_values = "
            f"json_merge_patch(original_values, '{patch}') "
            "WHERE entity = ? AND original_values IS NOT NULL",
            [spec.name],
        )
    scores = f"{ENRICHMENT_SCHEMA}.text_scores"
    if scores in present:
        con.execute(f"""
            UPDATE {scores} s SET staff_mentions = list_transform(
                s.staff_mentions, lambda x: coalesce(map_extract_value(m.pairs, x), x))
            FROM (SELECT map(list(old), list(new)) AS pairs FROM (SELECT DISTINCT * FROM {_MAP})) m
            WHERE len(s.staff_mentions) > 0""")


def _write_key(path: Path, key: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())


def rotate_key(settings: Settings, new_key: bytes | None = None) -> RekeyReport:
    """Re-key the warehouse under `new_key` (default: a new random key); see module doc."""
    new_key = new_key or secrets.token_bytes(KEY_BYTES)
    if len(new_key) < KEY_BYTES:
        raise RekeyError(f"the new key must be at least {KEY_BYTES} bytes")
    new = Pseudonymizer(new_key)
    specs = [e for e in load_contract().entities.values() if e.pseudonymized_columns]
    with duckdb.connect(str(settings.build_db)) as con:
        restrict_file_access(con, [settings.landing_dir, settings.build_db.parent])
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_MAP} (old VARCHAR, new VARCHAR)")
        missing: list[str] = []
        read = 0
        if LEDGER in _tables_of(con):
            read = sum(_collect(con, settings, spec, new, missing) for spec in specs)
        uncovered = 0
        for spec in specs:
            if raw_table(spec.name) not in _tables_of(con):
                continue
            for col in spec.pseudonymized_columns:
                name = quote_identifier(col.name)
                uncovered += con.execute(
                    f"SELECT count(DISTINCT {name}) FROM {raw_table(spec.name)} "
                    f"WHERE {name} IS NOT NULL AND {name} NOT IN (SELECT old FROM {_MAP})"
                ).fetchone()[0]
        (ambiguous,) = con.execute(
            f"SELECT count(*) FROM (SELECT old FROM {_MAP} GROUP BY old "
            "HAVING count(DISTINCT new) > 1)"
        ).fetchone()
        if uncovered or ambiguous:
            shown = ", ".join(sorted(set(missing))[:10]) or "none"
            raise RekeyError(
                f"{uncovered} pseudonym(s) cannot be re-keyed because the exports they came from "
                f"are not in the landing folder as loaded (missing or changed: {shown}); "
                f"{ambiguous} would get two new values. Put those files back, or restore the old "
                "key instead. Nothing was changed."
            )
        (count,) = con.execute(f"SELECT count(DISTINCT old) FROM {_MAP}").fetchone()
        staged_key = settings.key_file.with_name(settings.key_file.name + ".new")
        _write_key(staged_key, new_key)
        con.begin()
        _apply(con, specs)
        record_fingerprint(con, new.fingerprint)
        con.commit()
    kept = None
    if settings.key_file.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = settings.key_file.with_name(f"{settings.key_file.name}.replaced-{stamp}")
        os.replace(settings.key_file, kept)
    os.replace(staged_key, settings.key_file)
    return RekeyReport(read, count, new.fingerprint, kept)
