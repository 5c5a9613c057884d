"""Honest decoding: damaged and mixed bytes read as a person reads them, never as mojibake.

Every text here is hand-made, written for the case it tests.
"""

from __future__ import annotations

from extract.pipeline import parse_bytes
from extract.readers.encoding import decode
from extract.readers.html import html_to_blocks
from extract.schema import Document, Status

PLAN = ("計画期間は令和3年度から令和7年度までの5年間とします。\n"
        "市民とともに歩むまちづくりを進めます。\n")


def _codes(doc_issues: object) -> list[str]:
    return [i.code for i in doc_issues]  # type: ignore[attr-defined]


def _read(doc: Document) -> str:
    """Return what a person reads of the document: its title, then its text."""
    return f"{doc.title}\n{doc.text}"


def test_utf8_with_one_bad_byte_keeps_utf8_and_counts_it() -> None:
    data = PLAN.encode("utf-8")
    cut = data.index("3年度".encode())
    doc = parse_bytes(data[:cut] + b"\xff" + data[cut:], uri="bad-byte.txt")
    assert doc.source.encoding == "utf-8"
    assert "計画期間は令和\ufffd3年度から令和7年度まで" in doc.text
    assert "市民とともに歩むまちづくりを進めます。" in doc.text
    (issue,) = [i for i in doc.issues if i.code == "replacement_characters"]
    assert issue.message.startswith("1 U+FFFD")
    assert doc.status is Status.OK


def test_utf8_label_with_a_bad_byte_is_not_called_a_mismatch() -> None:
    data = PLAN.encode("utf-8")
    decoded = decode(data[:6] + b"\x80" + data[6:], declared="utf-8")
    assert decoded.encoding == "utf-8"
    assert decoded.text.startswith("計画\ufffd期間は令和3年度")
    assert [p.code for p in decoded.problems] == ["replacement_characters"]


def test_nul_byte_is_dropped_with_a_warning_and_the_text_kept() -> None:
    data = PLAN.encode("utf-8")
    cut = data.index("市民".encode())
    doc = parse_bytes(data[:cut] + b"\x00" + data[cut:], uri="nul.txt")
    assert doc.status is Status.OK
    assert "市民とともに歩むまちづくりを進めます。" in doc.text
    assert "\x00" not in doc.text
    assert "nul_bytes" in _codes(doc.issues)


def test_many_nul_bytes_are_still_binary() -> None:
    doc = parse_bytes(b"\x00\x01\x02\x00" * 200 + PLAN.encode("utf-8"), uri="blob.txt")
    assert doc.status is Status.FAILED
    assert _codes(doc.issues) == ["binary_input"]


def test_shift_jis_file_reads_as_written() -> None:
    doc = parse_bytes(PLAN.encode("cp932"), uri="sjis.txt")
    assert doc.source.encoding == "cp932"
    assert "計画期間は令和3年度から令和7年度までの5年間とします。" in doc.text
    assert "replacement_characters" not in _codes(doc.issues)


def test_euc_jp_file_reads_as_written() -> None:
    doc = parse_bytes(PLAN.encode("euc_jp"), uri="euc.txt")
    assert doc.source.encoding == "euc_jp"
    assert "市民とともに歩むまちづくりを進めます。" in doc.text


def test_file_mixing_utf8_and_shift_jis_lines_reads_both() -> None:
    data = ("第1章 総論\n".encode() + "この段落は古い文書から貼り付けられました。\n".encode("cp932")
            + "第2章 各論\n".encode())
    doc = parse_bytes(data, uri="mixed.txt")
    assert doc.source.encoding == "cp932"  # most of the text
    assert _read(doc) == "第1章 総論\nこの段落は古い文書から貼り付けられました。\n第2章 各論"
    (issue,) = [i for i in doc.issues if i.code == "mixed_encoding"]
    assert issue.message == "1 of 3 lines are cp932, the rest UTF-8"


def test_file_mixing_utf8_and_euc_jp_lines_reads_both() -> None:
    data = ("はじめに\n".encode("euc_jp") + "ここは正しくUTF-8で書かれています。\n".encode()
            + "ここはEUC-JPです。\n".encode("euc_jp"))
    doc = parse_bytes(data, uri="mixed-euc.txt")
    assert _read(doc) == "はじめに\nここは正しくUTF-8で書かれています。\nここはEUC-JPです。"
    assert doc.source.encoding == "utf-8"  # most of the text
    assert "mixed_encoding" in _codes(doc.issues)


def test_mostly_undecodable_text_fails() -> None:
    data = "表題\n".encode() + b"\xff\x80" * 200 + b"\n"
    doc = parse_bytes(data, uri="noise.txt")
    assert doc.status is Status.FAILED
    assert "unreadable_text" in _codes(doc.issues)


def test_mostly_undecodable_web_page_fails() -> None:
    data = b"<html><meta charset='utf-8'><body><p>" + b"\xff\x80" * 300 + b"</p></body></html>"
    result = html_to_blocks(data)
    assert result.failed
    assert "unreadable_text" in [p.code for p in result.problems]
