"""Fixed costs of the command line: `extract --help` and `extract parse` on a tiny file.

Each command runs as a fresh process, as an operator or a batch script starts it, beside the
baseline `python -c pass` (the interpreter and the virtual environment's start-up, which we do
not own). The commands alternate round by round, so a busy machine slows them alike; medians of
ROUNDS rounds, and each command's cost above the baseline. Wall time is what a person waits;
CPU time (user + system of the child) is what the command costs, and moves less when other
work shares the cores.

    .venv/bin/python bench/startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Targets for the whole command, start-up included (seconds).
TARGETS = {"extract --help": 0.15, "extract parse tiny.txt": 0.2}
# A hand-made plan of three lines: the smallest input that goes through every stage.
TINY = "行政改革大綱\n1 計画期間\n令和3年度から令和7年度までの5年間とします。\n"


def commands(tiny: Path) -> dict[str, list[str]]:
    """Return the commands timed, by name; the first is the baseline."""
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        "extract --help": [python, "-m", "extract", "--help"],
        "extract parse tiny.txt": [python, "-m", "extract", "parse", str(tiny)],
    }


def time_once(argv: list[str]) -> tuple[float, float]:
    """Return the wall and CPU seconds of one run of `argv`, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    """Print the medians; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        tiny = Path(folder) / "tiny.txt"
        tiny.write_text(TINY, encoding="utf-8")
        timed = commands(tiny)
        for cmd in timed.values():  # warm-up: file caches, .pyc files
            time_once(cmd)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in timed}
        for _ in range(args.rounds):
            for name, cmd in timed.items():
                times[name].append(time_once(cmd))
    wall = {name: statistics.median(w for w, _ in t) for name, t in times.items()}
    cpu = {name: statistics.median(c for _, c in t) for name, t in times.items()}
    base = "python -c pass"
    print(f"median of {args.rounds} rounds, commands alternating; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| command | wall s | above baseline | CPU s | above baseline | target (wall) |")
    print("|---|---|---|---|---|---|")
    for name in timed:
        target = TARGETS.get(name)
        verdict = "" if target is None else (
            f"{target} ({'met' if wall[name] <= target else 'NOT met'})")
        print(f"| {name} | {wall[name]:.3f} | {wall[name] - wall[base]:+.3f} | {cpu[name]:.3f} | "
              f"{cpu[name] - cpu[base]:+.3f} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
