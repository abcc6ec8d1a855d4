# long: the typesetting rules of one printed page (furniture, headlines, paragraphs, briefs, ads) share one
# reader state; split into modules they would pass that state around without making any rule easier to find
"""Layout: a printed page's lines grouped into articles, in reading order, as blocks.

Both readers of printed pages (a PDF's text layer, OCR of a scan) hand over the same
:class:`PageLines`. The page's masthead strip, page numbers and header lines go first, and
so does headline-sized lettering with no story under it. Reading order comes from the XY
cut (:mod:`audiopaper.text.xy_cut`): each headline, then its columns left to right.
Headlines are found by type size (and weight): lines well above the body size; a smaller
line just above the main title is its kicker (引题), one under it its subtitle (副题).
Under a briefs headline (简讯) every paragraph is its own item. Regions full of ad words
and without a dateline are ads. Everything dropped is listed for the proof.

No library does this grouping: pdfminer's layout analysis and OCR engines give lines or
paragraphs, not stories; so it is written here, from the rules of newspaper typesetting.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.line_roles import ends_sentence
from audiopaper.text.page import Block, BlockKind
from audiopaper.text.page_lines import Box, Line, PageLines, turned
from audiopaper.text.xy_cut import Item, xy_cut

HEADLINE_SIZE_RATIO = 1.35
"""A line set at least this many times the body size is a headline."""

BOLD_HEADLINE_RATIO = 1.15
"""A bold line at least this many times the body size, and short, is a headline too."""

HEADLINE_MAX_CHARS = 40
"""A headline line holds at most this many characters; a longer line is body text set large."""

MASTHEAD_SHARE = 0.3
"""Furniture lines (刊号, 责任编辑, 星期…) are looked for in this top share of the page."""

STRIP_SHARE = 0.045
"""Lines in this top or bottom share of the page, above or below all stories, are its header or footer."""

INDENT_EMS = 0.8
"""A row starting this many ems right of its column opens a paragraph (Chinese indents two)."""

SHORT_ROW_EMS = 1.5
"""A row ending this many ems short of its column ends a paragraph."""

CAPTION_SHARE = 0.75
"""Text directly under or over a picture and at least this share of its width is its caption."""

ADVERT_MIN_HITS = 3
"""A region with at least this many ad words (and no dateline or byline) is an advertisement."""

_CREDIT_ROW = re.compile(r"^[（(][\u4e00-\u9fff]{2,12}[）)]$")
"""A row holding only reporters' names in brackets: the end of the paragraph above it."""

_BRIEF_CREDIT = re.compile(r"(?<=[。！？”])\s*[（(]((?:[\u4e00-\u9fff]{2,4}\s*){1,3})[）)]\s*$")
"""Up to three reporters' names in brackets after a brief's last sentence: its byline."""

_DATELINE_OR_BYLINE = re.compile(r"本报讯|[社报网台]讯|\d{1,2}月\d{1,2}日电|记者|通讯员")
"""A dateline (本报讯, 新华社讯, …日电) or reporter credit: what a story has and an ad has not."""


@dataclass(frozen=True)
class Rules:
    """The layout reader's word lists (layout.toml), compiled."""

    furniture: tuple[re.Pattern[str], ...]
    """Masthead, header and footer lines."""

    briefs: tuple[re.Pattern[str], ...]
    """Headlines of a box of briefs."""

    advert: tuple[re.Pattern[str], ...]
    """Words of an advertisement."""

    photo_credit: tuple[re.Pattern[str], ...]
    """Photo credits on or beside a picture."""

    jump_to: tuple[re.Pattern[str], ...]
    """``（下转第5版）``: group 1 is the page it continues on."""

    jump_from: tuple[re.Pattern[str], ...]
    """``（上接第1版）``: group 1 is the page it came from."""


@cache
def rules() -> Rules:
    """The word lists of layout.toml, read once."""
    data = tomllib.loads(resources.files("audiopaper.text").joinpath("layout.toml").read_text("utf-8"))
    return Rules(**{name: tuple(re.compile(p) for p in data[name]) for name in Rules.__dataclass_fields__})


def matches(patterns: Sequence[re.Pattern[str]], text: str) -> bool:
    """True when any pattern matches somewhere in ``text``."""
    return any(p.search(text) for p in patterns)


