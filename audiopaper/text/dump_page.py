"""Crawler dump: text a scraper wrote by printing Python lists (``['\\r\\n  标题\\r\\n  ']``).

A scraper that prints what its selectors found leaves each field as a list literal with
escapes spelled out, and the article bodies as bare text between them:
``[][]['\\r\\n 标题\\r\\n ']['2018年08月09日 21:51\\u3000来源：', ' ']　　正文…``. Each list
is read with :func:`ast.literal_eval` (the standard library's safe reader of literals):
a list holding one short line is a headline, a list holding a date or 来源 is the
listing's metadata (dropped and noted), empty lists are nothing. The text between lists is
the body of the headline before it, its paragraphs opening with ideographic spaces.
"""

from __future__ import annotations

import ast
import re

from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.page import Block, BlockKind

MIN_LISTS = 3
"""A text needs this many list literals with spelled-out escapes to be a crawler's dump."""

_LIST = re.compile(r"\[(?:\s*'(?:[^'\\\n]|\\.)*'\s*,?)*\s*\]|\[(?:\s*\"(?:[^\"\\\n]|\\.)*\"\s*,?)*\s*\]")
"""A printed Python list of string literals (single- or double-quoted), possibly empty."""

_ESCAPE = re.compile(r"\\[rnt]|\\u[0-9a-fA-F]{4}")
"""An escape spelled out inside a literal (``\\r``, ``\\n``, ``\\u3000``): what marks a dump."""

TITLE_LEVEL = 2
"""Level of a dump's headlines: a list of stories has no lead story."""

TITLE_MAX_CHARS = 60
"""A list holding one line up to this long (and no date) is a headline."""

_METADATA = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}|来源[:：]|來源[:：]|\d{1,2}:\d{2}")
"""A date, time or 来源 (source) in a list: the listing's metadata, not a headline."""

_PARAGRAPH_START = re.compile(r"[\u3000]{2,}|\r?\n+")
"""What opens a paragraph of a body: two or more ideographic spaces, or a line break."""


def looks_like_list_dump(text: str) -> bool:
    """True for text holding at least MIN_LISTS printed lists with spelled-out escapes."""
    lists = [m.group(0) for m in _LIST.finditer(text[:65536])]
    return len([x for x in lists if _ESCAPE.search(x)]) >= MIN_LISTS


def _strings(literal: str) -> list[str]:
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def list_dump_blocks(text: str, changes: list[Change]) -> tuple[Block, ...]:
    """Blocks of a crawler's dump: a headline per title list with text after it, then that text.

    A listing prints headlines whose stories it did not fetch: those are no articles, and
    two of them in a row must not be read as one two-line headline.
    """
    blocks: list[Block] = []
    title: Block | None = None
    position = 0
    number = 0
    for match in [*_LIST.finditer(text), None]:
        body = _body(text[position : match.start() if match else len(text)], number)
        if body:
            blocks.extend([title, *body] if title else body)
            title = None
        if match is None:
            break
        position = match.end()
        fields = _strings(match.group(0))
        if not fields:
            continue
        number += 1
        line = " ".join(fields)
        if len(fields) == 1 and len(line) <= TITLE_MAX_CHARS and not _METADATA.search(line):
            if title is not None:
                changes.append(
                    Change(ChangeKind.DROPPED, f"headline with no text: “{title.text}”", title.text)
                )
            title = Block(BlockKind.HEADLINE, line, TITLE_LEVEL, number)
        else:
            changes.append(Change(ChangeKind.FURNITURE, f"field {number} of the dump: “{line}”", line))
    if title is not None:
        changes.append(Change(ChangeKind.DROPPED, f"headline with no text: “{title.text}”", title.text))
    return tuple(blocks)


def _body(text: str, number: int) -> list[Block]:
    return [Block(BlockKind.TEXT, p.strip(), 0, number) for p in _PARAGRAPH_START.split(text) if p.strip()]
