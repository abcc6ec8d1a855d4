"""Tests for audiopaper.publish.listening_page: the listening page's HTML, escaping, and the pages it writes."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from audiopaper.publish.listening_page import player_page, write_pages
from audiopaper.publish.manifest import EditionManifest

HOSTILE = '</script><script>alert(1)</script> & "引号" <b>粗</b>'


def manifest_dict(title: str = "青梅日报 2025年3月14日", article_title: str = "第一条新闻") -> dict[str, Any]:
    return {
        "date": "2025-03-14", "title": title, "duration": 30.0, "engine": "fake", "voice": "tone",
        "published": "2025-03-14T06:00:00+00:00",
        "articles": [{"index": 1, "title": article_title, "byline": "记者 王一", "start": 5.0, "end": 20.0,
                      "file": "articles/01-a.mp3",
                      "sentences": [{"text": "第一句。", "spoken": "第一句。", "start": 6.0, "end": 8.0, "paragraph": 0}]}],
    }  # fmt: skip


def manifest(title: str = "青梅日报 2025年3月14日", article_title: str = "第一条新闻") -> EditionManifest:
    return EditionManifest.from_dict(manifest_dict(title, article_title))


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_page_is_self_contained_and_labelled() -> None:
    page = player_page(manifest(), audio_src="edition.mp3", others=[], home=None)
    parser = Collector()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert not re.search(r"(src|href)=\"https?://", page), "no CDN or remote resource"
    buttons = [attrs for tag, attrs in parser.tags if tag == "button"]
    assert {b.get("id") for b in buttons} >= {"play", "prev", "next", "back", "forward", "resume"}
    assert tags.count("h1") == 1 and "h2" in tags
    assert any(attrs.get("aria-live") == "polite" for _, attrs in parser.tags)
    data = json.loads(parser.scripts[0])  # what player.js reads: written out, not recomputed
    assert data == {
        "date": "2025-03-14", "title": "青梅日报 2025年3月14日", "duration": 30.0, "opening": None, "closing": None,
        "articles": [{"title": "第一条新闻", "byline": "记者 王一", "start": 5.0, "end": 20.0, "heading": [],
                      "sentences": [{"text": "第一句。", "start": 6.0, "end": 8.0, "paragraph": 0}]}],
    }  # fmt: skip


def test_hostile_text_stays_text() -> None:
    page = player_page(
        manifest(HOSTILE, HOSTILE), audio_src="edition.mp3", others=[("x.html", HOSTILE)], home=None
    )
    parser = Collector()
    parser.feed(page)
    assert sum(1 for tag, _ in parser.tags if tag == "script") == 2  # our data and our code, nothing else
    assert "<b>" not in page and "alert(1)</script>" not in page
    data = json.loads(parser.scripts[0])
    assert data["title"] == HOSTILE and data["articles"][0]["title"] == HOSTILE


def test_write_pages_for_every_edition(tmp_path: Path) -> None:
    for day in ("2025-03-13", "2025-03-14"):
        directory = tmp_path / "editions" / day
        directory.mkdir(parents=True)
        (directory / "edition.mp3").write_bytes(b"\xff\xfb\x90\x00" * 10)
        data = manifest_dict(f"青梅日报 {day}") | {"date": day, "published": f"{day}T06:00:00+00:00"}
        (directory / "edition.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    written = write_pages(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "editions/2025-03-13/articles.m3u", "editions/2025-03-13/index.html",
        "editions/2025-03-14/articles.m3u", "editions/2025-03-14/index.html",
        "index.html", "latest/articles.m3u", "latest/index.html"]  # fmt: skip
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'src="editions/2025-03-14/edition.mp3"' in index
    assert 'href="editions/2025-03-13/index.html"' in index
    latest = (tmp_path / "latest/index.html").read_text(encoding="utf-8")
    assert 'src="../editions/2025-03-14/edition.mp3"' in latest
    assert 'href="../editions/2025-03-13/index.html"' in latest
    assert 'href="../editions/2025-03-14/articles.m3u"' in latest
    older = (tmp_path / "editions/2025-03-13/index.html").read_text(encoding="utf-8")
    assert 'href="../2025-03-14/index.html"' in older and 'href="../../index.html"' in older
    assert (tmp_path / "latest/articles.m3u").read_text(encoding="utf-8") == (
        "#EXTM3U\n#PLAYLIST:青梅日报 2025-03-14\n#EXTINF:-1,1. 第一条新闻\n../editions/2025-03-14/articles/01-a.mp3\n"
    )
    assert (
        (tmp_path / "editions/2025-03-13/articles.m3u")
        .read_text(encoding="utf-8")
        .endswith("\narticles/01-a.mp3\n")
    )
