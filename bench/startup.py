"""Fixed costs of the command line: `extract --help` and `extract parse` on a tiny file.

Each command runs as a fresh process, as an operator or a batch script starts it, beside the
baseline `python -c pass` (the interpreter and the virtual environment's start-up, which we do
not own). The commands alternate round by round, so a busy machine slows them alike; medians of
ROUNDS rounds, and each command's cost above the baseline. Wall time is what a person waits;
CPU time (user + system of the child) is what the command costs, and moves less when other
work shares the cores.

The children compile the package once and keep the bytecode (in a temporary folder, whatever
PYTHONDONTWRITEBYTECODE says), as an installed tool does; `--no-bytecode` times them compiling
every module from source on every start instead.

`--phases` then splits `extract parse tiny.txt` into its parts: fresh processes that import and
run each part in turn and report its CPU milliseconds (medians of ROUNDS processes).

`--against CHECKOUT` runs another copy's commands interleaved with ours (before and after a
change, measured alike) and prints their ratios.

    .venv/bin/python bench/startup.py [--rounds 15] [--phases] [--no-bytecode]
                                      [--against CHECKOUT]
"""

from __future__ import annotations

import argparse
import json
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
# The project this bench belongs to: the children run in it, so `-m extract` is its package.
PROJECT = Path(__file__).resolve().parent.parent
TINY = "行政改革大綱\n1 計画期間\n令和3年度から令和7年度までの5年間とします。\n"


Command = tuple[list[str], Path]  # argv, and the folder it runs in


def commands(tiny: Path, other: Path | None = None) -> dict[str, Command]:
    """Return the commands timed, by name; the first is the baseline. With `other` (another
    checkout of the project), its `extract` commands too, named with a trailing `*`."""
    python = sys.executable
    timed: dict[str, Command] = {"python -c pass": ([python, "-c", "pass"], PROJECT)}
    for project, mark in ((PROJECT, ""), *(((other, "*"),) if other else ())):
        timed[f"extract --help{mark}"] = ([python, "-m", "extract", "--help"], project)
        timed[f"extract parse tiny.txt{mark}"] = (
            [python, "-m", "extract", "parse", str(tiny)], project)
    return timed


def child_env(bytecode: Path | None) -> dict[str, str]:
    """The children's environment: bytecode kept under `bytecode`, or never written (None)."""
    env = dict(os.environ)
    if bytecode is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def time_once(command: Command, env: dict[str, str]) -> tuple[float, float]:
    """Return the wall and CPU seconds of one run of `command`, which must succeed."""
    argv, folder = command
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=folder, env=env)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def phases(tiny: Path, rounds: int, env: dict[str, str]) -> dict[str, float]:
    """Medians over `rounds` fresh processes of each part's CPU ms (bench/startup_parts.py)."""
    runs: list[dict[str, float]] = []
    for _ in range(rounds + 1):  # the first writes the bytecode
        out = subprocess.run([sys.executable, "-m", "bench.startup_parts", str(tiny)],
                             cwd=PROJECT, env=env,
                             check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out))
    return {name: statistics.median(run[name] for run in runs[1:]) for name in runs[0]}


def main(argv: list[str] | None = None) -> int:
    """Print the medians; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--phases", action="store_true",
                        help="Also split `extract parse tiny.txt` into its parts.")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="Compile every module from source on every start.")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="Another copy of the project (mkdir /tmp/main && git archive main | "
                             "tar -x -C /tmp/main): its commands run interleaved with ours, "
                             "rows marked *, and the ratios of the two are printed.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        tiny = Path(folder) / "tiny.txt"
        tiny.write_text(TINY, encoding="utf-8")
        env = child_env(None if args.no_bytecode else Path(folder) / "bytecode")
        timed = commands(tiny, args.against)
        for cmd in timed.values():  # warm-up: file caches, bytecode
            time_once(cmd, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in timed}
        for _ in range(args.rounds):
            for name, cmd in timed.items():
                times[name].append(time_once(cmd, env))
        parts = phases(tiny, args.rounds, env) if args.phases else {}
    wall = {name: statistics.median(w for w, _ in t) for name, t in times.items()}
    cpu = {name: statistics.median(c for _, c in t) for name, t in times.items()}
    base = "python -c pass"
    print(f"median of {args.rounds} rounds, commands alternating; "
          f"{'no bytecode kept' if args.no_bytecode else 'bytecode kept'}; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| command | wall s | above baseline | CPU s | above baseline | target (wall) |")
    print("|---|---|---|---|---|---|")
    for name in timed:
        target = TARGETS.get(name.rstrip("*"))
        verdict = "" if target is None else (
            f"{target} ({'met' if wall[name] <= target else 'NOT met'})")
        print(f"| {name} | {wall[name]:.3f} | {wall[name] - wall[base]:+.3f} | {cpu[name]:.3f} | "
              f"{cpu[name] - cpu[base]:+.3f} | {verdict} |")
    for name in timed:
        if f"{name}*" in timed:
            ours, theirs = cpu[name] - cpu[base], cpu[f"{name}*"] - cpu[base]
            print(f"{name}: CPU above `python -c pass` {ours / theirs:.2f}× the other copy's "
                  f"({ours:.3f} s against {theirs:.3f} s); whole command "
                  f"{cpu[name] / cpu[f'{name}*']:.2f}×")
    if parts:
        whole = cpu["extract parse tiny.txt"] * 1000
        print("\n| part of `extract parse tiny.txt` | CPU ms | share of the command |")
        print("|---|---|---|")
        print(f"| interpreter start (`python -c pass`) | {cpu[base] * 1000:.1f} | "
              f"{cpu[base] * 1000 / whole:.0%} |")
        for name, ms in parts.items():
            print(f"| {name} | {ms:.1f} | {ms / whole:.0%} |")
        rest = whole - cpu[base] * 1000 - sum(parts.values())
        print(f"| the rest: `-m` start, typer parses the arguments (a pydantic adapter per "
              f"option), output "
              f"| {rest:.1f} | {rest / whole:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
