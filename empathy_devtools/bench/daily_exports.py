"""A day's new exports: a small demo business of other customers, copied in under new names."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from empathy_devtools.demo.generator import GROUND_TRUTH, DemoSize, generate

DAILY_SEED = 20_240_101


def daily_size(customers: int) -> DemoSize:
    """About one day of a business with `customers` (15 months of history): customers / 450."""
    return DemoSize(customers=max(20, customers // 450), agents=20, months=1)


def add_daily_exports(landing: Path, size: DemoSize, tag: str = "daily") -> int:
    """Write one new export file per source entity into `landing`; return the files added.

    Each file keeps its folder and gets `_<tag>` before its suffix, so the mappings' globs
    (``crm/customers*.csv``...) pick it up as a new export next to the existing ones.
    """
    with tempfile.TemporaryDirectory(prefix="empathy-daily-") as tmp:
        generate(Path(tmp), size=size, seed=DAILY_SEED)
        files = [p for p in Path(tmp).rglob("*") if p.is_file() and p.name != GROUND_TRUTH]
        for path in files:
            target = landing / path.relative_to(tmp).parent / f"{path.stem}_{tag}{path.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return len(files)
