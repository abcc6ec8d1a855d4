"""One edition rendered on a worker: page bytes in, the edition's files out as bytes.

A task is pure and idempotent: it reads nothing but its request and the installed package,
writes only into a private temporary directory and the worker's own sentence cache, and
returns the files. The scheduler may run it twice (a worker died, a result was lost); the
coordinator installs each date once, whichever run's result arrives.
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from audiopaper import __version__
from audiopaper.errors import AudiopaperError, OutputError
from audiopaper.memo import remembering
from audiopaper.pipeline import edition_meta, write_edition
from audiopaper.profiles import Profile
from audiopaper.publish.manifest import EditionManifest
from audiopaper.recipe import settings_identity
from audiopaper.text.clean import clean_pages
from audiopaper.text.ingest import parse_page_file
from audiopaper.text.page import PageFile
from audiopaper.voice.cache import ClipCache, default_cache_dir
from audiopaper.voice.engine import Engine
from audiopaper.voice.registry import EngineSpec
from audiopaper.voice.scheduler import Synthesizer


@dataclass(frozen=True)
class EditionSettings:
    """What every edition of one archive run shares; sent with each task."""

    paper: str
    """The newspaper's name."""

    profile: Profile
    """Listening profile."""

    lead_first: bool
    """Move each page's lead story to the front."""

    engine: EngineSpec
    """The reader's engine (resolved: never ``auto``)."""

    presenter: EngineSpec | None
    """A second voice for the frame when the profile asks for one, else None."""

    cover_jpeg: bytes
    """The cover embedded in the MP3s' tags (from the coordinator's out/)."""

    version: str = __version__
    """The coordinator's audiopaper version: a worker running another one refuses the task."""

    cache_dir: str | None = None
    """The workers' sentence cache (local workers share the coordinator's); None: each worker's
    own default ($AUDIOPAPER_CACHE_DIR or its user cache)."""

    def identity(self) -> dict[str, Any]:
        """Everything here that changes an edition's files, for its content hash (as render's)."""
        return settings_identity(
            paper=self.paper,
            profile=self.profile,
            lead_first=self.lead_first,
            engine=self.engine.identity(),
            presenter=self.presenter.identity() if self.presenter is not None else None,
            cover_jpeg=self.cover_jpeg,
            version=self.version,
        )


@dataclass(frozen=True)
class EditionRequest:
    """One task: a date's pages and the run's settings."""

    day: date
    """The edition's date."""

    pages: tuple[PageFile, ...]
    """Its pages, in order."""

    settings: EditionSettings
    """The run's shared settings."""

    source_hash: str
    """The content hash recorded in edition.json (see recipe.source_hash)."""


@dataclass(frozen=True)
class EditionOutcome:
    """What a task sends back: the edition's files, or why the date could not be rendered."""

    day: date
    """The edition's date."""

    files: tuple[tuple[str, bytes], ...]
    """(path relative to the edition directory, bytes) for every file but edition.json; empty on failure."""

    manifest: EditionManifest | None
    """The edition's manifest, for the coordinator's publisher to write and install; None on failure."""

    error: str | None
    """One line saying why the date failed, or None."""

    worker: str
    """Which worker rendered it (host:pid), for the balance figures."""

    seconds: float
    """Wall time the task took on the worker."""

    synthesized: int = 0
    """Lines the engine spoke for it (the rest came from the worker's cache)."""

    cpu_seconds: float = 0.0
    """CPU time of the worker process during the task (all its threads): the edition's cost
    on a core of its own, whatever else the machine was doing."""


# One engine and one cache per worker thread: the offline models load once (a second or
# two), not per task, and neither is shared between threads.
_engines = threading.local()


def _engine(spec: EngineSpec) -> Engine:
    built: dict[EngineSpec, Engine] = _engines.__dict__.setdefault("built", {})
    if spec not in built:
        built[spec] = spec.build(threads=1)  # one inference thread per task slot
    return built[spec]


WORKER_SLOTS = 256
"""Most task slots (worker threads) on one machine sharing one cache directory."""

