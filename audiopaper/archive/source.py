"""An archive's source directory: one entry per date, read into bytes that travel with a task.

SOURCE holds a ``YYYY-MM-DD/`` folder of that day's pages (taken in name order) or a single
``YYYY-MM-DD.<ext>`` page per date. Scanning only lists names; the pages' bytes are read
when their date is about to be sent to a worker, so a ten-year archive is never all in memory.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from audiopaper.errors import InputError, OptionError
from audiopaper.text.ingest import MAX_PAGE_BYTES

_DATE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")
"""A date as entries are named: YYYY-MM-DD."""

READY_FILE = "READY"
"""A date folder's marker that its pages are complete (``watch`` renders it at once); never a page."""

RECORDINGS_DIR = "recordings"
"""A date folder's sub-folder of recorded pieces (``03.mp3`` stands in for article 3); not pages."""

HASH_SCHEME = "audiopaper-archive-v1"
"""Changes whenever what goes into :func:`source_hash` changes, so older hashes never match."""


@dataclass(frozen=True)
class PageFile:
    """One page as it travels to a worker: its name and its bytes, never a path."""

    name: str
    """Its path relative to SOURCE (``2025-03-14/01.md``): messages name it, its suffix hints the form."""

    data: bytes
    """The file's bytes, undecoded."""

    @property
    def suffix(self) -> str:
        """The extension (with its dot), a hint for the form."""
        return Path(self.name).suffix


@dataclass(frozen=True)
class DatedEntry:
    """One date of the archive and where its pages are."""

    day: date
    """The edition's date."""

    pages: tuple[Path, ...]
    """Its page files, in the order they are read."""

    def read(self, source: Path) -> tuple[PageFile, ...]:
        """The pages' bytes; InputError (one line) when one is missing, too large or unreadable."""
        read: list[PageFile] = []
        for path in self.pages:
            name = path.relative_to(source).as_posix()
            try:
                size = path.stat().st_size
                if size > MAX_PAGE_BYTES:
                    raise InputError(f"{name}: {size} bytes is too large for a page (limit {MAX_PAGE_BYTES})")
                read.append(PageFile(name, path.read_bytes()))
            except OSError as error:
                raise InputError(f"{name}: cannot read the page ({error.strerror})") from error
        return tuple(read)


@dataclass(frozen=True)
class SourceScan:
    """What SOURCE holds between the dates asked for."""

    entries: tuple[DatedEntry, ...]
    """Dates to publish, oldest first."""

    failed: tuple[tuple[date | None, str], ...]
    """Dated entries that cannot be published (date or None, one line saying why and what to do)."""

    ignored: tuple[str, ...]
    """Entries that are not dated pages, one line each."""


def recording_files(folder: Path) -> tuple[Path, ...]:
    """The recorded pieces in ``folder``'s recordings/ (name order; hidden files left out)."""
    directory = folder / RECORDINGS_DIR
    if not directory.is_dir():
        return ()
    return tuple(sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")))


def parse_day(value: str | None, option: str) -> date | None:
    """A --since/--until value as a date (None when not given)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise OptionError(f"{option} {value!r} is not a date; use YYYY-MM-DD") from error


def _page_files(folder: Path, ignored: list[str]) -> tuple[Path, ...]:
    pages = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or path.name in (READY_FILE, RECORDINGS_DIR):
            continue
        if path.is_file():
            pages.append(path)
        else:
            ignored.append(
                f"ignored {folder.name}/{path.name}: only page files are read inside a date's folder"
            )
    return tuple(pages)


def _entry_day(path: Path) -> str | None:
    """The date part of a dated entry's name, or None when it is not named by a date."""
    stem = path.name if path.is_dir() else path.name.split(".", 1)[0]
    if not _DATE_NAME.match(stem) or (path.is_file() and "." not in path.name):
        return None
    return stem


def scan_source(source: Path, since: date | None = None, until: date | None = None) -> SourceScan:
    """List SOURCE's dated entries between ``since`` and ``until`` (inclusive)."""
    if not source.is_dir():
        raise OptionError(f"{source} is not a directory; give a folder of YYYY-MM-DD/ folders or pages")
    if since and until and since > until:
        raise OptionError(f"--since {since} is after --until {until}")
    found: dict[date, list[Path]] = {}
    failed: list[tuple[date | None, str]] = []
    ignored: list[str] = []
    for path in sorted(source.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        stem = _entry_day(path)
        if stem is None:
            ignored.append(f"ignored {path.name}: not named YYYY-MM-DD/ or YYYY-MM-DD.<ext>")
            continue
        try:
            day = date.fromisoformat(stem)
        except ValueError:
            failed.append((None, f"{path.name}: {stem} is not a calendar date; rename it YYYY-MM-DD"))
            continue
        if (since and day < since) or (until and day > until):
            continue
        found.setdefault(day, []).append(path)
    entries = []
    for day in sorted(found):
        paths = found[day]
        if len(paths) > 1:
            names = " and ".join(p.name + ("/" if p.is_dir() else "") for p in paths)
            failed.append((day, f"{day}: both {names}; keep one entry per date"))
            continue
        path = paths[0]
        pages = _page_files(path, ignored) if path.is_dir() else (path,)
        if not pages:
            failed.append((day, f"{day}: the folder {path.name}/ holds no pages; add them or remove it"))
            continue
        entries.append(DatedEntry(day, pages))
    return SourceScan(tuple(entries), tuple(failed), tuple(ignored))


def source_hash(day: date, pages: tuple[PageFile, ...], settings: dict[str, Any]) -> str:
    """A content hash of everything an edition is made from: its date, its pages' names and bytes,
    and ``settings`` (options, engine identity, cover, audiopaper's version), as JSON."""
    digest = hashlib.sha256()
    header = json.dumps(
        {"scheme": HASH_SCHEME, "day": day.isoformat(), "settings": settings}, sort_keys=True, default=str
    )
    digest.update(header.encode("utf-8"))
    for page in pages:
        for part in (page.name.encode("utf-8"), page.data):
            digest.update(len(part).to_bytes(8, "big"))  # lengths first: no two inputs give one stream
            digest.update(part)
    return digest.hexdigest()
