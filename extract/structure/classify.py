"""What each line is: heading, list item, body, table cell, caption, figure label or furniture.

A line is a heading when its heading score is above zero: the bias plus the weight of every
feature that fires (`features.py`, weights in `rules/line_weights.json`). A line that is not a
heading takes the first kind its features show. The label keeps the score, a confidence and
the features that decided it, for the outline's nodes and for `extract explain`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from extract.blocks import Line
from extract.rules import load
from extract.structure.features import FEATURES, Context


class LineKind(StrEnum):
    HEADING = "heading"
    LIST_ITEM = "list_item"
    BODY = "body"
    TABLE_CELL = "table_cell"
    CAPTION = "caption"
    FIGURE_LABEL = "figure_label"
    FURNITURE = "furniture"


@dataclass(frozen=True, slots=True)
class Label:
    """What a line was taken for, its heading score, and the features that fired."""

    kind: LineKind
    score: float
    fired: tuple[str, ...]  # every feature that fired, in the order of FEATURES

    @property
    def confidence(self) -> float:
        """How sure the call is (0.5 on the fence, towards 1 far from it)."""
        p = 1.0 / (1.0 + math.exp(-self.score / 2.0))
        return round(p if self.kind is LineKind.HEADING else 1.0 - p, 3)

    @property
    def evidence(self) -> list[str]:
        """The fired features that pushed towards the call (positive weights for a heading,
        negative ones otherwise), strongest first."""
        w = weights()[1]
        toward = [f for f in self.fired if w.get(f, 0.0) != 0.0
                  and (w[f] > 0) == (self.kind is LineKind.HEADING)]
        return sorted(toward, key=lambda f: -abs(w[f]))


@cache
def weights() -> tuple[float, dict[str, float]]:
    raw = load("line_weights")
    table = {name: float(value) for name, value in raw["weights"].items()}
    unknown = set(table) - set(FEATURES)
    if unknown:
        raise ValueError(f"line_weights.json names unknown features: {sorted(unknown)}")
    return float(raw["bias"]), table


def _kind(fired: set[str], score: float) -> LineKind:
    if "in_table" in fired:
        return LineKind.TABLE_CELL
    if score > 0:
        return LineKind.HEADING
    if "caption" in fired:
        return LineKind.CAPTION
    if fired & {"numeric", "unit_label", "diagram_label", "org_box"}:
        return LineKind.FIGURE_LABEL
    if "running_header" in fired or ("repeated" in fired and "short" in fired):
        return LineKind.FURNITURE
    if fired & {"numbered", "bullet", "compound_label", "list_item", "announced_item"}:
        return LineKind.LIST_ITEM
    return LineKind.BODY


def label_line(ctx: Context, i: int) -> Label:
    """The label of line i of the document `ctx`."""
    bias, w = weights()
    fired = tuple([name for name, feature in FEATURES.items() if feature(ctx, i)])
    score = round(bias + sum([w.get(name, 0.0) for name in fired]), 2)
    return Label(_kind(set(fired), score), score, fired)


def classify(lines: list[Line], title: str | None = None) -> list[Label]:
    """One label per line of a document titled `title`, in order."""
    ctx = Context(tuple(lines), title)
    return [label_line(ctx, i) for i in range(len(lines))]
