"""The command line's entry point (`extract` script, `python -m extract`): exit codes and output.

Hand-made input: a three-line plan written for these tests.
"""

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract.cli import main

TINY = "行政改革大綱\n1 計画期間\n令和3年度から令和7年度までの5年間とします。\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extract", *args], capture_output=True,
                          text=True, timeout=120)


def test_python_m_extract_parses_and_keeps_exit_codes(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.txt"
    tiny.write_text(TINY, encoding="utf-8")
    done = run("parse", str(tiny))
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)  # the whole document reached stdout before exit
    assert doc["status"] == "ok"
    assert doc["title"] == "行政改革大綱"
    assert [(n["label"], n["title"]) for n in doc["outline"]] == [("1", "計画期間")]

    missing = run("parse", str(tmp_path / "absent.txt"))
    assert missing.returncode == 1
    assert "cannot read" in missing.stderr
    assert run("no-such-command").returncode == 2


def test_main_freezes_the_collected_objects_when_the_command_exits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    gc.unfreeze()
    monkeypatch.setattr(sys, "argv", ["extract", "--help"])
    try:
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
