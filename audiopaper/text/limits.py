"""How much text one edition may hold, checked before any of it is normalized or synthesized.

The page-size limit bounds bytes, not work: a 3.9 MB line of text became 10 GB of audio in
memory, and a 100,000-character "headline" 167 minutes of audio. These limits are far
above any real day's paper (a local paper's edition is 10-40 articles, under an hour) and
each refusal is one line naming the limit and, where it can be raised, how.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from audiopaper.errors import InputError
from audiopaper.values import env_int

MAX_TITLE_CHARS = 200
"""Characters in a headline (they are spoken in the contents and shown on every page)."""

MAX_ARTICLE_CHARS = 20_000
"""Characters in one article's body: about 75 minutes read aloud. An article is one segment,
levelled and encoded as one array (96 kB a second at 24 kHz), so this bounds the render's
memory (about 430 MB for the samples at this length)."""

MAX_ARTICLES = 300
"""Articles in one edition."""

MAX_SENTENCES = 20_000
"""Sentences sent to the engine for one edition."""

HOURS_ENV = "AUDIOPAPER_MAX_HOURS"
"""Environment setting that raises or lowers the hours of audio an edition may have."""

DEFAULT_MAX_HOURS = 8
"""Hours of audio an edition may have unless AUDIOPAPER_MAX_HOURS says otherwise."""

LARGEST_MAX_HOURS = 24
"""Most AUDIOPAPER_MAX_HOURS may be set to."""

FASTEST_CHARS_PER_S = 5.0
"""Characters a second at the fastest pace any voice reads (the offline voice reads 4.4),
so the estimate of an edition's hours from its text never refuses one that would fit."""


class TitledText(Protocol):
    """What the checks need of an article: its headline and body paragraphs."""

    @property
    def title(self) -> str: ...

    @property
    def paragraphs(self) -> tuple[str, ...]: ...


def max_hours() -> int:
    """The hours of audio an edition may have ($AUDIOPAPER_MAX_HOURS, 1-24, default 8)."""
    return env_int(HOURS_ENV, DEFAULT_MAX_HOURS, low=1, high=LARGEST_MAX_HOURS, unit="hours")


def check_edition_chars(characters: int, what: str) -> None:
    """Refuse text whose reading would last longer than the edition's hours of audio."""
    hours = max_hours()
    if characters > hours * 3600 * FASTEST_CHARS_PER_S:
        raise InputError(
            f"{what}: {characters} characters is more than {hours} hours of audio, the limit for an "
            f"edition; split it into several editions or raise {HOURS_ENV} (up to {LARGEST_MAX_HOURS})"
        )


def check_articles(articles: Sequence[TitledText], what: str) -> None:
    """Refuse an edition with too many articles, or an article with an overlong title or body."""
    if len(articles) > MAX_ARTICLES:
        raise InputError(
            f"{what}: {len(articles)} articles; an edition holds at most {MAX_ARTICLES}, split it"
        )
    for number, article in enumerate(articles, start=1):
        if len(article.title) > MAX_TITLE_CHARS:
            raise InputError(
                f"{what}: article {number}'s headline is {len(article.title)} characters long; the limit is "
                f"{MAX_TITLE_CHARS} (is a paragraph taken for a headline? give it end punctuation)"
            )
        body = sum(len(paragraph) for paragraph in article.paragraphs)
        if body > MAX_ARTICLE_CHARS:
            raise InputError(
                f"{what}: article {number} ({article.title[:20]}) has {body} characters; the limit for "
                f"one article is {MAX_ARTICLE_CHARS}, split it"
            )
    check_edition_chars(sum(len(a.title) + sum(map(len, a.paragraphs)) for a in articles), what)


def check_sentences(count: int, what: str) -> None:
    """Refuse an edition that would send more than MAX_SENTENCES lines to the engine."""
    if count > MAX_SENTENCES:
        raise InputError(f"{what}: {count} sentences; an edition holds at most {MAX_SENTENCES}, split it")
