"""Closed word lists and patterns, as data."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> Any:
    """The parsed JSON rule file `name` (without extension) shipped in this package."""
    return json.loads(files("extract.rules").joinpath(f"{name}.json").read_text("utf-8"))
