"""File names of published audio: ASCII slugs from the titles' pinyin."""

from __future__ import annotations

import re


def ascii_slug(title: str, *, max_chars: int = 40) -> str:
    """An ASCII file-name slug for a Chinese title, from its pinyin (a-z, 0-9 and '-')."""
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(title, errors=lambda chars: chars)
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")
    slug = slug[:max_chars].rstrip("-")
    return slug or "article"


def article_file(index: int, title: str) -> str:
    """An article MP3's path relative to its edition directory: ``articles/NN-slug.mp3``."""
    return f"articles/{index:02d}-{ascii_slug(title)}.mp3"
