"""Serve ``out/`` to podcast apps and browsers on a network the user controls.

Python's ``http.server`` has no byte ranges (cpython #86809), which podcast apps need to
seek and resume, so this small handler adds them: HEAD, single byte ranges (206), 416 for
unsatisfiable ranges, content types for every file the publish stage writes, CORS on
transcripts and chapters, and no way out of the served directory (``..``, encoded
variants, absolute paths, symlinks pointing outside). For the internet, publish ``out/``
to any static host instead and render with ``--base-url``.

``/feed.xml`` is served rewritten for the address the request was made to (its Host
header), so a phone on the home network that reaches the server at 192.168.1.5:8000 gets
episode links to 192.168.1.5:8000, whatever ``--base-url`` the feed on disk was written
for; it is built once per change on disk (:mod:`audiopaper.publish.served_feed`).

Nothing a client sends costs more than the limits below (docs/reliability.md): the request
line and headers are read with a size bound, at most one range is honoured, a connection
waiting for its request is closed after :data:`IDLE_TIMEOUT_S` and is the first to go when
:data:`MAX_CONNECTIONS` are open, so idle sockets never lock listeners out. Every 4xx/5xx
answer and every log line about a bad request is one line.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import posixpath
import re
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from audiopaper.publish.served_feed import ServedFeed, usable_host

_LOGGER = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".xml": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".m3u": "audio/x-mpegurl; charset=utf-8",
}
"""Content-Type by file suffix; anything else is application/octet-stream."""

CORS_SUFFIXES = frozenset({".vtt", ".json", ".xml", ".mp3"})
"""Files web players fetch across origins (transcripts, chapters, feed, audio)."""

CHUNK_BYTES = 64 * 1024
"""Bytes sent per write."""

MAX_RANGE_DIGITS = 18
"""Digits in a range bound (a larger number is no file size); a longer Range is ignored."""

_RANGE = re.compile(rf"^bytes=(\d{{0,{MAX_RANGE_DIGITS}}})-(\d{{0,{MAX_RANGE_DIGITS}}})$")

MAX_REQUEST_LINE_BYTES = 4096
"""Longest request line (method, path, version); longer is answered 414."""

MAX_PATH_CHARS = 2048
"""Longest request path; longer is answered 414 (no file the publish stage writes is near it)."""

MAX_HEADER_BYTES = 16 * 1024
"""Most bytes of headers in one request; more is answered 431."""

MAX_CONNECTIONS = 64
"""Connections open at once; past it the oldest one still waiting for its request is closed."""

IDLE_TIMEOUT_S = 15.0
"""Seconds a socket may stay silent (before its request, or while sending to it) before it is closed."""

FEED_PATH = "/feed.xml"
"""The feed's path: served rewritten for the address it is reached at."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """Parse a Range header against a file of ``size`` bytes.

    Returns ``(first, last)`` inclusive for a satisfiable single range, ``None`` to send
    the whole file (no header, a malformed one, or several ranges: RFC 9110 lets a server
    ignore those), or ``"unsatisfiable"`` for a range wholly past the end (416).
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first_text, last_text = match.groups()
    if not first_text:  # suffix range: the last N bytes
        length = int(last_text)
        if length == 0:
            return "unsatisfiable"
        return (max(0, size - length), size - 1) if size else "unsatisfiable"
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        return "unsatisfiable"
    return first, min(last, size - 1)


