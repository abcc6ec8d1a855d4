"""Ingest: read a page's bytes, decode them, and split the text into raw blocks.

A page reaches us as markdown extracted from the printed newspaper: ``#``/``##`` headline
lines, paragraphs separated by blank lines, sometimes in GB18030 from a newsroom export.
Ingest only decodes and splits; repairing what the extraction damaged is the clean stage's job.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from audiopaper.errors import InputError

_LOGGER = logging.getLogger(__name__)

MAX_PAGE_BYTES = 4 * 1024 * 1024
"""Pages larger than this (4 MiB) are refused: a day's page is a few tens of kilobytes, and
a bigger file is almost certainly not one page (split it into pages)."""

_CONTROL_RATIO_LIMIT = 0.01
"""Share of C0 control characters (other than whitespace) above which bytes count as binary."""

_HEADLINE = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")


class BlockKind(Enum):
    """What a block of the page is, as far as its markup tells."""

    HEADLINE = "headline"
    TEXT = "text"


@dataclass(frozen=True)
class Block:
    """One line-level unit of a page: a headline or a paragraph, as printed."""

    kind: BlockKind
    """Headline (a ``#`` line) or text (anything else that is not blank)."""

    text: str
    """The block's text, stripped of the ``#`` marks and surrounding whitespace."""

    level: int
    """Headline level (1 for ``#``, 2 for ``##``…); 0 for text."""

    line: int
    """1-based line number in the source, for reports an editor can follow."""


@dataclass(frozen=True)
class Page:
    """A decoded page split into blocks, in source order."""

    source: str
    """Where the page came from (its path as given), for messages."""

    encoding: str
    """The encoding the bytes were decoded with (``utf-8`` or ``gb18030``)."""

    blocks: tuple[Block, ...]
    """Headlines and paragraphs in page order; blank lines are dropped."""


def decode_page_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode a page's bytes as UTF-8 (with or without BOM), else GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Chinese newsroom systems export.
    Returns the text and the name of the encoding used. Binary data is refused.
    """
    if not data.strip():
        raise InputError(f"{source}: the page is empty; give a page with at least one article")
    if b"\x00" in data:
        raise InputError(f"{source}: this looks like a binary file, not a text page")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v")
        if controls > _CONTROL_RATIO_LIMIT * len(text):
            raise InputError(f"{source}: this looks like a binary file, not a text page")
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise InputError(f"{source}: cannot decode the page as UTF-8 or GB18030; save it as UTF-8 and try again")


def split_blocks(text: str) -> tuple[Block, ...]:
    """Split decoded page text into headline and text blocks, one per non-blank line."""
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


def read_page(path: Path) -> Page:
    """Read and decode one page file into blocks."""
    source = str(path)
    if not path.exists():
        raise InputError(f"{source}: no such file; check the path of the page")
    if path.is_dir():
        raise InputError(f"{source}: is a directory; give the page files inside it")
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise InputError(f"{source}: {size} bytes is too large for a page (limit {MAX_PAGE_BYTES})")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{source}: cannot read the page ({error.strerror})") from error
    text, encoding = decode_page_bytes(data, source)
    _LOGGER.debug("read %s as %s (%d bytes)", source, encoding, len(data))
    return Page(source=source, encoding=encoding, blocks=split_blocks(text))