@dataclass(frozen=True)
class PageReading:
    """One printed page read into blocks, and what was left out."""

    blocks: tuple[Block, ...]
    """Headlines, paragraphs, captions and briefs in reading order."""

    dropped: tuple[Change, ...]
    """Masthead, header, page numbers, ads and photo credits left out, for the proof."""


@dataclass
class _Reader:
    page: PageLines
    body: float
    first_line: int
    blocks: list[Block] = field(default_factory=list)
    dropped: list[Change] = field(default_factory=list)
    lead_size: float = 0.0
    in_briefs: bool = False
    open_paragraph: bool = False
    last_picture: Box | None = None

    def drop(self, kind: ChangeKind, what: str, text: str) -> None:
        self.dropped.append(Change(kind, f"page {self.page.number}: {what} “{text}”", text))

    def add(self, kind: BlockKind, text: str, level: int = 0) -> None:
        self.blocks.append(Block(kind, text, level, self.first_line + len(self.blocks)))


def body_size(lines: Sequence[Line]) -> float:
    """The page's body type size: the size most of its characters are set in."""
    weight: dict[float, int] = {}
    for line in lines:
        key = round(line.size * 2) / 2
        weight[key] = weight.get(key, 0) + len(line.text)
    return max(weight, key=lambda size: weight[size]) if weight else 10.0


def is_headline(line: Line, body: float) -> bool:
    """A headline line: set well above the body size, or bold, a little larger and short."""
    text = line.text.replace(" ", "")
    if len(text) > HEADLINE_MAX_CHARS or not text:
        return False
    if "。" in text[-2:]:
        return False  # a sentence's end, set large or boxed tall by OCR
    if line.size >= HEADLINE_SIZE_RATIO * body:
        return True
    return line.bold and line.size >= BOLD_HEADLINE_RATIO * body and not ends_sentence(text)


def _strip_furniture(reader: _Reader, lines: list[Line]) -> list[Line]:
    """Drop the masthead strip, header and footer lines, and page numbers."""
    page, found = reader.page, rules().furniture
    top_limit = MASTHEAD_SHARE * page.height
    marked = [
        line for line in lines if line.box.bottom <= top_limit and matches(found, line.text.replace(" ", ""))
    ]
    strip_bottom = max((line.box.bottom for line in marked), default=STRIP_SHARE * page.height)
    strip_bottom = max(strip_bottom, STRIP_SHARE * page.height)
    kept = []
    for line in lines:
        text = line.text.replace(" ", "")
        middle = (line.box.top + line.box.bottom) / 2
        in_strip = line.box.top < strip_bottom and (line in marked or middle <= strip_bottom)
        in_footer = line.box.top >= (1 - STRIP_SHARE) * page.height and matches(found, text)
        in_header_row = any(
            line.box.overlap_y(m.box) > 0.5 * min(line.box.height, m.box.height) for m in marked
        )
        if (in_strip and (in_header_row or not _starts_story(line, lines, reader.body))) or in_footer:
            reader.drop(ChangeKind.PAGE_FURNITURE, "masthead or header", line.text)
        else:
            kept.append(line)
    return kept


def _below(line: Line, lines: Sequence[Line]) -> Line | None:
    """The nearest line under ``line`` that overlaps it horizontally."""
    under = [
        o
        for o in lines
        if o is not line and o.box.top >= line.box.bottom - 0.3 * line.size and o.box.overlap_x(line.box) > 0
    ]
    return min(under, key=lambda o: o.box.top, default=None)


def _starts_story(line: Line, lines: Sequence[Line], body: float) -> bool:
    """True when body text stands right under a line: it is a story's first line, not furniture."""
    below = _below(line, lines)
    return (
        below is not None
        and not is_headline(below, body)
        and below.box.top - line.box.bottom <= 3 * max(line.size, body)
    )


