"""Helpers of the review app's tests: a raw folder extracted with `extract run`, the app served
by a real uvicorn on 127.0.0.1 (`extract review` in a child process), and a plan text.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from extract.ingest.batch import run

# Hand-made: a plan written for these tests (chapters, numbered sections, measures, a period).
PLAN_TEXT = """架空市行政改革実施計画

第1章　計画の概要
１　計画の期間
　本計画の期間は、令和3年度から令和7年度までの5年間とし、中間年度に計画の進み具合を点検します。
第2章　取組
１　事務の見直し
（１）窓口業務の委託を進めます。
（２）電子申請の対象手続を拡大します。
２　財政の健全化
（１）使用料の見直しを行います。
"""

OTOINEPPU_PDF = "pdf/nepp-chan_otoineppu/koudoukeikaku.pdf"


def extracted(tmp: Path, files: dict[str, Path | str]) -> tuple[Path, Path]:
    """Return (raw, out) after placing `files` (name → source path or text) and `extract run`."""
    raw, out = tmp / "raw", tmp / "structured"
    for name, source in files.items():
        target = raw / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copyfile(source, target)
        else:
            target.write_text(source, encoding="utf-8")
    run(raw, out, jobs=1)
    return raw, out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(raw: Path, out: Path, *args: str) -> Iterator[str]:
    """Run `extract review RAW -o OUT` on a free port; yield its base URL; stop it after."""
    port = free_port()
    command = [sys.executable, "-m", "extract", "review", str(raw), "-o", str(out),
               "--port", str(port), *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/static/review.css", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise RuntimeError(f"extract review did not start: {output}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
