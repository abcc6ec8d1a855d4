"""HTML page: a saved web page of one article, or an e-paper (数字报) article page.

The article's text is found by trafilatura (a maintained main-content extractor; measured
against readability-lxml on real newsroom pages, see README "Input forms"). What no
extractor does is ours: template directives (JSP/ASP ``<% %>``) are removed first, as
trafilatura returns nothing on a page that opens with one; the headline comes from our own
rule (``<h1>``, else a long ``<h2>``/``<h3>``, else a ``<title>`` without its site suffix),
because trafilatura misses headlines set in ``<h3>``; e-paper article pages are read from
their ``founder-*`` tags; an e-paper layout page (headlines only) is refused with a hint.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.line_roles import CJK, fold_full_width
from audiopaper.text.page import Block, BlockKind

_LOGGER = logging.getLogger(__name__)

TITLE_LEVEL = 2
"""Level of an HTML page's headline (a web page has no lead story)."""

MIN_H1_HAN = 4
"""An ``<h1>`` with fewer Chinese characters than this is a logo or a section name."""

MIN_SUBTITLE_HAN = 6
"""An ``<h2>``/``<h3>``/``<title>`` needs this many Chinese characters to be a headline
(shorter ones are section names: 新闻中心, 商品销售)."""

MIN_LAYOUT_HEADLINES = 3
"""An e-paper page listing at least this many headlines and no article text is a layout page."""

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_NAMES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "gb18030", "euc-cn"}
_TEMPLATE = re.compile(r"<%[\s\S]*?%>|</?[A-Za-z]+:[A-Za-z]+(?:\s[^<>]*)?/?>")
_COMMENT = re.compile(r"<!--[\s\S]*?-->")
_ENP_PROPERTY = re.compile(r"<!--\s*enpproperty([\s\S]*?)-->", re.IGNORECASE)
_LAYOUT_HEADLINE = re.compile(r"""document\.write\(\s*view\(\s*["']([^"']+)["']\s*\)\s*\)""")
_LAYOUT_LINK = re.compile(
    r"""href\s*=\s*["'][^"']*(?:nw\.D\d+|content_\d+)[^"']*\.html?["']""", re.IGNORECASE
)
_FURNITURE_TAIL = re.compile(r"\s*(?:来源|发布时间|发布人|作者|时间|日期)[:：][\s\S]*$")
_SITE_SUFFIX = re.compile(r"\s*(?:[-_|–—]+\s*[^-_|–—]{1,20}|【[^】]*】|\[[^\]]*\])\s*$")
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE\s+html|<html|<%@|<!--)", re.IGNORECASE)
_STRUCTURE_TAG = re.compile(
    r"<(?:html|head|body|div|p|br|span|table|td|li|ul|h[1-6]|meta|script|title|a)\b", re.I
)


def looks_like_html(text: str, *, hinted: bool) -> bool:
    """True when a text is an HTML page (by its opening, or by its tags; fewer if named .html)."""
    if _HTML_START.match(text[:2048]):
        return True
    tags = len(_STRUCTURE_TAG.findall(text[:65536]))
    return tags >= (1 if hinted else 8)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KiB, as a Python codec name."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    return "gb18030" if name in _GB_NAMES else name


def _han(text: str) -> int:
    return len(re.findall(r"[" + CJK + r"]", text))


def _text_of(element: Any) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _parse(markup: str) -> Any:
    import lxml.html

    try:
        return lxml.html.fromstring(markup)
    except Exception:  # lxml raises several types on empty or broken documents
        return None


def find_headline(tree: Any) -> tuple[str, str] | None:
    """The page's headline by our rule: ``<h1>``, else a long ``<h2>``/``<h3>``, else ``<title>``.

    Headings inside links, lists and navigation are menus. A heading with a source or date
    line glued on (``…调研来源：中国石化报``) is cut before it. ``<title>`` counts only without
    its site suffix (``- 【阳光易购】``) and when long enough not to be a generic page name.
    Returns the headline and what was cut off it (the cleaner lists that as furniture).
    """
    if tree is None:
        return None
    for tags, minimum in ((("h1",), MIN_H1_HAN), (("h2", "h3"), MIN_SUBTITLE_HAN)):
        for element in tree.iter(*tags):
            if any(a.tag in ("a", "li", "nav", "header", "footer") for a in element.iterancestors()):
                continue
            whole = _text_of(element)
            words = (element.text or "").strip() if element.find(".//span") is not None else whole
            text = _FURNITURE_TAIL.sub("", re.sub(r"\s+", " ", words)).strip()
            if _han(text) >= minimum:
                return text, whole[len(text) :].strip() if whole.startswith(text) else ""
    for element in tree.iter("title"):
        text = _SITE_SUFFIX.sub("", _text_of(element))
        if _han(text) >= MIN_SUBTITLE_HAN:
            return text, ""
    return None


