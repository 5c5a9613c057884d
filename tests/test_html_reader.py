"""The HTML reader on hand-made pages: what the real corpus lacks (legacy encodings, plan
structure, document links) and one case per chrome rule.

Every page here is a hand-made fixture: the files under tests/fixtures/html/ say so in their
first line, and the inline pages are written for the one rule their test checks.
"""

from __future__ import annotations

from pathlib import Path

from extract.blocks import Block, BlockKind, ReadResult
from extract.readers.html import html_to_blocks

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"


def read_fixture(name: str, **hints: str) -> ReadResult:
    return html_to_blocks((FIXTURES / name).read_bytes(), **hints)


def read(html: str, **hints: str) -> ReadResult:
    return html_to_blocks(html.encode("utf-8"), **hints)


def texts(result: ReadResult) -> list[str]:
    return [b.text for b in result.blocks]


def joined(result: ReadResult) -> str:
    return "\n".join(texts(result))


def outline(result: ReadResult) -> list[tuple[str, int | None, str]]:
    return [(b.kind.value, b.level, b.text) for b in result.blocks]


def page(body: str, head: str = "") -> str:
    """Return a hand-made page around `body`, with the usual chrome around it."""
    return (
        f"<html><head><meta charset='utf-8'><title>計画｜テスト市</title>{head}</head><body>"
        "<div id='header'><a href='/'>テスト市</a><ul id='gnavi'><li><a href='/a'>くらし</a></li>"
        "<li><a href='/b'>市政</a></li></ul></div>"
        f"{body}"
        "<div id='footer'><p>テスト市役所 電話：000-000-0000</p></div></body></html>"
    )


# --- hand-made fixture files ------------------------------------------------------------


def test_shift_jis_plan_page_structure() -> None:
    result = read_fixture("sjis_plan.html")
    assert result.encoding == "cp932"
    assert not result.failed and result.problems == []
    assert result.title == "第3次行政改革大綱"
    assert outline(result)[:6] == [
        ("heading", 1, "第3次行政改革大綱"),
        ("heading", 2, "第1章\u3000大綱の基本的な考え方"),
        ("heading", 3, "1\u3000策定の趣旨"),
        ("paragraph", None, result.blocks[3].text),
        ("heading", 3, "2\u3000計画期間"),
        ("paragraph", None, "平成30年度から令和4年度までの5年間とします。"),
    ]
    assert result.blocks[3].indent == 1  # 字下げ
    assert "㈱みどり開発公社" in result.blocks[3].text and "①業務の効率化" in result.blocks[3].text
    assert outline(result)[7:] == [
        ("list_item", 1, "事務事業の見直し"),
        ("list_item", 2, "補助金の見直し"),
        ("list_item", 2, "使用料・手数料の適正化"),
        ("list_item", 1, "組織・機構の見直し（担当：髙橋課長）"),
        ("list_item", 1, "定員管理の適正化"),
    ]


def test_shift_jis_plan_page_leaves_out_the_chrome() -> None:
    text = joined(read_fixture("sjis_plan.html"))
    for chrome in [
        "本文へスキップ",
        "ここから本文です",
        "文字サイズ",
        "くらし・手続き",
        "集中改革プラン",  # sidebar
        "更新日",
        "このページに関するお問い合わせ",
        "0123-45-6789",
        "役に立ちましたか",
        "ページの先頭へ戻る",
        "Copyright",
    ]:
        assert chrome not in text


def test_shift_jis_plan_page_metadata() -> None:
    metadata = read_fixture("sjis_plan.html").metadata
    assert metadata == {
        "breadcrumbs": ["ホーム", "市政情報", "行政改革", "第3次行政改革大綱"],
        "updated": "2018-04-01",
        "page_id": "4567",
        "department": "総務部 行政改革推進課",
        "phone": ["0123-45-6789"],
        "fax": ["0123-45-6790"],
        "email": ["gyokaku@city.midori.example.jp"],
        "address": "〒123-4567 みどり市中央1丁目1番1号",
    }


def test_server_charset_hint_is_used() -> None:
    data = (FIXTURES / "sjis_plan.html").read_bytes()
    result = html_to_blocks(data, charset="shift_jis")
    assert result.encoding == "cp932"
    assert result.title == "第3次行政改革大綱"


