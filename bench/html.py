"""Our HTML reader against trafilatura on the gold web pages: content, boilerplate, speed.

Run from the project root (trafilatura comes with the `bench` extra):

    .venv/bin/python -m bench.html [--repeat 5] [--big]

Both readers get the same bytes. Scores follow ../shared/gold/README.md: content is the
share of `must_contain` strings found in the output text, boilerplate the number of
`must_not_contain` strings found; both compared after NFKC with all whitespace removed.
Speed is pages per second over the gold pages, the median of `--repeat` runs of each reader
in this process, the readers taking turns. `--big` adds the peak memory of reading a
generated 20 MB page, measured in a child process for each reader.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__" and not __package__:
    # Run as a file, this module's folder would come first on the path and shadow the
    # standard library's `html` (which trafilatura imports): look from the project root.
    sys.path[0] = str(ROOT)
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "docs"

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class GoldPage:
    """A gold web page: its name, bytes and expected strings."""

    name: str
    data: bytes
    must_contain: list[str]
    must_not_contain: list[str]


@dataclass(frozen=True)
class PageScore:
    """How one reader did on one page."""

    found: int
    expected: int
    leaks: list[str]
    missing: list[str]


def gold_pages(gold_dir: Path = GOLD) -> list[GoldPage]:
    """Return the gold web pages (html-*.json) with their source bytes."""
    pages = []
    for path in sorted(gold_dir.glob("html-*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        data = (gold_dir.parents[1] / gold["input"]).read_bytes()
        name = path.stem.removeprefix("html-")
        pages.append(GoldPage(name, data, gold["must_contain"], gold["must_not_contain"]))
    return pages


def squeeze(text: str) -> str:
    """Return text as the scores compare it: NFKC, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def score_text(text: str, page: GoldPage) -> PageScore:
    """Return the content and boilerplate score of one output text against its gold page."""
    squeezed = squeeze(text)
    missing = [s for s in page.must_contain if squeeze(s) not in squeezed]
    leaks = [s for s in page.must_not_contain if squeeze(s) in squeezed]
    return PageScore(len(page.must_contain) - len(missing), len(page.must_contain), leaks, missing)


def ours(data: bytes) -> str:
    """Return our reader's text for a page: its blocks' texts, one per line."""
    from extract.readers.html import html_to_blocks

    return "\n".join(block.text for block in html_to_blocks(data).blocks)


def trafilatura_text(data: bytes) -> str:
    """Return trafilatura's main text for a page (default settings, tables included)."""
    import trafilatura

    return trafilatura.extract(data, include_tables=True) or ""


READERS: dict[str, Callable[[bytes], str]] = {"extract": ours, "trafilatura": trafilatura_text}


def pages_per_second(pages: list[GoldPage], repeat: int) -> dict[str, float]:
    """Return each reader's median pages per second over `repeat` runs on all pages.

    The readers take turns run by run, so a change in machine load slows both alike.
    """
    times: dict[str, list[float]] = {name: [] for name in READERS}
    for _ in range(repeat):
        for name, reader in READERS.items():
            start = time.perf_counter()
            for page in pages:
                reader(page.data)
            times[name].append(time.perf_counter() - start)
    return {name: len(pages) / statistics.median(runs) for name, runs in times.items()}


def big_page(megabytes: int = 20) -> bytes:
    """Return a generated municipal-plan-like page of about `megabytes` MB."""
    row = "<tr><td>第{0}号 事業の見直し</td><td>行政改革推進課</td><td>令和{1}年度まで</td></tr>"
    section = (
        "<h2>{0} 施策の方向</h2><p>本市は行政改革大綱に基づき、事務事業の見直しを進めます。"
        "番号{0}の取組を着実に実施し、成果を公表します。</p>"
        "<ul><li>(1) 業務の効率化</li><li>(2) 職員数の適正化</li></ul>"
    )
    parts = ["<html><head><meta charset='utf-8'><title>計画</title></head><body>"]
    parts.append("<nav><ul><li><a href='/'>ホーム</a></li></ul></nav><main><h1>計画</h1>")
    size, n = 0, 0
    while size < megabytes * 1024 * 1024:
        rows = "".join(row.format(n * 10 + k, k % 9 + 1) for k in range(10))
        chunk = section.format(n) + f"<table>{rows}</table>"
        parts.append(chunk)
        size += len(chunk.encode())
        n += 1
    parts.append("</main><footer>〒000-0000 市役所</footer></body></html>")
    return "".join(parts).encode()


_PEAK = """
import resource, sys
from bench.html import READERS, big_page
data = big_page()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
text = READERS[sys.argv[1]](data)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, after, len(text))
"""


def peak_memory_mb(reader: str) -> tuple[float, float]:
    """Return (peak RSS in MB, growth while reading) for one reader on the big page."""
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, reader], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    before, after = int(out[0]) / 1024, int(out[1]) / 1024
    return after, after - before


def main() -> None:
    """Print both readers' scores per page and in total, and their speed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per reader")
    parser.add_argument("--big", action="store_true", help="measure memory on a 20 MB page")
    args = parser.parse_args()
    if not GOLD.is_dir():
        sys.exit(f"no gold pages: {GOLD} is missing")
    pages = gold_pages()
    scores = {name: [score_text(read(p.data), p) for p in pages] for name, read in READERS.items()}
    print(f"{'page':<16}{'extract':>18}{'trafilatura':>18}   (content found/expected, leaks)")
    for i, page in enumerate(pages):
        cells = [f"{s[i].found}/{s[i].expected} {len(s[i].leaks)}" for s in scores.values()]
        print(f"{page.name:<16}" + "".join(f"{c:>18}" for c in cells))
    print()
    speed = pages_per_second(pages, args.repeat)
    print(f"{'':<16}{'content':>10}{'leaks':>8}{'pages/s':>10}")
    for name, page_scores in scores.items():
        found = sum(s.found for s in page_scores)
        expected = sum(s.expected for s in page_scores)
        leaks = sum(len(s.leaks) for s in page_scores)
        print(f"{name:<16}{found / expected:>10.3f}{leaks:>8}{speed[name]:>10.1f}")
    print(f"speed ratio extract/trafilatura: {speed['extract'] / speed['trafilatura']:.2f}")
    if args.big:
        print()
        for name in READERS:
            peak, growth = peak_memory_mb(name)
            print(f"{name:<16}20 MB page: peak RSS {peak:.0f} MB (+{growth:.0f} MB reading)")


if __name__ == "__main__":
    main()