def _blocks_from_extract(xml: str) -> list[Block]:
    """Blocks from trafilatura's XML: paragraphs (split at ``<lb/>``), heads, list items, rows."""
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    blocks: list[Block] = []
    number = 0
    for element in main.iter("p", "head", "item", "row", "quote") if main is not None else ():
        if element.getparent() is not None and element.getparent().tag in ("quote", "item", "cell"):
            continue
        number += 1
        if element.tag == "row":
            cells = [_text_of(cell) for cell in element.iter("cell")]
            blocks.append(Block(BlockKind.TABLE_ROW, " ".join(c for c in cells if c), 0, number))
            continue
        kind = BlockKind.SUBHEAD if element.tag == "head" else BlockKind.TEXT
        for lb in element.iter("lb"):
            lb.tail = "\n" + (lb.tail or "")
        for line in "".join(element.itertext()).split("\n"):
            if line.strip():
                blocks.append(Block(kind, line.strip(), 0, number))
    return blocks


def _epaper_article(markup: str, tree: Any) -> list[Block] | None:
    """An e-paper article page (``<founder-title>``… or an ``enpproperty`` comment), if it is one."""
    if tree is None:
        return None
    content = next(iter(tree.iter("founder-content")), None)
    if content is None:
        return None
    blocks: list[Block] = []
    property_match = _ENP_PROPERTY.search(markup)
    for tag in ("founder-introtitle", "founder-title"):
        for element in tree.iter(tag):
            if _text_of(element):
                blocks.append(Block(BlockKind.HEADLINE, _text_of(element), TITLE_LEVEL, 0))
    if not blocks and property_match:
        title = re.search(r"<title>([\s\S]*?)</title>", property_match.group(1))
        if title and title.group(1).strip():
            blocks.append(Block(BlockKind.HEADLINE, title.group(1).strip(), TITLE_LEVEL, 0))
    for element in tree.iter("founder-subtitle"):  # 副题: part of the headline, as printed
        if _text_of(element):
            blocks.append(Block(BlockKind.HEADLINE, _text_of(element), TITLE_LEVEL, 0))
    paragraphs = list(content.iter("p")) or [content]
    for number, element in enumerate(paragraphs, start=1):
        for line in "\n".join(element.itertext()).split("\n"):
            if line.strip():
                blocks.append(Block(BlockKind.TEXT, line.strip(), 0, number))
    return blocks


def html_blocks(markup: str, source: str) -> tuple[tuple[Block, ...], str]:
    """Blocks of a saved web page and its form (``html`` or ``epaper-article``).

    Raises :class:`InputError` for an e-paper layout page and a page with no article text.
    """
    import trafilatura

    layout_headlines = [h.replace("<br>", " ") for h in _LAYOUT_HEADLINE.findall(markup)]
    layout_links = len(_LAYOUT_LINK.findall(markup))
    cleaned = _TEMPLATE.sub("", markup)
    epaper = _epaper_article(cleaned, _parse(cleaned))
    if epaper:
        return tuple(epaper), "epaper-article"
    cleaned = _COMMENT.sub("", cleaned)
    if not re.search(r"<html\b", cleaned, re.IGNORECASE):
        cleaned = f"<html><body>{cleaned}</body></html>"
    extracted = trafilatura.extract(
        cleaned, output_format="xml", include_comments=False, include_tables=True, deduplicate=False
    )
    body = _blocks_from_extract(extracted) if extracted else []
    body_han = sum(_han(b.text) for b in body if b.kind is BlockKind.TEXT)
    if len(layout_headlines) >= MIN_LAYOUT_HEADLINES or (
        layout_links >= MIN_LAYOUT_HEADLINES and body_han < 200
    ):
        raise InputError(
            f"{source}: an e-paper layout page (版面) listing {max(len(layout_headlines), layout_links)} "
            "headlines and no article text; save each article's own page and give those"
        )
    if body_han == 0:
        raise InputError(
            f"{source}: no article text found in this web page; save the article's own page, "
            "not a list, front or search page"
        )
    found = find_headline(_parse(cleaned))
    blocks = _place_headline(found[0] if found else None, body)
    if found and found[1] and not any(found[1] in b.text for b in blocks):
        at = next(i for i, b in enumerate(blocks) if b.kind is BlockKind.HEADLINE) + 1
        blocks.insert(at, Block(BlockKind.TEXT, found[1], 0, 0))  # 来源：… cut off the headline
    return tuple(blocks), "html"


def _squeezed(text: str) -> str:
    return fold_full_width(text).replace(" ", "")


def _place_headline(headline: str | None, body: list[Block]) -> list[Block]:
    """Put the headline block where the extractor printed it (what came before is not the article).

    The extractor's copy of the headline is dropped; a source or date line glued to it stays
    as a text block, which the cleaner drops as web furniture, with a line in the proof.
    """
    if not headline:
        return body
    key = _squeezed(headline)
    at = next((i for i, b in enumerate(body) if _squeezed(b.text).startswith(key)), None)
    title = Block(BlockKind.HEADLINE, headline, TITLE_LEVEL, body[at].line if at is not None else 0)
    if at is None:
        return [title, *body]
    glued = body[at].text
    rest = glued[len(headline) :].strip() if glued.startswith(headline) else ""
    tail = [Block(BlockKind.TEXT, rest, 0, body[at].line)] if rest else []
    return [*body[:at], title, *tail, *body[at + 1 :]]