def test_euc_jp_page_with_definition_list_and_spanning_table() -> None:
    result = read_fixture("eucjp_progress.html")
    assert result.encoding is not None and result.encoding.startswith("euc")
    assert outline(result)[2:6] == [
        ("list_item", 1, "計画期間"),
        ("list_item", 2, "令和2年度から令和6年度まで"),
        ("list_item", 1, "所管"),
        ("list_item", 2, "企画課"),
    ]
    rows = [b for b in result.blocks if b.kind is BlockKind.TABLE_ROW]
    assert [b.cells for b in rows] == [
        ("区分", "取組", "令和5年度", "令和6年度"),
        ("行政運営", "① 窓口業務の電子化", "実施", "実施"),  # colspan repeated
        ("行政運営", "② 公共施設の再配置", "検討", "実施"),  # rowspan carried down
        ("財政運営", "③ 使用料の見直し", "検討", "検討"),
    ]
    assert [(b.table, b.row, b.header) for b in rows] == [
        (0, 0, True),
        (0, 1, False),
        (0, 2, False),
        (0, 3, False),
    ]
    assert rows[2].text == "② 公共施設の再配置\t検討\t実施"  # printed cells only
    assert "取組の進捗（①～③の3項目）" in texts(result)  # the caption
    assert "トップページ" not in joined(result) and "0999-11-2222" not in joined(result)


def test_flat_page_keeps_its_numbering_in_paragraph_text() -> None:
    result = read_fixture("flat_plan.html")
    assert result.title == "集中改革プラン"
    assert {b.kind for b in result.blocks} == {BlockKind.PARAGRAPH}
    assert texts(result) == [
        "集中改革プラン",
        "第1章\u3000総論",
        "1\u3000計画の趣旨",
        "本市は、平成17年度から平成21年度までの5か年を計画期間として集中改革プランを定めます。",
        "2\u3000重点項目",
        "(1)\u3000事務事業の再編・整理",
        "(2)\u3000民間委託等の推進",
        "ア\u3000指定管理者制度の活用",
        "イ\u3000業務の外部委託",
        "第2章\u3000数値目標",
        "職員数を平成22年4月1日までに30人(4.6%)削減します。",
    ]
    assert [b.indent for b in result.blocks][3] == 1
    assert [b.indent for b in result.blocks][7:9] == [1, 1]


def test_document_links_with_sizes_as_printed() -> None:
    result = read_fixture("plan_documents.html")
    base = "https://www.city.hibari.example.jp/shisei/"
    assert [(k.url, k.kind, k.media_type, k.size_text) for k in result.links] == [
        (base + "gyokaku/files/taiko.pdf", "document", "application/pdf", "PDF：512KB"),
        (base + "gyokaku/files/plan.pdf", "document", "application/pdf", "PDFファイル：1.2MB"),
        (
            base + "gyokaku/files/jisseki.xlsx",
            "document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excelファイル／35KB",
        ),
        (
            base + "gyokaku/files/gaiyo.docx",
            "document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word：20KB",
        ),
        (base + "keikaku/sogo.html", "page", None, None),
    ]
    assert [k.text for k in result.links][:2] == [
        "第4次行政改革大綱（PDF：512KB）",
        "集中改革プラン",
    ]
    assert "Adobe" not in joined(result) and "別の計画" not in joined(result)
    assert result.metadata["breadcrumbs"] == ["ホーム", "市政", "行政改革の計画"]


def test_fetch_url_resolves_relative_links() -> None:
    data = (FIXTURES / "plan_documents.html").read_bytes()
    result = html_to_blocks(data, url="http://mirror.example.org/gyokaku/index.html")
    assert result.links[0].url == "http://mirror.example.org/gyokaku/files/taiko.pdf"
    assert result.links[2].url == "http://mirror.example.org/shisei/gyokaku/files/jisseki.xlsx"


# --- where the content is ---------------------------------------------------------------


def test_content_end_marker_stops_reading() -> None:
    result = read(
        page(
            "<div><p class='skip'>本文ここから</p><h1>計画</h1><p>本文の段落です。</p>"
            "<p>本文ここまで</p><p>ここからはテンプレートの案内文です。</p></div>"
        )
    )
    assert texts(result) == ["計画", "本文の段落です。"]


def test_main_element_is_the_content_without_markers() -> None:
    result = read(
        page(
            "<div class='box'><p>お知らせの帯です。</p></div>"
            "<main><h1>計画</h1><p>本文。</p></main>"
        )
    )
    assert texts(result) == ["計画", "本文。"]


def test_density_finds_the_content_column_beside_a_sidebar_of_prose() -> None:
    body = (
        "<div><div class='left'><h1>計画の概要</h1>"
        + "<p>本市の行政改革は、市民サービスの向上と効率的な行政運営を目指すものです。</p>" * 6
        + "</div><div class='right'>"
        + "<p>市長の部屋：市長からのメッセージをお届けします。</p></div></div>"
    )
    result = read(page(body))
    assert result.blocks[0].text == "計画の概要"
    assert "市長の部屋" not in joined(result)
    assert len(result.blocks) == 7


