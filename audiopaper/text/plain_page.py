"""Plain page: newsroom text with no markup, and the markdown of printed pages.

Plain text marks nothing: a headline is a short line with no end punctuation followed by
body text. Ingest calls :func:`page_blocks`, which reads markdown (``#`` headlines, as
printed pages are extracted) when the text has it and plain text otherwise. Text pasted
into code comments (every line starting ``# ``) is plain text with a comment marker, not
a page of one-line markdown headlines.
"""

from __future__ import annotations

import re

from audiopaper.text.line_roles import DATELINE, LineRole, context_free_role, fold_full_width, is_heading_like
from audiopaper.text.page import Block, BlockKind

_HEADLINE = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_COMMENT_MARK = re.compile(r"^\s*(?:#|//|--|;|\*)\s?")

COMMENTED_SHARE = 0.8
"""If at least this share of a text's lines start with a comment mark, the marks are not markup."""

MIN_COMMENTED_LINES = 3
"""A text needs this many lines before its comment marks are taken for a wrapper."""

HEADLINE_GAP_LINES = 2
"""This many blank lines before a headline-like line separate two articles in plain text."""

TITLE_LEVEL = 2
"""Level of a plain text's headlines: none is marked as the page's lead story."""


def strip_comment_marks(text: str) -> str | None:
    """The text without its comment marks, if nearly every line carries one; else ``None``."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < MIN_COMMENTED_LINES:
        return None
    marked = sum(1 for line in lines if _COMMENT_MARK.match(line) and not line.lstrip().startswith("##"))
    if marked < COMMENTED_SHARE * len(lines):
        return None
    return "\n".join(_COMMENT_MARK.sub("", line, count=1) for line in text.splitlines())


def is_markdown(text: str) -> bool:
    """True when the text has at least one ``#`` headline line (the printed-page form)."""
    return any(
        _HEADLINE.match(line.strip()) and line.strip().lstrip("#").strip() for line in text.splitlines()
    )


def markdown_blocks(text: str) -> tuple[Block, ...]:
    """Split markdown page text into headline and text blocks, one per non-blank line."""
    blocks: list[Block] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line:
            continue
        match = _HEADLINE.match(line)
        if match:
            if match.group(2):
                blocks.append(Block(BlockKind.HEADLINE, match.group(2), len(match.group(1)), number))
            continue
        blocks.append(Block(BlockKind.TEXT, line, 0, number))
    return tuple(blocks)


def _headline_candidate(line: str) -> bool:
    folded = fold_full_width(line)
    return (
        is_heading_like(folded)
        and context_free_role(folded) is LineRole.BODY
        and not DATELINE.match(folded)
        and not re.match(r"^(?:本报)?(?:记者|通讯员|摄影|实习生)", folded)
    )


def plain_blocks(text: str) -> tuple[Block, ...]:
    """Split plain text into blocks, finding headlines by their shape.

    A headline-like line (short, no end punctuation) is a headline when no body text came
    before it, when it follows HEADLINE_GAP_LINES blank lines, or when the next line opens
    with a dateline or a byline; elsewhere it is a sub-head, and the cleaner keeps it apart.
    """
    lines = [(number, raw.strip()) for number, raw in enumerate(text.splitlines(), start=1)]
    candidate = [bool(line) and _headline_candidate(line) for _, line in lines]
    body_after = [False] * (len(lines) + 1)  # some later line is body text: a headline needs text under it
    for index in range(len(lines) - 1, -1, -1):
        body_after[index] = body_after[index + 1] or (bool(lines[index][1]) and not candidate[index])
    blocks: list[Block] = []
    seen_body = False
    blank_run = 0
    for index, (number, line) in enumerate(lines):
        if not line:
            blank_run += 1
            continue
        gap, blank_run = blank_run, 0
        if candidate[index] and body_after[index + 1]:
            nxt = _next_line(lines, index)
            opens_article = bool(DATELINE.match(fold_full_width(nxt))) or nxt.startswith(("记者", "本报记者"))
            if not seen_body or gap >= HEADLINE_GAP_LINES or opens_article:
                blocks.append(Block(BlockKind.HEADLINE, line, TITLE_LEVEL, number))
                continue
        seen_body = seen_body or not candidate[index]
        blocks.append(Block(BlockKind.TEXT, line, 0, number))
    return tuple(blocks)


def _next_line(lines: list[tuple[int, str]], index: int) -> str:
    return next((line for _, line in lines[index + 1 :] if line), "")


def page_blocks(text: str) -> tuple[tuple[Block, ...], str]:
    """Blocks of a text page and its form: ``markdown`` or ``plain``."""
    uncommented = strip_comment_marks(text)
    if uncommented is not None:
        return plain_blocks(uncommented), "plain"
    if is_markdown(text):
        return markdown_blocks(text), "markdown"
    return plain_blocks(text), "plain"
