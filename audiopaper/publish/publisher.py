"""The one publishing path: every edition reaches ``out/`` and every index is rebuilt through here.

``render``, ``archive`` and ``feed`` all open a :class:`Publisher` with :func:`publishing`,
which holds the output directory's lock for the run, repairs what a killed run left and
puts the show's cover in place. Inside it there are two entry points:

- :meth:`Publisher.install` (or :meth:`Publisher.install_files` for files that arrive as
  bytes from a worker): check that the edition's files are all there, write its edition.json
  (the only place that writes it), and swap the edition into ``editions/DATE`` atomically;
- :meth:`Publisher.rebuild_indexes`: feed.xml, the listening pages, ``latest/`` and the
  playlists from every edition in ``out/``, once at the end of a run, or every so many
  editions during a long one (:class:`RebuildPolicy`).

Newsroom features hook in at these two points: holding an edition for approval is an
install that the indexes do not list yet; approving, withdrawing or correcting one is a
change to ``editions/DATE`` followed by one rebuild of the indexes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from audiopaper.errors import AudiopaperError, ManifestError, OutputError
from audiopaper.publish.briefing import current_briefing, write_briefing
from audiopaper.publish.cover import install_cover
from audiopaper.publish.edition_files import keep_legacy_name
from audiopaper.publish.feed import FEED_NAME, write_feed
from audiopaper.publish.listening_page import write_pages
from audiopaper.publish.manifest import MANIFEST_NAME, EditionManifest
from audiopaper.publish.outdir import (
    EDITIONS_DIR,
    LOCK_WAIT_S,
    atomic_write_bytes,
    atomic_write_text,
    describe_os_error,
    install_edition,
    locked_output,
    recover_output,
    staging_dir,
)
from audiopaper.publish.print_kit import write_print_kit
from audiopaper.publish.show import load_show
from audiopaper.publish.tags import APIC_SIZE_PX, cover_for_tags
from audiopaper.voice.cache import ClipCache

_LOGGER = logging.getLogger(__name__)

PENDING_DIR = ".pending"
"""Sub-directory of the output directory holding rendered editions not yet released."""


def pending_path(out_dir: Path, day: date) -> Path:
    """Where the edition of ``day`` waits for its release."""
    return out_dir / PENDING_DIR / day.isoformat()


Clock = Callable[[], datetime]
"""When an edition is published (edition.json's ``published``); injected by tests."""


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class RebuildPolicy:
    """How often a long run rebuilds the indexes between editions (always once at its end)."""

    every_editions: int | None = None
    """After this many new editions…; None: only at the end of the run."""

    every_s: float = 0.0
    """…and at most this often (seconds): rebuilding the pages costs more as out/ grows."""


@dataclass(frozen=True)
class InstalledEdition:
    """An edition as :meth:`Publisher.install` left it."""

    directory: Path
    """``editions/DATE``."""

    manifest: EditionManifest
    """Its edition.json as written (with the time it was published)."""


@dataclass(frozen=True)
class Indexes:
    """What :meth:`Publisher.rebuild_indexes` wrote."""

    feed: Path
    """feed.xml."""

    pages: tuple[Path, ...]
    """Listening pages, playlists, index.html and latest/."""


class Publisher:
    """One run's hold on an output directory; open it with :func:`publishing`.

    ``paper`` names the show in the feed (None: the newest edition's paper).
    """

    def __init__(
        self,
        out_dir: Path,
        base_url: str,
        *,
        paper: str | None = None,
        cover: Path,
        progress: Callable[[str], None] = lambda message: None,
        clock: Clock = utc_now,
        policy: RebuildPolicy = RebuildPolicy(),
    ) -> None:
        self.out_dir = out_dir
        self.base_url = base_url
        self.paper = paper
        self.cover = cover
        self.progress = progress
        self.clock = clock
        self.policy = policy
        self.installed: list[EditionManifest] = []
        """Editions installed in this run, in order."""
        self._since_rebuild = 0
        self._last_rebuild = time.monotonic()

    def tag_cover(self, cache: ClipCache | None = None) -> bytes:
        """The cover for the MP3s' tags: scaled once per cover image and kept in ``cache``."""
        original = self.cover.read_bytes()
        key = hashlib.sha256(b"apic-%d\0" % APIC_SIZE_PX + original).hexdigest()
        small = cache.get_file(key, ".jpg") if cache is not None else None
        if small is None:
            small = cover_for_tags(self.cover)
            if cache is not None:
                cache.put_file(key, ".jpg", small)
        return small

    @contextlib.contextmanager
    def staging(self, day: date) -> Iterator[Path]:
        """A private directory beside ``editions/DATE`` to build it in; removed afterwards."""
        staging = staging_dir(self.out_dir, day)
        try:
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _seal(self, staging: Path, manifest: EditionManifest) -> EditionManifest:
        """Check the edition's MP3s are all there (ManifestError if not) and write its edition.json."""
        missing = [
            n for n in (manifest.audio, *(a.file for a in manifest.articles)) if not (staging / n).is_file()
        ]
        if missing:
            raise ManifestError(f"{manifest.date}: the edition lacks {', '.join(missing)}; not installed")
        if not manifest.published:  # a held edition keeps the time it was first published
            manifest = dataclasses.replace(manifest, published=self.clock().isoformat())
        atomic_write_text(staging / MANIFEST_NAME, manifest.to_json())
        self._edition_extras(staging, manifest)
        return manifest

    def hold(self, staging: Path, manifest: EditionManifest) -> InstalledEdition:
        """Put an edition built in ``staging`` in ``.pending/DATE``, whole, listed nowhere.

        It waits there for its publish hour or an editor's approval (release.py installs it);
        one already waiting for that date is replaced. The indexes are not touched.
        """
        manifest = self._seal(staging, manifest)
        target = pending_path(self.out_dir, manifest.date)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            aside = target.with_name(f".{target.name}.old")
            shutil.rmtree(aside, ignore_errors=True)
            os.replace(target, aside)
            shutil.rmtree(aside)
        os.replace(staging, target)
        return InstalledEdition(target, manifest)

    def install(self, staging: Path, manifest: EditionManifest) -> InstalledEdition:
        """Publish an edition built in ``staging``: write its edition.json and swap it into place.

        Refuses (ManifestError) an edition whose MP3s are not all there. The indexes are
        rebuilt when the policy says so.
        """
        day = manifest.date
        manifest = self._seal(staging, manifest)
        final = self.out_dir / EDITIONS_DIR / day.isoformat()
        final.parent.mkdir(parents=True, exist_ok=True)
        keep_legacy_name(staging, final, manifest.audio)
        install_edition(staging, self.out_dir, day)
        self.installed.append(manifest)
        self._since_rebuild += 1
        self._maybe_rebuild()
        return InstalledEdition(final, manifest)

    def _edition_extras(self, staging: Path, manifest: EditionManifest) -> None:
        """The 要闻 briefing, and the print kit when show.json asks for it, made from the finished
        edition in staging so they are installed with it. Neither keeps an edition from going
        out: a failure is one warning. A briefing a worker already made is kept."""
        if current_briefing(staging, manifest) is None:
            try:
                write_briefing(staging, manifest)
            except AudiopaperError as error:
                _LOGGER.warning("%s: no briefing this time: %s", manifest.date, error)
        if load_show(self.out_dir, self.base_url).print_kit:
            try:
                write_print_kit(staging, manifest, self.base_url)
            except AudiopaperError as error:
                _LOGGER.warning("%s: no print kit: %s", manifest.date, error)

    def install_files(
        self, manifest: EditionManifest, files: tuple[tuple[str, bytes], ...]
    ) -> InstalledEdition:
        """:meth:`install` for an edition whose files arrive as (relative path, bytes), from a worker."""
        with self.staging(manifest.date) as staging:
            for name, data in files:
                relative = PurePosixPath(name)
                if relative.is_absolute() or ".." in relative.parts or relative.name == MANIFEST_NAME:
                    raise ManifestError(
                        f"{manifest.date}: a worker sent a file named {name!r}; not installed"
                    )
                atomic_write_bytes(staging.joinpath(*relative.parts), data)
            return self.install(staging, manifest)

    def rebuild_indexes(self) -> Indexes:
        """feed.xml, every listening page and playlist, index.html and latest/, from out/'s editions."""
        feed = write_feed(self.out_dir, self.base_url, paper=self.paper)
        pages = write_pages(self.out_dir)
        self._since_rebuild = 0
        self._last_rebuild = time.monotonic()
        return Indexes(feed, tuple(pages))

    def _maybe_rebuild(self) -> None:
        every = self.policy.every_editions
        if every is None or self._since_rebuild < every:
            return
        if time.monotonic() - self._last_rebuild < self.policy.every_s:
            return
        self.rebuild_indexes()
        self.progress(f"feed and pages rebuilt ({len(self.installed)} new editions so far)")

    def finish(self) -> Indexes | None:
        """End of a run: rebuild the indexes if an edition came in since the last rebuild or none exist."""
        if self._since_rebuild or not (self.out_dir / FEED_NAME).is_file():
            return self.rebuild_indexes()
        return None


@contextlib.contextmanager
def publishing(
    out_dir: Path,
    base_url: str,
    *,
    paper: str | None = None,
    cover: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
    clock: Clock = utc_now,
    policy: RebuildPolicy = RebuildPolicy(),
    brief: bool = False,
) -> Iterator[Publisher]:
    """Hold ``out_dir`` for one run: lock, repair, cover; on a clean exit, rebuild what changed.

    ``cover`` is a configured cover to install (checked already; else the current one is kept
    or one is generated). A ``brief`` run only rebuilds the indexes: it waits for a render
    holding ``out_dir``, and a render waits for it (see outdir.locked_output). An OSError
    anywhere inside becomes one OutputError line.
    """
    with locked_output(out_dir, brief=brief, wait_s=LOCK_WAIT_S, waiting=progress):
        for repair in recover_output(out_dir):
            progress(f"repaired: {repair}")
        try:
            publisher = Publisher(
                out_dir,
                base_url,
                paper=paper,
                cover=install_cover(out_dir, cover),
                progress=progress,
                clock=clock,
                policy=policy,
            )
            yield publisher
            publisher.finish()
        except OSError as error:
            raise OutputError(describe_os_error(error, out_dir)) from error