def test_heading_printed_above_the_content_marker_leads_the_blocks() -> None:
    body = (
        "<div class='title'><h1>収容情報</h1></div><div><p class='skip'>ここから本文です。</p>"
        "<div><p>収容した犬の情報を公開しています。</p></div></div>"
    )
    result = read(page(body))
    assert outline(result) == [
        ("heading", 1, "収容情報"),
        ("paragraph", None, "収容した犬の情報を公開しています。"),
    ]
    assert result.title == "収容情報"


def test_wrapper_with_a_chrome_looking_class_that_holds_the_page_is_kept() -> None:
    result = read(page("<div class='column_rnavi'><h1>計画</h1><p>本文の段落です。</p></div>"))
    assert texts(result) == ["計画", "本文の段落です。"]


def test_form_wrapping_the_whole_page_is_not_taken_for_a_survey() -> None:
    body = (
        "<form id='form1'><input type='text' name='search'><main><h1>計画</h1>"
        "<p>本市の行政改革の方針を定めます。重点項目は三つです。</p></main></form>"
    )
    assert texts(read(page(body))) == [
        "計画",
        "本市の行政改革の方針を定めます。重点項目は三つです。",
    ]


# --- chrome inside the content ----------------------------------------------------------


def test_hidden_elements_are_not_content() -> None:
    body = (
        "<main><h1>計画</h1><p>見える段落。</p><div style='display: none'>隠れた段落。</div>"
        "<p hidden>隠れた注記。</p></main>"
    )
    assert texts(read(page(body))) == ["計画", "見える段落。"]


def test_template_heading_section_goes_even_unwrapped() -> None:
    body = (
        "<main><h1>計画</h1><p>本文。</p><h2>このページに関するお問い合わせ</h2>"
        "<p>企画課 電話：000-111-2222</p></main>"
    )
    result = read(page(body))
    assert texts(result) == ["計画", "本文。"]
    assert result.metadata.get("phone") is None  # not a contact box: it was not wrapped


def test_contact_box_becomes_metadata() -> None:
    body = (
        "<main><h1>計画</h1><p>本文。</p><div><h2>お問い合わせ先</h2><p>企画部 企画課<br>"
        "電話番号：000-111-2222<br>FAX番号：000-111-3333<br>"
        "<a href='mailto:kikaku@example.jp'>メールでのお問い合わせ</a></p></div></main>"
    )
    result = read(page(body))
    assert texts(result) == ["計画", "本文。"]
    assert result.metadata["department"] == "企画部 企画課"
    assert result.metadata["phone"] == ["000-111-2222"]
    assert result.metadata["fax"] == ["000-111-3333"]
    assert result.metadata["email"] == ["kikaku@example.jp"]


def test_author_heading_named_like_a_contact_box_stays() -> None:
    body = (
        "<main><h1>譲渡について</h1><p>譲渡の案内です。</p><h2>お問い合わせ</h2>"
        "<p>センターの開所時間は午前9時から午後5時までです。</p></main>"
    )
    assert "センターの開所時間は午前9時から午後5時までです。" in texts(read(page(body)))


def test_related_page_links_go_but_related_documents_stay() -> None:
    body = (
        "<main><h1>計画</h1><p>本文。</p><h2>関連情報</h2>"
        "<ul><li><a href='/x.html'>別のページ</a></li>"
        "<li><a href='/y.html'>もう一つのページ</a></li></ul><h2>関連リンク</h2>"
        "<ul><li><a href='/plan.pdf'>計画書（PDF：1MB）</a></li></ul></main>"
    )
    result = read(page(body))
    assert texts(result) == ["計画", "本文。", "関連リンク", "計画書（PDF：1MB）"]
    assert [k.url for k in result.links] == ["/plan.pdf"]


def test_in_page_table_of_contents_goes() -> None:
    body = (
        "<main><h1>計画</h1><ul><li><a href='#s1'>はじめに</a></li><li><a href='#s2'>方針</a></li>"
        "</ul><h2 id='s1'>はじめに</h2><p>本文。</p><h2 id='s2'>方針</h2><p>方針の本文。</p></main>"
    )
    assert texts(read(page(body))) == ["計画", "はじめに", "本文。", "方針", "方針の本文。"]


def test_boilerplate_lines_go() -> None:
    body = (
        "<main><h1>計画</h1><p>本文。</p><p><a href='#top'>ページの先頭へ戻る</a></p>"
        "<p>印刷する</p>"
        "<p>PDFファイルをご覧いただくには、Adobe Readerが必要です。</p><p>次へ</p></main>"
    )
    assert texts(read(page(body))) == ["計画", "本文。"]


# --- structure ----------------------------------------------------------------------------


