"""Tests for audiopaper.publish.served_feed: built once per change on disk, rewritten per host."""

from __future__ import annotations

import shutil
import threading
import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest

from audiopaper.publish.feed import write_feed
from audiopaper.publish.outdir import install_edition
from audiopaper.publish.served_feed import ServedFeed, usable_host
from tests.publish.test_feed import add_edition
from tests.publish.test_serve import request, start_serve_process


@pytest.mark.parametrize(
    ("header", "expected"),
    [("192.168.1.5:8000", "192.168.1.5:8000"), ("[::1]:80", "[::1]:80"), ("example.org", "example.org"),
     (None, None), ("", None), ('evil"><x', None), ("a b", None), ("h" * 256, None), ("h" * 255, "h" * 255)],
)  # fmt: skip
def test_usable_host(header: str | None, expected: str | None) -> None:
    assert usable_host(header) == expected


def enclosure_urls(body: bytes) -> list[str]:
    return [e.get("url", "") for e in ET.fromstring(body).iter("enclosure")]


def test_built_once_per_change_on_disk(tmp_path: Path) -> None:
    add_edition(tmp_path, "2025-03-13")
    write_feed(tmp_path, "http://127.0.0.1:8000/")
    feed = ServedFeed(tmp_path)
    first = feed.for_host("10.0.0.2:8000")
    assert first is not None and enclosure_urls(first) == [
        "http://10.0.0.2:8000/editions/2025-03-13/edition.mp3"
    ]
    second = feed.for_host("example.org")
    assert second is not None and enclosure_urls(second) == [
        "http://example.org/editions/2025-03-13/edition.mp3"
    ]
    assert feed.builds == 1
    add_edition(tmp_path, "2025-03-14")  # a new edition directory under editions/
    third = feed.for_host("example.org")
    assert third is not None and len(enclosure_urls(third)) == 2 and feed.builds == 2
    (tmp_path / "feed.xml").write_bytes(b"<rss/>\n")  # feed.xml rewritten by a feed run
    assert feed.for_host("example.org") == third and feed.builds == 3


def test_an_edition_replaced_or_removed_under_it_is_served_as_on_disk(tmp_path: Path) -> None:
    """A render installs by renames into editions/ before it rewrites feed.xml: serve must not
    hand out the replaced edition's length (or a removed one) meanwhile."""
    add_edition(tmp_path, "2025-03-13")
    add_edition(tmp_path, "2025-03-14")
    write_feed(tmp_path, "http://127.0.0.1:8000/")
    feed = ServedFeed(tmp_path)
    assert feed.for_host("example.org") is not None
    staging = add_edition(tmp_path / "staging", "2025-03-14")
    (staging / "edition.mp3").write_bytes(b"\xff\xfb\x90\x00" * 500)
    install_edition(staging, tmp_path, date(2025, 3, 14))
    body = feed.for_host("example.org")
    assert body is not None
    lengths = {
        e.get("url", "").split("/")[-2]: e.get("length") for e in ET.fromstring(body).iter("enclosure")
    }
    assert lengths == {"2025-03-13": "1000", "2025-03-14": "2000"}
    shutil.rmtree(tmp_path / "editions" / "2025-03-13")
    body = feed.for_host("example.org")
    assert body is not None and enclosure_urls(body) == ["http://example.org/editions/2025-03-14/edition.mp3"]


def test_requests_arriving_together_share_one_build(tmp_path: Path) -> None:
    add_edition(tmp_path, "2025-03-13")
    write_feed(tmp_path, "http://127.0.0.1:8000/")
    feed = ServedFeed(tmp_path)
    bodies: list[bytes | None] = []
    threads = [
        threading.Thread(target=lambda: bodies.append(feed.for_host("example.org"))) for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert feed.builds == 1 and len(set(bodies)) == 1 and bodies[0] is not None


def test_without_show_settings_the_feed_as_written_is_served(tmp_path: Path) -> None:
    add_edition(tmp_path, "2025-03-13")
    write_feed(tmp_path, "http://127.0.0.1:8000/")
    (tmp_path / "show.json").unlink()
    assert ServedFeed(tmp_path).for_host("example.org") is None


@pytest.mark.slow
def test_feed_of_a_3650_edition_archive_answers_in_under_0_1_s_after_the_first(tmp_path: Path) -> None:
    root = tmp_path / "out"
    first_day = date(2016, 1, 1)
    for offset in range(3650):
        add_edition(root, (first_day + timedelta(days=offset)).isoformat())
    write_feed(root, "http://127.0.0.1:8000/")
    process, port = start_serve_process(root)
    served = ("127.0.0.1", port, root)
    try:
        response, body = request(served, "GET", "/feed.xml")  # the one build
        assert response.status == 200 and body.count(b"<item>") == 3650
        for host in ("127.0.0.1", "192.168.1.5:8000", "example.org"):
            started = time.monotonic()
            response, body = request(served, "GET", "/feed.xml", {"Host": host})
            elapsed = time.monotonic() - started
            assert response.status == 200 and body.count(b"<item>") == 3650
            assert f"http://{host}/editions/2025-12-28/".encode() in body
            assert elapsed < 0.1, f"{elapsed:.3f} s"
    finally:
        process.terminate()
        process.wait(timeout=10)
