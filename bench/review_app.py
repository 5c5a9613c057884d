"""What the review app's requests cost, against extracting the same document, in this process.

The document is extracted with `extract run` into a temp folder; then, for ROUNDS rounds, the
baseline `parse_bytes` of its bytes, and through the app (Starlette's test client, no network):
the document page, one PDF page rendered to PNG (cache cleared: the first view), the boxes of
that page's nodes, and a save of one edit (checked, applied, validated, kept, the reviewed file
and index written). Medians; the ratio is the request's time over the parse's.

With --list, every corpus PDF and page is extracted instead, and the document list is timed on
a new app (every output read and its corrections applied) and again (cached), against reading
and validating every output with `Document.model_validate_json` in the same process.

    .venv/bin/python bench/review_app.py [--rounds 5] [FILE]
    .venv/bin/python bench/review_app.py --list [--rounds 5]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

# `python bench/review_app.py` puts bench/ first on the path, where bench/html.py would shadow
# the standard library's html module that pdfminer imports.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "pdf" / "nepp-chan_otoineppu" / "koudoukeikaku.pdf"
PAGE = 3
# Starlette's test client asks for httpx2; httpx serves it as well.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")


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
    parser.add_argument("--list", action="store_true", help="time the document list instead")
    args = parser.parse_args()
    if args.list:
        document_list(args.rounds)
        return

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


def document_list(rounds: int) -> None:
    """Print the document list's cold and warm time over every corpus document."""
    from starlette.testclient import TestClient

    from extract.ingest.batch import run
    from extract.review.app.server import create_app
    from extract.schema import Document

    corpus = DEFAULT.parents[2]
    tmp = Path(tempfile.mkdtemp(prefix="bench-review-app-"))
    try:
        raw, out = tmp / "raw", tmp / "structured"
        for folder in ("pdf", "html"):
            shutil.copytree(corpus / folder, raw / folder)
        run(raw, out, jobs=2)
        outputs = [p for p in out.rglob("*.json") if p.name != "index.json"]
        load = median_seconds(rounds, lambda _: [Document.model_validate_json(p.read_bytes())
                                                 for p in outputs])

        def cold(_: int) -> None:
            client = TestClient(create_app(raw, out), base_url="http://127.0.0.1:8765")
            client.get("/").raise_for_status()

        warm_client = TestClient(create_app(raw, out), base_url="http://127.0.0.1:8765")
        warm_client.get("/")
        first = median_seconds(rounds, cold)
        again = median_seconds(rounds, lambda _: warm_client.get("/").raise_for_status())
        print(f"{len(outputs)} outputs: reading and validating them all {load:.3f} s "
              f"(baseline), medians of {rounds} rounds")
        print(f"  list, new app    {first:.3f} s  {first / load:.2f}× baseline")
        print(f"  list, again      {again:.3f} s  {again / load:.2f}× baseline")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
