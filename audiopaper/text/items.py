"""Items: the articles of a feed, a JSON export or a news-corpus file, turned into page blocks.

RSS and Atom feeds, CMS and news-API JSON exports and news-corpus XML all hold a list of
items, each with a title, maybe a date, and a body (HTML in feeds and exports, plain text
in corpora). Every such reader hands its items here, so they all become the same blocks as
the other forms: a headline per item, then its text. What an item repeats or carries that
is not its article (the title again as the body's first line, a site name after the title,
a keyword list for a description, text left undecodable) is dropped here and noted.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.line_roles import CJK
from audiopaper.text.page import Block, BlockKind

TITLE_LEVEL = 2
"""Level of an item's headline: no item of a feed is the page's lead story."""

SITE_SEGMENT_MAX_CHARS = 14
"""A site or channel name after a title (``- 中国新闻网``, ``_新闻中心``) is at most this long."""

MIN_TITLE_CHARS = 6
"""Site segments are cut only while at least this much of the title is left."""

UNDECODABLE_SHARE = 0.2
"""A line with at least this share of U+FFFD (bytes a server decoded wrongly) cannot be read."""

KEYWORD_LIST_MIN_TERMS = 4
"""A description opening with this many short terms between ASCII commas is the site's keywords."""

_KEYWORDS = re.compile(r"^(?:[^,，。！？\s]{1,10}\s*,\s*){" + str(KEYWORD_LIST_MIN_TERMS - 1) + r",}")

