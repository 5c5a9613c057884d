"""Byte-for-byte check that a change to the PDF path leaves every corpus PDF's JSON as it was.

Runs `extract parse FILE --pdf-engine ENGINE -o OUT` (OCR on, as by default) for every corpus
PDF on both engines, in parallel worker processes on a copy of the package taken at the start
(edit the source meanwhile freely), and either writes the outputs as the reference or compares
new outputs with the reference, byte for byte (only the OCR issue's seconds are blanked
first). A speed change that alters any output is a behaviour change, not an
optimisation.

    python bench/pdf_same.py write /tmp/before-pdfspeed     # reference, before the change
    python bench/pdf_same.py compare /tmp/before-pdfspeed   # after it: prints differences
    python bench/pdf_same.py compare /tmp/before-pdfspeed --engine pdfium --only kampo
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as `python bench/pdf_same.py`: the project root on the path instead of bench/, where
# bench/html.py would shadow the standard library's html module.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench.pdf import CORPUS, corpus_pdfs  # noqa: E402

ENGINES = ("pdfium", "pdfplumber")
# The only field that is a time: the OCR issue's seconds spent in Tesseract.
_OCR_SECONDS = re.compile(rb"(text recognition \(Tesseract;[^)]*?, )\d+(?:\.\d+)? s\)")


def comparable(data: bytes) -> bytes:
    """The output with its times blanked out."""
    return _OCR_SECONDS.sub(rb"\1- s)", data)


def out_name(pdf: Path, engine: str) -> str:
    """One flat file name per (PDF, engine): the corpus path with its slashes replaced."""
    return pdf.relative_to(CORPUS).as_posix().replace("/", "__") + f".{engine}.json"


def snapshot() -> Path:
    """A copy of the package as it is now, which the runs import: the source can be edited
    while they go on."""
    where = Path(tempfile.mkdtemp("-pdf-same-code"))
    shutil.copytree(ROOT / "extract", where / "extract",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return where


def parse(code: Path, pdf: Path, engine: str, out: Path) -> str:
    """Run the CLI (`python -m extract`, the package in `code`) on one PDF; returns its stderr
    when it exited with an error (exit 1 is a failed document, still written)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    run = subprocess.run([sys.executable, "-m", "extract", "parse", str(pdf), "--pdf-engine",
                          engine, "-o", str(out)], capture_output=True, text=True, cwd=code,
                         env=env)
    return run.stderr if run.returncode not in (0, 1) or not out.exists() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("mode", choices=("write", "compare"))
    parser.add_argument("reference", type=Path)
    parser.add_argument("--engine", action="append", choices=ENGINES)
    parser.add_argument("--only", action="append", help="keep PDFs whose path contains this")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    pdfs = corpus_pdfs(args.only)
    engines = args.engine or list(ENGINES)
    work = [(pdf, engine) for pdf in pdfs for engine in engines]
    args.reference.mkdir(parents=True, exist_ok=True)
    target = args.reference if args.mode == "write" else Path(tempfile.mkdtemp("-pdf-same"))
    code = snapshot()

    def one(item: tuple[Path, str]) -> tuple[str, str]:
        pdf, engine = item
        name = out_name(pdf, engine)
        return name, parse(code, pdf, engine, target / name)

    errors = 0
    differ = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        for name, error in pool.map(one, work):
            if error:
                errors += 1
                print(f"ERROR {name}: {error.strip().splitlines()[-1:]}")
                continue
            if args.mode == "compare":
                ref = args.reference / name
                if not ref.exists():
                    print(f"NO REFERENCE {name}")
                    differ += 1
                elif comparable(ref.read_bytes()) != comparable((target / name).read_bytes()):
                    print(f"DIFFERS {name}  (new: {target / name})")
                    differ += 1
    print(f"{len(work)} outputs, {differ} differ, {errors} errors"
          + (f"; new outputs in {target}" if args.mode == "compare" else ""))
    shutil.rmtree(code)
    sys.exit(1 if differ or errors else 0)


if __name__ == "__main__":
    main()
