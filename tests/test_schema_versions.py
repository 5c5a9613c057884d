"""The schema is versioned by rule: each released version is kept in schema/, the changelog
names it, and an output of an older version is migrated to the current one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.errors import InputError
from extract.export.export import export
from extract.export.migrate import STEPS, migrate_bytes, migrate_json
from extract.pipeline import parse_file
from extract.schema import SCHEMA_VERSION, Document, Target, walk
from tests.conftest import ROOT, SAMPLES

SCHEMA_DIR = ROOT / "schema"
RELEASED = re.compile(r"document\.schema\.(\d+\.\d+)\.json")
runner = CliRunner()


def released() -> dict[str, dict[str, Any]]:
    """Return every released schema by version."""
    found = {}
    for path in SCHEMA_DIR.iterdir():
        match = RELEASED.fullmatch(path.name)
        if match:
            found[match.group(1)] = json.loads(path.read_text("utf-8"))
    return found


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def downgrade(doc: Document, version: str) -> dict[str, Any]:
    """Return `doc` as a release `version` wrote it: the objects' keys that release did not
    have are removed (read from its schema file), its version set."""
    schema = released()[version]["$defs"]
    allowed = {name: set(d.get("properties", {})) for name, d in schema.items()}
    data = json.loads(doc.model_dump_json())

    def strip(obj: dict[str, Any], name: str) -> None:
        for key in set(obj) - allowed[name]:
            del obj[key]

    for plan in data["plans"]:
        strip(plan, "Plan")
    stack = list(data["outline"])
    while stack:
        node = stack.pop()
        strip(node, "Node")
        stack.extend(node["children"])
    data["schema_version"] = version
    return data


@pytest.fixture(scope="module")
def current() -> Document:
    doc = parse_file(SAMPLES / "000_a41e65aa208a94a2.txt")
    assert any(n.target for n in walk(doc.outline)), "the sample's measures print a target"
    return doc


def test_the_current_schema_is_released_as_its_version() -> None:
    versions = released()
    assert max(versions, key=version_key) == SCHEMA_VERSION
    committed = json.loads((SCHEMA_DIR / "document.schema.json").read_text("utf-8"))
    assert committed == versions[SCHEMA_VERSION] == Document.model_json_schema(), (
        "the schema changed: bump SCHEMA_VERSION, add schema/document.schema.<version>.json, a "
        "CHANGELOG section and a migration step from the version before")


def test_every_release_is_in_the_changelog_and_migrates_to_the_current() -> None:
    changelog = (SCHEMA_DIR / "CHANGELOG.md").read_text("utf-8")
    for version in released():
        assert f"\n## {version}\n" in changelog, f"schema/CHANGELOG.md has no {version}"
        if version != SCHEMA_VERSION:
            assert version in STEPS, f"no migration step from {version}"
            migrated, path = migrate_json({"schema_version": version})
            assert path[0] == version and path[-1] == SCHEMA_VERSION
            assert migrated["schema_version"] == SCHEMA_VERSION


def test_the_first_release_is_what_the_schema_was_before_confidence_and_preamble() -> None:
    first = released()[min(released(), key=version_key)]["$defs"]
    assert "confidence" not in first["Node"]["properties"]
    assert "preamble" not in first["NodeKind"]["enum"]


@pytest.mark.parametrize("version", [v for v in released() if v != SCHEMA_VERSION])
def test_an_older_output_migrates_to_the_current_document(current: Document,
                                                            version: str) -> None:
    old = downgrade(current, version)
    migrated, path = migrate_bytes(json.dumps(old, ensure_ascii=False).encode())
    assert path == [version, *path[1:]] and migrated.schema_version == SCHEMA_VERSION
    expected = current.model_copy(deep=True)
    if version_key(version) >= version_key("1.1"):  # confidence, evidence and targets kept
        assert migrated == expected
        return
    for plan in expected.plans:
        plan.confidence, plan.evidence = None, []
    for node in walk(expected.outline):
        node.confidence, node.evidence = None, []
        node.targets = [Target(text=node.target)] if node.target else []
    assert migrated == expected


def test_migrate_command_rewrites_older_outputs_and_leaves_current_ones(
        current: Document, tmp_path: Path) -> None:
    older = min(released(), key=version_key)
    old_file, new_file = tmp_path / "old.json", tmp_path / "new.json"
    old_file.write_text(json.dumps(downgrade(current, older), ensure_ascii=False), "utf-8")
    new_file.write_text(current.model_dump_json(indent=2), "utf-8")
    untouched = new_file.stat().st_mtime_ns
    result = runner.invoke(app, ["migrate", str(old_file), str(new_file), "-o",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"{old_file}: {older} → " in result.output and "already" in result.output
    migrated = json.loads((tmp_path / "out" / "old.json").read_text("utf-8"))
    assert migrated["schema_version"] == SCHEMA_VERSION
    in_place = runner.invoke(app, ["migrate", str(old_file), str(new_file)])
    assert in_place.exit_code == 0
    assert json.loads(old_file.read_text("utf-8"))["schema_version"] == SCHEMA_VERSION
    assert new_file.stat().st_mtime_ns == untouched


def test_a_newer_or_unknown_version_is_refused_with_a_reason(tmp_path: Path) -> None:
    newer = f"{version_key(SCHEMA_VERSION)[0] + 1}.0"
    with pytest.raises(InputError, match="newer than this extractor"):
        migrate_json({"schema_version": newer})
    with pytest.raises(InputError, match="unknown schema version"):
        migrate_json({"schema_version": "0.x"})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema_version": newer}), "utf-8")
    result = runner.invoke(app, ["migrate", str(bad)])
    assert result.exit_code == 1 and "upgrade extract" in result.output
    assert json.loads(bad.read_text("utf-8")) == {"schema_version": newer}


def test_an_export_reads_older_outputs_migrated(current: Document, tmp_path: Path) -> None:
    older = min(released(), key=version_key)
    out = tmp_path / "structured"
    (out / "a").mkdir(parents=True)
    (out / "a" / "doc.json").write_text(
        json.dumps(downgrade(current, older), ensure_ascii=False), "utf-8")
    (out / "index.json").write_text(json.dumps({"documents": [{
        "output": "a/doc.json", "uri": current.source.uri, "sha256": current.source.sha256,
        "latest": True}]}), "utf-8")
    report = export(out, tmp_path / "export")
    assert not report.errors and report.rows["documents"] == 1
    targets = [json.loads(line) for line in
               (tmp_path / "export" / "targets.jsonl").read_text("utf-8").splitlines()]
    assert [t["text"] for t in targets] == [n.target for n in walk(current.outline) if n.target]
