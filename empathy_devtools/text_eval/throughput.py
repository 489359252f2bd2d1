"""Throughput measurements: plain TextBlob and the project's scorer per core, and the whole
text-analytics asset on all cores, on the same distinct texts in the same run.

Each measure records wall-clock seconds (what a user waits) and CPU seconds of this process
and its finished children (what the work costs, whatever else runs on the machine).
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from textblob import TextBlob

from orchestration.ingest import ensure_tables
from orchestration.text.batches import BATCH_SIZE, score_batch
from orchestration.text.lexicon import load_lexicon
from orchestration.text.staff_names import NO_STAFF


def distinct_variants(texts: list[str], copies: int) -> list[str]:
    """`copies` distinct variants of each text (a short neutral prefix), for volume tests."""
    prefixes = ["", "Update: ", "Edit: ", "Review: ", "Note: ", "Follow-up: ", "Later: "]
    if copies > len(prefixes):
        raise ValueError(f"at most {len(prefixes)} copies")
    return list(dict.fromkeys(p + t for p in prefixes[:copies] for t in texts))


@dataclass(frozen=True)
class Rate:
    """Texts processed, wall-clock seconds and CPU seconds (all processes) they took."""

    texts: int
    wall_seconds: float
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.texts / self.wall_seconds

    @property
    def per_cpu_second(self) -> float:
        return self.texts / self.cpu_seconds


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def _timed(texts: int, into: list[Rate]) -> Iterator[None]:
    wall, cpu = time.perf_counter(), _cpu_seconds()
    yield
    into.append(Rate(texts, time.perf_counter() - wall, _cpu_seconds() - cpu))


def textblob_rate(texts: list[str]) -> Rate:
    """`TextBlob(text).sentiment` on every text, in this process (one core)."""
    TextBlob("warm up").sentiment  # noqa: B018 - loads TextBlob's lexicon outside the timing
    rates: list[Rate] = []
    with _timed(len(texts), rates):
        for text in texts:
            TextBlob(text).sentiment  # noqa: B018 - the call is what is measured
    return rates[0]


def _textblob_sentiments(texts: list[str]) -> int:
    for text in texts:
        TextBlob(text).sentiment  # noqa: B018 - the call is what is measured
    return len(texts)


def textblob_parallel_rate(texts: list[str], workers: int) -> float:
    """Texts per wall-clock second of plain TextBlob on `workers` processes at once.

    The processes are started and have imported TextBlob before the clock starts.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        warm = [pool.submit(_textblob_sentiments, ["warm up"]) for _ in range(4 * workers)]
        for future in warm:
            future.result()
        chunks = [texts[i : i + 500] for i in range(0, len(texts), 500)]
        started = time.perf_counter()
        done = sum(pool.map(_textblob_sentiments, chunks))
        return done / (time.perf_counter() - started)


def scorer_rate(texts: list[str]) -> Rate:
    """The project's scorer with masking on every text, in this process (one core)."""
    load_lexicon()
    rates: list[Rate] = []
    with _timed(len(texts), rates):
        for start in range(0, len(texts), BATCH_SIZE):
            chunk = texts[start : start + BATCH_SIZE]
            score_batch([(str(i), t) for i, t in enumerate(chunk)], NO_STAFF)
    return rates[0]


def asset_rate(texts: list[str], workdir: Path) -> tuple[Rate, int]:
    """Materialize the text-analytics asset on `texts` (as reviews) in a fresh build database.

    Returns the rate of the whole materialization (Dagster, SQL, scoring on every core,
    writing) over the texts it scored, and the number of scoring processes.
    """
    from orchestration.definitions import defs
    from orchestration.settings import ENRICHMENT_SCHEMA

    scores_key = dg.AssetKey([ENRICHMENT_SCHEMA, "text_scores"])
    text_asset = defs.resolve_assets_def(scores_key)

    build_db = workdir / "build.duckdb"
    frame = pd.DataFrame({"review_text": texts})
    with duckdb.connect(str(build_db)) as con:
        ensure_tables(con)
        con.register("bench_texts", frame)
        con.execute(
            """INSERT INTO raw.reviews (review_id, platform, review_text,
                                        _file_hash, _row_number, _ingest_seq, _loaded_at)
               SELECT 'bench-' || row_number() OVER (), 'benchmark', review_text,
                      'benchmark', row_number() OVER (), 1, now()::TIMESTAMP
               FROM bench_texts"""
        )
    paths = {"build_db": str(build_db), "reports_dir": str(workdir / "reports")}
    rates: list[Rate] = []
    with _timed(len(texts), rates):
        result = dg.materialize(
            [text_asset],
            instance=dg.DagsterInstance.ephemeral(),
            run_config={"resources": {"settings": {"config": paths}}},
        )
    if not result.success:
        raise RuntimeError("the text-analytics asset failed in the benchmark")
    metadata = next(
        e.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.asset_key == scores_key
    )
    if metadata["new_texts_scored"].value != len(texts):
        raise RuntimeError("the benchmark texts were not all distinct and newly scored")
    return rates[0], metadata["workers"].value
