"""Tests for audiopaper.publish.outdir: ``out/`` is ours or refused, only our temporary files go."""

from __future__ import annotations

import subprocess
import sys
import time
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


def hold_lock(out: Path, seconds: float, *, brief: bool = False) -> subprocess.Popen[str]:
    """Another process holding out/'s lock (as a brief run: also the brief mark) for ``seconds``.

    POSIX locks ignore this process's own file handles, so the holder is another process.
    """
    out.mkdir(exist_ok=True)
    locks = [out / LOCK_FILE, *([out / BRIEF_LOCK_FILE] if brief else [])]
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(seconds), *map(str, locks)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


@pytest.mark.parametrize(("brief", "holder_brief"), [(True, False), (False, True), (True, True)])
def test_a_feed_waits_for_a_render_and_a_render_for_a_feed(
    tmp_path: Path, brief: bool, holder_brief: bool
) -> None:
    out = tmp_path / "out"
    holder = hold_lock(out, 0.5, brief=holder_brief)
    said: list[str] = []
    with locked_output(out, brief=brief, wait_s=30, waiting=said.append):
        assert holder.poll() is not None  # the holder had finished
    holder.wait()
    assert len(said) == 1 and "is writing to" in said[0] and "waiting up to 30 s" in said[0]


def test_a_render_finding_another_render_refuses_at_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = hold_lock(out, 30)
    try:
        started = time.monotonic()
        with (
            pytest.raises(OutputError, match=r"is writing to .*; wait for it") as raised,
            locked_output(out, wait_s=30),
        ):
            pass
        assert time.monotonic() - started < 1 and "waited" not in str(raised.value)
    finally:
        holder.kill()
        holder.wait()


def test_a_waiting_run_gives_up_in_one_line_after_its_wait(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = hold_lock(out, 30)
    try:
        started = time.monotonic()
        with (
            pytest.raises(OutputError, match=r"is writing to .* \(waited 0.3 s\)") as raised,
            locked_output(out, brief=True, wait_s=0.3),
        ):
            pass
        assert 0.3 <= time.monotonic() - started < 2
        assert "\n" not in str(raised.value)
    finally:
        holder.kill()
        holder.wait()
