"""Outputs of an older schema version brought to the current one, one release step at a time.

Each released version keeps its JSON Schema as `schema/document.schema.<version>.json` and a
line in `schema/CHANGELOG.md`. A release that changes what a consumer sees adds a step here from
the version before it; a chain of steps takes any released version to `SCHEMA_VERSION`.
Migration works on parsed JSON (not on models), since an old document need not fit the current
models until it is migrated; the result is then validated as a current document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from extract.errors import InputError
from extract.schema import SCHEMA_VERSION, Document

Json = dict[str, Any]


def _nodes(nodes: list[Json]) -> Iterator[Json]:
    for node in nodes:
        yield node
        yield from _nodes(node.get("children", []))


def _1_0_to_1_1(doc: Json) -> Json:
    """1.1 adds confidence, evidence, `targets` and preamble nodes, all optional: a printed
    target becomes the one target in parts that it is, with only its text known."""
    for node in _nodes(doc.get("outline", [])):
        if node.get("target") and not node.get("targets"):
            node["targets"] = [{"text": node["target"]}]
    return doc


def widened(doc: Json) -> Json:
    """A release that only accepts more (a wider pattern, a new optional field): an older
    document is valid as it is, only its version changes."""
    return doc


# version → (the next version, the step to it)
STEPS: dict[str, tuple[str, Callable[[Json], Json]]] = {
    "1.0": ("1.1", _1_0_to_1_1),
    "1.1": ("1.2", widened),
}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def migrate_json(doc: Json) -> tuple[Json, list[str]]:
    """Return `doc` at the current schema version and the versions it went through."""
    version = str(doc.get("schema_version", ""))
    path = [version]
    while version != SCHEMA_VERSION:
        if version not in STEPS:
            if version and version.replace(".", "").isdigit() and (
                    _key(version) > _key(SCHEMA_VERSION)):
                raise InputError(f"schema version {version} is newer than this extractor's "
                                 f"({SCHEMA_VERSION}): upgrade extract")
            raise InputError(f"unknown schema version {version!r}: no migration to "
                             f"{SCHEMA_VERSION}")
        version, step = STEPS[version]
        doc = step(doc)
        doc["schema_version"] = version
        path.append(version)
    return doc, path


def migrate_bytes(raw: bytes) -> tuple[Document, list[str]]:
    """Return the document in `raw` migrated and validated, with the versions it went through."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise InputError("not a document: the JSON is not an object")
    migrated, path = migrate_json(data)
    from pydantic import ValidationError

    try:
        return Document.model_validate(migrated), path
    except ValidationError as error:
        raise InputError(f"invalid after migration to {SCHEMA_VERSION}: "
                         f"{error.error_count()} problems, first: "
                         f"{error.errors()[0]['msg']}") from None


def migrate_file(path: Path, dest: Path | None = None) -> list[str]:
    """Migrate the document in `path` into `dest` (in place when None), atomically; return the
    versions it went through (one when it was current: nothing is written then)."""
    from extract.files import write_text_atomic

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    doc, versions = migrate_bytes(raw)
    target = dest or path
    if len(versions) > 1 or target != path:
        write_text_atomic(target, doc.model_dump_json(indent=2) + "\n")
    return versions