def test_line_breaks_split_paragraphs_but_not_list_items_or_headings() -> None:
    body = (
        "<main><h1>計画の<br>概要</h1><p>一行目<br>二行目</p>"
        "<ul><li>項目の名前<br>（電話：000-000-0000）</li></ul></main>"
    )
    assert outline(read(page(body))) == [
        ("heading", 1, "計画の 概要"),
        ("paragraph", None, "一行目"),
        ("paragraph", None, "二行目"),
        ("list_item", 1, "項目の名前\n（電話：000-000-0000）"),
    ]


def test_source_line_breaks_between_japanese_characters_are_not_spaces() -> None:
    result = read(page("<main><p>本市では、\n  行政改革を進めます。\nThe plan\nends.</p></main>"))
    assert texts(result) == ["本市では、行政改革を進めます。 The plan ends."]


def test_layout_table_is_read_as_its_contents() -> None:
    body = (
        "<main><table><tr><td><h2>第1章 総論</h2><p>計画の趣旨を述べます。</p></td></tr>"
        "<tr><td><h2>第2章 各論</h2><p>取組を述べます。</p></td></tr></table></main>"
    )
    assert outline(read(page(body))) == [
        ("heading", 2, "第1章 総論"),
        ("paragraph", None, "計画の趣旨を述べます。"),
        ("heading", 2, "第2章 各論"),
        ("paragraph", None, "取組を述べます。"),
    ]


def test_table_of_heading_labelled_columns_is_data() -> None:
    body = (
        "<main><table><tr><td><h6>名前</h6></td><td><h6>年齢</h6></td></tr>"
        "<tr><td>たま</td><td>3歳</td></tr></table></main>"
    )
    rows = read(page(body)).blocks
    assert [(b.kind, b.cells, b.header) for b in rows] == [
        (BlockKind.TABLE_ROW, ("名前", "年齢"), True),
        (BlockKind.TABLE_ROW, ("たま", "3歳"), False),
    ]


def test_nested_lists_and_blocks_inside_items_keep_levels() -> None:
    body = (
        "<main><ol><li><p>基本方針</p><ul><li>方針1</li><li>方針2<ul><li>細目</li></ul></li></ul>"
        "</li></ol></main>"
    )
    levels = [(b.text, b.level) for b in read(page(body)).blocks]
    assert levels == [("基本方針", 1), ("方針1", 2), ("方針2", 2), ("細目", 3)]


def test_every_block_is_a_block() -> None:
    result = read_fixture("sjis_plan.html")
    assert all(isinstance(b, Block) and b.text == b.text.strip() and b.text for b in result.blocks)


def test_logo_h1_in_the_header_is_not_the_content() -> None:
    body = (
        "<div id='header2'><h1><a href='/'><img alt='あさひ町'></a></h1>"
        "<p>〒111-1111 あさひ町1-1 電話 0000-00-0000（代表）</p></div>"
        "<div id='container'><div id='side'><h3>町政情報</h3>"
        "<p>町長への手紙はこちらからお送りください。ご意見をお待ちしています。</p></div>"
        "<div id='content'><h2>第2次総合計画</h2><p>令和3年度から令和12年度までの計画です。</p>"
        "</div></div>"
    )
    result = read(page(body))
    assert texts(result) == ["第2次総合計画", "令和3年度から令和12年度までの計画です。"]


def test_old_layout_table_page() -> None:
    html = (
        "<html><body><table width='100%'><tr><td class='menu'><a href='/'>トップ</a><br>"
        "<a href='/g'>行政</a></td><td><table><tr><td><font size='4'><b>行政改革大綱</b></font>"
        "</td></tr></table><p>１　基本方針<br>　本市は、簡素で効率的な行政運営を目指します。</p>"
        "</td></tr></table><hr><center>Copyright(C) 2005 Example City</center></body></html>"
    )
    result = html_to_blocks(html.encode("cp932"), charset="shift_jis")
    assert texts(result) == [
        "行政改革大綱",
        "１\u3000基本方針",
        "本市は、簡素で効率的な行政運営を目指します。",
    ]


def test_page_wrappers_without_landmarks_are_not_chrome() -> None:
    # hand-made fixture: an ASP.NET-style form around everything and a wrapper whose class
    # carries a navigation token; no skip marker, no <main>, no <h1>
    html = (
        "<html><body><form id='aspnetForm'><input type='text' name='q'>"
        "<div class='lnavi_wrap'><div class='menu'><a href='/'>ホーム</a></div>"
        "<h2>行政改革の取組</h2><p>本市は事務事業の見直しと定員管理の適正化を進めています。</p>"
        "<p>令和5年度の取組状況を公表します。</p></div></form></body></html>"
    )
    assert texts(html_to_blocks(html.encode())) == [
        "行政改革の取組",
        "本市は事務事業の見直しと定員管理の適正化を進めています。",
        "令和5年度の取組状況を公表します。",
    ]
