"""Page: the blocks every input form is read into, the record ingest hands to the cleaner."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from audiopaper.text.changes import Change


class BlockKind(Enum):
    """What a block of the page is, as far as its form's markup tells."""

    HEADLINE = "headline"
    TEXT = "text"
    SUBHEAD = "sub-head"
    CAPTION = "caption"
    TABLE_ROW = "table row"
    BRIEF = "brief"
    """One item of a box of briefs (简讯): an untitled short article of its own."""
    BYLINE = "byline"
    CODE = "code"


@dataclass(frozen=True)
class Page:
    """A decoded page split into blocks, in source order."""

    source: str
    """Where the page came from (its path as given), for messages."""

    encoding: str
    """The encoding the bytes were decoded with (``utf-8``, ``gb18030``…; ``docx`` for Word)."""

    blocks: tuple[Block, ...]
    """Headlines and paragraphs in page order; blank lines are dropped."""

    form: str = "markdown"
    """The input form it was read as: markdown, plain, post (markdown with front matter),
    html, wechat, epaper-article, docx, feed, json, news-corpus, pdf or scan."""

    notes: tuple[Change, ...] = ()
    """What reading repaired, set aside or could not find (damaged bytes, a feed's repeated
    items, a WeChat page with no body, a printed page's masthead, ads and photo credits…):
    the cleaner lists each in the proof before its own changes, so nothing is lost silently."""


@dataclass(frozen=True)
class Block:
    """One line-level unit of a page: a headline, a paragraph or a table row, as printed."""

    kind: BlockKind
    """Headline (a ``#`` line, an HTML ``<h1>``, a Word heading…), text, or what markup said:
    a byline the form names (a WeChat account, a feed's author), a code block (``<pre>``)."""

    text: str
    """The block's text, stripped of the ``#`` marks and surrounding whitespace."""

    level: int
    """Headline level (1 for ``#``, the lead story; 2 for ``##`` and other forms' titles); 0 else."""

    line: int
    """1-based line (or paragraph) number in the source, for reports an editor can follow."""


@dataclass(frozen=True)
class PageFile:
    """One page's file as read, before its form is found: a name and its bytes, never a path.

    What travels to an archive's workers, and what an edition's content hash is made of.
    """

    name: str
    """How messages name it (its path as given, or relative to an archive's SOURCE)."""

    data: bytes
    """The file's bytes, undecoded."""

    @property
    def suffix(self) -> str:
        """The extension (with its dot), a hint for the form."""
        return Path(self.name).suffix
