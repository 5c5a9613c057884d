"""Checks that need no gold: what cannot be right in an extracted document, whatever it says.

Each check is a small function of the document's JSON returning findings; `audit` runs them
all. A finding is an error where the output is wrong by construction (a period outside the
years plans are written in, a title with control characters, a plan claimed with no evidence,
more plans or headings than a document can hold, measures where there is no plan, most of the
text in no node) and a warning where it is only suspect (some uncovered text, a heading
ending mid-sentence, a numbering gap).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from extract.structure.markers import grammar, parse_label

Json = dict[str, Any]
Level = Literal["error", "warning"]

# Plans are written between the Meiji era and the end of this century.
FIRST_YEAR, LAST_YEAR = 1868, 2100
MAX_PLANS = 15
MAX_HEADINGS_PER_PAGE = 40
# Share of the content characters in no node (or in two) above which it is an error.
COVERAGE_ERROR_SHARE = 0.05
# Headings ending in one of these end mid-sentence (a case particle, a comma, a continuative).
FRAGMENT_ENDINGS = ("、", ",", "の", "を", "に", "が", "は", "と", "で", "や", "より", "から",
                    "及び", "並びに", "または", "又は", "ならびに", "および")
# ... but for nominal endings that close a phrase (…に関すること, …について).
PHRASE_ENDINGS = ("こと", "ごと", "もと")
# Headings of the closed set that end in a particle all the same.
WHOLE_HEADINGS = ("はじめに", "初めに", "始めに", "おわりに", "終わりに", "終りに", "さいごに",
                  "最後に")
# Share of a document's headings that may end mid-sentence before it is an error.
FRAGMENT_ERROR_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    level: Level
    message: str
    where: str | None = None

    def as_json(self) -> Json:
        return asdict(self)


def _walk(nodes: list[Json] | None, path: str = "outline") -> Iterator[tuple[Json, str]]:
    for i, node in enumerate(nodes or []):
        here = f"{path}[{i}]"
        yield node, here
        yield from _walk(node.get("children"), f"{here}.children")


def _sections(doc: Json) -> list[tuple[Json, str]]:
    return [(n, w) for n, w in _walk(doc.get("outline")) if n.get("kind") == "section"]


# White space and bullet symbols are layout: a node may hold a line without them (the outline
# takes the marker grammar's bullets off its titles).
_LAYOUT_EXTRA = "※▪▫◦‣-"


@cache
def _layout() -> re.Pattern[str]:
    return re.compile("[\\s" + re.escape(grammar().bullets + _LAYOUT_EXTRA) + "]+")


def _squeeze(text: str) -> str:
    return _layout().sub("", text)


# Lines shorter than this are found inside too many others to say they were taken twice.
TWICE_MIN_CHARS = 10


def check_coverage(doc: Json) -> Iterator[Finding]:
    """Every line of the content text belongs to a node, as its heading or in its text, and
    to one only. Compared without white space, so a table row whose cells a node joins with
    tabs, or a line a node holds in two, still counts as held; the content text is squeezed
    the same way when counting how often a line is printed, so a phrase that the text repeats
    across a line break is not taken for one held twice.

    A line may open with a node's heading and run on into its text: a table row whose first
    cell heads the node and whose other cells are its text, or a heading with its body on the
    same line. Such a line is held by that node.

    >>> doc = {"text": "1 はじめに\\n本文です。\\n孤立した行", "outline": [{"kind": "section",
    ...   "label": "1", "title": "はじめに", "text": "本文です。",
    ...   "source": {"start": 0, "end": 6}}]}
    >>> [f.check for f in check_coverage(doc)]
    ['uncovered_text']
    """
    text = doc.get("text") or ""
    lines = Counter(s for s in (_squeeze(x) for x in text.split("\n")) if s)
    if not lines:
        return
    owners: list[str] = []
    runs_on: list[str] = []  # each node's heading followed by its text
    for node, _ in _walk(doc.get("outline")):
        if node.get("kind") == "measure":
            continue  # a measure is read out of its section's text, not beside it
        source = node.get("source")
        body = _squeeze(node.get("text") or "")
        heading = _squeeze(text[source["start"]:source["end"]]) \
            if source and node.get("title") else ""
        if heading:
            owners.append(heading)
            runs_on.append(heading + body)
        # a label printed at the head of the node's first body line (第1条 …) is held as its
        # label, unless the heading line printed it
        label = _squeeze(node.get("label") or "")
        owners.append(("" if heading.startswith(label) else label) + body)
    owned = "\x00".join(owners)
    heads = "\x00".join(runs_on)
    whole = _squeeze(text)
    total = sum(len(s) * n for s, n in lines.items())
    missing = {s: n for s, n in lines.items() if s not in owned and s not in heads}
    doubled = {s: 1 for s in lines if len(s) >= TWICE_MIN_CHARS
               and s not in missing and owned.count(s) > whole.count(s)}
    for check, gaps, what in (("uncovered_text", missing, "in no node"),
                              ("text_covered_twice", doubled, "in two nodes")):
        chars = sum(len(s) * n for s, n in gaps.items())
        if chars:
            share = chars / total
            example = max(gaps, key=len)[:40]
            yield Finding(check, "error" if share > COVERAGE_ERROR_SHARE else "warning",
                          f"{share:.0%} of the content characters are {what} "
                          f"({len(gaps)} lines, e.g. {example!r})")


def check_fragment_headings(doc: Json) -> Iterator[Finding]:
    """A heading is a phrase: one ending in a particle or a comma is a cut sentence.

    >>> doc = {"outline": [{"kind": "section", "title": "市民の皆様と"},
    ...                    {"kind": "section", "title": "基本方針"}]}
    >>> [f.message for f in check_fragment_headings(doc)]
    ["heading ends mid-sentence: '市民の皆様と'"]
    """
    sections = [(n, w) for n, w in _sections(doc) if n.get("title")]
    cut = [(n, w) for n, w in sections if str(n["title"]).rstrip().endswith(FRAGMENT_ENDINGS)
           and str(n["title"]).strip() not in WHOLE_HEADINGS
           and not str(n["title"]).rstrip().endswith(PHRASE_ENDINGS)]
    level: Level = "error" if sections and len(cut) > FRAGMENT_ERROR_SHARE * len(sections) \
        and len(cut) > 2 else "warning"
    for node, where in cut:
        yield Finding("fragment_heading", level,
                      f"heading ends mid-sentence: {node['title']!r}", where)


def ordinal(label: str) -> tuple[str, int] | None:
    """The numbering family of a printed label and its ordinal, by the marker grammar; a
    compound label (1-2) counts within its parent's number.

    >>> ordinal("(3)"), ordinal("第十二章"), ordinal("④"), ordinal("ウ"), ordinal("Ⅱ.")
    (('paren_num', 3), ('sho', 12), ('circled', 4), ('katakana_space', 3), ('roman', 2))
    >>> ordinal("2-3"), ordinal("■") is None
    (('dash_num 2', 3), True)
    """
    marker = parse_label(label)
    if marker is None or not marker.num:
        return None
    family = marker.family if marker.parent is None else f"{marker.family} {marker.parent}"
    return (family, marker.num)


def _sibling_groups(nodes: list[Json] | None,
                    path: str = "outline") -> Iterator[tuple[list[Json], str]]:
    siblings = [n for n in nodes or [] if n.get("kind") == "section"]
    yield siblings, path
    for i, node in enumerate(nodes or []):
        yield from _sibling_groups(node.get("children"), f"{path}[{i}].children")


def check_sibling_ordinals(doc: Json) -> Iterator[Finding]:
    """Siblings of one numbering family count 1, 2, 3…: a skip or a step back is a misplaced
    node (a heading taken from elsewhere, or one missed).

    >>> doc = {"outline": [{"kind": "section", "label": "1"}, {"kind": "section", "label": "3"}]}
    >>> [f.message for f in check_sibling_ordinals(doc)]
    ["siblings labelled '1' then '3'"]
    """
    for siblings, where in _sibling_groups(doc.get("outline")):
        last: dict[str, tuple[int, str]] = {}
        for node in siblings:
            found = ordinal(node.get("label") or "")
            if found is None:
                continue
            family, n = found
            if family in last and n != last[family][0] + 1:
                yield Finding("ordinal_sequence", "warning",
                              f"siblings labelled {last[family][1]!r} then {node['label']!r}",
                              where)
            last[family] = (n, node["label"])


def _years(point: str | None) -> int | None:
    if not point:
        return None
    return int(point[2:6] if point.startswith("FY") else point[:4])


def check_plans(doc: Json) -> Iterator[Finding]:
    """Plans carry the evidence that made them, periods within the years plans are written
    in, and a document holds a handful of them at most."""
    plans = doc.get("plans") or []
    if len(plans) > MAX_PLANS:
        yield Finding("too_many_plans", "error",
                      f"{len(plans)} plans (more than {MAX_PLANS}: mentions taken for plans)")
    for i, plan in enumerate(plans):
        where = f"plans[{i}]"
        if not plan.get("evidence"):
            yield Finding("plan_without_evidence", "error",
                          f"plan {plan.get('title')!r} carries no evidence", where)
        period = plan.get("period") or {}
        for end in ("start", "end"):
            year = _years(period.get(end))
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                yield Finding("period_out_of_range", "error",
                              f"plan {plan.get('title')!r} {end} {period.get(end)} is outside "
                              f"{FIRST_YEAR}–{LAST_YEAR}", where)


def check_periods(doc: Json) -> Iterator[Finding]:
    """Node periods within the years plans are written in."""
    for node, where in _walk(doc.get("outline")):
        period = node.get("period") or {}
        for end in ("start", "end"):
            year = _years(period.get(end))
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                yield Finding("period_out_of_range", "error",
                              f"{end} {period.get(end)} is outside {FIRST_YEAR}–{LAST_YEAR}",
                              where)


def check_heading_density(doc: Json) -> Iterator[Finding]:
    """A page holds at most a few dozen headings; more are labels or cut lines taken for them."""
    pages = Counter((n.get("source") or {}).get("page") for n, _ in _sections(doc)
                    if n.get("title"))
    for page, count in sorted(pages.items(), key=lambda kv: kv[0] or 0):
        if page is not None and count > MAX_HEADINGS_PER_PAGE:
            yield Finding("too_many_headings", "error",
                          f"{count} headings on page {page} (more than {MAX_HEADINGS_PER_PAGE})")


# A table of named projects (a 事業名 column) lists actions whether or not a plan is named.
ACTION_TABLE_EVIDENCE = "table_name_column"


def check_measures_need_a_plan(doc: Json) -> Iterator[Finding]:
    """Measures are the actions of a plan: a document with no plan has none, but for the rows
    of an action table (a table of named projects), which list actions by their form."""
    measures = [n for n, _ in _walk(doc.get("outline")) if n.get("kind") == "measure"]
    loose = [m for m in measures if ACTION_TABLE_EVIDENCE not in (m.get("evidence") or [])]
    if loose and not doc.get("plans"):
        yield Finding("measures_without_plan", "error",
                      f"{len(loose)} measures outside an action table in a document with no plan")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_title(doc: Json) -> Iterator[Finding]:
    """A title is printable text.

    >>> [f.check for f in check_title({"title": "計画\\x07"})]
    ['title_control_characters']
    """
    title = doc.get("title") or ""
    if _CONTROL.search(title):
        yield Finding("title_control_characters", "error",
                      f"the title has control characters: {title!r}")


CHECKS: tuple[Callable[[Json], Iterator[Finding]], ...] = (
    check_coverage, check_fragment_headings, check_sibling_ordinals, check_plans,
    check_periods, check_heading_density, check_measures_need_a_plan, check_title,
)


def audit(doc: Json) -> list[Finding]:
    """Every finding of every check on one document's JSON."""
    return [finding for check in CHECKS for finding in check(doc)]


def _is_output(path: Path) -> Json | None:
    """The document JSON at `path` when it is an extracted document, else None."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and "schema_version" in data and "outline" in data \
        else None


def documents(paths: list[Path]) -> Iterator[tuple[str, Json]]:
    """Each document named by `paths`: extracted JSON as it is, any other file parsed first;
    folders are walked. Files nothing can be read from are parsed like any other and come back
    as failed documents, so they are audited too."""
    from extract.pipeline import parse_file

    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if path.name == "index.json" or path.name.startswith("."):
                continue
            data = _is_output(path) if path.suffix == ".json" else None
            yield str(path), data if data is not None else parse_file(path).model_dump(
                mode="json")
