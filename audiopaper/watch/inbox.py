"""The drop folder: which dates are complete enough to render.

INBOX is laid out as ``archive`` reads a source (one ``YYYY-MM-DD/`` folder of pages per
date, or one ``YYYY-MM-DD.<ext>`` page). The layout desk may still be copying pages in
when the watcher looks, so a date is ready only when its folder holds a ``READY`` file,
or when nothing in it has changed for the settle time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from audiopaper.archive.source import READY_FILE, DatedEntry

DEFAULT_SETTLE_MIN = 15.0
"""Minutes a date's folder must stay unchanged to count as complete without a READY file."""

MAX_SETTLE_MIN = 24 * 60.0
"""Longest settle time accepted (minutes): beyond a day the night's edition would never go out."""


@dataclass(frozen=True)
class Readiness:
    """Whether a date can be rendered now, and why (or why not)."""

    ready: bool
    """True when its pages are complete."""

    reason: str
    """One line for status.json: ``READY file``, ``unchanged for 15 min`` or what it waits for."""


def _entry_root(source: Path, entry: DatedEntry) -> Path:
    """The date's folder, or its single page."""
    folder = source / entry.day.isoformat()
    return folder if folder.is_dir() else entry.pages[0]


def last_change(root: Path) -> float:
    """The newest modification time (POSIX seconds) of ``root`` and everything under it."""
    newest = root.stat().st_mtime
    if root.is_dir():
        for path in root.rglob("*"):
            try:
                newest = max(newest, path.stat().st_mtime)
            except FileNotFoundError:  # removed while we looked: the folder is still changing
                continue
    return newest


def readiness(source: Path, entry: DatedEntry, now: datetime, settle_min: float) -> Readiness:
    """Is ``entry`` complete at ``now``? A READY file says so at once; else the settle time must pass."""
    root = _entry_root(source, entry)
    if root.is_dir() and (root / READY_FILE).is_file():
        return Readiness(True, f"{READY_FILE} file")
    quiet_min = (now.timestamp() - last_change(root)) / 60
    if quiet_min >= settle_min:
        return Readiness(True, f"unchanged for {settle_min:g} min")
    waiting = f"changed {max(quiet_min, 0):.0f} min ago; waiting for {READY_FILE} or {settle_min:g} min"
    return Readiness(False, waiting)
