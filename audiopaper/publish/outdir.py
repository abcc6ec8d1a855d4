"""The output directory: atomic writes, the lock, staging, install and repair.

Everything for one edition is first written into a staging directory beside the final one
and then swapped into place with renames, so a listener or podcast app never sees a
half-written edition, and an interrupted run leaves the previous one intact.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from audiopaper.errors import OutputError

EDITIONS_DIR = "editions"
"""Sub-directory of the output directory holding one directory per edition date."""


TEMP_MARK = ".ap-"
"""In the name of every temporary file we make (``.feed.xml.ap-k3j2x9q1.tmp``), so an
interrupted run's leftovers can be removed without touching anyone else's ``.*.tmp``."""

LOCK_FILE = ".audiopaper.lock"
"""Lock file in the output directory: one render or feed rebuild writes there at a time."""

BRIEF_LOCK_FILE = ".audiopaper.brief.lock"
"""Held beside LOCK_FILE by a run that only rebuilds the indexes (feed, approve, withdraw),
so a render finding out/ taken knows to wait for it rather than refuse."""

LOCK_WAIT_S = 600.0
"""How long a run waits for out/ when it waits at all (a feed for a render, a render for a
feed): a render takes minutes, and a feed of a 3,650-edition archive about a minute."""

LOCK_POLL_S = 0.2
"""How often a run waiting for the output lock tries it again."""

WATCH_LOCK_FILE = ".watch.lock"
"""The watcher's lock, held for its whole life: one ``audiopaper watch`` per output directory
(it renders without the output lock, which it takes only to install)."""

OWN_MARKS = (
    "show.json",
    "feed.xml",
    "status.json",
    EDITIONS_DIR,
    ".pending",
    ".work",
    LOCK_FILE,
    BRIEF_LOCK_FILE,
    WATCH_LOCK_FILE,
)
"""Names only an audiopaper output directory holds; one of them makes a directory ours
(``.work`` is the watcher's WORK_DIR, ``.pending`` release.PENDING_DIR, written before any
edition is installed)."""


def claim_output(out_dir: Path) -> None:
    """Refuse ``out_dir`` unless it is absent, empty, or already an audiopaper output.

    Without this a mistyped ``--out`` (a home directory, ``/``) would get a lock, a feed and
    pages written into it, and its temporary files treated as ours.
    """
    try:
        with os.scandir(out_dir) as entries:
            names = [entry.name for entry in entries]
    except FileNotFoundError:
        return
    except NotADirectoryError as error:
        raise OutputError(f"--out {out_dir} is a file, not a directory; choose a directory") from error
    except OSError as error:
        raise OutputError(describe_os_error(error, out_dir)) from error
    # A temporary file of ours counts too: another run may be writing its first show.json.
    ours = any(name in OWN_MARKS or TEMP_MARK in name for name in names)
    if names and not ours:
        raise OutputError(
            f"--out {out_dir} is not empty and is not an audiopaper output (no show.json or editions/); "
            "choose a new or empty directory"
        )


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            os.fchmod(temp.fileno(), 0o644)  # mkstemp makes 0600; published files are public
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def staging_dir(out_dir: Path, day: date) -> Path:
    """A fresh private directory beside the edition's final place, for building it."""
    parent = out_dir / EDITIONS_DIR
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{day.isoformat()}.", suffix=".staging", dir=parent))
        staging.chmod(0o755)  # mkdtemp makes 0700; the installed edition is served to listeners
        return staging
    except OSError as error:
        raise OutputError(f"cannot write to {parent}: {error.strerror}; choose another --out") from error


