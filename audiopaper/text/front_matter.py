"""Front matter: a markdown post (Jekyll, Hugo, Hexo…) opening with YAML ``---`` or TOML ``+++``.

A post is one article: its title comes from the front matter (``title:``), and the
headings and bold lines of its body are sub-heads, never further articles. A ``#``
heading that repeats the title is the title. The front matter's other keys (layout, tags,
URLs) are the site's, not text. YAML is read by PyYAML (safe loader), TOML by the standard
library; a front matter that will not parse is treated as no front matter.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from audiopaper.text.line_roles import ends_sentence
from audiopaper.text.page import Block, BlockKind
from audiopaper.text.rewrites import rewrite, rewrites

TITLE_LEVEL = 2
"""Level of a post's headline: a post is no printed page's lead story."""

TITLE_KEYS = ("title", "headline", "name")
"""Front-matter keys that hold the title, in order of preference."""

_YAML = re.compile(r"\A\ufeff?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")
_TOML = re.compile(r"\A\ufeff?\+\+\+[ \t]*\r?\n([\s\S]*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)")
_LIST_ITEM = re.compile(r"^\s*[*+-]\s+(?=\S)")
_THEMATIC_BREAK = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
_FIGCAPTION = re.compile(r"^\s*<figcaption[^>]*>([\s\S]*?)</figcaption>\s*$", re.IGNORECASE)
_INLINE_MARKS = rewrites(
    (_LIST_ITEM, ""),
    (r"!\[[^\]]*\]\([^)]*\)", ""),  # images
    (r"~~[\s\S]*?~~", ""),  # struck text
    (r"\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1)),  # links: their text
    (r"(\*\*|__)(.+?)\1", lambda m: m.group(2)),  # emphasis: its text
)


@dataclass(frozen=True)
class FrontMatter:
    """A post's front matter, split from its body."""

    title: str
    """The title the front matter gives, or empty."""

    body: str
    """The text after the front matter."""

    body_line: int
    """The 1-based line number where the body starts (for messages that cite lines)."""


def split_front_matter(text: str) -> FrontMatter | None:
    """The front matter and body of a post, or None when the text has no readable front matter."""
    for pattern, load in ((_YAML, _load_yaml), (_TOML, _load_toml)):
        match = pattern.match(text)
        if match is None:
            continue
        meta = load(match.group(1))
        if meta is None:
            return None
        title = next((str(meta[k]).strip() for k in TITLE_KEYS if isinstance(meta.get(k), str | int)), "")
        return FrontMatter(title, text[match.end() :], text[: match.end()].count("\n") + 1)
    return None


def _load_yaml(source: str) -> dict[str, Any] | None:
    import yaml

    try:
        meta = yaml.safe_load(source)
    except yaml.YAMLError:
        return None
    return meta if isinstance(meta, dict) else None


def _load_toml(source: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError:
        return None


def strip_markdown_inline(line: str) -> str:
    """A markdown line's words: images, rules and list bullets go, links keep their text,
    struck text goes, emphasis marks go."""
    if _THEMATIC_BREAK.match(line):
        return ""
    return rewrite(line, _INLINE_MARKS)


def post_blocks(post: FrontMatter, body_blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """One article: the front matter's title, then the body with its headings as sub-heads.

    A paragraph (ended by a blank line) or list item with no end punctuation is kept apart
    too, read as its own sentence, where plain text would join it to the next line as a
    line cut by a column break.
    """
    lines = [*post.body.splitlines(), ""]
    apart = {  # list items, and lines a blank line ends: markdown's paragraphs
        n for n, line in enumerate(lines[:-1], start=1) if _LIST_ITEM.match(line) or not lines[n].strip()
    }
    blocks: list[Block] = []
    title = strip_markdown_inline(post.title).strip()
    squeezed = re.sub(r"\s+", "", title)
    for block in body_blocks:
        if block.kind is BlockKind.HEADLINE and title and re.sub(r"\s+", "", block.text) == squeezed:
            continue  # the title printed again as the body's heading
        kind = BlockKind.SUBHEAD if block.kind is BlockKind.HEADLINE else block.kind
        text = block.text
        if block.line in apart and kind is BlockKind.TEXT and not ends_sentence(text):
            kind = BlockKind.SUBHEAD
        caption = _FIGCAPTION.match(text)
        if caption:
            kind, text = BlockKind.CAPTION, caption.group(1)
        blocks.append(Block(kind, text, 0, block.line + post.body_line - 1))
    if title:
        blocks.insert(0, Block(BlockKind.HEADLINE, title, TITLE_LEVEL, 1))
    return tuple(blocks)
