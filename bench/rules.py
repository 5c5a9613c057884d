"""How often each rule fires in each document of the real corpus.

Every node, plan and measure the pipeline emits names the evidence that decided it. This script
parses every document of `../shared/corpus` (seed texts, PDFs, HTML pages), counts each evidence
name per document, and prints one row per rule: in how many documents it fired, how often in
all, and where. A rule that fires in one document only is flagged: it may serve that document
rather than Japanese documents in general, and needs a second, different real text or removal.

    .venv/bin/python bench/rules.py [--corpus DIR] [--json] [--min-docs N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

# Run as `python bench/rules.py`, this folder comes first on the import path, and its html.py
# would stand in for the standard library's html module the PDF readers import: every PDF
# would then fail to read and fire no rule.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from extract.pipeline import parse_file  # noqa: E402
from extract.schema import Document, NodeKind, walk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = ("seeds", "pdf", "html")
SUFFIXES = {".txt", ".pdf", ".html", ".htm"}


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (corpus / folder).rglob("*")
                  if p.is_file() and p.suffix.lower() in SUFFIXES)


def evidence_counts(doc: Document) -> Counter[str]:
    """Each evidence name on the document's plans, sections and measures, prefixed by what it
    decided (`plan:`, `section:`, `measure:`)."""
    counts: Counter[str] = Counter()
    for plan in doc.plans:
        counts.update(f"plan:{name}" for name in plan.evidence)
    for node in walk(doc.outline):
        kind = "measure" if node.kind is NodeKind.MEASURE else node.kind.value
        counts.update(f"{kind}:{name}" for name in node.evidence)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--min-docs", type=int, default=2,
                        help="flag rules firing in fewer documents than this")
    args = parser.parse_args()
    files = corpus_files(args.corpus)
    if not files:
        print(f"no documents under {args.corpus}", file=sys.stderr)
        return 2
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for path in files:
        name = path.relative_to(args.corpus).as_posix()
        for rule, n in evidence_counts(parse_file(path)).items():
            per_rule[rule][name] += n
    rows = sorted(per_rule.items(), key=lambda kv: (len(kv[1]), kv[0]))
    if args.json:
        print(json.dumps({rule: dict(docs) for rule, docs in rows}, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(files)} documents, {len(rows)} rules\n")
    print(f"{'rule':<44} {'docs':>4} {'fires':>6}  where (most first)")
    for rule, docs in rows:
        flag = f"  <- fewer than {args.min_docs} documents" if len(docs) < args.min_docs else ""
        where = ", ".join(f"{Path(d).name[:28]}×{n}" for d, n in docs.most_common(3))
        print(f"{rule:<44} {len(docs):>4} {sum(docs.values()):>6}  {where}{flag}")
    lonely = sum(1 for _, docs in rows if len(docs) < args.min_docs)
    print(f"\n{lonely} of {len(rows)} rules fire in fewer than {args.min_docs} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
