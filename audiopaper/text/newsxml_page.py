"""News-corpus XML: ``<doc><url><docno><contenttitle><content></doc>`` records (SogouCA/SogouCS).

Research corpora of Chinese news ship articles this way, usually in GBK, as files that are
XML only in look: ``&`` is not escaped and a cut file stops mid-record, so an XML parser
refuses them. The records are therefore found by their tags; only title and content are
read (the URL and document number are the crawler's), a record with empty content is no
article, and a title's web markers (（图）, （组图）) and wire slugs (＃（关注夏收）（３）) go.
"""

from __future__ import annotations

import html
import re

from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.items import Item, item_blocks
from audiopaper.text.page import Block

_DOC = re.compile(r"<doc>([\s\S]*?)(?:</doc>|(?=<doc>)|$)")
_TITLE = re.compile(r"<contenttitle>([\s\S]*?)</contenttitle>")
_CONTENT = re.compile(r"<content>([\s\S]*?)(?:</content>|$)")
_WEB_MARKER = re.compile(r"[（(](?:组图|图|图文|视频|多图|附图|高清组图)[）)]\s*$")
_WIRE_SLUG = re.compile(r"^[＃#](?:[（(][^（）()]{1,12}[）)])+\s*")


def looks_like_news_corpus(text: str) -> bool:
    """True for a file of ``<doc>`` records with ``<contenttitle>`` or ``<content>`` tags."""
    head = text[:8192]
    return "<doc>" in head and ("<contenttitle>" in head or "<content>" in head)


def clean_corpus_title(title: str) -> tuple[str, list[str]]:
    """A record title without its web marker and wire slug; returns what was cut."""
    cut: list[str] = []
    for pattern in (_WIRE_SLUG, _WEB_MARKER):
        match = pattern.search(title)
        if match and match.group(0).strip() != title.strip():
            cut.append(match.group(0).strip())
            title = pattern.sub("", title).strip()
    return title, cut


def news_corpus_blocks(text: str, changes: list[Change]) -> tuple[Block, ...]:
    """Blocks of a news-corpus file: a headline per record with content, then its text."""
    items: list[Item] = []
    for number, match in enumerate(_DOC.finditer(text), start=1):
        record = match.group(1)
        title_match, content_match = _TITLE.search(record), _CONTENT.search(record)
        title = html.unescape(title_match.group(1)).strip() if title_match else ""
        content = html.unescape(content_match.group(1)).strip() if content_match else ""
        if not content:
            if title:
                changes.append(Change(ChangeKind.DROPPED, f"record {number} “{title}” has no content"))
            continue
        title, cut = clean_corpus_title(title)
        for mark in cut:
            changes.append(
                Change(ChangeKind.FURNITURE, f"record {number}: “{mark}” cut from its title", mark)
            )
        items.append(Item(title=title, body=content, is_html=False))
    return item_blocks(items, changes)
