"""A content-addressed cache of synthesized sentences, shared by renders and processes.

The key is a hash of everything that changes the sound (engine, voice or model, speed,
the spoken text); the value is the audio with a checksum. Entries are written to a
temporary file and renamed, so two renders sharing the cache never see half an entry;
a corrupt entry fails its checksum, is deleted and synthesized again, never played.
Reading an entry touches its modification time, and the cache is trimmed back under its
size bound by deleting the least recently used entries first. A cache directory that cannot
be written (read-only, or not creatable) is used read-only for a render, with one warning:
its entries are read, and what the render makes goes to a temporary overlay directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from audiopaper.values import env_int
from audiopaper.voice.engine import Samples

_LOGGER = logging.getLogger(__name__)

CACHE_ENV = "AUDIOPAPER_CACHE_DIR"
"""Environment variable that moves the cache (default: the platform's user cache directory)."""

CACHE_SIZE_ENV = "AUDIOPAPER_CACHE_MB"
"""Environment variable for the cache's size bound in megabytes."""

DEFAULT_MAX_BYTES = 2 * 1024**3
"""Default size bound: 2 GiB, about 6 hours of 24 kHz float32 speech (96 kB a second)."""

_MAGIC = b"APC1"
_HEADER = struct.Struct("<4sIII")  # magic, sample rate (Hz), sample count, crc32 of the samples
ENTRY_SUFFIX = ".clip"
FILE_SUFFIXES = (".mp3", ".json", ".jpg")
"""Suffixes of file entries: encoded segments, their metadata (see audio.segments), and the
small cover embedded in tags (pipeline.py)."""
ENTRY_SUFFIXES = (ENTRY_SUFFIX, *FILE_SUFFIXES)


def default_cache_dir() -> Path:
    """$AUDIOPAPER_CACHE_DIR, else the platform's user cache directory for audiopaper."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("audiopaper"))


IN_USE_LOCK = "in-use.lock"
"""Lock file in the cache directory: every render holds it shared, a trim needs it alone."""

MAX_CACHE_MB = 1024 * 1024
"""Largest AUDIOPAPER_CACHE_MB accepted: 1 TiB (a larger number is a typing mistake)."""


def default_max_bytes() -> int:
    """$AUDIOPAPER_CACHE_MB in bytes (a whole number from 1 to MAX_CACHE_MB), else DEFAULT_MAX_BYTES."""
    megabytes = env_int(
        CACHE_SIZE_ENV, DEFAULT_MAX_BYTES // 1024**2, low=1, high=MAX_CACHE_MB, unit="megabytes"
    )
    return megabytes * 1024**2


def clip_key(engine: str, voice: str, settings: str, text: str, readings: tuple[str, ...] = ()) -> str:
    """The cache key of one sentence: a hash of everything that changes its sound.

    ``readings`` are the lexicon's syllables for the words in ``text`` (for a voice that
    takes pinyin; see Lexicon.readings), so an edited entry gives its lines new keys.
    """
    material = "\x1f".join(("audiopaper-clip-v2", engine, voice, settings, text, *readings))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedClip:
    """A sentence's audio as stored."""

    samples: Samples
    """Mono float32 samples."""

    sample_rate_hz: int
    """Their sample rate."""

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate_hz


