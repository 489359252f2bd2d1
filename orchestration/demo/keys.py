"""Identifiers as the source tools write them (prefixes, zero padding)."""

from __future__ import annotations

import numpy as np


def sequence_ids(prefix: str, n: int, first: int = 1, width: int = 6) -> np.ndarray:
    """``prefix`` followed by consecutive zero-padded numbers."""
    numbers = np.char.zfill(np.arange(first, first + n).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)
