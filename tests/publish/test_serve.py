"""Tests for audiopaper.publish.serve on loopback: HEAD, ranges, types, CORS, no path escapes."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from audiopaper.publish.serve import make_server, parse_range
from tests.conftest import serve_in_background

BODY = bytes(range(256)) * 40  # 10240 bytes


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    root = tmp_path / "out"
    (root / "editions" / "2025-03-14").mkdir(parents=True)
    (root / "editions" / "2025-03-14" / "edition.mp3").write_bytes(BODY)
    (root / "editions" / "2025-03-14" / "transcript.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (root / "feed.xml").write_text("<rss/>", encoding="utf-8")
    (root / "index.html").write_text("<h1>hi</h1>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (root / "escape").symlink_to(tmp_path / "secret.txt")
    server = make_server(root, "127.0.0.1", 0)
    serve_in_background(server)
    yield "127.0.0.1", server.server_address[1], root
    server.shutdown()
    server.server_close()


def request(served: tuple[str, int, Path], method: str, path: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    host, port, _ = served
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-10", (990, 999)),
        ("bytes=990-5000", (990, 999)),
        ("bytes=1000-", "unsatisfiable"),
        ("bytes=-0", "unsatisfiable"),
        ("bytes=5-2", None),
        ("bytes=0-1,5-6", None),
        ("items=0-5", None),
        ("bytes=abc", None),
    ],
)
def test_parse_range(header: str | None, expected: object) -> None:
    assert parse_range(header, 1000) == expected


def test_get_head_and_types(served: tuple[str, int, Path]) -> None:
    response, body = request(served, "GET", "/editions/2025-03-14/edition.mp3")
    assert response.status == 200 and body == BODY
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert response.getheader("Accept-Ranges") == "bytes"
    response, body = request(served, "HEAD", "/editions/2025-03-14/edition.mp3")
    assert response.status == 200 and body == b""
    assert response.getheader("Content-Length") == str(len(BODY))
    response, _ = request(served, "GET", "/feed.xml")
    assert response.getheader("Content-Type") == "application/rss+xml; charset=utf-8"
    response, _ = request(served, "GET", "/editions/2025-03-14/transcript.vtt")
    assert response.getheader("Content-Type") == "text/vtt; charset=utf-8"
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    response, body = request(served, "GET", "/")
    assert response.status == 200 and body == b"<h1>hi</h1>"


def test_byte_ranges(served: tuple[str, int, Path]) -> None:
    response, body = request(served, "GET", "/editions/2025-03-14/edition.mp3", {"Range": "bytes=100-199"})
    assert response.status == 206 and body == BODY[100:200]
    assert response.getheader("Content-Range") == f"bytes 100-199/{len(BODY)}"
    response, body = request(served, "GET", "/editions/2025-03-14/edition.mp3", {"Range": "bytes=-16"})
    assert response.status == 206 and body == BODY[-16:]
    response, body = request(served, "GET", "/editions/2025-03-14/edition.mp3", {"Range": "bytes=99999-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{len(BODY)}"
    response, body = request(served, "GET", "/editions/2025-03-14/edition.mp3", {"Range": "bytes=nonsense"})
    assert response.status == 200 and body == BODY


@pytest.mark.parametrize(
    "path",
    ["/../secret.txt", "/%2e%2e/secret.txt", "/editions/%2E%2E/%2E%2E/secret.txt", "//etc/passwd",
     "/escape", "/editions/..%2f..%2fsecret.txt", "/%00", "/nothing-here.mp3", "/..\\secret.txt"],
)  # fmt: skip
def test_no_path_escapes(served: tuple[str, int, Path], path: str) -> None:
    response, body = request(served, "GET", path)
    assert response.status == 404
    assert b"secret" not in body


def test_feed_is_rewritten_for_the_address_it_is_reached_at(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from audiopaper.publish.feed import NAMESPACES, write_feed
    from tests.publish.test_feed import add_edition

    root = tmp_path / "out"
    add_edition(root, "2025-03-14")
    write_feed(root, "http://127.0.0.1:8000/")
    server = make_server(root, "127.0.0.1", 0)
    serve_in_background(server)
    try:
        served = ("127.0.0.1", server.server_address[1], root)
        response, body = request(served, "GET", "/feed.xml", {"Host": "192.168.1.5:8123"})
        assert response.status == 200 and response.getheader("Content-Type").startswith("application/rss+xml")
        assert int(response.getheader("Content-Length")) == len(body)
        feed = ET.fromstring(body)
        enclosure = feed.find("channel/item/enclosure")
        assert enclosure is not None
        assert enclosure.get("url") == "http://192.168.1.5:8123/editions/2025-03-14/edition.mp3"
        on_disk = ET.fromstring((root / "feed.xml").read_bytes())
        guid = "{" + NAMESPACES["podcast"] + "}guid"
        assert feed.findtext(f"channel/{guid}") == on_disk.findtext(f"channel/{guid}")
        response, body = request(served, "GET", "/feed.xml", {"Host": 'evil"><x'})
        assert b"evil" not in body and f"127.0.0.1:{served[1]}".encode() in body
        response, body = request(served, "HEAD", "/feed.xml")
        assert response.status == 200 and body == b""
    finally:
        server.shutdown()
        server.server_close()