def resolve(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` that ``url_path`` names, or None if it is outside or absent."""
    try:
        path = unquote(urlsplit(url_path).path, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    if "\x00" in path or "\\" in path:
        return None
    normalized = posixpath.normpath("/" + path.lstrip("/"))
    if any(part.startswith(".") for part in normalized.split("/") if part):
        return None  # "..", and hidden files: the lock, held and scheduled editions in .pending/
    try:
        candidate = (root / normalized.lstrip("/")).resolve()
        candidate.relative_to(root)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None
    except (OSError, ValueError):  # a name too long, a loop, or a symlink leading out of root
        return None


class _HeadTooLarge(Exception):
    """The request line or the headers passed their bound (the HTTP status says which)."""

    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status.phrase)
        self.status = status


class OutHandler(BaseHTTPRequestHandler):
    """Serves one directory, read-only, with byte ranges."""

    server_version = "audiopaper"
    default_request_version = "HTTP/1.0"  # so a malformed request's 400 has a status line (0.9 has none)
    timeout = IDLE_TIMEOUT_S
    error_message_format = "%(code)d %(message)s\n"
    error_content_type = "text/plain; charset=utf-8"
    root: Path = Path("out")
    feed: ServedFeed
    server: OutServer

    def log_message(self, format: str, *args: Any) -> None:
        message = format % args
        _LOGGER.info("%s %s", self.address_string(), message[:200].encode("unicode_escape").decode("ascii"))

    def handle_one_request(self) -> None:
        """Read the request line and headers within their bounds, then answer as usual."""
        self.server.mark_idle(self.connection)
        try:
            head = self._read_head()
        except _HeadTooLarge as error:
            self.requestline, self.request_version, self.command = "", "HTTP/1.1", ""
            self.send_error(error.status)
            self.close_connection = True
            return
        except OSError:  # a timeout, a reset, or closed to make room for another listener
            self.close_connection = True
            return
        finally:
            self.server.mark_busy(self.connection)
        if not head:
            self.close_connection = True
            return
        socket_file = self.rfile
        self.rfile = io.BytesIO(head)  # GET and HEAD have no body: the head is all there is to read
        try:
            super().handle_one_request()
        finally:
            self.rfile = socket_file

    def _read_head(self) -> bytes:
        """The request line and header lines up to the blank line ending them (b"" at EOF)."""
        line = self.rfile.readline(MAX_REQUEST_LINE_BYTES + 1)
        if len(line) > MAX_REQUEST_LINE_BYTES:
            raise _HeadTooLarge(HTTPStatus.REQUEST_URI_TOO_LONG)
        head = [line]
        size = 0
        while line and line not in (b"\r\n", b"\n"):
            line = self.rfile.readline(MAX_HEADER_BYTES - size + 1)
            size += len(line)
            if size > MAX_HEADER_BYTES:
                raise _HeadTooLarge(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
            head.append(line)
        return b"".join(head)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _feed_for_host(self) -> bytes | None:
        """The feed with links to the address this request reached, or None to serve the file."""
        host = usable_host(self.headers.get("Host"))
        if host is None:
            name, port = self.server.server_address[:2]
            host = f"{name!s}:{port}"
        return self.feed.for_host(host)

    def _serve(self, *, send_body: bool) -> None:
        if len(self.path) > MAX_PATH_CHARS:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return
        if urlsplit(self.path).path == FEED_PATH and (self.root / FEED_PATH[1:]).is_file():
            body = self._feed_for_host()
            if body is not None:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Length", str(len(body)))
                self._common_headers(self.root / FEED_PATH[1:])
                self.end_headers()
                if send_body:
                    self.wfile.write(body)
                return
        path = resolve(self.root, self.path)
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        try:
            handle = path.open("rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        with handle:
            self._send_file(handle, path, send_body=send_body)

    def _send_file(self, handle: io.BufferedReader, path: Path, *, send_body: bool) -> None:
        """The whole file or the one range asked for (206), or 416 for a range past its end."""
        size = os.fstat(handle.fileno()).st_size
        wanted = parse_range(self.headers.get("Range"), size)
        if wanted == "unsatisfiable":
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self._common_headers(path)
            self.end_headers()
            return
        if isinstance(wanted, tuple):
            first, last = wanted
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        else:
            first, last = 0, size - 1
            self.send_response(HTTPStatus.OK)
        length = last - first + 1 if size else 0
        self.send_header("Content-Length", str(length))
        self._common_headers(path)
        self.end_headers()
        if not send_body:
            return
        handle.seek(first)
        remaining = length
        try:
            while remaining > 0:
                chunk = handle.read(min(CHUNK_BYTES, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)
        except OSError:  # the client went away or stopped reading for IDLE_TIMEOUT_S
            _LOGGER.debug("client went away during %s", self.path[:200])
            self.close_connection = True

    def _common_headers(self, path: Path) -> None:
        self.send_header("Content-Type", CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("X-Content-Type-Options", "nosniff")
        if path.suffix.lower() in CORS_SUFFIXES:
            self.send_header("Access-Control-Allow-Origin", "*")
        if path.name in ("feed.xml", "index.html"):
            self.send_header("Cache-Control", "no-cache")


BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 25\r\nRetry-After: 5\r\nConnection: close\r\n\r\n503 too many connections\n"
)
"""Sent to a connection arriving when MAX_CONNECTIONS are open and none is idle."""


class OutServer(ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS of them, idle ones closed first.

    socketserver has no bound on connections (each costs a thread and a socket), so the
    bookkeeping is here: which sockets are open, and since when each has been waiting for
    its next request.
    """

    daemon_threads = True
    request_queue_size = 128  # the kernel's backlog of connections not yet accepted

    def __init__(self, address: tuple[str, int], handler: type[OutHandler]) -> None:
        super().__init__(address, handler)
        self._guard = threading.Lock()
        self._open: set[socket.socket] = set()
        self._idle: dict[socket.socket, float] = {}
        """Open sockets waiting for a request line, with when they started waiting (monotonic s)."""

    def mark_idle(self, connection: socket.socket) -> None:
        """The connection now waits for a request: the first to close when room is needed."""
        with self._guard:
            if connection in self._open:
                self._idle[connection] = time.monotonic()

    def mark_busy(self, connection: socket.socket) -> None:
        """The connection's request has been read: it is answered, not closed for room."""
        with self._guard:
            self._idle.pop(connection, None)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._guard:
            if len(self._open) >= MAX_CONNECTIONS and self._idle:
                oldest = min(self._idle, key=self._idle.__getitem__)
                self._open.discard(oldest)
                del self._idle[oldest]
                _close_for_room(oldest)
            admitted = len(self._open) < MAX_CONNECTIONS
            if admitted:
                self._open.add(request)
        if not admitted:
            _LOGGER.warning("refused a connection: %d are open and busy (MAX_CONNECTIONS)", MAX_CONNECTIONS)
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(BUSY_RESPONSE)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._guard:
            self._open.discard(request)
            self._idle.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One log line for a request that failed, never a traceback."""
        error = sys.exc_info()[1]
        _LOGGER.warning("%s: request failed: %s", client_address[0], str(error)[:200])


def _close_for_room(connection: socket.socket) -> None:
    """Wake the thread reading ``connection`` with an end of file, so it closes it."""
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000) -> OutServer:
    """A threaded server for ``root`` (not yet serving; call ``serve_forever``)."""
    resolved = root.resolve()

    class Handler(OutHandler):
        pass

    Handler.root = resolved
    Handler.feed = ServedFeed(resolved)
    return OutServer((host, port), Handler)