def _drop_loose_headlines(reader: _Reader, lines: list[Line]) -> list[Line]:
    """Drop headline-sized lines with no story under them (a label, a picture's own lettering).

    A headline line is anchored when the nearest line under it is body text, or an anchored
    headline line, close enough (a kicker over its title, a title over its first lines).
    """
    anchored: set[int] = set()
    loose: list[Line] = []
    for line in sorted(lines, key=lambda ln: -ln.box.bottom):
        if not is_headline(line, reader.body):
            continue
        below = _below(line, lines)
        reach = max(3 * reader.body, 1.2 * line.size)
        if (
            below is not None
            and below.box.top - line.box.bottom <= reach
            and (not is_headline(below, reader.body) or id(below) in anchored)
        ):
            anchored.add(id(line))
        else:
            loose.append(line)
    for line in loose:
        reader.drop(ChangeKind.PAGE_FURNITURE, "headline-sized line with no story under it", line.text)
    return [line for line in lines if line not in loose]


def _rows(lines: list[Line]) -> list[Line]:
    """Lines of one column set into rows: pieces on one baseline (text and its credit) join."""
    groups: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.box.bottom, ln.box.x0)):
        if groups and abs(groups[-1][0].box.bottom - line.box.bottom) <= 0.3 * line.size:
            groups[-1].append(line)
        else:
            groups.append([line])
    rows = []
    for group in groups:
        group.sort(key=lambda ln: ln.box.x0)
        row = group[0]
        for piece in group[1:]:
            row = Line(
                f"{row.text} {piece.text}", row.box.union(piece.box), row.size, row.bold and piece.bold
            )
        rows.append(row)
    return rows


def _paragraphs(rows: list[Line], body: float) -> Iterator[tuple[str, bool, bool, bool]]:
    """A column's paragraphs: text, whether it opens indented, ends short, and is all bold."""
    left = min(r.box.x0 for r in rows)
    right = max(r.box.x1 for r in rows)
    parts: list[Line] = []
    for row in rows:
        indented = row.box.x0 - left >= INDENT_EMS * body
        if parts and _CREDIT_ROW.match(row.text.replace(" ", "")):
            parts.append(row)  # a brief's credit set flush right under its last line
            continue
        if parts and indented:
            yield _joined(parts, left, right, body)
            parts = []
        parts.append(row)
        if row.box.x1 <= right - SHORT_ROW_EMS * body and ends_sentence(row.text):
            yield _joined(parts, left, right, body)
            parts = []
    if parts:
        yield _joined(parts, left, right, body)


def _joined(parts: list[Line], left: float, right: float, body: float) -> tuple[str, bool, bool, bool]:
    text = "".join(p.text for p in parts)
    indented = parts[0].box.x0 - left >= INDENT_EMS * body
    short = parts[-1].box.x1 <= right - SHORT_ROW_EMS * body
    return text, indented, short or ends_sentence(text), all(p.bold for p in parts)


def _headline(reader: _Reader, lines: list[Line]) -> None:
    """A region of headline lines: kicker and title become headline blocks."""
    text = " ".join(line.text for line in sorted(lines, key=lambda ln: ln.box.top))
    plain = text.replace(" ", "")
    if matches(rules().briefs, plain):
        reader.in_briefs = True
        reader.drop(ChangeKind.PAGE_FURNITURE, "heading of a box of briefs", text)
        return
    reader.in_briefs = False
    reader.open_paragraph = False
    biggest = max(line.size for line in lines)
    ordered = sorted(lines, key=lambda ln: ln.box.top)
    main = [ln for ln in ordered if ln.size >= 0.85 * biggest]
    kicker = [ln for ln in ordered if ln.size < 0.85 * biggest and ln.box.bottom <= main[0].box.top + 1]
    subtitle = [ln for ln in ordered if ln not in main and ln not in kicker]
    level = 1 if reader.lead_size and biggest >= reader.lead_size else 2
    if kicker:
        reader.add(BlockKind.HEADLINE, " ".join(ln.text for ln in kicker), level)
    reader.add(BlockKind.HEADLINE, " ".join(ln.text for ln in main), level)
    if subtitle:
        reader.add(BlockKind.SUBHEAD, " ".join(ln.text for ln in subtitle))


