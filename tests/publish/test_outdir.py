"""Tests for audiopaper.publish.outdir: ``out/`` is ours or refused, only our temporary files go."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.errors import OutputError
from audiopaper.publish.outdir import atomic_write_text, claim_output, locked_output, recover_output


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
