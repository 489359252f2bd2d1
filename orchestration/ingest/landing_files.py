"""What may be read from the landing folder, and line endings made uniform before reading.

A landing file must resolve inside the landing folder: a symbolic link to anywhere else is
rejected without reading a byte of its target, and a dangling link gets a ledger row instead
of being skipped in silence. An 8-bit export whose rows end in a mix of CRLF, CR and LF is
read through a copy with LF endings (DuckDB's CSV reader wants one kind per file).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from orchestration.runlock import pid_alive

_CHUNK = 1 << 20
_PREFIX = ".normalised-"


def clean_scratch(scratch: Path) -> list[Path]:
    """Remove normalised copies left by a process that was killed (its pid is in the name)."""
    if not scratch.is_dir():
        return []
    stale = []
    for path in scratch.glob(f"{_PREFIX}*"):
        pid = path.name[len(_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            path.unlink(missing_ok=True)
            stale.append(path)
    return stale


def link_problem(path: Path, landing_dir: Path, label: str) -> str | None:
    """Why `path` may not be read (a rejection message naming the fix), or None when it may."""
    if not path.exists():
        return (
            f"{label}: the file is a symbolic link whose target does not exist (dangling "
            "link). Copy the export itself into the landing folder, or remove the link."
        )
    try:
        path.resolve(strict=True).relative_to(landing_dir.resolve(strict=True))
    except ValueError:
        return (
            f"{label}: the file is a symbolic link (or inside a linked folder) that leads "
            "outside the landing folder, which is never read. Copy the export itself into "
            "the landing folder."
        )
    except OSError as exc:
        return (
            f"{label}: the link cannot be followed ({exc.strerror or type(exc).__name__}). "
            "Copy the export itself into the landing folder."
        )
    return None


def _normalise(source: Path, target: Path) -> None:
    r"""Copy `source` to `target` with every CRLF and lone CR turned into LF."""
    carry = b""
    with source.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(_CHUNK):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            if carry:
                chunk = chunk[:-1]
            out.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        if carry:
            out.write(b"\n")


@contextlib.contextmanager
def readable_copy(path: Path, line_endings: str, eight_bit: bool, scratch: Path) -> Iterator[Path]:
    """`path` itself, or (mixed line endings in an 8-bit encoding) a normalised temporary copy."""
    if line_endings != "mixed" or not eight_bit:
        yield path
        return
    scratch.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{_PREFIX}{os.getpid()}-", suffix=path.suffix, dir=scratch)
    os.close(fd)
    copy = Path(name)
    try:
        _normalise(path, copy)
        yield copy
    finally:
        copy.unlink(missing_ok=True)