def _body(reader: _Reader, rows: list[Line]) -> None:
    """A column of body rows: paragraphs, captions under a picture, briefs in a briefs box."""
    picture, credits = reader.last_picture, rules().photo_credit
    kept = []
    for row in rows:
        plain = row.text.replace(" ", "")
        on_picture = any(p.contains(row.box, slack=2.0) for p in reader.page.pictures)
        if matches(credits, plain) or (on_picture and len(plain) <= HEADLINE_MAX_CHARS):
            reader.drop(ChangeKind.PHOTO_CREDIT, "photo credit", row.text)
        else:
            kept.append(row)
    if not kept:
        return
    box = kept[0].box
    for row in kept[1:]:
        box = box.union(row.box)
    is_caption = (
        picture is not None
        and 0 <= box.top - picture.bottom <= 2 * reader.body
        and box.width >= CAPTION_SHARE * picture.width
        and len(kept) <= 4
        and not reader.in_briefs
    )
    reader.last_picture = None
    for number, (text, indented, ended, bold) in enumerate(_paragraphs(kept, reader.body)):
        last = reader.blocks[-1] if reader.blocks else None
        if (
            number == 0
            and reader.open_paragraph
            and not indented
            and last
            and last.kind is not BlockKind.HEADLINE
        ):
            reader.blocks[-1] = Block(last.kind, last.text + text, last.level, last.line)
        elif is_caption:
            reader.add(BlockKind.CAPTION, text)
        elif reader.in_briefs:
            credit = _BRIEF_CREDIT.search(text)
            reader.add(BlockKind.BRIEF, text[: credit.start()] if credit else text)
            if credit:  # a brief's reporters, in brackets at its end, are its byline
                reader.add(BlockKind.BYLINE, " ".join(credit.group(1).split()))
        elif bold and ended is False and len(text) <= HEADLINE_MAX_CHARS // 2:
            reader.add(BlockKind.SUBHEAD, text)
        else:
            reader.add(BlockKind.TEXT, text)
        reader.open_paragraph = not ended


def _is_advert(lines: Sequence[Line]) -> bool:
    """A region of ad words (phone numbers, 地址, 优惠…) with no dateline, byline or briefs heading."""
    text = "".join(line.text.replace(" ", "") for line in lines)
    if _DATELINE_OR_BYLINE.search(text) or any(
        matches(rules().briefs, ln.text.replace(" ", "")) for ln in lines
    ):
        return False
    hits = sum(len(p.findall(text)) for p in rules().advert)
    return hits >= ADVERT_MIN_HITS and text.count("。") < hits


def _regions(items: list[Item], reader: _Reader) -> Iterator[list[Item]]:
    """The XY cut's regions, with advertisement regions dropped whole (the biggest first)."""
    lines = [i.line for i in items if i.line is not None]
    if lines and len(lines) < len(reader.page.lines) and _is_advert(lines):
        reader.drop(ChangeKind.ADVERT, "advertisement", " ".join(ln.text for ln in lines))
        return
    regions = list(xy_cut(items, reader.body, lambda line: is_headline(line, reader.body), once=True))
    if len(regions) == 1:
        yield regions[0]
        return
    for region in regions:
        yield from _regions(region, reader)


def _read_region(reader: _Reader, items: list[Item]) -> None:
    pictures = [i.box for i in items if i.line is None]
    lines = [i.line for i in items if i.line is not None]
    if not lines:
        if pictures:
            reader.last_picture = pictures[0]
        return
    rows = _rows(lines)
    index = 0
    while index < len(rows):
        heading = is_headline(rows[index], reader.body)
        end = index
        while end < len(rows) and is_headline(rows[end], reader.body) == heading:
            end += 1
        if heading:
            _headline(reader, rows[index:end])
        else:
            _body(reader, rows[index:end])
        index = end


def read_layout(page: PageLines, first_line: int = 1) -> PageReading:
    """Read one printed page into blocks in reading order, listing what was left out."""
    if page.vertical:
        page = turned(page)
    lines = [line for line in page.lines if line.text.strip()]
    reader = _Reader(page, body_size(lines), first_line)
    lines = _drop_loose_headlines(reader, _strip_furniture(reader, lines))
    sizes = sorted({round(ln.size, 1) for ln in lines if is_headline(ln, reader.body)}, reverse=True)
    if len(sizes) >= 2 and sizes[0] >= 1.15 * sizes[1]:
        reader.lead_size = sizes[0] * 0.97
    items = [Item(line.box, line) for line in lines] + [Item(box) for box in page.pictures]
    for region in _regions(items, reader):
        _read_region(reader, region)
    return PageReading(tuple(reader.blocks), tuple(reader.dropped))
