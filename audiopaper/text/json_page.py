"""JSON page: an export of articles (WordPress REST posts, news APIs, CMS and crawler exports).

Exports differ in layout but not in kind: somewhere in the document is a list of records,
each with a title and a body, maybe a date. The records are found wherever they are
nested (``articles``, ``data.list``, one list per category) by their keys, so a new CMS
needs no code as long as it names its fields as others do (the key lists below). A
WordPress field given as ``{"rendered": "…"}`` is read through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.changes import Change
from audiopaper.text.items import Item, item_blocks
from audiopaper.text.page import Block

TITLE_KEYS = ("title", "headline", "contenttitle", "subject", "name", "标题")
"""Keys that hold an article's title, in order of preference."""

BODY_KEYS = (
    "content", "body", "articleBody", "article", "text", "contents", "html", "content_html",
    "content_text", "正文", "内容",
)  # fmt: skip
"""Keys that hold an article's full text (HTML or plain), in order of preference."""

SUMMARY_KEYS = ("description", "summary", "excerpt", "digest", "abstract", "desc", "intro", "brief", "摘要")
"""Keys that hold a summary: read when a record has no full text."""

DATE_KEYS = ("date", "publishedAt", "published", "pubDate", "published_at", "time", "pub_time", "ctime")
"""Keys that hold a record's date."""

SITE_KEYS = ("source", "site", "media", "author_name")
"""Keys that name the site a record comes from (a news API's ``source.name``)."""

_HAN = re.compile(r"[\u4e00-\u9fff]")

MAX_DEPTH = 6
"""Records are looked for this many levels deep: exports nest them in a page or category or two."""


def looks_like_json(text: str) -> bool:
    """True when a text is a JSON document (an object or an array)."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head not in ("{", "["):
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):  # nested past the decoder's stack: not an export
        return False
    return True


def _field(record: dict[str, Any], keys: tuple[str, ...], *, nested: bool = True) -> str:
    """The first non-empty text among ``keys`` (``{"rendered": …}`` and ``{"name": …}`` read through).

    Keys a record does not hold itself are looked for one level down (``"extra":
    {"summary": …}``), where collectors keep what the feed they read gave them.
    """
    for key in keys:
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("rendered", value.get("name"))
        if isinstance(value, str) and value.strip():
            return value
    if nested:
        for value in record.values():
            if isinstance(value, dict) and "rendered" not in value:
                found = _field(value, keys, nested=False)
                if found:
                    return found
    return ""


def _is_record(value: Any) -> bool:
    return isinstance(value, dict) and bool(_field(value, TITLE_KEYS) or _field(value, BODY_KEYS))


def _record_lists(value: Any, depth: int = 0) -> Iterator[list[dict[str, Any]]]:
    """Every list of article records in the document, in document order."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        records = [v for v in value if _is_record(v)]
        if records and len(records) * 2 >= len(value):
            yield records
            return
        for child in value:
            yield from _record_lists(child, depth + 1)
    elif isinstance(value, dict):
        for child in value.values():
            yield from _record_lists(child, depth + 1)


def _item(record: dict[str, Any]) -> Item:
    body = _field(record, BODY_KEYS)
    if not _HAN.search(body):  # null, or a template never filled in ({$T.t.abstract…})
        body = _field(record, SUMMARY_KEYS) or body
    return Item(
        title=_field(record, TITLE_KEYS),
        body=body,
        date=_field(record, DATE_KEYS),
        site=_field(record, SITE_KEYS),
    )


def json_blocks(text: str, source: str, changes: list[Change]) -> tuple[Block, ...]:
    """Blocks of a JSON export: a headline per record, then its text."""
    document = json.loads(text)
    records = [r for found in _record_lists(document) for r in found]
    if not records and _is_record(document):
        records = [document]
    if not records:
        raise InputError(
            f"{source}: this JSON holds no articles (no records with a title and a text); "
            "export the articles with their titles and texts"
        )
    return item_blocks([_item(r) for r in records], changes)
