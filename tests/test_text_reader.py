"""Bad and unusual plain-text input: clear statuses, nothing garbled, nothing lost."""

from __future__ import annotations

from pathlib import Path

from extract.ingest.batch import run
from extract.pipeline import parse_bytes
from extract.readers.text import text_to_blocks
from extract.schema import NodeKind, Status, walk
from tests.conftest import SAMPLES


def test_empty_file_fails_with_empty_input() -> None:
    doc = parse_bytes(b"", uri="empty.txt")
    assert doc.status is Status.FAILED
    assert [i.code for i in doc.issues] == ["empty_input"]


def test_binary_file_named_txt_fails_with_binary_input() -> None:
    data = bytes(range(256)) * 64  # hand-made: every byte value, NULs included
    doc = parse_bytes(data, uri="image.txt")
    assert doc.status is Status.FAILED
    assert doc.issues[0].code == "binary_input"
    assert doc.text == ""


def test_shift_jis_text_is_decoded_not_garbled() -> None:
    # The real seed re-encoded as a Shift_JIS site would serve it: NBSP has no CP932 code,
    # and CP932's one wave dash (0x8160) reads back as the full-width tilde.
    original = (SAMPLES / "000_a41e65aa208a94a2.txt").read_text("utf-8")
    original = original.replace("\xa0", " ").replace("\u301c", "\uff5e")
    data = original.encode("cp932", errors="strict")
    doc = parse_bytes(data, uri="ayase-sjis.txt")
    assert doc.status is Status.OK
    assert doc.source.encoding == "cp932"
    assert "ネーミングライツ制度の導入" in doc.text
    utf8 = parse_bytes(original.encode("utf-8"), uri="ayase.txt")
    assert doc.text == utf8.text


def test_cp932_vendor_characters_survive() -> None:
    data = "① 計画の策定\n㈱による運営の見直しを行います。\n".encode("cp932")
    result = text_to_blocks(data)
    assert result.blocks[0].text.startswith("①")
    assert "㈱" in result.blocks[1].text


def test_five_megabyte_text_does_not_hit_the_sudachi_limit() -> None:
    # Hand-made: one 5 MB line with no sentence end, the worst case for Sudachi's byte limit.
    line = "行政改革の推進と職員配置の見直し" * 110_000
    assert len(line.encode("utf-8")) > 5_000_000
    text = "大きな計画\n\n1 取組\n" + line + "\n"
    doc = parse_bytes(text.encode("utf-8"), uri="big.txt")
    assert doc.status is Status.OK
    assert len(doc.text) > 1_700_000


def test_batch_reports_an_unreadable_file_and_writes_the_rest(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt"))[:2]:
        (raw / sample.name).write_bytes(sample.read_bytes())
    # A link to a file that is gone: unreadable even for root, unlike a chmod 0 file.
    (raw / "gone.txt").symlink_to(tmp_path / "deleted-before-the-run.txt")
    out = tmp_path / "structured"
    summary = run(raw, out, jobs=1)
    by_name = {Path(o.source).name: o for o in summary.outcomes}
    assert by_name["gone.txt"].status == "unreadable"
    assert "gone.txt" in (by_name["gone.txt"].message or "")
    written = [o for o in summary.outcomes if o.output]
    assert len(written) == 2
    assert all(Path(o.output or "").is_file() and o.status == "ok" for o in written)


def test_tab_lines_become_table_rows_with_cells() -> None:
    data = "表\n\n年度\t2023\t2024\t\t\nプラン\t策定\n".encode()
    blocks = text_to_blocks(data).blocks
    rows = [b for b in blocks if b.cells]
    assert rows[0].cells == ("年度", "2023", "2024")
    assert rows[0].header and not rows[1].header
    assert rows[0].table == rows[1].table == 0


def test_measures_are_nodes_under_their_section() -> None:
    doc = parse_bytes((SAMPLES / "000_a41e65aa208a94a2.txt").read_bytes(), uri="000.txt")
    measure = next(n for n in walk(doc.outline) if n.title == "ネーミングライツ制度の導入")
    assert measure.kind is NodeKind.MEASURE
    assert measure.source is not None
    assert doc.text[measure.source.start:measure.source.end].startswith("ネーミングライツ制度")


def test_a_sentence_naming_the_contact_desk_is_content_not_a_footer() -> None:
    # Hand-made, after a real HTML gold page: content went on after such a sentence.
    text = ("譲渡について\n\n下記の問い合わせ先までご連絡下さい。\n令和7年3月17日受付\n\n"
            "このページに関するお問い合わせ\n企画課\n電話:0467-70-5635\n")
    doc = parse_bytes(text.encode(), uri="notice.txt")
    assert "令和7年3月17日受付" in doc.text
    assert "0467-70-5635" not in doc.text and doc.metadata.phone == ["0467-70-5635"]
