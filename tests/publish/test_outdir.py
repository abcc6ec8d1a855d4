"""Tests for audiopaper.publish.outdir: ``out/`` is ours or refused, only our temporary files go."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from audiopaper.errors import OutputError
from audiopaper.publish.outdir import (
    BRIEF_LOCK_FILE,
    LOCK_FILE,
    atomic_write_text,
    claim_output,
    locked_output,
    recover_output,
)


@pytest.mark.parametrize(
    "marks",
    [
        [],
        ["show.json"],
        ["editions/"],
        [".audiopaper.lock"],
        ["editions/", "x.txt"],
        [".show.json.ap-k3j2x9q1.tmp"],  # another run is writing its first show.json this moment
    ],
)
def test_absent_empty_or_our_own_directories_are_taken(tmp_path: Path, marks: list[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for mark in marks:
        (out / mark.rstrip("/")).mkdir() if mark.endswith("/") else (out / mark).write_text("{}")
    claim_output(out)
    claim_output(tmp_path / "new")


@pytest.mark.parametrize("foreign", ["notes.txt", ".git/", ".bashrc"])
def test_a_directory_that_is_not_ours_is_refused_and_left_untouched(tmp_path: Path, foreign: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / foreign.rstrip("/")).mkdir() if foreign.endswith("/") else (home / foreign).write_text("mine")
    before = sorted(p.name for p in home.iterdir())
    with (
        pytest.raises(OutputError, match=r"is not empty and is not an audiopaper output") as raised,
        locked_output(home),
    ):
        pass
    assert "\n" not in str(raised.value)
    assert sorted(p.name for p in home.iterdir()) == before  # no lock file left behind


def test_the_root_directory_is_refused() -> None:
    with pytest.raises(OutputError, match="not an audiopaper output"):
        claim_output(Path("/"))


def test_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a directory"):
        claim_output(tmp_path / "out")


def test_recovery_removes_only_our_own_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    atomic_write_text(out / "feed.xml", "<rss/>")
    ours = out / ".feed.xml.ap-k3j2x9q1.tmp"
    ours.write_text("half")
    theirs = [out / ".notes.tmp", out / ".feed.xml.k3j2x9q1.tmp", out / ".vimrc.swp.tmp"]
    for path in theirs:
        path.write_text("someone else's")
    (out / "editions" / "2025-03-14").mkdir(parents=True)
    inside = out / "editions" / "2025-03-14" / ".edition.json.ap-aaaaaaaa.tmp"
    inside.write_text("half")
    done = recover_output(out)
    assert not ours.exists() and not inside.exists()
    assert all(path.exists() for path in theirs)
    assert sorted(done) == ["removed .edition.json.ap-aaaaaaaa.tmp", "removed .feed.xml.ap-k3j2x9q1.tmp"]


HOLDER = """import fcntl, sys, time
handles = [open(path, "a+b") for path in sys.argv[2:]]
for handle in handles:
    fcntl.lockf(handle.fileno(), fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[1]))
"""


@contextlib.contextmanager
def hold_lock(out: Path, seconds: float, *, brief: bool = False) -> Iterator[subprocess.Popen[str]]:
    """Another process holding out/'s lock (as a brief run: also the brief mark) for ``seconds``
    at most: it is stopped when the block ends.

    POSIX locks ignore this process's own file handles, so the holder is another process.
    """
    out.mkdir(exist_ok=True)
    locks = [out / LOCK_FILE, *([out / BRIEF_LOCK_FILE] if brief else [])]
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(seconds), *map(str, locks)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


@pytest.mark.parametrize(("brief", "holder_brief"), [(True, False), (False, True), (True, True)])
def test_a_feed_waits_for_a_render_and_a_render_for_a_feed(
    tmp_path: Path, brief: bool, holder_brief: bool
) -> None:
    out = tmp_path / "out"
    said: list[str] = []
    with (
        hold_lock(out, 0.5, brief=holder_brief) as holder,
        locked_output(out, brief=brief, wait_s=30, waiting=said.append),
    ):
        assert holder.poll() is not None  # the holder had finished
    assert len(said) == 1 and "is writing to" in said[0] and "waiting up to 30 s" in said[0]


@pytest.mark.parametrize(
    ("brief", "wait_s", "said", "least_s", "most_s"),
    [
        (False, 30, r"is writing to .*; wait for it to finish", 0, 1),  # a render: refused at once
        (True, 0.3, r"is writing to .* \(waited 0.3 s\); wait for it", 0.3, 2),  # a feed: after its wait
    ],
)
def test_a_run_finding_a_render_refuses_in_one_line_at_once_or_after_its_wait(
    tmp_path: Path, brief: bool, wait_s: float, said: str, least_s: float, most_s: float
) -> None:
    out = tmp_path / "out"
    with hold_lock(out, 30):
        started = time.monotonic()
        with pytest.raises(OutputError, match=said) as raised, locked_output(out, brief=brief, wait_s=wait_s):
            pass
        assert least_s <= time.monotonic() - started < most_s
    assert "\n" not in str(raised.value) and ("waited" in str(raised.value)) == brief
