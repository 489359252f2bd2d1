"""Identifiers as the source tools write them (prefixes, zero padding)."""

from __future__ import annotations

import numpy as np


def zero_padded(numbers: np.ndarray, width: int) -> np.ndarray:
    """Numbers as zero-padded text (object array)."""
    if len(numbers) == 0:  # numpy's zfill fails on empty input
        return np.array([], dtype=object)
    return np.char.zfill(numbers.astype(str), width).astype(object)


def sequence_ids(prefix: str, n: int, first: int = 1, width: int = 6) -> np.ndarray:
    """``prefix`` followed by consecutive zero-padded numbers."""
    return prefix + zero_padded(np.arange(first, first + n), width)
