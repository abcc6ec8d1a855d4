"""``out/status.json``: the nightly job's state for whoever is on call.

Written by ``watch`` after every step (and by ``approve`` and ``withdraw``), read by the
listening pages' footer and by people: when the watcher last ran, each date's state, and
the errors of the last run. It is a report, never the truth about what is published: that
is the output directory itself, so a lost or damaged status.json costs nothing but history.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from audiopaper.publish.outdir import atomic_write_text

_LOGGER = logging.getLogger(__name__)

STATUS_FILE = "status.json"
"""The status file inside the output directory."""

STATUS_VERSION = 1
"""Layout version of status.json."""

STATES = ("waiting", "rendering", "scheduled", "held", "released", "unchanged", "failed", "withdrawn")
"""A date's states: waiting for its pages, being rendered, rendered and waiting for its hour,
held for approval, released, re-rendered with no change, failed, taken out of the feed."""

MAX_ERRORS = 50
"""Errors kept in status.json (the newest): enough for a night, bounded however long it runs."""


@dataclass(frozen=True)
class DateStatus:
    """One date as the on-call person sees it."""

    state: str
    """One of STATES."""

    updated: str
    """When it last changed (ISO 8601, UTC)."""

    detail: str = ""
    """One line about the state: why it waits, when it goes out, which articles were corrected."""

    error: str = ""
    """Why it failed (one line), or ""."""

    source_hash: str = ""
    """What its last render was made from: a failed date is tried again only when this changes."""

    release_at: str = ""
    """When it is (or was) due out (ISO 8601), or ""."""

    hub: str = ""
    """The WebSub ping for its last release: "", "pinged" or "failed: <why>"."""

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown state {self.state!r}")


@dataclass(frozen=True)
class WatchStatus:
    """The whole of status.json."""

    last_run: str = ""
    """When the watcher's last pass over the inbox started (ISO 8601, UTC), or ""."""

    last_run_finished: str = ""
    """When that pass ended, or "" while it runs (or when it was killed)."""

    dates: dict[str, DateStatus] = field(default_factory=dict)
    """Each date (YYYY-MM-DD) seen, by date."""

    errors: tuple[str, ...] = ()
    """Errors, newest last, at most MAX_ERRORS."""

    def with_date(self, day: str, status: DateStatus) -> WatchStatus:
        """A copy with ``day``'s entry replaced (and its error, if any, added to ``errors``)."""
        errors = self.errors
        if status.error and (day not in self.dates or self.dates[day].error != status.error):
            errors = (*errors, f"{status.updated} {day}: {status.error}")[-MAX_ERRORS:]
        return replace(self, dates={**self.dates, day: status}, errors=errors)

    def with_error(self, line: str) -> WatchStatus:
        """A copy with one more error line."""
        return replace(self, errors=(*self.errors, line)[-MAX_ERRORS:])

    def to_json(self) -> str:
        """status.json's text, dates in order."""
        document: dict[str, Any] = {
            "version": STATUS_VERSION,
            "last_run": self.last_run,
            "last_run_finished": self.last_run_finished,
            "dates": {day: asdict(self.dates[day]) for day in sorted(self.dates)},
            "errors": list(self.errors),
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def read_status(out_dir: Path) -> WatchStatus:
    """The saved status, or an empty one when there is none or it is damaged (it is only a report)."""
    path = out_dir / STATUS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = DateStatus.__dataclass_fields__
        dates = {
            str(day): DateStatus(**{k: str(v) for k, v in entry.items() if k in known})
            for day, entry in data.get("dates", {}).items()
        }
        return WatchStatus(
            last_run=str(data.get("last_run", "")),
            last_run_finished=str(data.get("last_run_finished", "")),
            dates=dates,
            errors=tuple(str(line) for line in data.get("errors", ()))[-MAX_ERRORS:],
        )
    except FileNotFoundError:
        return WatchStatus()
    except (OSError, ValueError, TypeError, AttributeError) as error:
        _LOGGER.warning("%s is damaged (%s); starting a new one", path, error)
        return WatchStatus()


def write_status(out_dir: Path, status: WatchStatus) -> None:
    """Replace status.json atomically."""
    atomic_write_text(out_dir / STATUS_FILE, status.to_json())


def update_date(out_dir: Path, day: str, status: DateStatus) -> WatchStatus:
    """Read, change one date, write back; returns the new status."""
    changed = read_status(out_dir).with_date(day, status)
    write_status(out_dir, changed)
    return changed


STATE_WORDS = {"held": "期待审核", "scheduled": "期待发布", "failed": "期失败", "withdrawn": "期已撤下"}
"""How the footer counts dates in states the on-call person should see."""


def status_line(status: WatchStatus, zone: ZoneInfo) -> str:
    """The listening pages' footer line: when the nightly job last ran and what needs attention."""
    if not status.last_run:
        return ""
    try:
        when = datetime.fromisoformat(status.last_run).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ""
    counts = Counter(entry.state for entry in status.dates.values())
    parts = [f"{counts[state]}{word}" for state, word in STATE_WORDS.items() if counts[state]]
    return f"自动发布：最近运行 {when}（{zone.key}）" + "".join(f"，{part}" for part in parts) + "。"
