"""Crawl manifests: which municipalities to fetch, from which start URLs.

CSV columns (a header row; several values in one cell are separated by spaces; rows naming
the same municipality are merged)::

    name,code,start_urls,allowed_prefixes
    刈谷市,232106,https://www.city.kariya.lg.jp/shisei/keikaku/,/shisei/

YAML: a list of mappings with the same keys (values as lists or space-separated strings), or
a mapping holding that list under `sites`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from extract.errors import InputError


@dataclass(frozen=True, slots=True)
class Site:
    """A municipality to crawl: where to start and, optionally, which page paths to keep to."""

    start_urls: tuple[str, ...]
    name: str | None = None
    code: str | None = None  # 全国地方公共団体コード, 6 digits
    allowed_prefixes: tuple[str, ...] = ()  # page paths to follow; documents may be anywhere

    def __post_init__(self) -> None:
        if not self.start_urls:
            raise InputError(f"site {self.name or '?'} has no start URL", code="bad_manifest")
        for url in self.start_urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise InputError(f"not an http(s) URL: {url!r}", code="bad_manifest")
        if self.code is not None and not re.fullmatch(r"\d{6}", self.code):
            raise InputError(f"団体コード must be 6 digits, got {self.code!r}", code="bad_manifest")
        for prefix in self.allowed_prefixes:
            if not prefix.startswith("/"):
                raise InputError(f"a path prefix starts with '/': {prefix!r}", code="bad_manifest")

    def allows_page(self, path: str) -> bool:
        """Return whether a page path is inside the allowed prefixes (all are when none given)."""
        return not self.allowed_prefixes or path.startswith(self.allowed_prefixes)


def site_for_url(url: str, name: str | None = None, code: str | None = None) -> Site:
    """Return a site crawled from one URL."""
    return Site(start_urls=(url,), name=name, code=code)


def load_manifest(path: Path) -> list[Site]:
    """Return the sites a CSV or YAML manifest lists; raise InputError naming what is wrong."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read manifest {path}: {err}", code="bad_manifest") from err
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _yaml_rows(text, path)
    else:
        rows = list(csv.DictReader(text.splitlines()))
    merged: dict[str, _Entry] = {}
    for number, row in enumerate(rows, start=1):
        urls = _values(row.get("start_urls") or row.get("start_url") or row.get("url"))
        if not urls:
            raise InputError(f"{path}: entry {number} has no start URL", code="bad_manifest")
        name = _text(row.get("name") or row.get("municipality"))
        if isinstance(row.get("code"), int):
            # YAML reads 011002 as a number (octal, even): the leading zeros would be lost.
            raise InputError(f"{path}: entry {number}: quote the code, e.g. '011002'",
                             code="bad_manifest")
        entry = merged.setdefault(name or urls[0], _Entry(name))
        entry.code = entry.code or _text(row.get("code"))
        entry.urls += urls
        entry.prefixes += _values(row.get("allowed_prefixes") or row.get("prefixes"))
    if not merged:
        raise InputError(f"{path}: no sites listed", code="bad_manifest")
    return [
        Site(start_urls=tuple(dict.fromkeys(e.urls)), name=e.name, code=e.code,
             allowed_prefixes=tuple(dict.fromkeys(e.prefixes)))
        for e in merged.values()
    ]


class _Entry:
    def __init__(self, name: str | None) -> None:
        self.name = name
        self.code: str | None = None
        self.urls: list[str] = []
        self.prefixes: list[str] = []


def _yaml_rows(text: str, path: Path) -> list[dict[str, Any]]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(f"{path}: not valid YAML: {err}", code="bad_manifest") from err
    if isinstance(data, dict):
        data = data.get("sites")
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise InputError(f"{path}: expected a list of sites", code="bad_manifest")
    return data


def _values(cell: object) -> list[str]:
    """Return the values of a cell: a YAML list, or a string of space-separated values."""
    if cell is None:
        return []
    if isinstance(cell, list):
        return [str(v).strip() for v in cell if str(v).strip()]
    return str(cell).split()


def _text(cell: object) -> str | None:
    """Return a cell as stripped text (YAML may read a code as a number), None when empty."""
    text = str(cell).strip() if cell is not None else ""
    return text or None
