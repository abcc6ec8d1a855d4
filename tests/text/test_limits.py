"""Tests for audiopaper.text.limits: each limit refused in one line that names it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from audiopaper.errors import InputError, OptionError
from audiopaper.text import limits


@dataclass(frozen=True)
class Item:
    title: str
    paragraphs: tuple[str, ...]


@pytest.mark.parametrize(
    ("articles", "message"),
    [
        ([Item("标" * 201, ("正文。",))], "headline is 201 characters long; the limit is 200"),
        ([Item("标题", ("字" * 20_001,))], "has 20001 characters; the limit for one article is 20000"),
        ([Item("标题", ("正文。",))] * 301, "301 articles; an edition holds at most 300"),
        ([Item("标题", ("字" * 20_000,))] * 8, "more than 8 hours of audio, the limit for an edition"),
    ],
    ids=["title", "article", "articles", "hours"],
)
def test_over_a_limit_is_one_line(articles: list[Item], message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        limits.check_articles(articles, "page.md")
    assert "\n" not in str(raised.value) and str(raised.value).startswith("page.md: ")


def test_at_the_limits_is_accepted() -> None:
    limits.check_articles([Item("标" * 200, ("字" * 20_000,))] * 2, "page.md")
    limits.check_sentences(limits.MAX_SENTENCES, "page.md")
    with pytest.raises(InputError, match="20001 sentences; an edition holds at most 20000"):
        limits.check_sentences(limits.MAX_SENTENCES + 1, "page.md")


def test_the_hours_limit_can_be_raised_and_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    long_edition = [Item("标题", ("字" * 20_000,))] * 8
    monkeypatch.setenv("AUDIOPAPER_MAX_HOURS", "12")
    limits.check_articles(long_edition, "page.md")
    monkeypatch.setenv("AUDIOPAPER_MAX_HOURS", "1")
    with pytest.raises(InputError, match="raise AUDIOPAPER_MAX_HOURS"):
        limits.check_articles(long_edition, "page.md")
    monkeypatch.setenv("AUDIOPAPER_MAX_HOURS", "25")
    with pytest.raises(
        OptionError, match="AUDIOPAPER_MAX_HOURS='25' must be a whole number of hours from 1 to 24"
    ):
        limits.max_hours()