class ClipCache:
    """Sentence audio on disk, keyed by :func:`clip_key`, bounded in size (LRU)."""

    def __init__(
        self, directory: Path | None = None, *, max_bytes: int | None = None, overlay: Path | None = None
    ) -> None:
        self.directory = directory or default_cache_dir()
        self.max_bytes = max_bytes or default_max_bytes()
        self.hits = 0
        self.misses = 0
        self.corrupt = 0
        self._use_handle: BinaryIO | None = None
        self.overlay: Path | None = overlay
        """Where new entries go while ``directory`` cannot be written (read first); None: there."""

    def _where(self, key: str, suffix: str, *, new: bool = False) -> Path:
        """An entry's path: in the overlay when there is one and it holds the entry (or ``new``)."""
        name = f"{key[:2]}/{key}{suffix}"
        if self.overlay is not None and (new or (self.overlay / name).is_file()):
            return self.overlay / name
        return self.directory / name

    def __contains__(self, key: str) -> bool:
        return self._where(key, ENTRY_SUFFIX).is_file()

    def touch(self, path: Path) -> None:
        """Mark an entry just used, for the least recently used trim (not in a read-only cache)."""
        if self.overlay is None:
            with contextlib.suppress(OSError):  # deleted by another render meanwhile: still used
                os.utime(path)

    def discard(self, path: Path) -> None:
        """Remove a damaged entry; one in a read-only cache stays, shadowed by its rebuilt copy."""
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)

    def get(self, key: str) -> CachedClip | None:
        """The stored clip, or None if absent or corrupt (a corrupt entry is deleted)."""
        path = self._where(key, ENTRY_SUFFIX)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        clip = _decode(data)
        if clip is None:
            _LOGGER.warning("cache entry %s is corrupt; it will be synthesized again", path.name)
            self.discard(path)
            self.corrupt += 1
            self.misses += 1
            return None
        self.touch(path)
        self.hits += 1
        return clip

    def put(self, key: str, samples: Samples, sample_rate_hz: int) -> None:
        """Store a clip atomically (temporary file, then rename)."""
        _write_atomic(self._where(key, ENTRY_SUFFIX, new=True), _encode(samples, sample_rate_hz))

    def file_path(self, key: str, suffix: str, *, new: bool = False) -> Path:
        """Where a file entry (an encoded segment, its metadata) with this key and suffix lives,
        or, ``new``, where one being written goes."""
        if suffix not in FILE_SUFFIXES:
            raise ValueError(f"unknown cache file suffix {suffix!r}")
        return self._where(key, suffix, new=new)

    def put_file(self, key: str, suffix: str, data: bytes) -> Path:
        """Store a file entry atomically; it shares the clips' size bound and trim."""
        path = self.file_path(key, suffix, new=True)
        _write_atomic(path, data)
        return path

    def get_file(self, key: str, suffix: str) -> bytes | None:
        """A file entry's bytes (touching it for LRU), or None when absent."""
        path = self.file_path(key, suffix)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        self.touch(path)
        return data

    def _entries(self) -> list[Path]:
        return [p for suffix in ENTRY_SUFFIXES for p in self.directory.glob(f"*/*{suffix}")]

    def size_bytes(self) -> int:
        """Total size of the stored entries (clips and segment files)."""
        total = 0
        for path in self._entries():
            with contextlib.suppress(OSError):
                total += path.stat().st_size
        return total

    def trim(self) -> int:
        """Delete least recently used entries until the cache fits its bound; returns bytes freed.

        Only when no other process is using the cache (:meth:`in_use`): another render may be
        about to join the entries a trim would delete (two renders sharing a 1 MB cache used
        to fail so). The trim is then left to whichever render finishes last. A read-only
        cache is never trimmed.
        """
        if self.overlay is not None:
            return 0
        with self._alone() as alone:
            return self._trim() if alone else 0

    @contextlib.contextmanager
    def in_use(self) -> Iterator[None]:
        """Mark the cache as in use by this process for the block (a shared POSIX lock).

        A directory that cannot be written is used read-only for the block: its entries are
        read (under the shared lock when its lock file exists, so no other render trims
        them meanwhile) and new ones go to a temporary overlay removed at the end.
        """
        problem = _unwritable(self.directory)
        if problem is None:
            with self._locked(writable=True):
                yield
            return
        with tempfile.TemporaryDirectory(prefix="audiopaper-cache-") as overlay:
            _LOGGER.warning(
                "the cache %s %s; this run reads what it holds and keeps new audio in %s until it ends",
                self.directory, problem, overlay,
            )  # fmt: skip
            self.overlay = Path(overlay)
            try:
                with self._locked(writable=False):
                    yield
            finally:
                self.overlay = None

    @contextlib.contextmanager
    def _locked(self, *, writable: bool) -> Iterator[None]:
        """Hold the in-use lock shared; in a read-only cache (opened for reading) never upgraded."""
        try:
            path = self.directory / IN_USE_LOCK
            handle = open(path, "a+b") if writable else open(path, "rb")  # noqa: SIM115 - held for the block
            fcntl.lockf(handle.fileno(), fcntl.LOCK_SH)
        except OSError as error:
            if writable:  # a read-only cache was already warned about
                _LOGGER.warning("cache %s cannot be locked (%s); not trimming it", self.directory, error)
            yield
            return
        self._use_handle = handle if writable else None
        try:
            yield
        finally:
            self._use_handle = None
            handle.close()

    @contextlib.contextmanager
    def _alone(self) -> Iterator[bool]:
        """True when this process may trim: it can hold the in-use lock exclusively."""
        handle = self._use_handle
        try:
            own = handle is None
            if handle is None:
                handle = open(self.directory / IN_USE_LOCK, "a+b")  # noqa: SIM115 - closed below
            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            _LOGGER.info("another render is using the cache %s; not trimming it now", self.directory)
            yield False
            return
        try:
            yield True
        finally:
            if own:
                handle.close()
            else:
                fcntl.lockf(handle.fileno(), fcntl.LOCK_SH)  # back to shared for the rest of the block

    def _trim(self) -> int:
        entries = []
        for path in self._entries():
            try:
                stat = path.stat()
            except OSError:
                continue  # deleted by another render meanwhile
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        freed = 0
        for _, size, path in sorted(entries):
            if total - freed <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            freed += size
        return freed


def _unwritable(directory: Path) -> str | None:
    """Why new entries cannot be written into ``directory`` (None when they can)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cannot be created ({error.strerror or error})"
    if not os.access(directory, os.W_OK | os.X_OK):  # a read-only mount or permissions
        return "cannot be written"
    return None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _encode(samples: Samples, sample_rate_hz: int) -> bytes:
    payload = np.ascontiguousarray(samples, dtype="<f4").tobytes()
    return _HEADER.pack(_MAGIC, sample_rate_hz, len(samples), zlib.crc32(payload)) + payload


def _decode(data: bytes) -> CachedClip | None:
    if len(data) < _HEADER.size:
        return None
    magic, rate, count, crc = _HEADER.unpack_from(data)
    payload = data[_HEADER.size :]
    if magic != _MAGIC or len(payload) != 4 * count or zlib.crc32(payload) != crc or rate <= 0:
        return None
    return CachedClip(samples=np.frombuffer(payload, dtype="<f4").astype(np.float32), sample_rate_hz=rate)