@contextlib.contextmanager
def locked_output(
    out_dir: Path,
    name: str = LOCK_FILE,
    busy: str = "",
    *,
    brief: bool = False,
    wait_s: float = 0.0,
    waiting: Callable[[str], None] = lambda message: None,
) -> Iterator[None]:
    """Hold the output directory's lock, or refuse if another run holds it.

    ``name`` picks another lock in the same directory (the watcher's own, WATCH_LOCK_FILE);
    ``busy`` is then the one line said when it is taken. A ``brief`` run (one that only
    rebuilds the indexes: feed, approve, withdraw) marks itself so with BRIEF_LOCK_FILE and
    waits up to ``wait_s`` for whichever run holds the lock; any other run waits so only
    for a brief one, and refuses at once when a render or archive run holds it. ``waiting``
    is told once that it waits.
    """
    claim_output(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / name, "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as error:
        raise OutputError(describe_os_error(error, out_dir)) from error
    try:
        taken = f"another audiopaper run is writing to {out_dir}"
        deadline = time.monotonic() + wait_s
        announced = False
        # A POSIX record lock, not flock: it belongs to this process alone, so worker
        # processes forked from it do not keep holding it after it is killed.
        while not _try_lock(handle):
            if time.monotonic() >= deadline or not (brief or _held_by_brief_run(out_dir)):
                waited = f" (waited {wait_s:g} s)" if announced else ""
                raise OutputError(busy or f"{taken}{waited}; wait for it to finish or use another --out")
            if not announced:
                waiting(f"{taken}; waiting up to {wait_s:g} s for it to finish")
                announced = True
            time.sleep(LOCK_POLL_S)
        with _marked_brief(out_dir) if brief else contextlib.nullcontext():
            yield
    finally:
        handle.close()  # closing releases the lock, also when the process is killed


def _try_lock(handle: BinaryIO) -> bool:
    """Take the exclusive lock on ``handle`` if no other process holds it."""
    try:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _held_by_brief_run(out_dir: Path) -> bool:
    """True when the run holding ``out_dir`` marked itself brief (see :func:`locked_output`).

    Only a process that does not hold BRIEF_LOCK_FILE itself may ask: closing the probe
    releases every lock this process has on the file.
    """
    try:
        with open(out_dir / BRIEF_LOCK_FILE, "rb") as probe:
            fcntl.lockf(probe.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # taken: a brief run holds it
    return False


@contextlib.contextmanager
def _marked_brief(out_dir: Path) -> Iterator[None]:
    """Hold BRIEF_LOCK_FILE for the block (with the output lock held, so no one else does)."""
    with open(out_dir / BRIEF_LOCK_FILE, "a+b") as marker:
        with contextlib.suppress(OSError):  # without the mark a render refuses, as before
            fcntl.lockf(marker.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield


def recover_output(out_dir: Path) -> list[str]:
    """Repair what an interrupted run left (call with the lock held); returns what was done.

    A run killed between the two renames of :func:`install_edition` leaves the previous
    edition under its aside name: it is put back. Staging directories and temporary
    files of killed runs are removed.
    """
    done: list[str] = []
    editions = out_dir / EDITIONS_DIR
    if editions.is_dir():
        for aside in editions.glob(".*.old"):
            final = editions / aside.name[1:-4]
            if final.exists():
                shutil.rmtree(aside, ignore_errors=True)
                done.append(f"removed {aside.name}")
            else:
                os.replace(aside, final)
                done.append(f"restored {final.name} from an interrupted run")
        for staging in editions.glob(".*.staging"):
            shutil.rmtree(staging, ignore_errors=True)
            done.append(f"removed {staging.name}")
    for pattern in (f".*{TEMP_MARK}*.tmp", f"{EDITIONS_DIR}/*/.*.tmp"):  # editions/ is all ours
        for temp in out_dir.glob(pattern):
            temp.unlink(missing_ok=True)
            done.append(f"removed {temp.name}")
    return done


def describe_os_error(error: OSError, out_dir: Path) -> str:
    """One line saying what went wrong writing ``out_dir`` and what to do."""
    where = error.filename or out_dir
    if error.errno == errno.ENOSPC:
        return f"the disk is full writing {where}; free space and run again (earlier editions are intact)"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write to {where} ({error.strerror}); choose a writable --out"
    return f"cannot write {where}: {error.strerror or error}; check the output directory"


def install_edition(staging: Path, out_dir: Path, day: date) -> Path:
    """Move a finished staging directory into ``editions/DATE``, replacing an older render.

    The old directory is renamed aside first and removed only after the new one is in
    place, so at every moment one complete edition exists under its name or its aside name.
    """
    final = out_dir / EDITIONS_DIR / day.isoformat()
    aside = final.with_name(f".{final.name}.old")
    if aside.exists() and final.exists():
        shutil.rmtree(aside)
    elif aside.exists():  # left by a killed run: it is the only complete copy
        os.replace(aside, final)
    if final.exists():
        os.replace(final, aside)
    os.replace(staging, final)
    if aside.exists():
        shutil.rmtree(aside)
    return final
