"""Readiness of a date in the drop folder: a READY file, or the settle time without changes."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

from audiopaper.archive.source import DatedEntry, scan_source
from audiopaper.watch.inbox import readiness
from tests.watch.helpers import PAGE, SHANGHAI, drop


def quiet_since(path: Path, moment: datetime) -> None:
    for item in (path, *path.rglob("*")) if path.is_dir() else (path,):
        os.utime(item, (moment.timestamp(), moment.timestamp()))


def test_ready_file_and_recordings_are_not_pages(tmp_path: Path) -> None:
    folder = drop(tmp_path, "2025-03-14", {"01.md": PAGE})
    (folder / "recordings").mkdir()
    (folder / "recordings" / "01.mp3").write_bytes(b"x")
    scan = scan_source(tmp_path)
    assert [p.name for p in scan.entries[0].pages] == ["01.md"] and scan.ignored == ()
    now = datetime.now(SHANGHAI)
    assert readiness(tmp_path, scan.entries[0], now, 15).reason == "READY file"


def test_a_single_page_settles_by_its_own_time(tmp_path: Path) -> None:
    page = tmp_path / "2025-03-14.md"
    page.write_text(PAGE, encoding="utf-8")
    now = datetime(2025, 3, 14, 1, 0, tzinfo=SHANGHAI)
    quiet_since(page, now - timedelta(minutes=14))
    entry = DatedEntry(date(2025, 3, 14), (page,))
    waiting = readiness(tmp_path, entry, now, 15)
    assert (waiting.ready, waiting.reason) == (False, "changed 14 min ago; waiting for READY or 15 min")
    assert readiness(tmp_path, entry, now + timedelta(minutes=1), 15).ready


def test_a_change_deep_in_the_folder_restarts_the_wait(tmp_path: Path) -> None:
    folder = drop(tmp_path, "2025-03-14", {"01.md": PAGE}, ready=False)
    now = datetime(2025, 3, 14, 1, 0, tzinfo=SHANGHAI)
    (folder / "recordings").mkdir()
    late = folder / "recordings" / "01.wav"
    late.write_bytes(b"x")
    quiet_since(folder, now - timedelta(hours=1))
    entry = scan_source(tmp_path).entries[0]
    assert readiness(tmp_path, entry, now, 15).ready
    quiet_since(late, now - timedelta(minutes=2))
    assert not readiness(tmp_path, entry, now, 15).ready
