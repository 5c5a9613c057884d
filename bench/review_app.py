"""What the review app's requests cost, against extracting the same document, in this process.

The document is extracted with `extract run` into a temp folder; then, for ROUNDS rounds, the
baseline `parse_bytes` of its bytes, and through the app (Starlette's test client, no network):
the document page, one PDF page rendered to PNG (cache cleared: the first view), the boxes of
that page's nodes, and a save of one edit (checked, applied, validated, kept, the reviewed file
and index written). Medians; the ratio is the request's time over the parse's.

    .venv/bin/python bench/review_app.py [--rounds 5] [FILE]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# `python bench/review_app.py` puts bench/ first on the path, where bench/html.py would shadow
# the standard library's html module that pdfminer imports.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "pdf" / "nepp-chan_otoineppu" / "koudoukeikaku.pdf"
PAGE = 3


def median_seconds(rounds: int, work: Callable[[int], object]) -> float:
    times = []
    for i in range(rounds):
        started = time.perf_counter()
        work(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()

    from starlette.testclient import TestClient

    from extract.ingest.batch import run
    from extract.pipeline import parse_bytes
    from extract.review.app.server import create_app

    tmp = Path(tempfile.mkdtemp(prefix="bench-review-app-"))
    try:
        raw, out = tmp / "raw", tmp / "structured"
        raw.mkdir()
        shutil.copyfile(args.file, raw / args.file.name)
        run(raw, out, jobs=1)
        data = args.file.read_bytes()
        app = create_app(raw, out)
        client = TestClient(app, base_url="http://127.0.0.1:8765")
        doc = re.findall(r'href="/doc/([^"]+)"', client.get("/").text)[0]
        page = client.get(f"/doc/{doc}").text
        csrf = re.search(r'data-csrf="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        first = client.get(f"/api/doc/{doc}").json()["document"]["outline"][0]

        parse = median_seconds(args.rounds, lambda _: parse_bytes(data, uri=args.file.name))
        figures = {"document page": median_seconds(
            args.rounds, lambda _: client.get(f"/doc/{doc}").raise_for_status())}
        is_pdf = args.file.suffix.lower() == ".pdf"
        if is_pdf:
            def png(_: int) -> None:
                from extract.review.app import source

                source.PdfCache.__init__(app.state.pdfs)  # empty: the first view of a page
                client.get(f"/doc/{doc}/page/{PAGE}.png").raise_for_status()

            figures[f"page {PAGE} as PNG"] = median_seconds(args.rounds, png)
            figures[f"page {PAGE} boxes"] = median_seconds(
                args.rounds, lambda _: client.get(f"/doc/{doc}/page/{PAGE}/boxes"))

        def save(i: int) -> None:
            response = client.post(f"/api/doc/{doc}/save", headers={"X-CSRF-Token": csrf},
                                   json={"revision": i, "author": "bench", "edits": [
                                       {"op": "set", "target": {"kind": "node",
                                                                "id": first["id"]},
                                        "field": "title", "value": f"{first['title']}{i}"}]})
            response.raise_for_status()

        figures["save one edit"] = median_seconds(args.rounds, save)
        print(f"{args.file.name}: parse_bytes {parse:.3f} s (baseline), medians of "
              f"{args.rounds} rounds")
        for name, seconds in figures.items():
            print(f"  {name:<16} {seconds:.3f} s  {seconds / parse:.2f}× parse")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
