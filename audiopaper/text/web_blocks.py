"""Web blocks: the page blocks of one HTML element (an article's body region), in reading order.

Extractors hand back the region that holds the article (GeneralNewsExtractor's node, a
WeChat ``#js_content``); this turns it into blocks the way a browser lays it out: every
block-level element (``<p>``, ``<section>``, ``<li>``, ``<br>``…) ends a line, headings are
sub-heads, ``<figcaption>`` is a caption, table rows are rows, and a ``<pre>`` block is code
(the cleaner drops it, with a line in the proof). Scripts, styles, forms and media say
nothing. Hand-written because the extractors give plain text without that structure.
"""

from __future__ import annotations

import re
from typing import Any

from audiopaper.text.page import Block, BlockKind

_SILENT = frozenset(
    {"script", "style", "noscript", "template", "svg", "img", "video", "audio", "iframe", "button"}
    | {"input", "select", "textarea", "form", "object", "embed", "canvas", "map", "head"}
)
"""Elements whose text is never read: code, media, form controls."""

_BLOCK_LEVEL = frozenset(
    {"p", "div", "section", "article", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "br"}
    | {"table", "tbody", "thead", "tr", "td", "th", "figure", "center", "header", "footer", "hr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "pre", "main", "aside", "nav"}
)
"""Elements that end a line (the rest are inline: their text runs on)."""

LINE_BREAK = "\u2028"
"""A ``<br>`` kept as text (U+2028 LINE SEPARATOR) where a parser would drop the element."""

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def element_text(element: Any) -> str:
    """An element's text with runs of whitespace made one space."""
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _is_hidden(element: Any) -> bool:
    """``display:none`` or ``hidden``: text a reader never sees (WeChat's own ``visibility``
    on ``#js_content`` is lifted by its script, so only ``display`` counts)."""
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or element.get("hidden") is not None


class _Lines:
    """Lines being gathered: inline text runs on until a block-level element ends the line."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._kind = BlockKind.TEXT
        self._line = 0

    def text(self, text: str | None, line: int) -> None:
        if text and LINE_BREAK in text:
            first, *rest = text.split(LINE_BREAK)
            self.text(first, line)
            for part in rest:
                kind = self._kind
                self.end()
                self._kind = kind
                self.text(part, line)
            return
        if text and text.strip():
            if not self._parts or not "".join(self._parts).strip():
                self._line = line
            self._parts.append(text)
        elif text:
            self._parts.append(" ")

    def end(self) -> None:
        """End the current line (a heading's line is a sub-head, a caption's a caption)."""
        text = re.sub(r"\s+", " ", "".join(self._parts)).strip()
        if text:
            self.blocks.append(Block(self._kind, text, 0, self._line))
        self._parts = []
        self._kind = BlockKind.TEXT

    def start(self, kind: BlockKind) -> None:
        self.end()
        self._kind = kind

    def add(self, block: Block) -> None:
        self.end()
        self.blocks.append(block)


def _walk(element: Any, lines: _Lines) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    line = element.sourceline or 0
    if not tag or tag in _SILENT or _is_hidden(element):
        lines.text(element.tail, line)
        return
    if tag == "br":
        lines.text(LINE_BREAK + (element.tail or ""), line)
        return
    if tag == "pre":
        code = "".join(element.itertext()).strip()
        if code:
            lines.add(Block(BlockKind.CODE, re.sub(r"\s+", " ", code), 0, line))
        lines.text(element.tail, line)
        return
    if tag == "tr":
        cells = [element_text(cell) for cell in element if isinstance(cell.tag, str)]
        if any(cells):
            lines.add(Block(BlockKind.TABLE_ROW, " ".join(c for c in cells if c), 0, line))
        lines.text(element.tail, line)
        return
    block_level = tag in _BLOCK_LEVEL
    if tag in _HEADINGS:
        lines.start(BlockKind.SUBHEAD)
    elif tag in ("figcaption", "caption"):
        lines.start(BlockKind.CAPTION)
    elif block_level:
        lines.end()
    lines.text(element.text, line)
    for child in element:
        _walk(child, lines)
    if block_level:
        lines.end()
    lines.text(element.tail, line)


def region_blocks(element: Any) -> list[Block]:
    """The blocks of an article's body region, in reading order (see the module docstring)."""
    lines = _Lines()
    lines.text(element.text, element.sourceline or 0)
    for child in element:
        _walk(child, lines)
    lines.end()
    return lines.blocks
