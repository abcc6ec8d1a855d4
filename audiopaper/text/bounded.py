"""Bounded: run a reader of untrusted files in a child process with a memory and time limit.

A damaged or hostile PDF (a decompression bomb, a page with millions of objects) can make
PDFium or an OCR model take gigabytes or minutes; nothing inside those libraries lets a
caller cap either. A forked child with an address-space limit (``RLIMIT_AS``) and a
deadline turns both into a one-line error, and the parent process never holds the damage.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any

from audiopaper.errors import AudiopaperError, InputError


def _virtual_bytes() -> int:
    """This process's current address-space size (VmSize), in bytes; 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _outcome(memory_bytes: int, work: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    """Run ``work`` under the memory limit and say how it ended (in the child)."""
    try:
        if memory_bytes:
            limit = _virtual_bytes() + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        return "ok", work(*args)
    except AudiopaperError as error:
        return "input", str(error)
    except MemoryError:
        return "memory", ""
    except BaseException as error:  # anything a damaged file makes a library raise
        return "crash", f"{type(error).__name__}: {error}".splitlines()[0][:200]


def _collect(read_end: int, seconds: float) -> bytes | None:
    """All the child writes before it closes the pipe, or ``None`` when time runs out."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([read_end], [], [], left)[0]:
            return None
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_bounded(
    work: Callable[..., Any], args: tuple[Any, ...], *, source: str, memory_bytes: int, seconds: float
) -> Any:
    """``work(*args)`` in a forked child with ``memory_bytes`` more address space and ``seconds``.

    Its :class:`AudiopaperError` comes back as an :class:`InputError` with the same message;
    running out of memory or time, or crashing, gives a one-line :class:`InputError` too.
    ``os.fork`` rather than multiprocessing: a Dask worker is a daemon process, and those
    may not start multiprocessing children.
    """
    if not hasattr(os, "fork"):  # no fork or rlimit here: run in this process, unbounded
        return work(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send the outcome, and leave without running any cleanup
        os.close(read_end)
        try:
            outcome = pickle.dumps(_outcome(memory_bytes, work, args))
        except BaseException:
            outcome = pickle.dumps(("crash", "the result could not be sent back"))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(outcome)
        os._exit(0)
    os.close(write_end)
    try:
        data = _collect(read_end, seconds)
    finally:
        os.close(read_end)
        if data is None:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if data is None:
        raise InputError(f"{source}: reading it took more than {seconds:.0f} s; the file may be damaged")
    if not data:
        raise InputError(
            f"{source}: the reader stopped on this file (damaged, or needing more than "
            f"{memory_bytes // 2**20} MiB: a decompression bomb?); export it again"
        )
    status, value = pickle.loads(data)
    if status == "ok":
        return value
    if status == "memory":
        raise InputError(
            f"{source}: reading it needs more than {memory_bytes // 2**20} MiB (a decompression bomb "
            "or a damaged file); export the page again"
        )
    if status == "input":
        raise InputError(value)
    raise InputError(f"{source}: cannot read this file ({value}); export it again")
