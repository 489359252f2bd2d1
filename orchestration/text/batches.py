"""Score batches of distinct texts, in this process or on every core, in bounded memory.

A batch is a list of (text_hash, normalized text); its result is one row per text in the
order of :data:`SCORE_COLUMNS`. Across processes at most two batches per worker are in flight,
so memory stays bounded whatever the number of texts.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from orchestration.text.lexicon import EMOTIONS, load_lexicon
from orchestration.text.masking import mask_text
from orchestration.text.scorer import score_tokenized
from orchestration.text.staff_names import NO_STAFF, StaffDirectory
from orchestration.text.textblob_compat import tokenized

BATCH_SIZE = 2000  # texts per batch: about half a second of work for one core
Batch = list[tuple[str, str]]
ScoreRow = tuple

SCORE_COLUMNS = (
    "text_hash",
    "masked_text",
    "textblob_polarity",
    "textblob_subjectivity",
    "sentiment_score",
    "sentiment_label",
    "has_opinion",
    "opinion_word_count",
    "empathy_positive_cues",
    "empathy_negative_cues",
    *(f"emotion_{e}" for e in EMOTIONS),
    "dominant_emotion",
    "topics",  # joined by "|"
    "staff_mentions",  # joined by "|"
    "customer_sentiment_score",
)


def score_batch(batch: Batch, staff: StaffDirectory) -> list[ScoreRow]:
    """Score, mask and link staff names of every text of a batch."""
    lexicon = load_lexicon()
    rows: list[ScoreRow] = []
    for text_hash, text in batch:
        joined = tokenized(text)
        s = score_tokenized(joined, lexicon)
        agents, names = staff.find(joined.split())
        rows.append(
            (
                text_hash,
                mask_text(text, names),
                s.textblob_polarity,
                s.textblob_subjectivity,
                s.sentiment_score,
                s.sentiment_label,
                s.has_opinion,
                s.opinion_word_count,
                s.empathy_positive_cues,
                s.empathy_negative_cues,
                *s.emotions,
                s.dominant_emotion,
                "|".join(s.topics),
                "|".join(agents),
                s.customer_sentiment_score,
            )
        )
    return rows


def available_cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0))


def worker_context() -> multiprocessing.context.BaseContext:
    """Fork on Linux, spawn elsewhere (fork is unsafe with macOS system libraries).

    A spawned worker imports TextBlob, NLTK and the parent's main module (Dagster's command
    line in a run) again: 30% more CPU on 100,000 texts. A forked one inherits the compiled
    lexicon; it only scores text and exchanges pickled batches, never touching the parent's
    DuckDB connection or threads.
    """
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


_worker_staff: StaffDirectory = NO_STAFF


def _start_worker(staff: StaffDirectory) -> None:
    global _worker_staff
    _worker_staff = staff
    load_lexicon()


def _score_in_worker(batch: Batch) -> list[ScoreRow]:
    return score_batch(batch, _worker_staff)


def score_batches(
    batches: Iterable[Batch], staff: StaffDirectory, workers: int
) -> Iterator[list[ScoreRow]]:
    """Results of every batch, in order; `workers` > 1 spreads them over processes."""
    if workers <= 1:
        for batch in batches:
            yield score_batch(batch, staff)
        return
    with ProcessPoolExecutor(
        workers, mp_context=worker_context(), initializer=_start_worker, initargs=(staff,)
    ) as pool:
        in_flight: deque[Future[list[ScoreRow]]] = deque()
        for batch in batches:
            in_flight.append(pool.submit(_score_in_worker, batch))
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
