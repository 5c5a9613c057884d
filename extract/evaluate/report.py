"""Plain-text tables of evaluation scores."""

from __future__ import annotations

from extract.evaluate.docs import Counts, DocScore, group_of, summary

_HEAD = (f"{'document':<32} {'out.P':>5} {'out.R':>5} {'out.F':>5}  {'plans':>5} {'claim':>5}  "
         f"{'mea.P':>5} {'mea.R':>5} {'mea.F':>5}  {'cont':>5} {'leaks':>5} {'title':>5}")


def _f(c: Counts | None, attr: str) -> str:
    return "-" if c is None else f"{getattr(c, attr):.2f}"


def _num(value: float | int | None) -> str:
    return "-" if value is None else (f"{value:.2f}" if isinstance(value, float) else str(value))


def _row(s: DocScore) -> str:
    title = "-" if s.title is None else ("yes" if s.title else "no")
    return (f"{s.name:<32} {_f(s.outline, 'precision'):>5} {_f(s.outline, 'recall'):>5} "
            f"{_f(s.outline, 'f1'):>5}  {_f(s.plans, 'recall'):>5} "
            f"{_f(s.plan_claims, 'precision'):>5}  {_f(s.measures, 'precision'):>5} "
            f"{_f(s.measures, 'recall'):>5} {_f(s.measures, 'f1'):>5}  "
            f"{_f(s.content, 'recall'):>5} {_num(s.boilerplate):>5} {title:>5}")


def _summary_row(name: str, figures: dict[str, float | int | None]) -> str:
    return (f"{name:<32} {'':>5} {'':>5} {_num(figures['outline_f1']):>5}  "
            f"{_num(figures['plan_period_acc']):>5} {_num(figures['plan_precision']):>5}  "
            f"{'':>5} {_num(figures['measures_r']):>5} {_num(figures['measures_f1']):>5}  "
            f"{_num(figures['content']):>5} {_num(figures['boilerplate']):>5} "
            f"{_num(figures['titles']):>5}")


def docs_table(scores: list[DocScore]) -> str:
    """One row per document, then the reference scorer's summary per group and overall
    (outline and measure F1 and content are document means; plan figures are pooled)."""
    lines = [_HEAD, "-" * len(_HEAD), *(_row(s) for s in scores), "-" * len(_HEAD)]
    groups = sorted({group_of(s.name) for s in scores})
    for group in groups:
        members = [s for s in scores if group_of(s.name) == group]
        lines.append(_summary_row(f"{group} ({len(members)})", summary(members)))
    if len(groups) > 1:
        lines.append(_summary_row(f"all ({len(scores)})", summary(scores)))
    return "\n".join(lines)
