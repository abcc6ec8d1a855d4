"""Tests for audiopaper.publish.feed, read back with independent parsers (feedparser, podcastparser)."""

from __future__ import annotations

import io
import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from PIL import Image

from audiopaper.errors import OptionError
from audiopaper.publish.cover import generate_cover, install_cover, validate_cover
from audiopaper.publish.feed import NAMESPACES, podcast_guid, write_feed
from audiopaper.publish.manifest import read_published
from audiopaper.publish.show import update_show

ITUNES = "{" + NAMESPACES["itunes"] + "}"
PODCAST = "{" + NAMESPACES["podcast"] + "}"


def add_edition(out: Path, day: str, title: str = "青梅日报", *, mp3: bool = True) -> Path:
    """A minimal complete edition directory (manifest + a few MP3 bytes)."""
    directory = out / "editions" / day
    directory.mkdir(parents=True)
    if mp3:
        (directory / "edition.mp3").write_bytes(b"\xff\xfb\x90\x00" * 250)
    manifest: dict[str, Any] = {
        "date": day, "title": f"{title} {day}", "paper": "青梅日报", "duration": 61.4,
        "published": f"{day}T06:00:00+00:00", "engine": "fake", "voice": "tone",
        "opening": {"title": "开头和导读", "start": 0.0, "end": 20.5, "lines": []},
        "closing": {"title": "结束语", "start": 60.0, "end": 61.4, "lines": []},
        "articles": [
            {"index": 1, "title": "第一条", "byline": None, "file": "articles/01-a.mp3", "start": 20.5, "end": 40.0,
             "sentences": []},
            {"index": 2, "title": "第二条", "byline": None, "file": "articles/02-b.mp3", "start": 40.0, "end": 60.0,
             "sentences": []},
        ],
    }  # fmt: skip
    (directory / "edition.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return directory


def test_podcast_guid_matches_the_spec_vector() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_generated_cover_meets_apple_rules() -> None:
    image = Image.open(io.BytesIO(generate_cover()))
    assert image.format == "PNG" and image.mode == "RGB"
    assert image.width == image.height and 1400 <= image.width <= 3000


@pytest.mark.parametrize(
    ("size", "mode", "kind", "message"),
    [((1400, 1000), "RGB", "PNG", "square"), ((800, 800), "RGB", "PNG", "square"),
     ((1400, 1400), "CMYK", "JPEG", "RGB"), ((1400, 1400), "RGB", "GIF", "JPEG or PNG")],
)  # fmt: skip
def test_bad_covers_are_refused(
    tmp_path: Path, size: tuple[int, int], mode: str, kind: str, message: str
) -> None:
    path = tmp_path / f"cover.{kind.lower()}"
    Image.new(mode, size).save(path, format=kind)
    with pytest.raises(OptionError, match=message):
        validate_cover(path)


def test_configured_cover_replaces_the_generated_one(tmp_path: Path) -> None:
    assert install_cover(tmp_path).name == "cover.png"
    mine = tmp_path / "mine.jpg"
    Image.new("RGB", (1500, 1500), (200, 10, 10)).save(mine, format="JPEG")
    assert install_cover(tmp_path, mine) == tmp_path / "cover.jpg"
    assert not (tmp_path / "cover.png").exists()
    assert install_cover(tmp_path) == tmp_path / "cover.jpg"  # kept on later runs


def test_feed_meets_podcast_requirements(tmp_path: Path) -> None:
    add_edition(tmp_path, "2025-03-13")
    add_edition(tmp_path, "2025-03-14")
    data = write_feed(tmp_path, "https://example.org/qm/").read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rss ')
    root = ET.fromstring(data)
    assert root.get("version") == "2.0"
    for prefix in ("itunes", "content", "podcast"):
        assert f'xmlns:{prefix}="{NAMESPACES[prefix]}"'.encode() in data
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("language") == "zh-cn"
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    category = channel.find(f"{ITUNES}category")
    assert category is not None and category.get("text") == "News"
    assert [c.get("text") for c in category] == ["Daily News"]
    image = channel.find(f"{ITUNES}image")
    assert image is not None and image.get("href") == "https://example.org/qm/cover.png"
    assert channel.findtext(f"{PODCAST}guid") == podcast_guid("https://example.org/qm/feed.xml")
    assert uuid.UUID(channel.findtext(f"{PODCAST}guid") or "").version == 5
    assert channel.findtext(f"{PODCAST}locked") == "yes"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["青梅日报 2025-03-14", "青梅日报 2025-03-13"]
    newest = items[0]
    enclosure = newest.find("enclosure")
    assert enclosure is not None
    assert enclosure.attrib == {
        "url": "https://example.org/qm/editions/2025-03-14/edition.mp3",  # a manifest of layout 2
        "length": "1000",
        "type": "audio/mpeg",
    }
    assert newest.findtext("pubDate") == "Thu, 13 Mar 2025 22:00:00 GMT"  # 06:00 in Shanghai
    owner = channel.find(f"{ITUNES}owner")
    assert owner is not None and owner.findtext(f"{ITUNES}name") == "青梅日报"
    assert channel.findtext(f"{ITUNES}author") == "青梅日报"
    assert newest.findtext(f"{ITUNES}duration") == "61"
    assert "00:00:00 开头和导读\n00:00:20 第一条\n00:00:40 第二条\n00:01:00 结束语" in (
        newest.findtext("description") or ""
    )
    chapters = newest.find(f"{PODCAST}chapters")
    assert chapters is not None and chapters.get("type") == "application/json+chapters"
    transcript = newest.find(f"{PODCAST}transcript")
    assert transcript is not None and transcript.get("type") == "text/vtt"

    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    assert len(parsed.entries) == 2
    podcast = podcastparser.parse("https://example.org/qm/feed.xml", io.BytesIO(data))
    guids = [episode["guid"] for episode in podcast["episodes"]]
    assert len(set(guids)) == 2
    for episode in podcast["episodes"]:
        (enclosure_seen,) = episode["enclosures"]
        assert enclosure_seen["mime_type"] == "audio/mpeg" and enclosure_seen["file_size"] == 1000
        assert episode["published"] > 0
        assert episode["total_time"] == 61


def test_incomplete_editions_stay_out_of_the_feed(tmp_path: Path) -> None:
    add_edition(tmp_path, "2025-03-14")
    add_edition(tmp_path, "2025-03-15", mp3=False)
    (tmp_path / "editions" / ".2025-03-16.abc.staging").mkdir()
    broken = tmp_path / "editions" / "2025-03-17"
    broken.mkdir()
    (broken / "edition.json").write_text("{not json", encoding="utf-8")
    assert [e.manifest.date.isoformat() for e in read_published(tmp_path)] == ["2025-03-14"]


def test_rebuilding_keeps_guids(tmp_path: Path) -> None:
    add_edition(tmp_path, "2025-03-14")
    first = ET.fromstring(write_feed(tmp_path, "https://a.example/").read_bytes())
    second = ET.fromstring(write_feed(tmp_path, "https://b.example/news/").read_bytes())
    assert first.findtext("channel/item/guid") == second.findtext("channel/item/guid")
    podcast_guids = {x.findtext(f"channel/{PODCAST}guid") for x in (first, second)}
    assert podcast_guids == {podcast_guid("https://a.example/feed.xml")}  # made once, kept in show.json
    assert json.loads((tmp_path / "show.json").read_text())["podcast_guid"] == podcast_guids.pop()


@pytest.mark.parametrize(
    ("published", "hour", "zone", "expected"),
    [("2025-03-20T09:00:00+00:00", 6, "Asia/Shanghai", "Thu, 13 Mar 2025 22:00:00 GMT"),  # back issue
     ("2025-03-13T21:30:00+00:00", 6, "Asia/Shanghai", "Thu, 13 Mar 2025 21:30:00 GMT"),  # before 06:00
     ("2025-03-20T09:00:00+00:00", 7, "Europe/Berlin", "Fri, 14 Mar 2025 06:00:00 GMT")],
)  # fmt: skip
def test_pub_date_is_the_papers_morning(
    tmp_path: Path, published: str, hour: int, zone: str, expected: str
) -> None:
    directory = add_edition(tmp_path, "2025-03-14")
    manifest = json.loads((directory / "edition.json").read_text(encoding="utf-8"))
    (directory / "edition.json").write_text(json.dumps(manifest | {"published": published}), encoding="utf-8")
    update_show(tmp_path, "https://a.example/", publish_hour=hour, time_zone=zone)
    root = ET.fromstring(write_feed(tmp_path, "https://a.example/").read_bytes())
    assert root.findtext("channel/item/pubDate") == expected


def test_owner_and_author_are_configurable(tmp_path: Path) -> None:
    add_edition(tmp_path, "2025-03-14")
    update_show(
        tmp_path,
        "https://a.example/",
        author="青梅日报社",
        owner_name="新媒体部",
        owner_email="audio@example.org",
    )
    channel = ET.fromstring(write_feed(tmp_path, "https://a.example/").read_bytes()).find("channel")
    assert channel is not None
    assert channel.findtext(f"{ITUNES}author") == "青梅日报社"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}name") == "新媒体部"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}email") == "audio@example.org"
    with pytest.raises(OptionError, match="time zone"):
        update_show(tmp_path, "https://a.example/", time_zone="Mars/Olympus")
    with pytest.raises(OptionError, match="0-23"):
        update_show(tmp_path, "https://a.example/", publish_hour=24)


