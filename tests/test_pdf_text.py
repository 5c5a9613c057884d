"""Text-layer quirks of Japanese PDFs, fixed by the reader: spacing, fake bold, radicals."""

from __future__ import annotations

from typing import Any

import pytest

from extract.readers.pdf_furniture import is_page_number
from extract.readers.pdf_glyphs import Frame, Glyph, font_name, page_glyphs
from extract.readers.pdf_layout import segment_text
from tests.pdf_helpers import flat, read, texts


def glyphs(spec: str, size: float = 10.0, gap: float = 0.0) -> list[Glyph]:
    """Hand-made glyphs: one per character of `spec` set `gap` ems apart on one line;
    a space in `spec` adds one em of blank space instead of a glyph."""
    out: list[Glyph] = []
    x = 0.0
    for ch in spec:
        if ch == " ":
            x += size
            continue
        width = size if ord(ch) > 0x2000 else size / 2
        out.append(Glyph(ch, x, 0.0, x + width, size, size, "MS-Mincho", False, Frame.PAGE))
        x += width + gap * size
    return out


@pytest.mark.parametrize(("spec", "gap", "expected"), [
    ("計画期間", 1.0, "計画期間"),  # letter-spaced label (均等割り)
    ("平成 29 年度", 0.0, "平成29年度"),  # 和欧間 spacing between a digit and kanji
    ("１ はじめに", 0.0, "１ はじめに"),  # the space after a numbering label stays
    ("(1) 計画の趣旨", 0.0, "(1) 計画の趣旨"),
    ("Business Process Reengineering", 0.0, "Business Process Reengineering"),
    ("ＤＸ推進 Officer", 0.0, "ＤＸ推進Officer"),
])
def test_spaces(spec: str, gap: float, expected: str) -> None:
    """Hand-made glyph runs: spaces only where a reader sees one."""
    assert segment_text(glyphs(spec, gap=gap)) == expected


def char(text: str, x0: float, top: float, size: float = 12.0) -> dict[str, Any]:
    """A hand-made pdfplumber character dict."""
    return {"text": text, "x0": x0, "x1": x0 + size, "top": top, "bottom": top + size,
            "size": size, "upright": True, "adv": 1.0, "matrix": (size, 0, 0, size, x0, 0),
            "fontname": "ABCDEF+MS-Gothic"}


def test_fake_bold_duplicates_collapse_by_position() -> None:
    """Hand-made: 総合 printed four times 0.24 pt apart (as otoineppu_sogosenryaku.pdf does)."""
    chars = []
    for dx, dy in ((0, 0), (0.24, 0.24), (0, 0.24), (0.24, 0)):
        chars += [char("総", 100 + dx, 100 + dy), char("合", 112 + dx, 100 + dy)]
    found = page_glyphs(chars, 600, 800)
    assert [g.text for g in found.glyphs] == ["総", "合"]
    assert all(g.bold for g in found.glyphs) and found.fake_bold == 6


def test_repeated_characters_apart_are_kept() -> None:
    """Hand-made: leader dots and 々-like repeats a glyph apart are real characters."""
    chars = [char("・", 100 + 12 * k, 100) for k in range(5)]
    assert len(page_glyphs(chars, 600, 800).glyphs) == 5


def test_kangxi_radicals_become_ideographs() -> None:
    """Hand-made: ⼊ (U+2F0A KANGXI RADICAL ENTER) is read as 入."""
    found = page_glyphs([char("⼊", 100, 100), char("札", 112, 100)], 600, 800)
    assert "".join(g.text for g in found.glyphs) == "入札"


def test_undecodable_characters_are_counted_not_kept() -> None:
    chars = [char("\ufffd", 100, 100), char("(cid:12)", 112, 100), char("市", 124, 100)]
    found = page_glyphs(chars, 600, 800)
    assert (found.visible, found.bad, [g.text for g in found.glyphs]) == (3, 2, ["市"])


def test_font_names_in_shift_jis_are_decoded() -> None:
    raw = str(b"ABCDEE+\x82l\x82r \x82o\x83S\x83V\x83b\x83N")
    assert font_name(raw) == "MS Pゴシック"


@pytest.mark.parametrize(("text", "expected"), [
    ("- 3 -", True), ("３", True), ("p.3", True), ("― 52 ―", True), ("3/10", True),
    ("3月", False), ("第3章", False), ("平成30年", False),
])
def test_page_numbers(text: str, expected: bool) -> None:
    assert is_page_number(text) is expected


# -- real documents ---------------------------------------------------------------------------


@pytest.mark.corpus
def test_fake_bold_heading_in_contents() -> None:
    """otoineppu_sogosenryaku.pdf prints its contents headings four times over."""
    result = read("nepp-chan_otoineppu/otoineppu_sogosenryaku.pdf")
    assert "総総" not in flat(result) and "略略" not in flat(result)
    assert any("総合戦略について" in t for t in result.metadata.get("toc", []))


@pytest.mark.corpus
def test_kangxi_radicals_in_a_real_guide() -> None:
    result = read("nepp-chan_otoineppu/R7shinseitebiki_kensetukouzi.pdf")
    text = flat(result)
    assert "⼊" not in text and "⾃" not in text
    assert "入札" in text


@pytest.mark.corpus
def test_letter_spaced_form_labels() -> None:
    """kansui_keieis.pdf spreads its labels (計 画 期 間) and spaces its figures (平成 29 年度)."""
    result = read("nepp-chan_otoineppu/kansui_keieis.pdf")
    assert "計画期間：平成29年度～平成38年度" in flat(result)
    assert any(t.startswith("計画期間") for t in texts(result))


@pytest.mark.corpus
def test_wrapped_lines_join_without_spaces() -> None:
    result = read("nepp-chan_otoineppu/koudoukeikaku.pdf")
    period = ("平成２７年度から平成３６年度までの１０年間とし、"
              "平成３１年度中に見直しを行うものとします。")
    assert period in texts(result)
    # a line starting with a number inside a sentence is not a new item: 第 / 64 号
    assert any("（平成27年法律第64号）が平成27年9月に公布され" in t for t in texts(result))


@pytest.mark.corpus
def test_sentence_carries_over_the_page_break() -> None:
    result = read("nepp-chan_otoineppu/koudoukeikaku.pdf")
    assert any(t.startswith("計画の策定や推進管理は") and t.endswith("見直し等を行います。")
               for t in texts(result))
