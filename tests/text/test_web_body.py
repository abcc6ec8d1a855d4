"""Web body: gne's region is read unless it misses the page's own summary, then trafilatura's text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest

from audiopaper.text import web_body
from audiopaper.text.web_body import article_body

FORMS = Path(__file__).resolve().parent.parent / "fixtures" / "forms"

LEAD = "香港男子接力隊今天在亞運決賽跑出佳績，奪得銅牌，並刷新香港紀錄，隊員賽後相擁慶祝。"
OTHER = "天文台表示，一道低壓槽會在今明兩日為華南沿岸帶來狂風驟雨，市民應留意最新天氣消息。"


def page(summary: str) -> str:
    paragraphs = "".join(f"<p>{LEAD}</p>" for _ in range(3))
    return (
        f"<html><head><meta name='description' content='{summary}'></head><body>"
        f"<article>{paragraphs}</article><div class='stream'><p>{OTHER}</p></div></body></html>"
    )


def test_gne_reads_a_news_page() -> None:
    markup = (FORMS / "html-portal-furniture.html").read_text(encoding="utf-8")
    blocks, region, extractor = article_body(markup, lxml.html.fromstring(markup))
    assert extractor == "gne" and region is not None
    assert blocks[0].text.endswith("赏灯猜谜过元宵。")


def test_trafilatura_is_read_when_gnes_region_misses_the_pages_summary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # gne's choice on a Yahoo page: a recommended story's summary, not the article.
    wrong = lxml.html.fragment_fromstring(f"<div><p>{OTHER}</p></div>")
    monkeypatch.setattr(web_body, "gne_region", lambda markup: wrong)
    markup = page(LEAD)
    blocks, region, extractor = article_body(markup, lxml.html.fromstring(markup))
    assert (extractor, region) == ("trafilatura", None)
    assert LEAD in [b.text for b in blocks]


def test_gne_stays_when_the_page_has_no_summary_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong: Any = lxml.html.fragment_fromstring(f"<div><p>{OTHER}</p></div>")
    monkeypatch.setattr(web_body, "gne_region", lambda markup: wrong)
    markup = page("")
    assert article_body(markup, lxml.html.fromstring(markup))[2] == "gne"
