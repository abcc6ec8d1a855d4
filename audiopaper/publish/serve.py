"""Serve ``out/`` to podcast apps and browsers on a network the user controls.

Python's ``http.server`` has no byte ranges (cpython #86809), which podcast apps need to
seek and resume, so this small handler adds them: HEAD, single byte ranges (206), 416 for
unsatisfiable ranges, content types for every file the publish stage writes, CORS on
transcripts and chapters, and no way out of the served directory (``..``, encoded
variants, absolute paths, symlinks pointing outside). For the internet, publish ``out/``
to any static host instead and render with ``--base-url``.

``/feed.xml`` is built afresh for the address the request was made to (its Host header),
so a phone on the home network that reaches the server at 192.168.1.5:8000 gets episode
links to 192.168.1.5:8000, whatever ``--base-url`` the feed on disk was written for. The
podcast:guid stays the one kept in show.json; the file on disk is not changed.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from audiopaper.errors import AudiopaperError
from audiopaper.publish.feed import build_feed

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

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
"""A Host header that can stand in a URL (name or IPv4, or bracketed IPv6, and a port)."""

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
    path = unquote(urlsplit(url_path).path, errors="strict")
    if "\x00" in path or "\\" in path:
        return None
    normalized = posixpath.normpath("/" + path.lstrip("/"))
    if any(part.startswith(".") for part in normalized.split("/") if part):
        return None  # "..", and hidden files: the lock, held and scheduled editions in .pending/
    candidate = (root / normalized.lstrip("/")).resolve()
    try:
        candidate.relative_to(root)
    except ValueError:
        return None  # a symlink or trick that leads out of root
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


class OutHandler(BaseHTTPRequestHandler):
    """Serves one directory, read-only, with byte ranges."""

    server_version = "audiopaper"
    root: Path = Path("out")

    def log_message(self, format: str, *args: Any) -> None:
        _LOGGER.info("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _feed_for_host(self) -> bytes | None:
        """The feed with links to the address this request reached, or None to serve the file."""
        host = self.headers.get("Host") or ""
        address = self.server.server_address
        if not _HOST.match(host):
            host = f"{address[0]}:{address[1]}" if isinstance(address, tuple) else "127.0.0.1"
        try:
            return build_feed(self.root, f"http://{host}/")
        except (AudiopaperError, OSError) as error:
            _LOGGER.warning("serving feed.xml as written: %s", error)
            return None

    def _serve(self, *, send_body: bool) -> None:
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
        try:
            path = resolve(self.root, self.path)
        except UnicodeDecodeError:
            path = None
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        try:
            handle = path.open("rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        with handle:
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
            except (BrokenPipeError, ConnectionResetError):
                _LOGGER.debug("client went away during %s", self.path)

    def _common_headers(self, path: Path) -> None:
        self.send_header("Content-Type", CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("X-Content-Type-Options", "nosniff")
        if path.suffix.lower() in CORS_SUFFIXES:
            self.send_header("Access-Control-Allow-Origin", "*")
        if path.name in ("feed.xml", "index.html"):
            self.send_header("Cache-Control", "no-cache")


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A threaded server for ``root`` (not yet serving; call ``serve_forever``)."""
    resolved = root.resolve()

    class Handler(OutHandler):
        pass

    Handler.root = resolved
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
