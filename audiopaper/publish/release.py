"""Releasing an edition: the pending area, release, correction and withdrawal.

A rendered edition may wait before listeners see it: until the show's publish hour, or
until an editor approves it (``hold``). It waits whole in ``out/.pending/DATE/``, which no
feed or page lists and ``serve`` never serves. Releasing installs it as ``editions/DATE``
through the publisher (publisher.py), as every install, which rebuilds the feed and pages.

Releasing a date that is already out is a correction when the text changed: the episode
keeps its GUID (made from the date) and its pubDate (release.json keeps the first release
time), its MP3 gets a new name so apps that fetch by URL fetch it, the old MP3 stays at
its old URL, and a dated 更正 line names the changed articles. Unchanged text changes
nothing. Every function here takes the run's publisher, which holds the output directory's lock.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from audiopaper.errors import ManifestError, OptionError
from audiopaper.publish.feed import feed_url
from audiopaper.publish.manifest import MANIFEST_NAME, EditionManifest
from audiopaper.publish.outdir import EDITIONS_DIR
from audiopaper.publish.publisher import Publisher, pending_path
from audiopaper.publish.release_record import ReleaseRecord
from audiopaper.publish.show import load_show
from audiopaper.publish.websub import PingResult, ping_hub

_LOGGER = logging.getLogger(__name__)


def _manifest_in(directory: Path) -> EditionManifest | None:
    """The manifest in ``directory``, or None when there is none or it is damaged (rendered again)."""
    path = directory / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        return EditionManifest.read(path)
    except ManifestError:
        return None


def pending_manifest(out_dir: Path, day: date) -> EditionManifest | None:
    """The waiting edition's manifest, or None when none waits (or it is damaged)."""
    return _manifest_in(pending_path(out_dir, day))


def released_manifest(out_dir: Path, day: date) -> EditionManifest | None:
    """The listed (or withdrawn) edition's manifest, or None."""
    return _manifest_in(out_dir / EDITIONS_DIR / day.isoformat())


@dataclass(frozen=True)
class Release:
    """What a release did."""

    day: date
    """The edition's date."""

    kind: str
    """``released`` (first time), ``corrected`` or ``unchanged`` (nothing listed changed)."""

    changed: tuple[str, ...] = ()
    """For a correction: the titles of the articles whose text changed."""

    audio: str = ""
    """The edition MP3 the feed now lists (its file name)."""


def changed_articles(old: EditionManifest, new: EditionManifest) -> tuple[str, ...]:
    """Titles of articles whose printed text differs (by position; added and removed ones too)."""

    def text(manifest: EditionManifest) -> list[tuple[str, tuple[str, ...]]]:
        return [(a.title, tuple(s.text for s in a.sentences)) for a in manifest.articles]

    before, after = text(old), text(new)
    changed = []
    for index in range(max(len(before), len(after))):
        was = before[index] if index < len(before) else None
        now = after[index] if index < len(after) else None
        if was != now:
            changed.append((now or was or ("",))[0])
    return tuple(changed)


def revised_name(audio: str, revision: int) -> str:
    """The MP3 name of a revision: ``paper-2025-03-14.mp3``, then ``paper-2025-03-14-r2.mp3``…"""
    stem, dot, suffix = audio.rpartition(".")
    return audio if revision <= 1 else f"{stem}-r{revision}{dot}{suffix}"


def _keep(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` (a copy where links are impossible)."""
    if target.exists() or not source.is_file():
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _as_correction(
    staged: Path, new: EditionManifest, final: Path, now: datetime
) -> tuple[Release, EditionManifest] | None:
    """Turn the staged edition into a correction of the one in ``final`` (None when unchanged).

    Returns the release and the corrected manifest, for the publisher to write and install.
    """
    old = EditionManifest.read(final / MANIFEST_NAME)
    changed = changed_articles(old, new)
    if not changed:
        return None
    previous = ReleaseRecord.read(final)
    if not previous.released:  # released before records existed: its pubDate came from its render
        previous = replace(previous, released=old.published)
    record = previous.corrected(now.isoformat(timespec="seconds"), changed, old.audio)
    audio = revised_name(new.audio, record.revision)
    os.replace(staged / new.audio, staged / audio)
    for name in record.previous_audio:
        _keep(final / name, staged / name)
    record.write(staged)
    return Release(new.date, "corrected", changed, audio), replace(new, audio=audio)


def release_pending(publisher: Publisher, day: date, *, now: datetime) -> Release:
    """List the waiting edition of ``day``: a first release, a correction, or nothing if unchanged.

    Installed through ``publisher``, which rebuilds the feed and pages when its run ends.
    """
    out_dir = publisher.out_dir
    staged = pending_path(out_dir, day)
    if not (staged / MANIFEST_NAME).is_file():
        raise OptionError(f"no edition of {day} is waiting; render it first (see 'audiopaper watch --hold')")
    new = EditionManifest.read(staged / MANIFEST_NAME)
    final = out_dir / EDITIONS_DIR / day.isoformat()
    if (final / MANIFEST_NAME).is_file():
        corrected = _as_correction(staged, new, final, now)
        if corrected is None:
            shutil.rmtree(staged)
            _LOGGER.info("%s: the text is unchanged; the published edition stays", day)
            return Release(day, "unchanged", (), EditionManifest.read(final / MANIFEST_NAME).audio)
        release, new = corrected
    else:
        ReleaseRecord(released=now.isoformat(timespec="seconds")).write(staged)
        release = Release(day, "released", (), new.audio)
    publisher.install(staged, new)
    return release


def withdraw(publisher: Publisher, day: date, *, now: datetime) -> bool:
    """Take the released edition of ``day`` out of the feed and pages, keeping its files.

    Returns False when it was already withdrawn.
    """
    out_dir = publisher.out_dir
    final = out_dir / EDITIONS_DIR / day.isoformat()
    if not (final / MANIFEST_NAME).is_file():
        raise OptionError(f"no edition of {day} is published in {out_dir}; check the date and --out")
    record = ReleaseRecord.read(final)
    if record.withdrawn:
        return False
    replace(record, withdrawn=now.isoformat(timespec="seconds")).write(final)
    publisher.rebuild_indexes()
    return True


def announce(out_dir: Path, base_url: str) -> PingResult | None:
    """Ping the show's WebSub hub that the feed changed; None when show.json names no hub."""
    hub = load_show(out_dir, base_url).hub
    return ping_hub(hub, feed_url(base_url)) if hub else None
