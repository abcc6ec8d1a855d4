"""The feed ``serve`` hands out: built once per change on disk, then rewritten per address.

Building the feed reads every edition's manifest (1.9 s and 6 MB on a 3,650-edition
archive), so doing it per request let twenty requests at once take the server down. It is
built once, for a host name no request can send (a random ``.invalid`` name), and each
request gets a copy with that name replaced by the address it reached, which is a validated
host of at most :data:`MAX_HOST_CHARS` characters, so a response is never much larger than
the feed. It is built again only when something a publish run changes on disk has changed:
``feed.xml``, ``show.json``, the output directory or ``editions/`` (every render and every
``feed`` rewrites feed.xml and installs editions by renaming into ``editions/``).
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from pathlib import Path

from audiopaper.errors import AudiopaperError
from audiopaper.publish.feed import FEED_NAME, build_feed
from audiopaper.publish.outdir import EDITIONS_DIR
from audiopaper.publish.show import SHOW_FILE

_LOGGER = logging.getLogger(__name__)

MAX_HOST_CHARS = 255
"""Longest Host header used in the feed's links (a DNS name's limit); longer ones are ignored."""

_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
"""A Host header that can stand in a URL (name or IPv4, or bracketed IPv6, and a port)."""

Fingerprint = tuple[tuple[int, int, int] | None, ...]
"""(inode, size, mtime in ns) of each watched path, None where it is absent."""


def usable_host(header: str | None) -> str | None:
    """The Host header if it can stand in the feed's links, else None."""
    if not header or len(header) > MAX_HOST_CHARS or not _HOST.match(header):
        return None
    return header


class ServedFeed:
    """The feed of one output directory, rebuilt only when the directory changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._placeholder = f"audiopaper-{secrets.token_hex(8)}.invalid".encode()
        self._lock = threading.Lock()
        self._fingerprint: Fingerprint | None = None
        self._body: bytes | None = None
        self.builds = 0
        """How many times the feed was built (tests check it is once per change)."""

    def _watched(self) -> list[Path]:
        return [self.root, self.root / EDITIONS_DIR, self.root / FEED_NAME, self.root / SHOW_FILE]

    def fingerprint(self) -> Fingerprint:
        """What the watched paths look like now."""
        marks: list[tuple[int, int, int] | None] = []
        for path in self._watched():
            try:
                status = path.stat()
            except OSError:
                marks.append(None)
                continue
            marks.append((status.st_ino, status.st_size, status.st_mtime_ns))
        return tuple(marks)

    def for_host(self, host: str) -> bytes | None:
        """The feed with links to ``http://host/``, or None to serve feed.xml as written."""
        if not (self.root / SHOW_FILE).is_file():
            return None  # no kept podcast:guid: the feed as written carries the right one
        with self._lock:  # one build at a time; requests arriving meanwhile reuse it
            now = self.fingerprint()
            if now != self._fingerprint:
                self._body = self._build()
                self._fingerprint = now
            body = self._body
        return None if body is None else body.replace(self._placeholder, host.encode("ascii"))

    def _build(self) -> bytes | None:
        self.builds += 1
        try:
            return build_feed(self.root, f"http://{self._placeholder.decode()}/")
        except (AudiopaperError, OSError) as error:
            _LOGGER.warning("serving feed.xml as written: %s", error)
            return None
