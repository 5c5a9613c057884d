"""Plans in force on a date: those whose period's resolved dates cover it.

A plan is in force on D when start_date ≤ D ≤ end_date. A period open at one end (令和3年度から,
…まで) is in force on every date on its open side, and the answer says which end is open. A
plan with no dated period (none found, or only a length such as 5年間) cannot be placed in
time: it is counted apart, never guessed. Only each source's newest version is read, reviewed
values first. One plan named by several documents of a municipality is one answer, with the
documents that name it and the strongest role among them (main, then sub, then referenced).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from extract.errors import InputError
from extract.export.documents import entries, load
from extract.schema import Municipality, Plan

ROLE_ORDER = ("main", "sub", "referenced")
MUNICIPALITY_CODE_DIGITS = 6  # 全国地方公共団体コード; its first 5 digits are used alone too


@dataclass(slots=True)
class InForce:
    """One plan of one municipality with the documents that name it."""

    municipality: str | None
    municipality_code: str | None
    plan: Plan
    documents: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def open_end(self) -> str | None:
        """Return which end of the period is open ("start", "end"), if one is."""
        period = self.plan.period
        if period is None or (period.start_date is None) == (period.end_date is None):
            return None
        return "start" if period.start_date is None else "end"

    def as_json(self) -> dict[str, object]:
        period = self.plan.period
        return {
            "municipality": self.municipality, "municipality_code": self.municipality_code,
            "plan_id": self.plan.id, "title": self.plan.title, "kind": self.plan.kind,
            "role": self.plan.role.value, "period": period.text if period else None,
            "start_date": period.start_date.isoformat() if period and period.start_date
            else None,
            "end_date": period.end_date.isoformat() if period and period.end_date else None,
            "open_end": self.open_end, "documents": self.documents, "sources": self.sources,
        }


@dataclass(slots=True)
class Answer:
    """The plans that answer a query, and how many matching plans have no dated period."""

    plans: list[InForce]
    undated: int
    unreadable: list[tuple[str, str]]  # (output, message)


def covers(plan: Plan, day: date) -> bool:
    """Return whether the plan's period covers `day`, an open end covering its side."""
    period = plan.period
    if period is None or (period.start_date is None and period.end_date is None):
        return False
    return ((period.start_date is None or period.start_date <= day)
            and (period.end_date is None or day <= period.end_date))


def names_municipality(query: str, municipality: Municipality | None, name: str | None,
                       code: str | None) -> bool:
    """Return whether `query` is the municipality's name or its code (6 digits, or the 5
    without the check digit)."""
    names = {n for n in (name, municipality.name if municipality else None) if n}
    codes = {c for c in (code, municipality.code if municipality else None) if c}
    if query in names or query in codes:
        return True
    return (query.isdigit() and len(query) == MUNICIPALITY_CODE_DIGITS - 1
            and any(c.startswith(query) for c in codes))


def is_kind(plan: Plan, kind: str) -> bool:
    """Return whether the plan is of `kind`: its kind or its title names it."""
    return kind in (plan.kind or "") or kind in plan.title


def plans_in_force(out_dir: Path, day: date | None, raw_dir: Path | None = None,
                   municipality: str | None = None, kind: str | None = None) -> Answer:
    """Return the plans in force on `day` (every dated plan when None) under `out_dir`."""
    found: dict[tuple[object, ...], InForce] = {}
    undated, unreadable = 0, []
    for entry in entries(out_dir, raw_dir):
        if not entry.latest:
            continue
        try:
            doc = load(entry).document
        except InputError as error:
            unreadable.append((str(entry.output), str(error)))
            continue
        name = doc.municipality.name if doc.municipality else entry.municipality
        code = (doc.municipality.code if doc.municipality and doc.municipality.code
                else entry.municipality_code)
        if municipality and not names_municipality(municipality, doc.municipality,
                                                   entry.municipality, entry.municipality_code):
            continue
        for plan in doc.plans:
            if kind and not is_kind(plan, kind):
                continue
            period = plan.period
            if period is None or (period.start_date is None and period.end_date is None):
                undated += 1
                continue
            if day is not None and not covers(plan, day):
                continue
            key = (code or name, plan.title, period.start_date, period.end_date)
            held = found.setdefault(key, InForce(name, code, plan))
            if ROLE_ORDER.index(plan.role.value) < ROLE_ORDER.index(held.plan.role.value):
                held.plan = plan
            held.documents.append(doc.id)
            held.sources.append(entry.uri)
    plans = sorted(found.values(), key=lambda f: (
        f.municipality_code or "", f.municipality or "", ROLE_ORDER.index(f.plan.role.value),
        f.plan.period.start_date or date.min if f.plan.period else date.min, f.plan.title))
    return Answer(plans, undated, unreadable)


def answer_table(answer: Answer, day: date | None) -> str:
    """Return the answer as lines of text for a terminal."""
    lines = []
    for item in answer.plans:
        period = item.plan.period
        start = period.start_date.isoformat() if period and period.start_date else "…"
        end = period.end_date.isoformat() if period and period.end_date else "…"
        opened = f" (open {item.open_end})" if item.open_end else ""
        who = " ".join(p for p in (item.municipality_code, item.municipality) if p) or "?"
        lines.append(f"{who}\t{item.plan.title}\t{item.plan.kind or ''}\t"
                     f"{item.plan.role.value}\t{start} – {end}{opened}\t"
                     f"{len(item.documents)} document(s)")
    when = f"in force on {day.isoformat()}" if day else "with a dated period"
    lines.append(f"{len(answer.plans)} plans {when}; {answer.undated} matching plans have no "
                 "dated period and cannot be placed in time")
    return "\n".join(lines)
