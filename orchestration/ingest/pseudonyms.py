"""Keyed pseudonyms (HMAC-SHA256) for employee and agent ids, in Python and in DuckDB SQL.

The key is 32 random bytes in `Settings.key_file`, outside the warehouse, created on first
use with mode 0600. The same key always gives the same pseudonym, so CRM agent ids and HR
agent ids join; without the key a pseudonym cannot be traced back to the id.

The warehouse records the fingerprint of the key that made its pseudonyms
(`ingest.pseudonym_key`). A run whose key file is missing or holds another key stops before
writing anything (:class:`KeyMismatch`): a new key would give every employee and agent a
second pseudonym. `empathy rotate-key` (orchestration.ingest.rekey) changes keys on purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import duckdb

from orchestration.settings import INGEST_SCHEMA, Settings

KEY_BYTES = 32
HEX_CHARS = 16
PREFIXES = {"employee": "emp", "agent": "agt"}
_BLOCK = 64  # SHA-256 block size, for HMAC's inner and outer pads


def _prefix(namespace: str) -> str:
    return f"{PREFIXES.get(namespace, namespace[:3])}_"


KEY_TABLE = f"{INGEST_SCHEMA}.pseudonym_key"


class KeyMismatch(RuntimeError):
    """The key file is missing or is not the key the warehouse's pseudonyms were made with."""


def _load_or_create_key(key_file: Path, create: bool = True) -> bytes:
    if not key_file.exists() and not create:
        raise KeyMismatch(
            f"the pseudonym key {key_file} does not exist; restore it from your "
            "backup (or set EMPATHY_KEY_FILE to where it is)"
        )
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
    key = key_file.read_bytes()
    if len(key) < KEY_BYTES:
        raise ValueError(f"pseudonym key {key_file} is shorter than {KEY_BYTES} bytes")
    return key


class Pseudonymizer:
    """Turns identifiers into `<prefix>_<hex>` pseudonyms: `emp_…` for employees, `agt_…`."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_settings(cls, settings: Settings, create: bool = True) -> Pseudonymizer:
        """The pseudonymizer keyed by `settings.key_file` (created if absent and `create`)."""
        return cls(_load_or_create_key(settings.key_file, create))

    @property
    def fingerprint(self) -> str:
        """Identifies the key without revealing it (an HMAC of a fixed label)."""
        return hmac.new(
            self._key, b"empathy-warehouse key fingerprint", hashlib.sha256
        ).hexdigest()[:32]

    def pseudonymize(self, namespace: str, value: str) -> str:
        """The pseudonym of `value` in `namespace` (e.g. "agent", "employee")."""
        digest = hmac.new(self._key, f"{namespace}:{value}".encode(), hashlib.sha256).hexdigest()
        return _prefix(namespace) + digest[:HEX_CHARS]

    def sql(self, namespace: str, value_sql: str) -> str:
        """A DuckDB expression computing :meth:`pseudonymize` of the VARCHAR `value_sql`.

        It uses the parameters `$pseudonym_ipad` and `$pseudonym_opad` (pass
        :meth:`sql_parameters`), so the key never appears in SQL text.
        """
        message = f"encode('{namespace}:' || ({value_sql}))"
        inner = f"unhex(sha256($pseudonym_ipad || {message}))"
        outer = f"left(sha256($pseudonym_opad || {inner}), {HEX_CHARS})"
        return f"CASE WHEN ({value_sql}) IS NOT NULL THEN '{_prefix(namespace)}' || {outer} END"

    def sql_parameters(self) -> dict[str, bytes]:
        """HMAC's key pads, the parameters of :meth:`sql` expressions."""
        key = self._key if len(self._key) <= _BLOCK else hashlib.sha256(self._key).digest()
        key = key.ljust(_BLOCK, b"\0")
        return {
            "pseudonym_ipad": bytes(b ^ 0x36 for b in key),
            "pseudonym_opad": bytes(b ^ 0x5C for b in key),
        }


def recorded_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the key the warehouse's pseudonyms were made with, if recorded."""
    schema, table = KEY_TABLE.split(".")
    exists = con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
        "AND database_name = current_database()",
        [schema, table],
    ).fetchall()
    if not exists:
        return None
    row = con.execute(
        f"SELECT fingerprint FROM {KEY_TABLE} ORDER BY recorded_at DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def record_fingerprint(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Record `fingerprint` as the warehouse's key (the newest row wins)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {INGEST_SCHEMA}")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} (fingerprint VARCHAR NOT NULL, "
        "recorded_at TIMESTAMP NOT NULL)"
    )
    con.execute(f"INSERT INTO {KEY_TABLE} VALUES (?, now() AT TIME ZONE 'UTC')", [fingerprint])


def _has_pseudonyms(con: duckdb.DuckDBPyConnection, tables: dict[str, list[str]]) -> bool:
    present = {
        f"{s}.{t}"
        for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database()"
        ).fetchall()
    }
    return any(
        con.execute(
            f"SELECT count(*) FROM {table} WHERE "
            + " OR ".join(f'"{c}" IS NOT NULL' for c in columns)
        ).fetchone()[0]
        for table, columns in tables.items()
        if table in present and columns
    )


def key_problem(settings: Settings, recorded: str | None, found: str | None) -> str:
    """What is wrong with the key, why nothing was written, and how to restore or rotate."""
    where = f"The warehouse {settings.build_db}"
    made = (
        f"was pseudonymized with the key of fingerprint {recorded}"
        if recorded
        else ("already holds pseudonyms")
    )
    found_text = (
        f"the key file {settings.key_file} does not exist"
        if found is None
        else f"the key file {settings.key_file} holds another key (fingerprint {found})"
    )
    return (
        f"{where} {made}, but {found_text}. A different key would give every employee and "
        "agent a second pseudonym and split their history, so the run stopped before "
        "writing anything. Restore the key file from your backup (or set EMPATHY_KEY_FILE "
        "to where it is kept) and run again. If the key is lost for good, or you want a new "
        "one, run `empathy rotate-key`: it re-keys every pseudonym in one transaction from "
        "the exports still in the landing folder (see docs/reliability.md)."
    )


def checked_pseudonymizer(
    con: duckdb.DuckDBPyConnection, settings: Settings, contract: object
) -> Pseudonymizer:
    """The run's pseudonymizer, after checking its key is the one the warehouse was made with.

    On first use the key is created and its fingerprint recorded. Raises :class:`KeyMismatch`
    (and writes nothing) when the key file is missing or differs from the recorded one.
    """
    from orchestration.ingest.tables import raw_table

    recorded = recorded_fingerprint(con)
    if not settings.key_file.exists():
        pseudonymized = {
            raw_table(e.name): [c.name for c in e.pseudonymized_columns]
            for e in contract.entities.values()
        }
        if recorded is not None or _has_pseudonyms(con, pseudonymized):
            raise KeyMismatch(key_problem(settings, recorded, None))
    pseudonymizer = Pseudonymizer.from_settings(settings)
    if recorded is None:
        record_fingerprint(con, pseudonymizer.fingerprint)
    elif recorded != pseudonymizer.fingerprint:
        raise KeyMismatch(key_problem(settings, recorded, pseudonymizer.fingerprint))
    return pseudonymizer