def test_feed_escapes_hostile_titles(tmp_path: Path) -> None:
    title = '<script>alert(1)</script> & ]]> "引号"'
    add_edition(tmp_path, "2025-03-15", title=title)
    data = write_feed(tmp_path, "http://127.0.0.1:8000/").read_bytes()
    root = ET.fromstring(data)
    assert root.findtext("channel/item/title") == f"{title} 2025-03-15"
    assert b"<script>" not in data
    assert feedparser.parse(data).bozo == 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"author": 5}, "author in show.json must be text"),
        ({"author": ["a"]}, "author in show.json must be text"),
        ({"owner_name": {"x": 1}}, "owner_name in show.json must be text"),
        ({"author": "记者\x0b"}, "--author holds the control character"),
        ({"publish_hour": 6.5}, "publish_hour in show.json must be a whole hour"),
        ({"publish_hour": True}, "publish_hour in show.json must be a whole hour"),
        ({"publish_hour": 99}, "--publish-hour must be 0-23"),
        ({"time_zone": 8}, "time_zone in show.json must be text"),
        ({"podcast_guid": 1}, "lacks a podcast_guid"),
    ],
)
def test_a_hand_edited_show_file_is_refused_in_one_line(
    tmp_path: Path, settings: dict[str, Any], message: str
) -> None:
    from audiopaper.publish.show import load_show

    add_edition(tmp_path, "2025-03-14")
    write_feed(tmp_path, "https://example.org/")
    show = json.loads((tmp_path / "show.json").read_text(encoding="utf-8"))
    (tmp_path / "show.json").write_text(json.dumps(show | settings), encoding="utf-8")
    with pytest.raises(OptionError, match=message) as raised:
        load_show(tmp_path, "https://example.org/")
    assert "\n" not in str(raised.value)


def test_a_deeply_nested_show_file_is_one_line(tmp_path: Path) -> None:
    from audiopaper.publish.show import load_show

    (tmp_path / "show.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(OptionError, match="fix or delete it"):
        load_show(tmp_path, "https://example.org/")
