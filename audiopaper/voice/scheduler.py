"""Synthesis scheduling: every spoken text once, from the cache or from the engine.

A render first asks for all the texts it will need. Those already in the cache cost
nothing; the rest are synthesized longest first, in a pool of worker processes for the
offline engine (each loads the models once and runs one inference thread, which on this
kind of machine beats one process with two threads), and stored in the cache as they
arrive. Assembly then reads clips back from the cache in order, one article at a time,
so memory does not grow with the edition. Nothing heavy is imported unless a text is
actually missing: a fully cached render never loads the voice models.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from audiopaper.errors import EngineError, ServiceBudgetExceeded
from audiopaper.text.lexicon import EMPTY_LEXICON, Lexicon
from audiopaper.voice.cache import ClipCache, clip_key
from audiopaper.voice.engine import BatchEngine, Clip, Engine, EngineIdentity, Samples, synthesize_clip
from audiopaper.voice.registry import EngineSpec, engine_lexicon

_LOGGER = logging.getLogger(__name__)

LINE_TIMEOUT_S = 120.0
"""A worker that returns nothing for this long is taken as hung (a line takes ~1 s)."""

Progress = Callable[[int, int], None]
"""Called with (texts done, texts to synthesize) as synthesis proceeds."""


@dataclass(frozen=True)
class SynthesisStats:
    """What synthesis cost: of one :meth:`Synthesizer.prepare` call, or summed over a render's."""

    synthesized: int = 0
    """Texts spoken by the engine."""

    from_cache: int = 0
    """Texts found in the cache."""

    failed: int = 0
    """Texts the engine could not speak."""

    engine_seconds: float = 0.0
    """Wall time spent inside engine calls, summed over workers."""

    def __add__(self, other: SynthesisStats) -> SynthesisStats:
        return SynthesisStats(
            self.synthesized + other.synthesized,
            self.from_cache + other.from_cache,
            self.failed + other.failed,
            self.engine_seconds + other.engine_seconds,
        )


@dataclass(frozen=True)
class Prepared:
    """What one :meth:`Synthesizer.prepare` call did."""

    failures: dict[str, str]
    """{text: one line saying why} for the texts that could not be synthesized."""

    stats: SynthesisStats
    """What the call cost (every text it was given counted once: spoken, cached or failed)."""


# One engine and cache per worker process, set up by _worker_init.
_worker_engine: Engine | None = None
_worker_cache: ClipCache | None = None


def _die_with_parent(parent_pid: int) -> None:
    """Make this worker exit when the render that started it dies, even by SIGKILL.

    Workers hold both ends of the pool's pipes, so they would never notice the parent's
    death and would idle on forever, each holding the models' memory. On Linux the
    kernel signals them instead (prctl PR_SET_PDEATHSIG); there is no portable call for it.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the call above took effect
        os._exit(0)


def _worker_init(
    spec: EngineSpec, cache_dir: Path, max_bytes: int, overlay: Path | None, parent_pid: int
) -> None:
    global _worker_engine, _worker_cache
    _die_with_parent(parent_pid)
    _worker_engine = spec.build(threads=1)
    _worker_cache = ClipCache(cache_dir, max_bytes=max_bytes, overlay=overlay)


def speak_and_store(engine: Engine, cache: ClipCache, text: str, key: str) -> tuple[str, str | None, float]:
    """Speak ``text`` and store it under ``key``; returns (text, error or None, engine seconds)."""
    started = time.perf_counter()
    try:
        clip = synthesize_clip(engine, text)
    except EngineError as error:
        return text, str(error), time.perf_counter() - started
    elapsed = time.perf_counter() - started
    cache.put(key, clip.samples, clip.sample_rate_hz)
    return text, None, elapsed


def _worker_speak(text: str, key: str) -> tuple[str, str | None, float]:
    """Speak ``text`` in a worker process (see :func:`speak_and_store`)."""
    assert _worker_engine is not None and _worker_cache is not None
    return speak_and_store(_worker_engine, _worker_cache, text, key)


class _Tally:
    """Counts lines as they land, for the stats, the progress bar and ``on_ready``."""

    def __init__(self, total: int, progress: Progress | None, on_ready: Callable[[str], None] | None) -> None:
        self.total = total
        self.progress = progress
        self.on_ready = on_ready
        self.done = 0
        self.spoken = 0
        self.engine_seconds = 0.0
        self.failures: dict[str, str] = {}

    def record(self, text: str, error: str | None, seconds: float) -> None:
        """One line landed: spoken (``error`` None) or failed."""
        self.done += 1
        self.engine_seconds += seconds
        if error is None:
            self.spoken += 1
            if self.on_ready:
                self.on_ready(text)
        else:
            self.failures[text] = error
        if self.progress:
            self.progress(self.done, self.total)

    def result(self, from_cache: int) -> Prepared:
        """The call's failures and cost."""
        stats = SynthesisStats(self.spoken, from_cache, len(self.failures), self.engine_seconds)
        return Prepared(dict(self.failures), stats)


