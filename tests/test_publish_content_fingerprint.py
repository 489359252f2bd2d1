"""The content fingerprint recognises a rebuild of the same exports as "nothing new" even
when SQL aggregates differ in their last floating-point bits, and still sees a real change."""

from __future__ import annotations

import duckdb

from orchestration.publish.serving import _fingerprint


def _fingerprint_of(values: list[float]) -> str:
    with duckdb.connect() as con:
        con.execute("ATTACH ':memory:' AS build")
        con.execute("CREATE SCHEMA build.marts")
        con.execute("CREATE TABLE build.marts.fct_x (k VARCHAR, v DOUBLE, n BIGINT)")
        con.executemany(
            "INSERT INTO build.marts.fct_x VALUES (?, ?, 3)",
            [(f"k{i}", v) for i, v in enumerate(values)],
        )
        return _fingerprint(con)


def test_last_bit_noise_is_the_same_content_and_a_real_change_is_not() -> None:
    base = [0.131727432, 3638.94, -0.0395594, 0.0, 1e7 / 3]
    noisy = [v * (1 + 2e-16) + (1e-17 if v == 0 else 0) for v in base]
    assert noisy != base
    assert _fingerprint_of(noisy) == _fingerprint_of(base)
    changed = [*base[:-1], base[-1] * (1 + 1e-6)]
    assert _fingerprint_of(changed) != _fingerprint_of(base)
