"""Shared fixtures: the real corpus beside the project, and one Sudachi tokenizer per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "raw" / "samples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the real corpus and gold live in ../shared beside the "
                    "project root")
    return path


@pytest.fixture(scope="session")
def gold_docs() -> Path:
    return shared_path("gold", "docs")
