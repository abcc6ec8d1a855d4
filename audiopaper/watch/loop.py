"""The watcher: render each ready date of the inbox, hold or schedule it, release it on time.

Every pass looks at the whole inbox, so a restart resumes where the last run stopped: what
is done is read back from the output directory (an edition waiting in ``.pending/`` or
listed in ``editions/``, each carrying the hash of the pages it was made from), never from
memory. A render is staged by the publisher and reaches ``.pending/`` with one rename; a
release is one install. A process killed at any moment therefore leaves each
date either not rendered, waiting whole, or released whole, and never releases one twice.
SIGTERM sets ``stop``: the current step finishes and the loop ends before the next.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from audiopaper.archive.source import RECORDINGS_DIR, DatedEntry, recording_files, scan_source
from audiopaper.errors import AudiopaperError, OptionError, OutputError
from audiopaper.pipeline import check_base_url
from audiopaper.publish.feed import feed_url
from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.outdir import (
    EDITIONS_DIR,
    WATCH_LOCK_FILE,
    describe_os_error,
    locked_output,
)
from audiopaper.publish.publisher import publishing
from audiopaper.publish.release import (
    announce,
    pending_manifest,
    release_pending,
    released_manifest,
)
from audiopaper.publish.show import load_show
from audiopaper.publish.status import DateStatus, read_status, update_date, write_status
from audiopaper.recipe import lexicon_entries, source_hash
from audiopaper.text.ingest import parse_page_file
from audiopaper.text.page import PageFile
from audiopaper.watch.clock import Clock, SystemClock, release_time
from audiopaper.watch.inbox import DEFAULT_SETTLE_MIN, MAX_SETTLE_MIN, readiness
from audiopaper.watch.notify import notify

_LOGGER = logging.getLogger(__name__)

POLL_S = 60.0
"""Seconds between passes over the inbox."""

MAX_RECORDING_BYTES = 500 * 1024 * 1024
"""Largest recorded piece read (bytes): two hours of 320 kbps MP3, far beyond any commentary."""

RenderDate = Callable[[DatedEntry, str], EditionManifest]
"""Renders a date's pages (and recordings) and holds the edition in ``.pending/DATE`` through
the publisher, recording the given source hash; AudiopaperError when it cannot be rendered."""


@dataclass(frozen=True)
class WatchOptions:
    """What the watcher needs besides how to render."""

    inbox: Path
    """The drop folder: one YYYY-MM-DD/ folder (or page) per date."""

    out_dir: Path
    """The output directory."""

    base_url: str
    """Absolute URL the output directory is published at."""

    identity: str = ""
    """Everything besides the pages that decides an edition (options, engine, version), as text:
    part of each date's content hash, so changing it renders the dates again."""

    settle_min: float = DEFAULT_SETTLE_MIN
    """Minutes a folder without READY must stay unchanged to be rendered."""

    hold: bool = False
    """Keep rendered editions waiting for ``audiopaper approve`` (show.json's hold does too)."""

    notify: str | None = None
    """A shell command run after each date's step, with a JSON summary on stdin."""

    poll_s: float = POLL_S
    """Seconds between passes."""

    def __post_init__(self) -> None:
        check_base_url(self.base_url)
        if not self.inbox.is_dir():
            raise OptionError(f"{self.inbox} is not a directory; give the folder the pages are dropped into")
        if not 0 <= self.settle_min <= MAX_SETTLE_MIN:
            raise OptionError(f"--settle must be 0-{MAX_SETTLE_MIN:g} minutes, got {self.settle_min:g}")
        if self.poll_s <= 0:
            raise OptionError("the poll interval must be positive")


def _recordings(folder: Path) -> tuple[PageFile, ...]:
    """The date's recorded pieces as bytes (they are part of its content hash)."""
    pieces = []
    for path in recording_files(folder):
        if path.stat().st_size > MAX_RECORDING_BYTES:
            raise OptionError(f"{path}: larger than {MAX_RECORDING_BYTES >> 20} MB; shorten the recording")
        pieces.append(PageFile(f"{RECORDINGS_DIR}/{path.name}", path.read_bytes()))
    return tuple(pieces)


