"""Bad input gets a result with a clear problem code, never an exception.

The generated pages here are hand-made fixtures; the 404 page, the Tokushima page and the
truncated Kobe page are real (../shared/corpus/html, skipped when absent).
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from extract.readers.html import html_to_blocks
from tests.conftest import ROOT, shared_path


def corpus_page(prefix: str) -> bytes:
    """Return a real page's bytes, or skip when the shared corpus is absent."""
    pages = shared_path("corpus", "html", "tailmatch_municipal_html")
    found = sorted(pages.glob(f"{prefix}*.html"))
    if not found:
        pytest.skip(f"real page {prefix}* not found in {pages}")
    return found[0].read_bytes()


def codes(data: bytes) -> list[str]:
    return [p.code for p in html_to_blocks(data).problems]


@pytest.mark.parametrize("data", [b"", b"   \r\n\t "], ids=["empty", "blank"])
def test_empty_input(data: bytes) -> None:
    result = html_to_blocks(data)
    assert result.failed and result.blocks == []
    assert [p.code for p in result.problems] == ["empty_input"]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
        random.Random(5).randbytes(4096),
    ],
    ids=["pdf", "png", "zip", "noise"],
)
def test_binary_input(data: bytes) -> None:
    result = html_to_blocks(data)
    assert result.failed and result.blocks == []
    assert [p.code for p in result.problems] == ["binary_input"]


def test_404_page_fails_with_no_main_content() -> None:
    result = html_to_blocks(corpus_page("hokkaido__hokkaido-pref"))
    assert result.failed and result.blocks == [] and result.links == []
    assert [p.code for p in result.problems] == ["no_main_content"]


def test_all_chrome_page_fails_with_no_main_content() -> None:
    # hand-made fixture: navigation and footer and nothing else
    page = (
        "<html><body><nav><ul><li><a href='/'>ホーム</a></li><li><a href='/a'>くらし</a></li>"
        "</ul></nav><footer><p>テスト市役所 〒000-0000 電話：000-000-0000</p></footer>"
        "</body></html>"
    )
    result = html_to_blocks(page.encode())
    assert result.failed and [p.code for p in result.problems] == ["no_main_content"]


def test_meta_that_lies_about_the_encoding() -> None:
    result = html_to_blocks(corpus_page("tokushima__"))
    assert not result.failed
    assert [p.code for p in result.problems] == ["encoding_mismatch"]
    assert result.encoding == "utf-8"
    text = "\n".join(b.text for b in result.blocks)
    assert "少しシャイなモフモフの狐顏の女の子です" in text


def test_truncated_real_page_keeps_what_it_has() -> None:
    data = corpus_page("hyogo__kobe-city")
    result = html_to_blocks(data[: len(data) // 2])
    assert not result.failed
    assert "truncated_html" in [p.code for p in result.problems]
    assert result.title == "収容犬猫情報"
    assert any("動物管理センターに収容した犬猫" in b.text for b in result.blocks)


def test_truncated_inside_a_multibyte_character() -> None:
    page = "<html><body><main><h1>計画</h1><p>本市は行政改革を進めます</p>".encode("cp932")
    result = html_to_blocks(b"<meta charset='shift_jis'>" + page[:-1])
    assert [p.code for p in result.problems] == ["truncated_html"]
    assert result.blocks[-1].text.startswith("本市は行政改革を進め")


@pytest.mark.parametrize("tag", ["div", "span", "font"])
def test_ten_thousand_levels_of_nesting(tag: str) -> None:
    # hand-made fixture: content at the bottom of 10,000 nested elements, then more content
    data = (
        f"<html><body><p>前の段落です。</p>{f'<{tag}>' * 10_000}<p>深い段落です。</p>"
        f"{f'</{tag}>' * 10_000}<p>後の段落です。</p></body></html>"
    ).encode()
    result = html_to_blocks(data)
    assert not result.failed
    assert "too_deep" in [p.code for p in result.problems]
    assert [b.text for b in result.blocks] == ["前の段落です。", "深い段落です。", "後の段落です。"]


def test_unclosed_tags_nesting_to_the_end() -> None:
    data = b"<html><body><p>" + b"<font size=2>" * 10_000 + "計画の本文".encode()
    result = html_to_blocks(data)
    assert [b.text for b in result.blocks] == ["計画の本文"]
    assert {"too_deep", "truncated_html"} <= {p.code for p in result.problems}


def test_never_raises_on_cut_and_mangled_real_markup() -> None:
    data = corpus_page("okinawa__naha-city")
    rng = random.Random(7)
    for _ in range(30):
        start = rng.randrange(len(data))
        piece = data[start : start + rng.randrange(1, 6000)]
        mangled = piece.replace(b">", b"", rng.randrange(3)).replace(b"<", b"<<", rng.randrange(3))
        result = html_to_blocks(mangled)
        assert result.failed or result.blocks


_BIG_PAGE = """
import resource
from extract.readers.html import html_to_blocks
section = ("<h2>{0} 施策</h2><p>本市は行政改革大綱に基づき、事務事業の見直しを進めます。" * 3
           + "</p><ul><li>(1) 業務の効率化</li><li>(2) 職員数の適正化</li></ul>"
           + "<table><tr><td>第{0}号</td><td>推進課</td><td>令和7年度</td></tr></table>")
parts, size, n = ["<html><body><main><h1>計画</h1>"], 0, 0
while size < 20 * 1024 * 1024:
    chunk = section.format(n)
    parts.append(chunk)
    size += len(chunk.encode())
    n += 1
data = "".join(parts).encode() + b"</main></body></html>"
del parts
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = html_to_blocks(data)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(data), len(result.blocks), result.failed, (after - before) // 1024)
"""


@pytest.mark.slow
def test_twenty_megabyte_page_in_bounded_memory() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _BIG_PAGE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    size, blocks, failed, growth_mb = out.stdout.split()
    assert int(size) >= 20 * 1024 * 1024
    assert failed == "False" and int(blocks) > 100_000
    # The lxml tree is about ten times the page; a generous bound that a copy per element breaks.
    assert int(growth_mb) < 1000


def test_oversized_input_is_refused() -> None:
    from extract.readers.html import MAX_INPUT_BYTES

    result = html_to_blocks(b"<p>" + b"a" * MAX_INPUT_BYTES)
    assert result.failed and [p.code for p in result.problems] == ["too_large"]
