"""Tests for audiopaper.publish.serve on loopback: HEAD, ranges, types, CORS, no path escapes."""

from __future__ import annotations

import http.client
import re
import resource
import socket
import subprocess
import sys
import time
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


def raw_exchange(served: tuple[str, int, Path], data: bytes) -> bytes:
    """Send ``data`` as it is and read the answer until the server closes."""
    host, port, _ = served
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def error_body(answer: bytes) -> bytes:
    return answer.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),  # 10 KB request line
        (b"GET /" + b"a" * 3_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),  # path over MAX_PATH_CHARS
        (b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"b" * 20_000 + b"\r\n\r\n", b"431"),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(3000)) + b"\r\n", b"431"),
        (b"GET /nothing.mp3 HTTP/1.1\r\nHost: x\r\n\r\n", b"404"),
        (b"BREW / HTTP/1.1\r\n\r\n", b"501"),
        (b"GET / NOTHTTP/1.1\r\n\r\n", b"400"),
    ],
    ids=["request-line", "path", "header", "header-count", "missing", "method", "malformed"],
)
def test_bad_requests_get_one_line_and_no_traceback(
    served: tuple[str, int, Path], request_bytes: bytes, status: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    answer = raw_exchange(served, request_bytes)
    assert answer.split(b" ")[1] == status
    body = error_body(answer)
    assert body.startswith(status + b" ") and body.count(b"\n") == 1 and len(body) < 100
    assert "Traceback" not in caplog.text
    response, body = request(served, "GET", "/index.html")  # still serving
    assert response.status == 200


@pytest.mark.parametrize(
    "header", ["bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=" + ",".join(["0-1"] * 2000)]
)
def test_huge_ranges_are_ignored(
    served: tuple[str, int, Path], header: str, caplog: pytest.LogCaptureFixture
) -> None:
    response, body = request(served, "GET", "/editions/2025-03-14/edition.mp3", {"Range": header})
    assert response.status == 200 and body == BODY
    assert "Traceback" not in caplog.text


def test_a_huge_host_header_is_not_put_in_the_feed(tmp_path: Path) -> None:
    from audiopaper.publish.feed import write_feed
    from tests.publish.test_feed import add_edition

    root = tmp_path / "out"
    for day in ("2025-03-13", "2025-03-14"):
        add_edition(root, day)
    write_feed(root, "http://127.0.0.1:8000/")
    server = make_server(root, "127.0.0.1", 0)
    serve_in_background(server)
    try:
        served = ("127.0.0.1", server.server_address[1], root)
        _, normal = request(served, "GET", "/feed.xml")
        response, body = request(served, "GET", "/feed.xml", {"Host": "h" * 10_000})
        assert response.status == 200 and b"hhhh" not in body
        assert len(body) < len(normal) + 100
    finally:
        server.shutdown()
        server.server_close()


def test_a_connection_arriving_when_all_are_busy_gets_a_503_line(
    served: tuple[str, int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import audiopaper.publish.serve as serve

    host, port, root = served
    (root / "big.mp3").write_bytes(bytes(48 * 1024 * 1024))  # more than the sockets' buffers hold
    monkeypatch.setattr(serve, "MAX_CONNECTIONS", 2)
    held = []
    try:
        for _ in range(2):  # asked for the big file and never read it: busy sending, not idle
            connection = socket.create_connection((host, port), timeout=5)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            connection.sendall(b"GET /big.mp3 HTTP/1.0\r\n\r\n")
            held.append(connection)
        time.sleep(0.5)
        answer = raw_exchange(served, b"GET / HTTP/1.0\r\n\r\n")
        assert answer.split(b" ")[1] == b"503" and error_body(answer) == b"503 too many connections\n"
    finally:
        for connection in held:
            connection.close()
    time.sleep(0.3)
    response, _ = request(served, "GET", "/index.html")
    assert response.status == 200


def _usual_file_limit() -> None:
    """The soft limit most systems give a process: 1,024 open files."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


def start_serve_process(root: Path) -> tuple[subprocess.Popen[str], int]:
    """``audiopaper serve`` in its own process (its sockets and threads are not ours), and its port.

    It runs with the usual limit of 1,024 open files, so idle sockets can exhaust it.
    """
    with socket.socket() as probe:  # a free port (serve refuses port 0)
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "audiopaper.cli", "serve", "--out", str(root), "--port", str(free)],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_usual_file_limit,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, line
    return process, int(match.group(1))


@pytest.mark.slow
def test_1024_idle_connections_leave_the_feed_and_ranges_answered(tmp_path: Path) -> None:
    from audiopaper.publish.feed import write_feed
    from tests.publish.test_feed import add_edition

    root = tmp_path / "out"
    add_edition(root, "2025-03-14")
    write_feed(root, "http://127.0.0.1:8000/")
    process, port = start_serve_process(root)
    served = ("127.0.0.1", port, root)
    idle = []
    try:
        for number in range(1024):  # connected, then half a request line or nothing at all
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            if number % 2:
                connection.sendall(b"GET /feed.xml HT")
            idle.append(connection)
        started = time.monotonic()
        response, body = request(served, "GET", "/feed.xml")
        assert response.status == 200 and b"<rss" in body
        response, body = request(served, "GET", "/editions/2025-03-14/edition.mp3", {"Range": "bytes=4-11"})
        assert response.status == 206 and body == (b"\xff\xfb\x90\x00" * 2)
        assert time.monotonic() - started < 2.0
    finally:
        for connection in idle:
            connection.close()
        process.terminate()
        process.wait(timeout=10)