class Watcher:
    """One watcher over one inbox and output directory (``run`` loops; ``pass_once`` is one look)."""

    def __init__(
        self,
        options: WatchOptions,
        render_date: RenderDate,
        *,
        clock: Clock | None = None,
        stop: threading.Event | None = None,
        progress: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.options = options
        self.render_date = render_date
        self.clock = clock or SystemClock()
        self.stop = stop or threading.Event()
        self.progress = progress
        self.out = options.out_dir

    def run(self, *, once: bool = False) -> None:
        """Pass over the inbox until stopped (or once); resumes whatever an earlier run left."""
        busy = f"another 'audiopaper watch' is running on {self.out}; it will do this pass's work"
        with locked_output(self.out, WATCH_LOCK_FILE, busy):
            while not self.stop.is_set():
                self.pass_once()
                if once or self.stop.is_set():
                    break
                self.clock.wait(self.options.poll_s, self.stop)
        if self.stop.is_set():
            self.progress("watch: stopped between steps")

    def now_iso(self) -> str:
        """Now, as status.json writes times."""
        return self.clock.now().isoformat(timespec="seconds")

    def pass_once(self) -> None:
        """Look at every date of the inbox once, oldest first; one failing date never stops the others."""
        started = self.now_iso()
        write_status(
            self.out, dataclasses.replace(read_status(self.out), last_run=started, last_run_finished="")
        )
        scan = scan_source(self.options.inbox)
        for day, line in scan.failed:
            if day is not None:
                self._record(day, "failed", error=line)
        for entry in scan.entries:
            if self.stop.is_set():
                break
            try:
                self._date(entry)
            except AudiopaperError as error:
                self._record(entry.day, "failed", error=str(error))
            except OSError as error:
                self._record(entry.day, "failed", error=describe_os_error(error, self.out))
        status = read_status(self.out)
        write_status(self.out, dataclasses.replace(status, last_run_finished=self.now_iso()))

    def _record(self, day: date, state: str, **fields: str) -> None:
        """Set ``day``'s state in status.json; run the notify command when the state changed."""
        key = day.isoformat()
        before = read_status(self.out).dates.get(key)
        entry = DateStatus(state, self.now_iso(), **fields)
        update_date(self.out, key, entry)
        changed = before is None or (before.state, before.error, before.detail) != (
            state,
            entry.error,
            entry.detail,
        )
        if not changed or state == "waiting":
            return
        why = entry.error or entry.detail
        self.progress(f"{key}: {state}" + (f" ({why})" if why else ""))
        if self.options.notify and state != "rendering":  # after a step, not before it
            self._notify(key, entry)

    def _notify(self, key: str, entry: DateStatus) -> None:
        released = released_manifest(self.out, date.fromisoformat(key))
        base = self.options.base_url if self.options.base_url.endswith("/") else self.options.base_url + "/"
        summary: dict[str, Any] = {
            "date": key, "state": entry.state, "detail": entry.detail, "error": entry.error,
            "hub": entry.hub, "release_at": entry.release_at, "feed_url": feed_url(base),
            "audio_url": urljoin(base, f"{EDITIONS_DIR}/{key}/{released.audio}") if released else "",
        }  # fmt: skip
        why = notify(self.options.notify or "", summary)
        if why:
            status = read_status(self.out).with_error(f"{self.now_iso()} {key}: {why}")
            write_status(self.out, status)

    def _digest(self, entry: DatedEntry) -> str:
        """The content hash of the date's pages, recordings, the lexicon entries the pages use and
        the watcher's identity."""
        pages = entry.read(self.options.inbox)
        folder = self.options.inbox / entry.day.isoformat()
        recordings = _recordings(folder) if folder.is_dir() else ()
        used = lexicon_entries([parse_page_file(page) for page in pages])
        return source_hash(entry.day, pages + recordings, {"watch": self.options.identity}, used)

    def _date(self, entry: DatedEntry) -> None:
        """One date's next step: wait, render, hold, schedule, release, or nothing."""
        day, key = entry.day, entry.day.isoformat()
        known = read_status(self.out).dates.get(key)
        ready = readiness(self.options.inbox, entry, self.clock.now(), self.options.settle_min)
        if not ready.ready:
            if known is None or known.state == "waiting":
                self._record(day, "waiting", detail=ready.reason)
            return
        digest = self._digest(entry)
        if known is not None and known.source_hash == digest:
            if known.state == "failed":
                return  # tried with these very pages: tried again when they change
            if known.state in ("released", "unchanged", "withdrawn"):
                self._retry_ping(day, known)
                return
        listed = released_manifest(self.out, day)
        if listed is not None and listed.source_hash == digest:
            return  # released from these pages (status.json may have been lost)
        waiting = pending_manifest(self.out, day)
        rendered_already = waiting is not None and waiting.source_hash == digest
        if not rendered_already and not self._render(entry, digest):
            return
        if not self.stop.is_set():
            self._release(day, digest)

    def _render(self, entry: DatedEntry, digest: str) -> bool:
        """Render the date; the publisher puts it, whole, in .pending/ (False when it failed)."""
        self._record(entry.day, "rendering", source_hash=digest)
        try:
            self.render_date(entry, digest)
        except AudiopaperError as error:
            self._record(entry.day, "failed", error=str(error), source_hash=digest)
            return False
        return True

    def _release(self, day: date, digest: str) -> None:
        """Release the waiting edition now, or say why it still waits (held, or its hour to come)."""
        show = load_show(self.out, self.options.base_url)
        due = release_time(day, show.publish_hour, show.zone)
        if self.options.hold or show.hold:
            detail = f"held: release it with 'audiopaper approve {day}'"
            self._record(day, "held", detail=detail, source_hash=digest, release_at=due.isoformat())
            return
        now = self.clock.now()
        if now < due:
            self._record(day, "scheduled", detail=f"goes out at {due.isoformat()}", source_hash=digest,
                         release_at=due.isoformat())  # fmt: skip
            return
        try:
            with publishing(self.out, self.options.base_url, progress=self.progress) as publisher:
                release = release_pending(publisher, day, now=now.astimezone(show.zone))
        except OutputError as error:  # another run holds out/: the next pass tries again
            self._record(day, "scheduled", error=str(error), release_at=due.isoformat())
            return
        if release.kind == "unchanged":
            self._record(day, "unchanged", detail="the text is unchanged; nothing was republished",
                         source_hash=digest)  # fmt: skip
            return
        ping = announce(self.out, self.options.base_url)
        detail = "released" if release.kind == "released" else "corrected: " + "、".join(release.changed)
        self._record(day, "released", detail=detail, source_hash=digest, release_at=due.isoformat(),
                     hub=ping.detail if ping else "")  # fmt: skip

    def _retry_ping(self, day: date, known: DateStatus) -> None:
        """Ping the hub again for a release whose ping failed."""
        if not known.hub.startswith("failed"):
            return
        ping = announce(self.out, self.options.base_url)
        if ping is not None:
            self._record(day, known.state, detail=known.detail, source_hash=known.source_hash,
                         release_at=known.release_at, hub=ping.detail)  # fmt: skip
