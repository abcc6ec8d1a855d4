"""Feed page: an RSS 2.0, RSS 1.0 or Atom feed, one article per item.

feedparser (the maintained universal feed parser) reads every dialect, its encodings and
dates, and ``content:encoded`` as well as ``description``; we only pick each item's title,
date and richest body and hand them to :mod:`audiopaper.text.items`. The channel's own
title and description are the feed's, not an article's, and are not read.
"""

from __future__ import annotations

import re
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.changes import Change
from audiopaper.text.items import Item, item_blocks
from audiopaper.text.page import Block

_FEED_ROOT = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*|<\?xml-stylesheet[^>]*\?>\s*)*"
    r"<(?:rss\b|feed\b[^>]*xmlns\s*=\s*[\"']http://www\.w3\.org/2005/Atom|rdf:RDF\b)",
    re.IGNORECASE,
)


def looks_like_feed(text: str) -> bool:
    """True when a text is an RSS or Atom feed (by its root element)."""
    return _FEED_ROOT.match(text[:4096]) is not None


def _body(entry: Any) -> str:
    """The entry's richest body: full content (``content:encoded``) before its summary."""
    bodies = [part.get("value") or "" for part in entry.get("content") or []]
    bodies.append(entry.get("summary") or "")  # damaged feeds give None for missing text
    return max(bodies, key=len, default="")


def feed_blocks(text: str, source: str, changes: list[Change]) -> tuple[Block, ...]:
    """Blocks of a feed: a headline per item, then its text."""
    import feedparser

    parsed = feedparser.parse(text)
    if not parsed.entries:
        raise InputError(
            f"{source}: this feed has no items; give a feed with at least one item, or the article's own page"
        )
    items = [
        Item(title=entry.get("title") or "", body=_body(entry), date=entry.get("published") or "")
        for entry in parsed.entries
    ]
    return item_blocks(items, changes)
