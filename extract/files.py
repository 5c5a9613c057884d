"""Writing files so that a reader never sees half of one.

A temp file's name carries the pid of the process writing it (`.<name>.<pid>.<random>.tmp`),
so a clean-up removes only what a dead process left, never a live writer's file.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_OWNER = re.compile(r"\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.(?:tmp|part)$")


def temp_prefix(name: str) -> str:
    """Return the prefix of this process's temp files for `name` (".plan.json.1234.")."""
    return f".{name}.{os.getpid()}."


def pid_alive(pid: int) -> bool:
    """Return whether a process with this pid runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by another user
    return True


def orphaned(temp: Path) -> bool:
    """Return whether a temp file was left by a process that is gone (or by an unknown one).

    ".a.json.999999.x1y2.tmp" (no such process) → True; one named with our own pid → False.
    """
    owner = _OWNER.search(temp.name)
    return owner is None or not pid_alive(int(owner.group("pid")))


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` at `path` through a synced temp file beside it and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
