"""HTML page: a saved web page of one article, a WeChat article, or an e-paper (数字报) article page.

The form is told by the markup: e-paper article pages by their ``founder-*`` tags, WeChat
articles by their template (:mod:`audiopaper.text.wechat_page`), any other page is read by
the extractor measured best for it (:mod:`audiopaper.text.web_body`) under a headline
chosen by our rule (:mod:`audiopaper.text.headline`). Template directives (JSP/ASP
``<% %>``) are removed first, as extractors return nothing on a page that opens with one.
An e-paper layout page (headlines only) and a page with no article text are refused with
what to save instead.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.headline import find_headline, glued_tail
from audiopaper.text.line_roles import CJK, fold_full_width
from audiopaper.text.page import Block, BlockKind
from audiopaper.text.web_blocks import element_text
from audiopaper.text.web_body import article_body
from audiopaper.text.wechat_page import is_wechat, wechat_blocks

_LOGGER = logging.getLogger(__name__)

TITLE_LEVEL = 2
"""Level of an HTML page's headline (a web page has no lead story)."""

MIN_LAYOUT_HEADLINES = 3
"""An e-paper page listing at least this many headlines and no article text is a layout page."""

MIN_LAYOUT_SENTENCES = 2
"""A page whose body holds fewer sentences than this prints no prose of its own."""

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_NAMES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "gb18030", "euc-cn"}
_TEMPLATE = re.compile(r"<%[\s\S]*?%>|</?[A-Za-z]+:[A-Za-z]+(?:\s[^<>]*)?/?>")
_COMMENT = re.compile(r"<!--[\s\S]*?-->")
_ENP_PROPERTY = re.compile(r"<!--\s*enpproperty([\s\S]*?)-->", re.IGNORECASE)
_LAYOUT_HEADLINE = re.compile(r"""document\.write\(\s*view\(\s*["']([^"']+)["']\s*\)\s*\)""")
_LAYOUT_LINK = re.compile(
    r"""href\s*=\s*["'][^"']*(?:nw\.D\d+|content_\d+)[^"']*\.html?["']""", re.IGNORECASE
)
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


def _parse(markup: str) -> Any:
    import lxml.html

    try:
        return lxml.html.fromstring(markup)
    except Exception:  # lxml raises several types on empty or broken documents
        return None


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
            if element_text(element):
                blocks.append(Block(BlockKind.HEADLINE, element_text(element), TITLE_LEVEL, 0))
    if not blocks and property_match:
        title = re.search(r"<title>([\s\S]*?)</title>", property_match.group(1))
        if title and title.group(1).strip():
            blocks.append(Block(BlockKind.HEADLINE, title.group(1).strip(), TITLE_LEVEL, 0))
    for element in tree.iter("founder-subtitle"):  # 副题: part of the headline, as printed
        if element_text(element):
            blocks.append(Block(BlockKind.HEADLINE, element_text(element), TITLE_LEVEL, 0))
    paragraphs = list(content.iter("p")) or [content]
    for number, element in enumerate(paragraphs, start=1):
        for line in "\n".join(element.itertext()).split("\n"):
            if line.strip():
                blocks.append(Block(BlockKind.TEXT, line.strip(), 0, number))
    return blocks


NO_ARTICLE_TEXT = "this web page holds no article text: save the article's own page"
"""The refusal for a web page with nothing to read (a list, front, search or app page)."""


MIN_PROSE_HAN = 20
"""An unpunctuated line this long (in Chinese characters) is prose; shorter ones are menu items."""


def _is_prose(text: str) -> bool:
    """A line of article text, not a menu: it has a pause or sentence end, or is long."""
    return _han(text) > 0 and (re.search(r"[，。！？；]", text) is not None or _han(text) >= MIN_PROSE_HAN)


def _is_layout_page(markup: str, body: list[Block]) -> int:
    """How many headlines an e-paper layout page (版面) lists, or 0 when this is not one.

    A layout page links its articles (``nw.D…``/``content_….html``) and prints no prose of
    its own: fewer than MIN_LAYOUT_SENTENCES sentences. A gazette page that links other
    documents is an article all the same, as its text is sentences.
    """
    headlines = len(_LAYOUT_HEADLINE.findall(markup))
    links = len(_LAYOUT_LINK.findall(markup))
    sentences = sum(len(re.findall(r"[。！？]", b.text)) for b in body if b.kind is BlockKind.TEXT)
    if headlines >= MIN_LAYOUT_HEADLINES or (
        links >= MIN_LAYOUT_HEADLINES and sentences < MIN_LAYOUT_SENTENCES
    ):
        return max(headlines, links)
    return 0


def html_blocks(markup: str, source: str) -> tuple[tuple[Block, ...], str, tuple[str, ...]]:
    """Blocks of a saved web page, its form (``html``, ``wechat`` or ``epaper-article``) and notes.

    Raises :class:`InputError` for an e-paper layout page and a page with no article text.
    """
    cleaned = _TEMPLATE.sub("", markup)
    tree = _parse(cleaned)
    epaper = _epaper_article(cleaned, tree)
    if epaper:
        return tuple(epaper), "epaper-article", ()
    if tree is not None and is_wechat(cleaned):
        wechat, notes = wechat_blocks(cleaned, tree, source)
        return wechat, "wechat", notes
    cleaned = _COMMENT.sub("", cleaned)
    if not re.search(r"<html\b", cleaned, re.IGNORECASE):
        cleaned = f"<html><body>{cleaned}</body></html>"
        tree = _parse(cleaned)
    body, region, extractor = article_body(cleaned, tree)
    _LOGGER.debug("%s: body by %s, %d blocks", source, extractor, len(body))
    layout = _is_layout_page(markup, body)
    if layout:
        raise InputError(
            f"{source}: an e-paper layout page (版面) listing {layout} "
            "headlines and no article text; save each article's own page and give those"
        )
    if not any(_is_prose(b.text) for b in body if b.kind is BlockKind.TEXT):
        raise InputError(f"{source}: {NO_ARTICLE_TEXT}")
    headline = find_headline(tree, region)
    blocks = _place_headline(headline, body)
    tail = glued_tail(tree, headline) if headline else ""
    if tail and not any(tail in b.text for b in blocks):
        at = next(i for i, b in enumerate(blocks) if b.kind is BlockKind.HEADLINE) + 1
        blocks.insert(at, Block(BlockKind.TEXT, tail, 0, 0))  # the cleaner lists it as furniture
    return tuple(blocks), "html", (f"body read by {extractor}",)


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
