"""The outline's one-match marker lookup agrees with trying each family's pattern in order.

Lines are the hand-made ones of test_markers.py (invented text, one or more per family), each
also cut down to its marker and stripped of its first title character, so that both the
families that match and the later ones a loop would reach are exercised.
"""

from __future__ import annotations

from extract.structure.markers import Marker, _parse, grammar, parse_marker
from extract.structure.normalize import normalize_line
from tests.test_markers import NO_OPENING, OPENS


def _by_loop(text: str) -> Marker | None:
    """The first outline family whose whole-line pattern matches, tried one by one."""
    for family in grammar().families:
        found = _parse(family, text) if family.outline else None
        if found is not None:
            return found
    return None


def _texts() -> list[str]:
    out: list[str] = []
    for line in [line for line, _ in OPENS] + NO_OPENING:
        text = normalize_line(line)
        out += [text, text[:-1], text.split(" ")[0], text + " ", text[1:]]
    return [t for t in out if t]


def test_the_combined_lookup_agrees_with_the_family_loop() -> None:
    g = grammar()
    for text in _texts():
        if text[0] in g.bullets or g.brackets.get(text[0]):
            continue  # bullets and brackets are decided before any family
        assert parse_marker(text) == _by_loop(text), text


def test_every_outline_family_is_found_by_the_combined_lookup() -> None:
    found = {m.family for t in _texts() if (m := parse_marker(t)) is not None}
    outline = {f.name for f in grammar().families if f.outline}
    assert outline <= found
