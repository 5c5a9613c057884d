"""The raw store: fetched and hand-placed source bytes, kept by content under `raw/objects/`.

A file's name is the sha256 of its bytes (`objects/ab/abcdef….bin`), so the same bytes are
stored once and a stored file is never rewritten: a changed document gets a new name, and the
old bytes stay. Writes go to a temp file that is hard-linked into place, which fails rather than
overwrites when the name already exists; a crash leaves at most a temp file, removed on open
once the process that wrote it is gone (a crawl and a run may share the store).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from extract.files import orphaned, temp_prefix

OBJECTS_DIR = "objects"
_TMP_DIR = "tmp"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Stored:
    """One object in the store and whether this call added it."""

    sha256: str
    size: int
    path: Path
    new: bool


def sha256_bytes(data: bytes) -> str:
    """Return the hex sha256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of the file at `path`, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class RawStore:
    """Content-addressed files under `<root>/objects/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / OBJECTS_DIR
        self._tmp = self.objects / _TMP_DIR
        self._tmp.mkdir(parents=True, exist_ok=True)
        # Temp files only outlive a write when the process was killed during it.
        for stale in self._tmp.iterdir():
            if orphaned(stale):
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()

    def path(self, sha256: str) -> Path:
        """Return where the object with this hash lives (whether or not it exists)."""
        return self.objects / sha256[:2] / f"{sha256}.bin"

    def has(self, sha256: str, size: int | None = None) -> bool:
        """Return whether the object is stored (with `size` bytes, when given)."""
        try:
            stat = self.path(sha256).stat()
        except FileNotFoundError:
            return False
        return size is None or stat.st_size == size

    def read(self, sha256: str) -> bytes:
        """Return the stored bytes of an object."""
        return self.path(sha256).read_bytes()

    def put(self, data: bytes, *, durable: bool = True) -> Stored:
        """Store `data` unless the same bytes are already there; return where it is.

        `durable=False` skips the fsync, for bytes that have another copy (a hand-placed file):
        after a power cut such an object may be damaged, which its recorded size and hash tell.
        """
        sha = sha256_bytes(data)
        final = self.path(sha)
        if final.is_file():
            return Stored(sha, len(data), final, new=False)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix=temp_prefix("object"),
                                        suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if durable:
                    fh.flush()
                    os.fsync(fh.fileno())
            return Stored(sha, len(data), final, new=self._link(tmp, final))
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def put_file(self, source: Path, *, durable: bool = True) -> Stored:
        """Copy the file at `source` into the store (once); return where it is."""
        return self.put(source.read_bytes(), durable=durable)

    @staticmethod
    def _link(tmp: Path, final: Path) -> bool:
        """Put `tmp` at `final` without ever replacing an existing file; return if it was new."""
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(tmp, final)
        except FileExistsError:
            return False  # the same bytes arrived meanwhile: identical content by construction
        except OSError:
            # A file system without hard links: a rename may replace, but only identical bytes.
            if final.exists():
                return False
            os.replace(tmp, final)
        return True
