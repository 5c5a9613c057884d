"""Per-document bounds in a batch: bytes read and seconds spent on one document.

A document past a bound is not an error of ours: it becomes a failed document whose issue names
the bound (`too_large`, `time_limit`), so one monster never holds a worker for the night.

The time bound works in any thread (a process-pool worker, a Dask worker's thread, the main
thread): when it passes, the extracting thread gets a `DocumentTimeout` raised asynchronously.
Python delivers it between two bytecodes, so a long call inside a C library (one pdfium page)
finishes before the document stops.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

DEFAULT_MAX_SECONDS = 300.0  # the slowest corpus PDF (148 pages) takes well under a minute
DEFAULT_MAX_MB = 200.0  # the largest plan PDFs cities publish are some tens of MB


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds one document is held to."""

    max_seconds: float = DEFAULT_MAX_SECONDS
    max_bytes: int = int(DEFAULT_MAX_MB * 1024 * 1024)

    def __post_init__(self) -> None:
        if self.max_seconds <= 0 or self.max_bytes <= 0:
            raise ValueError("limits must be positive")


DEFAULT_LIMITS = Limits()


class DocumentTimeout(BaseException):
    """Raised in the extracting thread when a document runs past its time bound.

    A BaseException, so the broad `except Exception` that readers use to wrap library errors
    cannot turn it into a bad-input verdict.
    """


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout in this thread if the block runs longer than `seconds`.

    The timer raises it inside the block; an exception raised there can still be lost (raised
    while a finalizer runs, it is only reported), so a block that outlived its limit raises it
    on leaving too, and one still pending is cleared so that it cannot go off after the block.
    """
    import ctypes  # here: the command line imports this module for its defaults only

    thread = ctypes.c_ulong(threading.get_ident())
    guard = threading.Lock()
    running, expired = [True], [False]

    def expire() -> None:
        with guard:
            if running[0]:
                expired[0] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread,
                                                           ctypes.py_object(DocumentTimeout))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with guard:
            running[0] = False
            if expired[0]:  # NULL clears an exception not yet raised
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, None)
        timer.cancel()
    if expired[0]:
        raise DocumentTimeout
