"""Web blocks: an HTML body region laid out as page blocks, the way a browser shows it."""

from __future__ import annotations

import lxml.html

from audiopaper.text.page import BlockKind
from audiopaper.text.web_blocks import LINE_BREAK, region_blocks


def blocks_of(markup: str) -> list[tuple[BlockKind, str]]:
    return [
        (b.kind, b.text) for b in region_blocks(lxml.html.fragment_fromstring(markup, create_parent="div"))
    ]


def test_block_elements_end_lines_and_inline_ones_run_on() -> None:
    assert blocks_of("<p>第一段<span>接着</span>说。</p><section>第二段。</section>甲<br>乙") == [
        (BlockKind.TEXT, "第一段接着说。"),
        (BlockKind.TEXT, "第二段。"),
        (BlockKind.TEXT, "甲"),
        (BlockKind.TEXT, "乙"),
    ]


def test_headings_captions_rows_and_code_are_marked() -> None:
    markup = (
        "<h2>小标题</h2><figure><img src='a.jpg'><figcaption>图为新桥。</figcaption></figure>"
        "<table><tr><td>一月</td><td>12</td></tr></table><pre><code>print(1)\nprint(2)</code></pre>"
    )
    assert blocks_of(markup) == [
        (BlockKind.SUBHEAD, "小标题"),
        (BlockKind.CAPTION, "图为新桥。"),
        (BlockKind.TABLE_ROW, "一月 12"),
        (BlockKind.CODE, "print(1) print(2)"),
    ]


def test_scripts_forms_and_hidden_text_say_nothing() -> None:
    markup = (
        "<p>正文。</p><script>var a = 1;</script><button>分享</button><div style='display: none'>隐藏</div>"
    )
    assert blocks_of(markup) == [(BlockKind.TEXT, "正文。")]


def test_a_kept_line_break_mark_ends_a_line() -> None:
    assert blocks_of(f"<p>上一行{LINE_BREAK}下一行</p>") == [
        (BlockKind.TEXT, "上一行"),
        (BlockKind.TEXT, "下一行"),
    ]
