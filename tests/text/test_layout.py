"""Layout reading on page lines set by hand: reading order, headlines, kickers, briefs, ads, furniture."""

from __future__ import annotations

import pytest

from audiopaper.text.layout import body_size, is_headline, read_layout
from audiopaper.text.page import BlockKind
from audiopaper.text.page_lines import Box, Line, PageLines

BODY = 9.0
LEADING = 13.0
COLUMN = 150.0
GUTTER = 12.0


def column(text: str, x: float, top: float, chars: int = 16, indent: int = 2) -> tuple[list[Line], float]:
    """Body lines of ``text`` in one column from (x, top), paragraphs indented; and where it ends."""
    lines, y, first = [], top, indent
    for paragraph in text.split("|"):
        rest, indent = paragraph, first
        while rest:
            take = chars - indent
            piece, rest = rest[:take], rest[take:]
            x0 = x + indent * BODY
            lines.append(Line(piece, Box(x0, y, x0 + len(piece) * BODY, y + BODY), BODY, False))
            y, indent = y + LEADING, 0
    return lines, y


def headline(text: str, x: float, top: float, size: float = 22.0, bold: bool = True) -> Line:
    return Line(text, Box(x, top, x + len(text) * size, top + size), size, bold)


def story(
    title: str, text: str, x: float, top: float, columns: int = 1, chars: int = 16
) -> tuple[list[Line], float]:
    """A headline over ``columns`` columns of text, split evenly."""
    lines = [headline(title, x, top)]
    parts = [text[i::columns] for i in range(columns)] if columns > 1 else [text]
    bottom = top
    for number, part in enumerate(parts):
        body, end = column(part, x + number * (COLUMN + GUTTER), top + 22 + 14, chars)
        lines += body
        bottom = max(bottom, end)
    return lines, bottom


def blocks(lines: list[Line], width: float = 680.0, height: float = 1000.0) -> list[tuple[str, str]]:
    reading = read_layout(PageLines(width, height, tuple(lines)))
    return [(b.kind.value, b.text) for b in reading.blocks]


A = "本报讯　甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十。"
B = "本报讯　天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳。"


def test_side_by_side_stories_each_keep_their_text() -> None:
    left, _ = story("左边的新闻标题", A, 20, 80)
    right, _ = story("右边的新闻标题", B, 20 + COLUMN + 3 * GUTTER, 80)
    read = blocks(left + right)
    assert read == [
        ("headline", "左边的新闻标题"),
        ("text", A),
        ("headline", "右边的新闻标题"),
        ("text", B),
    ]


def test_a_story_over_three_columns_is_read_column_by_column_before_the_stories_under_it() -> None:
    words = "春风又绿江南岸明月何时照我还" * 6 + "。"
    # one paragraph running on through three columns: 30, 32 and the rest of its characters
    thirds = [words[:30], words[30:62], words[62:]]
    lines = [headline("跨三栏的头条新闻", 20, 60, size=30)]
    for number, part in enumerate(thirds):
        body, end = column(part, 20 + number * (COLUMN + GUTTER), 110, chars=16, indent=0 if number else 2)
        lines += body
    under_left, _ = story("下面左边一条", A, 20, end + 30)
    under_right, _ = story("下面右边一条", B, 20 + 2 * (COLUMN + GUTTER), end + 30)
    read = blocks(lines + under_left + under_right)
    assert read[0] == ("headline", "跨三栏的头条新闻")
    assert read[1][0] == "text" and read[1][1].replace(" ", "") == words
    assert [b for b in read if b[0] == "headline"][1:] == [
        ("headline", "下面左边一条"),
        ("headline", "下面右边一条"),
    ]


def test_a_kicker_over_the_title_comes_first_and_the_lead_is_level_one() -> None:
    lines = [
        headline("引题写在主标题上方", 20, 40, size=14, bold=False),
        headline("主标题字号最大", 20, 58, size=36),
    ]
    body, _ = column(A, 20, 110)
    second, _ = story("第二条新闻", B, 20, 400)
    reading = read_layout(PageLines(680, 1000, tuple(lines + body + second)))
    heads = [(b.text, b.level) for b in reading.blocks if b.kind is BlockKind.HEADLINE]
    assert heads == [("引题写在主标题上方", 1), ("主标题字号最大", 1), ("第二条新闻", 2)]


def test_briefs_are_items_of_their_own_with_their_reporters_as_bylines() -> None:
    lines = [headline("简讯", 60, 40, size=18, bold=False)]
    body, _ = column(
        "近日，某局检查了电梯安全。（记者甲）|日前，某校举行了疏散演练。（乙丙）", 20, 70, chars=16
    )
    reading = read_layout(PageLines(400, 600, tuple(lines + body)))
    assert [(b.kind, b.text) for b in reading.blocks] == [
        (BlockKind.BRIEF, "近日，某局检查了电梯安全。"),
        (BlockKind.BYLINE, "记者甲"),
        (BlockKind.BRIEF, "日前，某校举行了疏散演练。"),
        (BlockKind.BYLINE, "乙丙"),
    ]
    assert "简讯" in reading.dropped[0].detail


def test_masthead_header_and_an_advert_are_dropped() -> None:
    header = [
        Line("第3版", Box(20, 5, 60, 15), 10, True),
        Line("2025年3月14日 星期五", Box(300, 5, 480, 15), 10, False),
        Line("责任编辑：某某", Box(500, 5, 600, 15), 10, False),
    ]
    news, _ = story("新闻的标题在这里", A, 20, 60)
    advert = [
        Line("春季家装节火爆开启", Box(400, 300, 600, 318), 18, True),
        Line("全场五折优惠 欢迎来电咨询", Box(400, 330, 600, 339), 9, False),
        Line("热线：0576-88881234 地址：某路8号", Box(400, 345, 600, 354), 9, False),
    ]
    reading = read_layout(PageLines(680, 1000, tuple(header + news + advert)))
    texts = " ".join(b.text for b in reading.blocks)
    assert "新闻的标题在这里" in texts and A in texts
    assert not any(word in texts for word in ("星期五", "责任编辑", "第3版", "火爆", "热线"))
    kinds = {c.kind.value for c in reading.dropped}
    assert kinds == {"page furniture", "advertisement"}


def test_a_vertical_page_reads_its_columns_right_to_left() -> None:
    columns = ["第一列在最右边", "第二列在它左边", "第三列最左边。"]
    lines = [
        Line(text, Box(500 - i * 20, 50, 500 - i * 20 + BODY, 50 + len(text) * BODY), BODY, False)
        for i, text in enumerate(columns)
    ]
    reading = read_layout(PageLines(600, 400, tuple(lines), vertical=True))
    assert "".join(b.text for b in reading.blocks) == "".join(columns)


@pytest.mark.parametrize(
    ("size", "bold", "text", "expected"),
    [
        (22.0, False, "标题", True),
        (11.0, True, "加粗的小标题", True),
        (11.0, False, "不加粗", False),
        (22.0, False, "一句话说完了。", False),
        (9.0, True, "正文字号的粗体", False),
    ],
)
def test_headlines_are_told_by_size_and_weight(size: float, bold: bool, text: str, expected: bool) -> None:
    assert is_headline(Line(text, Box(0, 0, 100, size), size, bold), BODY) is expected


def test_the_body_size_is_the_size_most_characters_are_set_in() -> None:
    lines = [Line("正" * 40, Box(0, 0, 1, 1), 8.0, False), Line("标题", Box(0, 0, 1, 1), 30.0, True)]
    assert body_size(lines) == 8.0
