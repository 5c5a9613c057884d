"""Bytes to text: labels believed only when the bytes agree, Japanese legacy codecs read right."""

from __future__ import annotations

import pytest

from extract.readers.encoding import codec_name, decode, sniff_label

# hand-made fixture: a short plan page with CP932-only characters (①, ㈱, 髙, ～).
PAGE = (
    "<html><head>{meta}</head><body><h2>第１章　計画の概要</h2>"
    "<p>①㈱髙橋の取組～本市は行政改革を進めます。</p></body></html>"
)
SJIS_META = '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'


def codes(problems: tuple[object, ...]) -> list[str]:
    return [p.code for p in problems]  # type: ignore[attr-defined]


def test_shift_jis_label_reads_as_cp932_with_its_extra_characters() -> None:
    decoded = decode(PAGE.format(meta=SJIS_META).encode("cp932"))
    assert decoded.encoding == "cp932"
    assert "①㈱髙橋の取組～" in decoded.text
    assert decoded.problems == ()


def test_euc_jp_label_falls_back_for_nec_row_13_characters() -> None:
    page = PAGE.format(meta='<meta charset="EUC-JP">').replace("髙", "高")
    decoded = decode(page.encode("euc_jis_2004"))
    assert "①㈱高橋の取組" in decoded.text
    assert decoded.encoding.startswith("euc")
    assert decoded.problems == ()


def test_utf8_bytes_win_over_a_stale_legacy_label() -> None:
    decoded = decode(PAGE.format(meta='<meta charset="euc-jp">').encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert "第１章　計画の概要" in decoded.text
    assert codes(decoded.problems) == ["encoding_mismatch"]


def test_label_that_does_not_decode_is_reported_and_detection_takes_over() -> None:
    decoded = decode(PAGE.format(meta='<meta charset="utf-8">').encode("cp932"))
    assert decoded.encoding == "cp932"
    assert "①㈱髙橋" in decoded.text
    assert "encoding_mismatch" in codes(decoded.problems)


def test_server_charset_comes_before_the_page_label() -> None:
    data = PAGE.format(meta='<meta charset="euc-jp">').encode("cp932")
    decoded = decode(data, declared="Shift_JIS")
    assert decoded.encoding == "cp932"
    assert "①㈱髙橋" in decoded.text


def test_western_server_default_loses_to_japanese_bytes() -> None:
    decoded = decode(PAGE.format(meta="").encode("cp932"), declared="iso-8859-1")
    assert decoded.encoding == "cp932"
    assert codes(decoded.problems) == ["encoding_mismatch"]


def test_western_text_under_a_western_label_stays_western() -> None:
    text = "<p>Café résumé naïve. Ça va très bien, à bientôt.</p>"
    decoded = decode(text.encode("latin-1"), declared="iso-8859-1")
    assert decoded.text == text
    assert decoded.problems == ()


@pytest.mark.parametrize("codec", ["cp932", "euc_jis_2004", "iso2022_jp_ext"])
def test_undeclared_japanese_is_detected(codec: str) -> None:
    page = PAGE.format(meta="")
    if codec != "cp932":
        page = page.replace("髙", "高").replace("①", "1").replace("㈱", "(株)").replace("～", "、")
    decoded = decode(page.encode(codec))
    assert "計画の概要" in decoded.text
    assert "本市は行政改革を進めます" in decoded.text
    assert codes(decoded.problems) == ["encoding_guessed"]


def test_byte_order_mark_beats_every_label() -> None:
    data = b"\xef\xbb\xbf" + PAGE.format(meta='<meta charset="Shift_JIS">').encode("utf-8")
    decoded = decode(data, declared="euc-jp")
    assert decoded.encoding == "utf-8"
    assert decoded.text.startswith("<html>")


def test_a_character_cut_by_truncation_does_not_discredit_the_label() -> None:
    data = PAGE.format(meta=SJIS_META).encode("cp932")
    cut = data[: data.index("橋".encode("cp932")) + 1]
    decoded = decode(cut)
    assert decoded.encoding == "cp932"
    assert decoded.text.endswith("髙\ufffd")


def test_unknown_label_is_reported() -> None:
    decoded = decode(PAGE.format(meta='<meta charset="x-made-up">').encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert codes(decoded.problems) == ["unknown_encoding"]


def test_sniff_label_reads_meta_and_xml_declarations() -> None:
    assert sniff_label(b'<meta charset="Shift_JIS">') == "shift_jis"
    assert sniff_label(b"<meta http-equiv='Content-Type' content='text/html; charset=EUC-JP'>") == (
        "euc-jp"
    )
    assert sniff_label(b'<?xml version="1.0" encoding="Shift_JIS"?><html>') == "shift_jis"
    assert sniff_label(b"<p>no label</p>") is None


def test_codec_names_map_labels_browsers_use() -> None:
    assert codec_name("Shift_JIS") == "cp932"
    assert codec_name("Windows-31J") == "cp932"
    assert codec_name("x-euc-jp") == "euc_jp"
    assert codec_name("UTF8") == "utf-8"
    assert codec_name("no-such-codec") is None
