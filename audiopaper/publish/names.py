"""File names of published audio: ASCII slugs from the titles' pinyin."""

from __future__ import annotations

import re
from datetime import date

from audiopaper.memo import library_namespace, recall


def _pinyin_words(title: str) -> str:
    """The title's pinyin, words joined by '-' (pypinyin's phrase dictionary takes 0.36 s to load)."""
    from pypinyin import lazy_pinyin

    return "-".join(lazy_pinyin(title, errors=lambda chars: chars))


def ascii_slug(title: str, *, max_chars: int = 40) -> str:
    """An ASCII file-name slug for a Chinese title, from its pinyin (a-z, 0-9 and '-')."""
    words = recall(library_namespace("pypinyin-slug", "pypinyin"), title, _pinyin_words)
    slug = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")
    slug = slug[:max_chars].rstrip("-")
    return slug or "article"


def article_file(index: int, title: str) -> str:
    """An article MP3's path relative to its edition directory: ``articles/NN-slug.mp3``."""
    return f"articles/{index:02d}-{ascii_slug(title)}.mp3"


def edition_audio_file(paper: str, day: date) -> str:
    """The edition MP3's file name: paper slug and date, e.g. ``qing-mei-ri-bao-2025-03-14.mp3``.

    Unique per paper and date, so podcast clients that save every episode under its URL's
    file name keep every episode (with one name for all, podget and podboat overwrote them).
    """
    return f"{ascii_slug(paper)}-{day.isoformat()}.mp3"