def default_jobs() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


class Synthesizer:
    """Speaks texts through the cache, with a worker pool for the misses.

    Give it an :class:`EngineSpec` (the engine is built only when needed, in workers when
    ``jobs`` > 1), or an engine instance to run in this process (tests inject fakes so).
    Use it as a context manager so the pool is shut down.
    """

    def __init__(
        self,
        cache: ClipCache,
        *,
        spec: EngineSpec | None = None,
        engine: Engine | None = None,
        jobs: int | None = None,
        line_timeout_s: float = LINE_TIMEOUT_S,
        lexicon: Lexicon | None = None,
    ) -> None:
        if (spec is None) == (engine is None):
            raise ValueError("give exactly one of spec and engine")
        self.cache = cache
        self._spec = spec
        self._engine = engine
        self.jobs = jobs or default_jobs()
        self.line_timeout_s = line_timeout_s
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {self.jobs}")
        if spec is not None:
            self.identity: EngineIdentity = spec.identity()
            batch = spec.kind.speaks_in_batches
        else:
            assert engine is not None
            self.identity = engine.identity
            batch = isinstance(engine, BatchEngine)
        # The strategy is chosen once: the engine speaks many lines itself, or lines go to
        # a pool of worker processes, or they are spoken one by one in this process.
        self._strategy = "batch" if batch else "pool" if spec is not None and self.jobs > 1 else "here"
        # A voice that takes pinyin says a lexicon word as its entry says: the entries a line
        # contains are part of its key. A voice that takes text gets the respelling in the text.
        takes_pinyin = not self.identity.traits.respells
        self._lexicon = (lexicon or engine_lexicon()) if takes_pinyin else EMPTY_LEXICON
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._engine_lock = threading.Lock()

    def __enter__(self) -> Synthesizer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker pool (cancelling queued work if the render is failing)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def key(self, text: str) -> str:
        """The cache key of ``text`` for this engine, voice, settings and the lexicon's readings."""
        identity = self.identity
        return clip_key(identity.name, identity.voice, identity.settings, text, self._lexicon.readings(text))

    def _local_engine(self) -> Engine:
        with self._lock:  # segments are built in threads; build the engine once
            if self._engine is None:
                assert self._spec is not None
                self._engine = self._spec.build()
            return self._engine

    def prepare(
        self,
        texts: Iterable[str],
        progress: Progress | None = None,
        *,
        on_ready: Callable[[str], None] | None = None,
        keep_order: bool = False,
    ) -> Prepared:
        """Make sure every text is in the cache; returns which failed and what it cost.

        Texts are synthesized longest first (no long straggler at the end), or in the
        given order with ``keep_order``. ``on_ready`` is called, in this thread, for each
        text as soon as its audio is in the cache (at once for texts already there). Every
        call stands alone: a synthesizer keeps nothing from one call, or one render, to the
        next but its engine, its worker pool and the cache itself, so it can be reused.
        """
        unique = [t for t in dict.fromkeys(texts) if t]
        missing = [t for t in unique if self.key(t) not in self.cache]
        if on_ready:
            absent = set(missing)
            for text in unique:
                if text not in absent:
                    on_ready(text)
        if not keep_order:
            missing.sort(key=len, reverse=True)
        tally = _Tally(len(missing), progress, on_ready)
        from_cache = len(unique) - len(missing)
        if not missing:
            return tally.result(from_cache)
        if progress:
            progress(0, len(missing))
        try:
            if self._strategy == "batch":
                self._speak_in_batch(missing, tally.record)
            elif self._strategy == "pool" and len(missing) > 1:
                for result in self._speak_in_pool(missing):
                    tally.record(*result)
            else:
                for text in missing:
                    tally.record(*self._speak_here(text))
        except ServiceBudgetExceeded as error:
            remaining = len(missing) - tally.done
            raise ServiceBudgetExceeded(
                f"the online voice kept failing ({error}); {remaining} of {len(missing)} lines still to "
                "synthesize. What was received is cached: run the same command again to resume, "
                "or use --engine offline"
            ) from error
        return tally.result(from_cache)

    def _speak_in_batch(self, texts: list[str], record: Callable[[str, str | None, float], None]) -> None:
        engine = self._local_engine()
        assert isinstance(engine, BatchEngine)
        rate = engine.identity.sample_rate_hz

        def landed(text: str, samples: Samples | None, error: str | None, seconds: float) -> None:
            if samples is not None:
                self.cache.put(self.key(text), samples, rate)
            record(text, error, seconds)

        engine.synthesize_batch(texts, landed)

    def _speak_here(self, text: str) -> tuple[str, str | None, float]:
        engine = self._local_engine()
        with self._engine_lock:  # an engine instance is not safe to share between threads
            return speak_and_store(engine, self.cache, text, self.key(text))

    def _new_pool(self, size: int) -> ProcessPoolExecutor:
        assert self._spec is not None
        cache = self.cache
        # fork is cheap and safe here: this process has not loaded onnxruntime. Forked
        # workers share the front end loaded here (140 MB each otherwise); gc.freeze keeps
        # the collector from touching, and so copying, those shared pages in each worker.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        if method == "fork":
            self._spec.load_shared_parts()
            gc.freeze()
        return ProcessPoolExecutor(
            max_workers=size,
            mp_context=multiprocessing.get_context(method),
            initializer=_worker_init,
            initargs=(self._spec, cache.directory, cache.max_bytes, cache.overlay, os.getpid()),
        )

    def _kill_pool(self) -> None:
        """Stop a pool whose worker hangs or died: terminate its processes, drop the pool."""
        if self._pool is None:
            return
        # ProcessPoolExecutor has no public way to kill a hung worker; _processes is its map.
        for process in list(getattr(self._pool, "_processes", {}).values()):
            process.terminate()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def _speak_in_pool(self, texts: list[str]) -> Iterable[tuple[str, str | None, float]]:
        """Speak ``texts`` in worker processes, replacing workers that crash or hang.

        At most ``jobs`` lines are in flight, so when a worker dies or stops answering
        for ``line_timeout_s``, the suspects are just the lines in flight: each is tried
        once more on its own, in a fresh pool, and reported as failed if it fails again.
        """
        queue = list(texts)
        suspects: list[str] = []
        tries: dict[str, int] = {}
        while queue or suspects:
            solo = not queue  # retries of suspects run one at a time, so the guilty one is known
            batch = queue if queue else suspects
            if self._pool is None:
                self._pool = self._new_pool(1 if solo else min(self.jobs, len(batch)))
            window = 1 if solo else self.jobs
            in_flight: dict[Future[tuple[str, str | None, float]], str] = {}
            broken = False
            while (batch or in_flight) and not broken:
                while batch and len(in_flight) < window:
                    text = batch.pop(0)
                    tries[text] = tries.get(text, 0) + 1
                    in_flight[self._pool.submit(_worker_speak, text, self.key(text))] = text
                done, _ = wait(in_flight, timeout=self.line_timeout_s, return_when=FIRST_COMPLETED)
                if not done:
                    _LOGGER.warning("a synthesis worker stopped answering; replacing it")
                    broken = True
                    break
                for future in done:
                    text = in_flight.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken = True
                        in_flight[future] = text  # judged with the others below
            if broken:
                self._kill_pool()
                for text in in_flight.values():
                    if tries[text] >= 2:
                        yield text, f"the offline engine's worker died or hung twice on “{text[:20]}”", 0.0
                    else:
                        suspects.append(text)
                in_flight.clear()
            if solo and not broken:
                suspects = []

    def clip(self, text: str) -> Clip:
        """The clip of a prepared text (synthesized here if it vanished from the cache)."""
        cached = self.cache.get(self.key(text))
        if cached is None:
            _, error, _ = self._speak_here(text)
            if error:
                raise EngineError(error)
            cached = self.cache.get(self.key(text))
            if cached is None:
                raise EngineError(f"the cache at {self.cache.directory} cannot keep “{text[:20]}”")
        return Clip(
            text=text,
            samples=np.asarray(cached.samples, dtype=np.float32),
            sample_rate_hz=cached.sample_rate_hz,
        )
