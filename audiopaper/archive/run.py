"""The coordinator: send each date to the cluster, install what comes back, one edition at a time.

Only this process writes ``out/``, through the same publisher as ``render`` holding its
lock for the whole run: each result is written into a staging directory and installed
with the same renames, so an edition is whole or absent, and a date is installed at most
once per run. Tasks are
sent a window at a time (twice the cluster's threads), so the scheduler never holds a
whole archive's pages and workers that join later get work.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audiopaper.archive.cluster import connect
from audiopaper.archive.source import DatedEntry, parse_day, scan_source
from audiopaper.archive.task import EditionOutcome, EditionRequest, EditionSettings, render_edition
from audiopaper.errors import InputError, ManifestError
from audiopaper.pipeline import check_show_options
from audiopaper.profiles import Profile
from audiopaper.publish.manifest import MANIFEST_NAME, EditionManifest
from audiopaper.publish.outdir import EDITIONS_DIR
from audiopaper.publish.publisher import Clock, Publisher, RebuildPolicy, publishing, utc_now
from audiopaper.recipe import lexicon_entries, source_hash
from audiopaper.text.ingest import parse_page_file
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.registry import EngineSpec

if TYPE_CHECKING:
    from distributed import Client, Future

_LOGGER = logging.getLogger(__name__)

__all__ = ["ArchiveOptions", "ArchiveReport", "archive", "parse_day"]

FEED_EVERY_EDITIONS = 20
"""During a long run the feed and pages are rebuilt after this many new editions…"""

FEED_EVERY_S = 300.0
"""…and at most this often (seconds): rebuilding the pages costs more as the archive grows."""


@dataclass(frozen=True)
class ArchiveOptions:
    """Everything an archive run needs besides progress callbacks."""

    source: Path
    """The directory of dated entries."""

    out_dir: Path
    """Output directory (as render's)."""

    base_url: str
    """Absolute URL --out is published at, for the feed."""

    paper: str
    """The newspaper's name."""

    profile: Profile
    """Listening profile."""

    lead_first: bool
    """Move each page's lead story to the front."""

    engine: EngineSpec
    """The reader's engine, resolved."""

    presenter: EngineSpec | None = None
    """A second voice for the frame, when the profile asks for one."""

    cover: Path | None = None
    """A cover to install first (else the current one is kept or one is generated)."""

    since: date | None = None
    """First date to publish (inclusive); None: from the oldest."""

    until: date | None = None
    """Last date to publish (inclusive); None: to the newest."""

    cluster: str | None = None
    """Scheduler address (tcp://HOST:PORT); None: a local cluster of ``jobs`` worker processes."""

    jobs: int = 2
    """Worker processes of the local cluster (one thread each)."""

    cache_dir: Path | None = None
    """Sentence cache of local workers; remote workers always use their own."""

    feed_every_editions: int = FEED_EVERY_EDITIONS
    """Rebuild the feed after this many new editions (see FEED_EVERY_S)."""

    feed_every_s: float = FEED_EVERY_S
    """…but not more often than this."""

    def __post_init__(self) -> None:
        check_show_options(self.base_url, self.paper, self.cover)


@dataclass
class ArchiveReport:
    """What a run did, built up as results land."""

    total: int = 0
    """Dates found between --since and --until (including those that failed at once)."""

    published: list[date] = field(default_factory=list)
    """Dates installed in this run, in the order they landed."""

    already: list[date] = field(default_factory=list)
    """Dates skipped because the same inputs were already published."""

    failed: list[str] = field(default_factory=list)
    """One line per date that could not be published."""

    partial: list[str] = field(default_factory=list)
    """One line per article left out of a published edition."""

    ignored: tuple[str, ...] = ()
    """Entries of SOURCE that are not dated pages."""

    submitted: int = 0
    """Tasks sent to the cluster."""

    audio_s: float = 0.0
    """Audio published in this run, in seconds."""

    elapsed_s: float = 0.0
    """Wall time of the run."""

    workers: int = 0
    """Worker threads of the cluster when the run started."""

    worker_busy_s: dict[str, float] = field(default_factory=dict)
    """Task seconds per worker (host:pid), for the balance figures."""

    edition_s: dict[date, float] = field(default_factory=dict)
    """Task seconds per published edition (on its worker), for choosing the task size."""

    edition_cpu_s: dict[date, float] = field(default_factory=dict)
    """CPU seconds per published edition on its worker (see EditionOutcome.cpu_seconds)."""

    @property
    def done(self) -> int:
        """Dates settled: published, already published or failed."""
        return len(self.published) + len(self.already) + len(self.failed)

    def summary(self) -> str:
        """The final line: counts, audio, wall time and the aggregate real-time factor."""
        rtf = self.elapsed_s / self.audio_s if self.audio_s else 0.0
        per_hour = self.audio_s / self.elapsed_s if self.elapsed_s else 0.0
        return (
            f"archive done: {len(self.published)} published, {len(self.already)} already published, "
            f"{len(self.failed)} failed; {self.audio_s / 3600:.2f} h of audio in {self.elapsed_s:.1f} s "
            f"on {self.workers} workers, {self.submitted} tasks; aggregate real-time factor {rtf:.3f} "
            f"({per_hour:.1f} h of audio per hour)"
        )


class _Coordinator:
    """One run: fills the cluster's window with requests and installs results as they land."""

    def __init__(
        self,
        options: ArchiveOptions,
        settings: EditionSettings,
        report: ArchiveReport,
        publisher: Publisher,
        on_published: Callable[[Path], None],
    ) -> None:
        self.options = options
        self.settings = settings
        self.report = report
        self.publisher = publisher
        self.progress = publisher.progress
        self.on_published = on_published
        self.started = time.monotonic()
        self.days: dict[str, date] = {}

    def requests(self, entries: tuple[DatedEntry, ...]) -> Iterator[EditionRequest]:
        """A request per date not yet published from the same inputs (pages read lazily)."""
        identity = self.settings.identity()
        for entry in entries:
            try:
                pages = entry.read(self.options.source)
            except InputError as error:
                self.fail(f"{entry.day}: {error}")
                continue
            try:  # read here too (the worker reads them again): the lexicon entries they use
                used = lexicon_entries([parse_page_file(page) for page in pages])
            except InputError as error:
                self.fail(f"{entry.day}: {error}")
                continue
            digest = source_hash(entry.day, pages, identity, used)
            if self.published_from(entry.day, digest):
                self.report.already.append(entry.day)
                continue
            yield EditionRequest(entry.day, pages, self.settings, digest)

    def published_from(self, day: date, digest: str) -> bool:
        """True when out/ holds a whole edition of ``day`` made from the same inputs."""
        path = self.options.out_dir / EDITIONS_DIR / day.isoformat() / MANIFEST_NAME
        if not path.is_file():
            return False
        try:
            manifest = EditionManifest.read(path)
        except ManifestError:
            return False
        return manifest.source_hash == digest and (path.parent / manifest.audio).is_file()

    def run(self, client: Client, pending: Iterator[EditionRequest]) -> None:
        """Keep twice the cluster's threads in flight (none idles between tasks); install as they land."""
        from distributed import as_completed

        def threads() -> int:
            count: int = sum(client.nthreads().values())  # workers may join or leave during a run
            return count

        in_flight = as_completed()
        self.report.workers = threads()
        if not self.report.workers:
            self.progress("the scheduler has no workers yet; waiting for some to join")

        def top_up() -> None:
            window = max(2, 2 * threads())
            while in_flight.count() < window:
                request = next(pending, None)
                if request is None:
                    return
                key = f"audiopaper-edition-{request.day}-{request.source_hash[:16]}"
                self.days[key] = request.day
                in_flight.add(client.submit(render_edition, request, key=key, retries=0))
                self.report.submitted += 1

        top_up()
        for future in in_flight:
            self.land(future)
            future.release()
            top_up()

    def land(self, future: Future[Any]) -> None:
        """Install one result (or report its date), then show progress."""
        day = self.days[str(future.key)]
        try:
            outcome: EditionOutcome = future.result()
        except Exception as error:  # the task died on every worker it was given, or was lost
            self.fail(f"{day}: failed on the cluster ({type(error).__name__}: {error}); run again to retry")
            return
        self.report.worker_busy_s[outcome.worker] = (
            self.report.worker_busy_s.get(outcome.worker, 0.0) + outcome.seconds
        )
        if outcome.error is not None or outcome.manifest is None:
            self.fail(f"{day}: {outcome.error or 'the worker sent no manifest'}")
            return
        if day in self.report.published:  # never installed twice, whatever the cluster sends
            _LOGGER.warning("a second result for %s was ignored", day)
            return
        if outcome.manifest.date != day:
            self.fail(f"{day}: the worker sent the edition of {outcome.manifest.date}; not installed")
            return
        try:
            installed = self.publisher.install_files(outcome.manifest, outcome.files)
        except ManifestError as error:
            self.fail(str(error))
            return
        manifest = installed.manifest
        self.report.published.append(day)
        self.report.edition_s[day] = outcome.seconds
        self.report.edition_cpu_s[day] = outcome.cpu_seconds
        self.report.audio_s += manifest.duration
        self.report.partial.extend(f"{day}: {line}" for line in manifest.skipped)
        self.on_published(installed.directory / manifest.audio)
        self.show_progress()

    def fail(self, line: str) -> None:
        self.report.failed.append(line)
        self.progress(line)

    def show_progress(self) -> None:
        report = self.report
        elapsed = time.monotonic() - self.started
        per_edition = elapsed / max(1, len(report.published))
        left = per_edition * (report.total - report.done)
        self.progress(
            f"archive: {report.done}/{report.total} editions ({len(report.already)} already published), "
            f"{report.audio_s / 3600:.2f} h of audio, {elapsed:.0f} s, about {left:.0f} s left"
        )


def archive(
    options: ArchiveOptions,
    *,
    progress: Callable[[str], None] = lambda line: None,
    on_published: Callable[[Path], None] = lambda path: None,
    clock: Clock = utc_now,
) -> ArchiveReport:
    """Publish every date of ``options.source`` not already published from the same inputs."""
    started = time.monotonic()
    scan = scan_source(options.source, options.since, options.until)
    report = ArchiveReport(total=len(scan.entries) + len(scan.failed), ignored=scan.ignored)
    for line in scan.ignored:
        progress(line)
    for _, line in scan.failed:
        report.failed.append(line)
        progress(line)
    policy = RebuildPolicy(every_editions=options.feed_every_editions, every_s=options.feed_every_s)
    out, paper = options.out_dir, options.paper
    with publishing(
        out, options.base_url, paper=paper, cover=options.cover, progress=progress, clock=clock, policy=policy
    ) as publisher:
        cover_cache = ClipCache(options.cache_dir)
        with cover_cache.in_use():  # as render: a cache that cannot be written is read only
            cover_jpeg = publisher.tag_cover(cover_cache)
        settings = EditionSettings(
            paper=options.paper,
            profile=options.profile,
            lead_first=options.lead_first,
            engine=options.engine,
            presenter=options.presenter,
            cover_jpeg=cover_jpeg,
            cache_dir=str(options.cache_dir) if options.cache_dir and options.cluster is None else None,
        )
        coordinator = _Coordinator(options, settings, report, publisher, on_published)
        pending = coordinator.requests(scan.entries)
        first = next(pending, None)
        if first is not None:  # nothing to render: no cluster is started or contacted
            with connect(options.cluster, options.jobs) as client:
                coordinator.run(client, itertools.chain([first], pending))
    report.elapsed_s = time.monotonic() - started
    return report
