"""Which errors are transient (worth a retry) and how a failure's cause chain is reported.

Transient: a database file locked by another process, an interrupted or timed-out I/O call.
Everything else (bad data, a wrong mapping or key, a bug) fails the same way on every retry.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator

_TRANSIENT_ERRNOS = {
    errno.EAGAIN,
    errno.EBUSY,
    errno.EINTR,
    errno.EIO,
    errno.ETIMEDOUT,
    errno.ENOLCK,
    errno.EDEADLK,
}
_LOCK_MESSAGE = re.compile(
    r"could not set lock|conflicting lock|database is locked|"
    r"lock on file|resource temporarily unavailable",
    re.IGNORECASE,
)


def cause_chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then its causes (explicit `from`, else the context), without repeats."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_transient(exc: BaseException) -> bool:
    """Whether `exc` (or anything in its cause chain) is a lock or a passing I/O failure."""
    for error in cause_chain(exc):
        if isinstance(error, TimeoutError):
            return True
        if isinstance(error, OSError) and error.errno in _TRANSIENT_ERRNOS:
            return True
        if _LOCK_MESSAGE.search(str(error)):
            return True
    return False
