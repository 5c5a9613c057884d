"""`extract parse FILE` run part by part in one fresh process; prints each part's CPU ms as JSON.

`bench/startup.py --phases` starts this script once per round. It imports nothing of its own
beyond `json`, `sys` and `time` (which the command loads anyway), so the parts add up to the
command's own cost above the interpreter's start-up.

    .venv/bin/python -m bench.startup_parts FILE
"""

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _imports(*names: str) -> Callable[[], object]:
    return lambda: [__import__(name) for name in names]


def _build_cli() -> object:
    import typer.main

    import extract.cli
    return typer.main.get_command(extract.cli.app)


def _run_parse(path: Path) -> Callable[[], object]:
    def run() -> object:
        from extract.pipeline import parse_or_fail
        return parse_or_fail(path.read_bytes(), uri=path.as_posix()).model_dump_json(indent=2)
    return run


def parts(path: Path) -> dict[str, float]:
    """CPU ms of each part of `extract parse path`, in the order the command meets them."""
    steps: list[tuple[str, Callable[[], object]]] = [
        ("typer import", _imports("typer")),
        ("pydantic import, schema module", _imports("extract.schema")),
        ("typer's pydantic adapters, pydantic's plugin loader",
         _imports("typer._adapters", "pydantic.plugin._loader")),
        ("extract.cli import, typer builds the commands", _build_cli),
        ("pipeline modules import", _imports("extract.pipeline", "extract.readers.text",
                                             "extract.validate", "extract.readers.pdf_pages")),
        ("first parse (lazy regexes, models built)", _run_parse(path)),
        ("second parse (the work itself)", _run_parse(path)),
    ]
    spent: dict[str, float] = {}
    for name, run in steps:
        began = time.process_time()
        run()
        spent[name] = (time.process_time() - began) * 1000
    return spent


if __name__ == "__main__":
    print(json.dumps(parts(Path(sys.argv[1]))))
