"""An archive's source directory: one entry per date, read into bytes that travel with a task.

SOURCE holds a ``YYYY-MM-DD/`` folder of that day's pages (taken in name order) or a single
``YYYY-MM-DD.<ext>`` page per date. Scanning only lists names; the pages' bytes are read
when their date is about to be sent to a worker, so a ten-year archive is never all in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from audiopaper.errors import OptionError
from audiopaper.text.ingest import read_page_file
from audiopaper.text.page import PageFile
from audiopaper.values import iso_day

_DATE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")
"""A date as entries are named: YYYY-MM-DD."""

READY_FILE = "READY"
"""A date folder's marker that its pages are complete (``watch`` renders it at once); never a page."""

RECORDINGS_DIR = "recordings"
"""A date folder's sub-folder of recorded pieces (``03.mp3`` stands in for article 3); not pages."""


@dataclass(frozen=True)
class DatedEntry:
    """One date of the archive and where its pages are."""

    day: date
    """The edition's date."""

    pages: tuple[Path, ...]
    """Its page files, in the order they are read."""

    def read(self, source: Path) -> tuple[PageFile, ...]:
        """The pages' bytes; InputError (one line) when one is missing, too large or unreadable."""
        return tuple(read_page_file(path, path.relative_to(source).as_posix()) for path in self.pages)


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
    return iso_day(value, option)


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
            day = iso_day(stem, path.name)
        except OptionError:  # not a calendar date, or outside the years values.iso_day allows
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