_SITE_SEGMENT = re.compile(
    r"\s*(?:\s[-|–—]\s|[-_|丨])\s*(?P<name>[A-Za-z" + CJK + r"][A-Za-z0-9." + CJK + r" ]*)$"
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
     "article", "figure", "figcaption", "table", "ul", "ol", "dd", "dt", "hr"}
)  # fmt: skip
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_DROPPED_TAGS = ("script", "style", "noscript", "iframe", "svg", "pre", "code", "button", "form")
_RULE = re.compile(r"^[-=_*—–~·.\s]{3,}")
_URL = re.compile(
    r"https?://\S+|www\.[A-Za-z0-9-]+\.[A-Za-z0-9.\-/?=&%#_]+"
    r"|(?<![A-Za-z0-9.@])(?:[a-z0-9-]+\.)+(?:com|cn|net|org|gov|edu|hk|tw|io|info)(?:\.cn|\.hk|\.tw)?(?![A-Za-z0-9])"
)
"""A web address, with or without its scheme (``html.thepaper.cn``, as news aggregators append)."""
_TAGGED = re.compile(r"<[A-Za-z/!][^<>]*>")
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}|\{[#/$@][^{}]*\}|\$\{[^{}]*\}")
"""Template placeholders a CMS left unfilled: ``{$T.t.abstract}``, ``{{ title }}``, ``${name}``."""
_HAN = re.compile(r"[" + CJK + r"]")
_SITE_NAME = re.compile(r"[-_|–—\s]*[" + CJK + r"A-Za-z]{1,12}(?:网|網|报|報|社|台|新闻|新聞|频道|在线)")
"""A news site's name (新华网, 澎湃新闻), as aggregators print it after a repeated title."""


@dataclass(frozen=True)
class Item:
    """One article of a feed, export or corpus file, as its reader found it."""

    title: str
    """The item's title as given (site names after it are cut here)."""

    body: str
    """The item's text: HTML for feeds and exports (``is_html``), plain text otherwise."""

    date: str = ""
    """The item's date as the source gives it (for the proof), or empty."""

    is_html: bool = True
    """True when ``body`` is HTML markup rather than plain text."""

    site: str = ""
    """The source or site name the reader knows for the item (cut from its title too)."""


def strip_site_name(title: str, site: str = "") -> tuple[str, list[str]]:
    """Cut the site and channel names a title carries at its end.

    News APIs and portals append them: ``…不容置疑-中新网 - 中国新闻网``, ``…_习近平_新闻中心
    - 沈阳网``. A segment is cut when it is short, has no punctuation or digits at its
    start (``-2018”联合军演`` is part of the title) and leaves a title behind.
    Returns the title and the names cut, in the order they stood.
    """
    cut: list[str] = []
    title = title.strip()
    if site and title.endswith(site) and len(title) - len(site) >= MIN_TITLE_CHARS:
        cut.insert(0, site)
        title = title[: -len(site)].rstrip(" -_|")
    while True:
        match = _SITE_SEGMENT.search(title)
        if not match or len(match.group("name")) > SITE_SEGMENT_MAX_CHARS:
            break
        if match.start() < MIN_TITLE_CHARS:
            break
        cut.insert(0, match.group("name").strip())
        title = title[: match.start()].rstrip()
    return title, cut


def html_lines(markup: str) -> list[tuple[BlockKind, str]]:
    """The text lines of an HTML fragment (an item's body), with headings marked as sub-heads.

    Block elements and ``<br>`` end lines; scripts, styles and code are not text. lxml
    parses the fragment (broken markup included); only the line splitting is ours, as an
    item body is too short for a main-content extractor (trafilatura drops short bodies).
    """
    import lxml.html
    from lxml import etree

    if not _TAGGED.search(markup):
        return [(BlockKind.TEXT, line) for line in _text_lines(html.unescape(markup))]
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return [(BlockKind.TEXT, line) for line in _text_lines(_TAGGED.sub(" ", markup))]
    for element in list(root.iter(*_DROPPED_TAGS)):
        element.drop_tree()
    lines: list[tuple[BlockKind, str]] = []
    pending: list[str] = []

    def flush(kind: BlockKind = BlockKind.TEXT) -> None:
        for line in _text_lines("".join(pending)):
            lines.append((kind, line))
        pending.clear()

    def walk(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _BLOCK_TAGS:
            flush()
        pending.append(element.text or "")
        for child in element:
            walk(child)
        if tag in _BLOCK_TAGS:
            flush(BlockKind.SUBHEAD if tag in _HEADING_TAGS else BlockKind.TEXT)
        pending.append(element.tail or "")

    walk(root)
    flush()
    return lines


def _text_lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", html.unescape(text))


def _is_keyword_list(line: str) -> bool:
    """A description that is the site's keywords and blurb: 沈阳新闻,沈阳网,沈阳日报新闻,…

    Sites fill ``<meta name="description">`` so; prose never strings short terms with ASCII commas.
    """
    return _KEYWORDS.match(line) is not None


def _body_lines(item: Item, title: str, changes: list[Change]) -> list[tuple[BlockKind, str]]:
    """The item's body lines, without what is not its text (noted in ``changes``)."""
    lines = html_lines(item.body) if item.is_html else [(BlockKind.TEXT, x) for x in _text_lines(item.body)]
    kept: list[tuple[BlockKind, str]] = []
    for kind, line in lines:
        if line.count("\ufffd") >= UNDECODABLE_SHARE * len(line):
            changes.append(
                Change(ChangeKind.DROPPED, f"“{title}”: a line of text its server decoded wrongly (�)", line)
            )
        elif _is_keyword_list(line):
            changes.append(Change(ChangeKind.FURNITURE, f"“{title}”: the site's keyword list", line))
        elif _RULE.fullmatch(line):
            continue
        elif _TEMPLATE.search(line) and not _HAN.search(_TEMPLATE.sub("", line)):
            changes.append(Change(ChangeKind.MARKUP, f"“{title}”: template text never filled in", line))
        else:
            urls = _URL.findall(line)
            line = _URL.sub("", line).strip()
            for url in urls:
                changes.append(Change(ChangeKind.MARKUP, f"“{title}”: a web address, not read: {url}", url))
            if line:
                kept.append((kind, _RULE.sub("", line).strip() or line))
    if kept and _squeeze(kept[0][1]).startswith(_squeeze(title)):
        first = kept[0][1]
        rest = first[len(title) :].strip() if first.startswith(title) else ""
        if _SITE_NAME.fullmatch(rest) or (item.site and rest == item.site):
            changes.append(Change(ChangeKind.FURNITURE, f"“{title}”: the site's name after the title", rest))
            rest = ""
        kept[0:1] = [(BlockKind.TEXT, rest)] if rest and _squeeze(first) != _squeeze(title) else []
    return kept


def item_blocks(items: list[Item], changes: list[Change]) -> tuple[Block, ...]:
    """Blocks of a list of items: a headline per item, then its text lines.

    An item printed twice (the same title and text, as exports list an item under two
    categories) is read once. An item whose only text is its title (a feed of headlines)
    is read as that title: a listener still hears the news.
    """
    blocks: list[Block] = []
    seen: set[tuple[str, str]] = set()
    for number, item in enumerate(items, start=1):
        raw_title = html.unescape(_TAGGED.sub("", item.title)).replace("\ufffd", "")  # � is no word
        title, sites = strip_site_name(raw_title, item.site)
        key = (_squeeze(title), _squeeze(item.body))
        if not title and not item.body.strip():
            continue
        if key in seen:
            changes.append(Change(ChangeKind.DUPLICATE_REMOVED, f"item “{title}” listed twice, read once"))
            continue
        seen.add(key)
        if sites:
            changes.append(
                Change(ChangeKind.FURNITURE, f"item {number}: site name after the title: {' / '.join(sites)}")
            )
        lines = _body_lines(item, title, changes)
        if title:
            blocks.append(Block(BlockKind.HEADLINE, title, TITLE_LEVEL, number))
            if not lines:
                changes.append(
                    Change(
                        ChangeKind.TITLE_ONLY, f"item “{title}” has no text but its title: the title is read"
                    )
                )
                lines = [(BlockKind.TEXT, title)]
        blocks.extend(Block(kind, line, 0, number) for kind, line in lines)
    return tuple(blocks)
