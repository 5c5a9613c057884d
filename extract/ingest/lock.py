"""One `extract run` per folder at a time: an fcntl lock on a file inside the folder.

The lock belongs to the open file, so the kernel releases it when its process ends however it
ends (kill -9 included): a lock file left on disk never blocks the next run. The holder writes
its pid, host and start time into the file so that a refused run can say who holds it, and
removes the file when it is done, still holding the lock; a waiter that then gets the lock of
the removed file sees it is no longer the one at the path and tries again.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from extract.errors import ExtractError
from extract.ingest.catalog import now

LOCK_NAME = ".extract-run.lock"
_POLL_SECONDS = 0.2


class FolderBusy(ExtractError):
    """Another process holds the folder's lock."""


def _holder(path: Path) -> str:
    try:
        said = path.read_text("utf-8").strip()
    except OSError:
        said = ""
    return said or "another process"


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float = 0.0) -> Iterator[Path]:
    """Hold `folder`'s run lock for the block, waiting up to `wait` seconds for it.

    Raises FolderBusy, naming the holder, when it is still held after `wait` seconds.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    deadline = time.monotonic() + wait
    fd = _acquire(path, folder, deadline)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"`extract run` pid {os.getpid()} on {socket.gethostname()} since "
                      f"{now()}\n".encode(), 0)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)  # releases the lock


def _acquire(path: Path, folder: Path, deadline: float) -> int:
    """Return a descriptor of the lock file at `path`, locked, once it is free."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise FolderBusy(f"{folder} is in use by {_holder(path)}: wait for it to "
                                 "finish, or give --wait SECONDS") from None
            time.sleep(_POLL_SECONDS)
            continue
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(fd).st_ino:
            return fd
        os.close(fd)  # the holder removed this file as we locked it: lock the new one