_slots_lock = threading.Lock()
_slots_held: dict[Path, IO[bytes]] = {}


def _worker_cache(base: Path | None) -> ClipCache:
    """This thread's own cache: a slot directory under ``base`` that no other task slot uses.

    Worker processes on one machine would otherwise share one cache, and one worker's trim
    (after its edition) could delete a segment another is still joining. Each slot is
    claimed with a POSIX lock held for the worker's life and released by the kernel when it
    dies, so a restarted worker reuses a free slot and its audio: slots stay few and stable.
    A ``base`` that cannot be written gives an unclaimed slot, which the task then uses as
    render does a cache it cannot write (ClipCache.in_use: skipped, with a warning).
    """
    held: ClipCache | None = _engines.__dict__.get("cache")
    if held is not None:
        return held
    base = base or default_cache_dir()
    with _slots_lock:
        for number in range(WORKER_SLOTS):
            slot = base / f"archive-worker-{number}"
            if slot in _slots_held:
                continue  # POSIX locks belong to the process: another thread of ours holds it
            try:
                slot.mkdir(parents=True, exist_ok=True)
                handle = open(slot / ".lock", "a+b")  # noqa: SIM115 - held for the worker's life
            except OSError:
                return ClipCache(slot)  # not kept: the next task tries the disk again
            try:
                fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            _slots_held[slot] = handle
            cache = ClipCache(slot)
            _engines.cache = cache
            return cache
    raise OutputError(f"all {WORKER_SLOTS} cache slots under {base} are in use; start fewer workers")


def _collect(directory: Path) -> tuple[tuple[str, bytes], ...]:
    return tuple(
        (path.relative_to(directory).as_posix(), path.read_bytes())
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    )


def _render(request: EditionRequest, directory: Path) -> tuple[EditionManifest, int]:
    """Render into ``directory``; returns the manifest and the lines synthesized."""
    settings = request.settings
    cache = _worker_cache(Path(settings.cache_dir) if settings.cache_dir else None)
    synthesizer = Synthesizer(cache, engine=_engine(settings.engine), jobs=1)
    presenter = None
    if settings.presenter is not None:
        presenter = Synthesizer(cache, engine=_engine(settings.presenter), jobs=1)
    # As render does: the cache is held in use for the task, so no other process trims what
    # it is joining, and wetext's and pypinyin's answers are kept (where it can be written).
    with cache.in_use(), remembering(cache.directory if cache.overlay is None else None):
        pages = [parse_page_file(page) for page in request.pages]
        cleaning = clean_pages(pages, lead_first=settings.lead_first)
        meta = edition_meta(settings.paper, request.day, settings.profile, synthesizer, presenter)
        written = write_edition(
            directory,
            cleaning,
            meta,
            settings.profile,
            synthesizer,
            cover_jpeg=settings.cover_jpeg,
            presenter=presenter,
        )
        cache.trim()
    manifest = dataclasses.replace(written.manifest, source_hash=request.source_hash)
    return manifest, written.synthesis.synthesized


def render_edition(request: EditionRequest) -> EditionOutcome:
    """The task: render one date's edition and return its files (or one line saying why not)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    worker = f"{socket.gethostname()}:{os.getpid()}"

    def failed(message: str) -> EditionOutcome:
        return EditionOutcome(request.day, (), None, message, worker, time.perf_counter() - started)

    if request.settings.version != __version__:
        return failed(
            f"the worker {worker} runs audiopaper {__version__}, the coordinator "
            f"{request.settings.version}; install the same version on every worker"
        )
    try:
        with tempfile.TemporaryDirectory(prefix=f"audiopaper-{request.day}-") as temp:
            manifest, synthesized = _render(request, Path(temp))
            files = _collect(Path(temp))
    except AudiopaperError as error:
        return failed(str(error))
    except OSError as error:  # the worker's own disk (its cache or temporary directory)
        return failed(f"the worker {worker} could not write its files: {error}")
    return EditionOutcome(
        request.day,
        files,
        manifest,
        None,
        worker,
        time.perf_counter() - started,
        synthesized,
        cpu_seconds=time.process_time() - cpu_started,
    )
