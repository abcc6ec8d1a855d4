"""Results of slow pure functions, remembered between runs in the cache directory.

Re-rendering a page spends most of its time not in synthesis (cached) but in loading
wetext's grammars (0.45 s) and pypinyin's phrase dictionary (0.36 s) to redo work whose
answer cannot have changed: wetext's reading of a string depends only on the string and
wetext's version. A render opens :func:`remembering` on its cache directory; inside it,
:func:`recall` answers from disk when it can and computes (loading the library) when it
cannot. Each namespace is one small JSON file, rewritten atomically at the end, holding the
entries this run used first and then older ones up to MAX_ENTRIES, so it stays bounded.
Outside :func:`remembering` nothing is written and :func:`recall` just computes.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

MAX_ENTRIES = 6_000
"""Entries kept per namespace: several days of an edition's sentences (about 1 MB of JSON)."""

MEMO_DIR = "memo"
"""Subdirectory of the cache directory holding the namespaces' files."""


class _Namespace:
    """One namespace's entries: those read from disk, and those used or made in this run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stored: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.changed = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.stored = {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, str)}
        except (OSError, ValueError):
            pass  # absent or damaged: start empty, it is only a memo

    def save(self) -> None:
        """Write this run's entries, then older ones up to MAX_ENTRIES (atomically)."""
        if not self.changed and len(self.used) == len(self.stored):
            return
        kept = dict(self.used)
        for key, value in self.stored.items():
            if len(kept) >= MAX_ENTRIES:
                break
            kept.setdefault(key, value)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".memo-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(kept, stream, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            _LOGGER.warning("could not keep the %s memo: %s", self.path.stem, error)


_directory: Path | None = None
_namespaces: dict[str, _Namespace] = {}
_lock = threading.Lock()  # segments are encoded in threads; captions may ask from any of them


@contextmanager
def remembering(cache_dir: Path | None) -> Iterator[None]:
    """Within this block, :func:`recall` reads and keeps answers under ``cache_dir``."""
    global _directory
    previous = _directory
    _directory = cache_dir / MEMO_DIR if cache_dir is not None else None
    try:
        yield
        with _lock:
            for namespace in list(_namespaces.values()):
                namespace.save()
    finally:
        with _lock:
            _namespaces.clear()
        _directory = previous


@lru_cache(maxsize=8)
def library_namespace(purpose: str, distribution: str) -> str:
    """A namespace for answers that change only with ``distribution``'s installed version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{purpose}-{version(distribution)}"
    except PackageNotFoundError:
        return f"{purpose}-unknown"


def recall(namespace: str, key: str, compute: Callable[[str], str]) -> str:
    """``compute(key)``, or its answer remembered from an earlier run.

    ``namespace`` must change whenever ``compute`` could answer differently (put the
    library's version in it).
    """
    directory = _directory
    if directory is None:
        return compute(key)
    with _lock:
        memo = _namespaces.get(namespace)
        if memo is None:
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", namespace)
            memo = _namespaces[namespace] = _Namespace(directory / f"{safe}.json")
        answer = memo.used.get(key, memo.stored.get(key))
    computed = answer is None
    if answer is None:
        answer = compute(key)  # outside the lock: it may load a library for a second or two
    with _lock:
        memo.changed |= computed
        memo.used[key] = answer
    return answer
