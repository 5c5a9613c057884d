"""The `extract periods` line format: one JSON line of expressions per input line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from extract.periods.types import TimeExpr


def expr_to_json(e: TimeExpr) -> dict[str, Any]:
    """Return `{"surface", "span", "start", "end"}` (or "duration" / "every"), plus "tags"."""
    out: dict[str, Any] = {"surface": e.surface, "span": [e.span[0], e.span[1]]}
    if e.duration is not None:
        out["duration"] = e.duration
    elif e.every is not None:
        out["every"] = e.every
    else:
        out["start"] = e.start
        out["end"] = e.end
    if e.tags:
        out["tags"] = sorted(e.tags)
    return out


def lines_to_jsonl(lines: Iterable[str]) -> Iterator[str]:
    """Return one JSON line `{"expressions": [...]}` per input line (line ends dropped)."""
    from extract.periods import find_periods

    for line in lines:
        text = line.rstrip("\r\n")
        found = [expr_to_json(e) for e in find_periods(text)]
        yield json.dumps({"expressions": found}, ensure_ascii=False)
