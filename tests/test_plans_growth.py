"""The plans stage does work in proportion to its text: counted, not timed.

The texts are hand-made, of invented districts and plans: a chapter per district, each naming
its own plan in a heading, a section titled 計画期間 with a range, and two plans named in the
running text. A text of more chapters has more candidates and more titled sections, the two
things a quadratic stage scans again for each new one.
"""

from __future__ import annotations

from typing import Any, SupportsIndex

import pytest

from bench.plans import invented, stage_args
from extract.plans import candidates, find_plans

SMALL, LARGE = 40, 200  # chapters
# Linear work grows as the text (5×); quadratic work as its square (25×).
MAX_GROWTH = 2.5 * LARGE / SMALL


def _stage_args(chapters: int) -> tuple[Any, ...]:
    """What the pipeline hands the plans stage for the invented text of `chapters`."""
    return stage_args(invented(chapters), "hand-made.txt")


class _CountingText(str):
    """A text that counts the characters its slices copy."""

    copied = 0

    def __getitem__(self, index: SupportsIndex | slice) -> str:
        out = str.__getitem__(self, index)
        if isinstance(index, slice):
            _CountingText.copied += len(out)
        return out


def _name_keys(chapters: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(name keys made, plans found) by the plans stage on a text of `chapters`."""
    args = _stage_args(chapters)
    made = 0
    key = candidates.key

    def counted(name: str) -> str:
        nonlocal made
        made += 1
        return key(name)

    monkeypatch.setattr(candidates, "key", counted)
    found = find_plans(*args)
    monkeypatch.setattr(candidates, "key", key)
    return made, len(found)


def test_name_look_ups_grow_with_the_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding a plan by a short name looks it up by its ending, not against every candidate."""
    small, small_plans = _name_keys(SMALL, monkeypatch)
    large, large_plans = _name_keys(LARGE, monkeypatch)
    assert small_plans == SMALL and large_plans == LARGE  # each district's plan, with its period
    assert large / small < MAX_GROWTH


def _copied(chapters: int) -> int:
    text, title, root, exprs = _stage_args(chapters)
    _CountingText.copied = 0
    plans = find_plans(_CountingText(text), title, root, exprs)
    assert all(p.period is not None for p in plans)
    return _CountingText.copied


def test_characters_copied_grow_with_the_text() -> None:
    """No step copies the text before or after a place for each of many places."""
    assert _copied(LARGE) / _copied(SMALL) < MAX_GROWTH
