"""Keyed pseudonyms (HMAC-SHA256) for employee and agent ids, in Python and in DuckDB SQL.

The key is 32 random bytes in `Settings.key_file`, outside the warehouse, created on first
use with mode 0600. The same key always gives the same pseudonym, so CRM agent ids and HR
agent ids join; without the key a pseudonym cannot be traced back to the id.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from orchestration.settings import Settings

KEY_BYTES = 32
HEX_CHARS = 16
PREFIXES = {"employee": "emp", "agent": "agt"}
_BLOCK = 64  # SHA-256 block size, for HMAC's inner and outer pads


def _prefix(namespace: str) -> str:
    return f"{PREFIXES.get(namespace, namespace[:3])}_"


def _load_or_create_key(key_file: Path) -> bytes:
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
    def from_settings(cls, settings: Settings) -> Pseudonymizer:
        """The pseudonymizer keyed by `settings.key_file` (created if absent)."""
        return cls(_load_or_create_key(settings.key_file))

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
