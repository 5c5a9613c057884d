"""The heading hierarchy of a document: each line labelled (`classify`), then placed (`tree`).

Deciding what a line is (heading, list item, body, table cell, caption, figure label,
furniture) stays apart from deciding where a heading hangs; both steps are printed by
`extract explain`. The tree's records (`Section`, `Entry`) are what plans and measures read.
"""

from __future__ import annotations

from extract.blocks import Line
from extract.structure.classify import Label, classify
from extract.structure.features import UNIT_LABEL, letters
from extract.structure.markers import Marker, parse_marker
from extract.structure.tree import Entry, Section, build_tree, is_sentence

__all__ = ["UNIT_LABEL", "Entry", "Label", "Marker", "Section", "build_outline", "is_sentence",
           "letters", "parse_marker"]


def build_outline(lines: list[Line], title: str | None = None
                  ) -> tuple[Section, list[Label]]:
    """The root section of the heading tree of a document titled `title`, and the label of
    every line."""
    labels = classify(lines, title)
    return build_tree(lines, labels), labels
