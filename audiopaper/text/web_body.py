"""Web body: the article text of a saved web page, by the extractor measured best for it.

Two maintained extractors are run: GeneralNewsExtractor (``gne``, written for Chinese news
pages: text density and punctuation per node) and trafilatura. On the development corpus
gne kept the fewest furniture lines and found the gazette page trafilatura missed, but on
the Hong Kong Yahoo pages it chose a recommended story's summary (docs/input-forms.md has
the figures). So gne's region is read unless it misses what the page says about itself: a
page's own summary (``description``/``og:description``, usually the lead) that trafilatura's
text holds and gne's does not means gne chose the wrong node, and trafilatura's text is read.
readability-lxml was measured too and lost more body text than either.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from audiopaper.text.line_roles import CJK
from audiopaper.text.page import Block, BlockKind
from audiopaper.text.web_blocks import LINE_BREAK, region_blocks

_LOGGER = logging.getLogger(__name__)

MIN_SUMMARY_HAN = 20
"""A page summary this long (in Chinese characters) is the article's lead, not a site slogan."""

SUMMARY_FIT = 0.5
"""Share of the summary's character pairs a body must hold to be the article it describes."""

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _han(text: str) -> str:
    return "".join(re.findall(r"[" + CJK + r"]", text))


def _pairs(text: str) -> set[str]:
    han = _han(text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def gne_region(markup: str) -> Any:
    """The element GeneralNewsExtractor scores as the article body (in gne's cleaned tree), or ``None``.

    gne deletes ``<br>`` before it parses; each one is kept as a line-break mark instead, so
    lines a page breaks with ``<br>`` stay apart.
    """
    from gne import ContentExtractor, fix_html, html2element, pre_parse

    try:
        element = pre_parse(html2element(fix_html(_BR.sub(LINE_BREAK, markup))))
        ranked = ContentExtractor().extract(element)
    except Exception as error:  # gne raises lxml's and its own errors on broken pages
        _LOGGER.debug("gne found no body: %s", error)
        return None
    return ranked[0][1]["node"] if ranked else None


def trafilatura_blocks(cleaned: str) -> list[Block]:
    """Blocks from trafilatura's XML: paragraphs (split at ``<lb/>``), heads, list items, rows."""
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(
        cleaned, output_format="xml", include_comments=False, include_tables=True, deduplicate=False
    )
    if not xml:
        return []
    main = etree.fromstring(xml.encode("utf-8")).find("main")
    blocks: list[Block] = []
    number = 0
    for element in main.iter("p", "head", "item", "row", "quote") if main is not None else ():
        if element.getparent() is not None and element.getparent().tag in ("quote", "item", "cell"):
            continue
        number += 1
        if element.tag == "row":
            cells = [re.sub(r"\s+", " ", "".join(cell.itertext())).strip() for cell in element.iter("cell")]
            blocks.append(Block(BlockKind.TABLE_ROW, " ".join(c for c in cells if c), 0, number))
            continue
        kind = BlockKind.SUBHEAD if element.tag == "head" else BlockKind.TEXT
        for lb in element.iter("lb"):
            lb.tail = "\n" + (lb.tail or "")
        for line in "".join(element.itertext()).split("\n"):
            if line.strip():
                blocks.append(Block(kind, line.strip(), 0, number))
    return blocks


def page_summary(tree: Any) -> str:
    """What the page says it is about: its ``description`` or ``og:description``."""
    if tree is None:
        return ""
    found = tree.xpath(
        '//meta[@property="og:description" or @name="description" or @name="Description"]/@content'
    )
    return " ".join(str(text) for text in found)


def _fit(summary: set[str], blocks: list[Block]) -> float:
    if not summary:
        return 0.0
    return len(summary & _pairs(" ".join(b.text for b in blocks))) / len(summary)


def article_body(cleaned: str, tree: Any) -> tuple[list[Block], Any, str]:
    """The article's blocks, the body region (gne's element, or ``None``) and the extractor used.

    trafilatura runs only when gne's choice is in doubt (it costs most of a page's reading time).
    """
    region = gne_region(cleaned)
    by_gne = region_blocks(region) if region is not None else []
    gne_has_text = bool(_han(" ".join(b.text for b in by_gne)))
    summary = _pairs(page_summary(tree))
    if gne_has_text and (len(summary) < MIN_SUMMARY_HAN or _fit(summary, by_gne) >= SUMMARY_FIT):
        return by_gne, region, "gne"
    by_trafilatura = trafilatura_blocks(cleaned)
    if not gne_has_text or _fit(summary, by_trafilatura) >= SUMMARY_FIT:
        return by_trafilatura, None, "trafilatura"
    return by_gne, region, "gne"
