"""Text recognition (OCR) of PDF pages without a text layer, with Tesseract.

The page is rendered in grey by PDFium at `OCR_DPI` and piped to the `tesseract` program
(Debian: tesseract-ocr, tesseract-ocr-jpn) as a PGM image; its TSV output gives one row per
recognised word with a box and a confidence. Each word becomes one glyph as tall as its line,
in the same dicts a text layer gives (`pdf_pages`), so the layout reads a scanned page with
the rules it uses for any other: the font size it needs is the OCR line height. Each glyph
keeps its word's confidence (0–1).

Tesseract runs one thread per page (`OMP_THREAD_LIMIT=1`): its OpenMP threads make a page
three times slower on two cores, and batches already run one document per core.
"""

from __future__ import annotations

import csv
import os
import shutil
import statistics
import subprocess
from functools import cache
from typing import Any

from extract.readers.pdf_pages import PageObjects
from extract.readers.pdf_pdfium import render_gray

# 300 dpi is what Tesseract is trained for; lower loses kanji strokes, higher only time.
OCR_DPI = 300
LANGUAGES = "jpn"
# One page takes 2–3 s; a page still running after this is given up.
TIMEOUT_S = 120
# Words recognised with less confidence (percent) are picture texture, not text.
MIN_WORD_CONFIDENCE = 20.0
# A line's band taller than this many times its words is two lines or a picture's edge.
MAX_LINE_HEIGHT = 1.6
INSTALL_HINT = ("install Tesseract with its Japanese data (apt-get install tesseract-ocr "
                "tesseract-ocr-jpn tesseract-ocr-jpn-vert) and the reader's extra "
                "(pip install 'extract[ocr]')")


class OcrError(Exception):
    """Tesseract failed on a page (it crashed, timed out or wrote no output)."""


@cache
def tesseract_missing() -> str | None:
    """Why OCR cannot run here (with how to enable it), or None when it can."""
    program = shutil.which("tesseract")
    if program is None:
        return f"the tesseract program is not installed; {INSTALL_HINT}"
    try:
        listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True,
                                timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"tesseract does not run ({error}); {INSTALL_HINT}"
    languages = set((listed.stdout + listed.stderr).split())
    if LANGUAGES not in languages:
        return f"Tesseract has no Japanese language data; {INSTALL_HINT}"
    return None


def ocr_page(doc: Any, index: int, width: float, height: float) -> PageObjects:
    """Page `index` of a pypdfium2 document read by Tesseract, as characters in points."""
    pixels, columns, rows = render_gray(doc, index, OCR_DPI)
    image = b"P5\n%d %d\n255\n" % (columns, rows) + pixels
    tsv = _tesseract(image)
    return PageObjects(width, height, tsv_to_chars(tsv, width / columns, height / rows))


def _tesseract(image: bytes) -> str:
    program = shutil.which("tesseract") or "tesseract"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [program, "stdin", "stdout", "-l", LANGUAGES, "--dpi", str(OCR_DPI), "tsv"]
    try:
        done = subprocess.run(command, input=image, capture_output=True, env=env,
                              timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise OcrError(f"tesseract took more than {TIMEOUT_S} s") from None
    except OSError as error:
        raise OcrError(f"tesseract does not run: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract exited with {done.returncode}: "
                       f"{message[-1] if message else ''}")
    return done.stdout.decode("utf-8", "replace")


def tsv_to_chars(tsv: str, sx: float, sy: float) -> list[dict[str, Any]]:
    """Characters of Tesseract's TSV words, in points (`sx`, `sy`: points per pixel).

    Each word is one glyph (boxes of its characters would overlap the next word's and
    shuffle them) standing on the band of its line, so small kana stay in it; its size is the
    line's height, the median height of its words. A line much taller than its words (one
    that swallowed a picture's edge or the line below) gives each word its own band instead.
    Whitespace-only and low-confidence words are dropped.
    """
    rows = [r for r in csv.DictReader(tsv.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
            if r.get("level") == "5" and "".join((r.get("text") or "").split())
            and float(r["conf"]) >= MIN_WORD_CONFIDENCE]
    heights: dict[tuple[str, str, str], list[float]] = {}
    bands: dict[tuple[str, str, str], tuple[float, float]] = {}
    for row in rows:
        key = _line_key(row)
        heights.setdefault(key, []).append(float(row["height"]))
        top, bottom = float(row["top"]), float(row["top"]) + float(row["height"])
        low, high = bands.get(key, (top, bottom))
        bands[key] = (min(low, top), max(high, bottom))
    out: list[dict[str, Any]] = []
    for row in rows:
        text = "".join(row["text"].split())
        left, width = float(row["left"]), float(row["width"])
        key = _line_key(row)
        size = statistics.median(heights[key])
        top, bottom = bands[key]
        if bottom - top > MAX_LINE_HEIGHT * size:
            top, bottom = float(row["top"]), float(row["top"]) + float(row["height"])
        top, bottom, size = top * sy, bottom * sy, size * sy
        x0, x1 = left * sx, (left + width) * sx
        out.append({"text": text, "x0": x0, "top": top, "x1": x1, "bottom": bottom,
                    "size": size, "fontname": "OCR", "upright": True,
                    "matrix": (size, 0.0, 0.0, size, x0, bottom),
                    "conf": float(row["conf"]) / 100})
    return out


def _line_key(row: dict[str, str]) -> tuple[str, str, str]:
    return row["block_num"], row["par_num"], row["line_num"]
