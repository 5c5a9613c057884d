"""Plain-text tables of evaluation scores."""

from __future__ import annotations

from extract.evaluate.docs import Counts, DocScore, totals


def _f(c: Counts | None, attr: str) -> str:
    return "-" if c is None else f"{getattr(c, attr):.2f}"


def _row(s: DocScore) -> str:
    return (f"{s.name:<34} {s.status:<8} {_f(s.outline, 'precision'):>5} "
            f"{_f(s.outline, 'recall'):>5} {_f(s.outline, 'f1'):>5}  "
            f"{_f(s.plans, 'recall'):>5}  {_f(s.measures, 'precision'):>5} "
            f"{_f(s.measures, 'recall'):>5} {_f(s.measures, 'f1'):>5}  "
            f"{_f(s.content, 'recall'):>5} {'-' if s.boilerplate is None else s.boilerplate:>5}")


def docs_table(scores: list[DocScore]) -> str:
    """One row per document, then pooled totals per group (seed, pdf, html) and overall."""
    head = (f"{'document':<34} {'status':<8} {'out.P':>5} {'out.R':>5} {'out.F':>5}  "
            f"{'plan':>5}  {'mea.P':>5} {'mea.R':>5} {'mea.F':>5}  {'cont':>5} {'leaks':>5}")
    lines = [head, "-" * len(head)]
    lines += [_row(s) for s in scores]
    lines.append("-" * len(head))
    groups = sorted({s.name.split("-")[0] for s in scores})
    for group in groups:
        members = [s for s in scores if s.name.split("-")[0] == group]
        total = totals(members)
        total.name = f"TOTAL {group} ({len(members)})"
        lines.append(_row(total))
    if len(groups) > 1:
        lines.append(_row(totals(scores)))
    return "\n".join(lines)
