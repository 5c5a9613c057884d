"""What applying corrections costs, against extracting the same document, in this process.

For each document: `parse_bytes` (the baseline: what a re-extraction costs anyway), then
`apply` with CORRECTIONS corrections made on it (titles set, measures deleted, periods set,
nodes merged and inserted, cycled over its nodes and plans), and the same corrections applied
again to the reviewed document (every one absorbed). Medians of ROUNDS rounds; the ratio is
apply time over parse time.

    .venv/bin/python bench/review.py [--corrections 50] [--rounds 5] [FILE ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# `python bench/review.py` puts bench/ first on the path, where bench/html.py would shadow the
# standard library's html module that pdfminer imports.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [*sorted((ROOT / "raw" / "samples").glob("*.txt"))[:1],
           ROOT.parent / "shared" / "corpus" / "pdf" / "nepp-chan_otoineppu" / "koudoukeikaku.pdf"]


def corrections_for(doc: Any, count: int) -> list[Any]:
    """`count` corrections on `doc`, cycling over operations, nodes and plans."""
    from extract.review.make import correction_for
    from extract.schema import walk

    nodes = walk(doc.outline)
    made: list[Any] = []
    used: set[str] = set()
    for i in range(count):
        node = nodes[(i * 7) % len(nodes)]
        if node.id in used:
            continue
        used.add(node.id)
        op = i % 4
        if op == 0:
            made.append(correction_for(doc, op="set", kind="node", target_id=node.id,
                                       field="title", value=f"{node.title}(改)", author="b"))
        elif op == 1:
            made.append(correction_for(doc, op="add_measure", kind="node", target_id=node.id,
                                       value={"title": f"測定用の取組{i}"}, author="b"))
        elif op == 2 and doc.plans and doc.plans[i % len(doc.plans)].id not in used:
            plan = doc.plans[i % len(doc.plans)]
            used.add(plan.id)
            made.append(correction_for(doc, op="set_period", kind="plan", target_id=plan.id,
                                       value={"start": "FY2020", "end": f"FY{2021 + i % 9}"},
                                       author="b"))
        else:
            made.append(correction_for(doc, op="insert_after", kind="node", target_id=node.id,
                                       value={"title": f"測定用の見出し{i}"}, author="b"))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--corrections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from extract.pipeline import parse_bytes
    from extract.review.apply import apply

    print(f"{'document':<40} {'nodes':>5} {'corr.':>5} {'parse s':>8} {'apply s':>8} "
          f"{'ratio':>6} {'again s':>8} {'ratio':>6}")
    for path in args.files:
        if not path.is_file():
            print(f"{path}: absent, skipped")
            continue
        data = path.read_bytes()
        parse_t, apply_t, again_t = [], [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            doc = parse_bytes(data, uri=path.name)
            parse_t.append(time.perf_counter() - started)
            made = corrections_for(doc, args.corrections)
            started = time.perf_counter()
            reviewed = apply(doc, made)
            apply_t.append(time.perf_counter() - started)
            started = time.perf_counter()
            again = apply(reviewed.document, made)
            again_t.append(time.perf_counter() - started)
        assert all(o.status == "applied" for o in reviewed.outcomes)
        assert all(o.status == "absorbed" for o in again.outcomes)
        from extract.schema import walk

        p, a, g = (statistics.median(t) for t in (parse_t, apply_t, again_t))
        print(f"{path.name:<40} {len(walk(doc.outline)):>5} {len(made):>5} {p:>8.3f} "
              f"{a:>8.3f} {a / p:>6.2f} {g:>8.3f} {g / p:>6.2f}")


if __name__ == "__main__":
    main()
