"""``watch`` killed with SIGKILL in the middle of a render, then started again: every date once, whole."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_PAGE
from tests.test_reliability import check_published, processes_using
from tests.watch.helpers import drop

DAYS = ("2025-03-12", "2025-03-13", "2025-03-14")


def watch_command(inbox: Path, out: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "audiopaper.cli", "watch", str(inbox), "--out", str(out), "--once",
            "--engine", "fake", "--jobs", "1", "--cache-dir", str(cache), "--paper", "青梅日报"]  # fmt: skip


def wait_for_render(out: Path, day: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    """Return once status.json says ``day`` is being rendered."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if json.loads((out / "status.json").read_text())["dates"][day]["state"] == "rendering":
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.02)
    pytest.fail(f"{day} was never seen rendering")


@pytest.mark.slow
def test_sigkill_mid_render_then_restart_publishes_every_date_once_whole(tmp_path: Path) -> None:
    inbox, out, cache = tmp_path / "inbox", tmp_path / "out", tmp_path / "cache"
    page = EXAMPLE_PAGE.read_text(encoding="utf-8")
    for number, day in enumerate(DAYS):
        drop(inbox, day, {"01.md": page.replace("青梅", "青梅" * (number + 1), 1)})
    released_before: dict[str, str] = {}
    for victim in DAYS[1:]:  # killed while rendering the second date, then the third
        process = subprocess.Popen(watch_command(inbox, out, cache), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        wait_for_render(out, victim, process)
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert check_published(out) == []
        for day in DAYS:
            record = out / "editions" / day / "release.json"
            if record.is_file():
                released_before.setdefault(day, record.read_text())
    assert set(released_before) == set(DAYS[:2])
    time.sleep(0.5)
    assert processes_using(out) == []
    finished = subprocess.run(watch_command(inbox, out, cache), capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert check_published(out) == []
    items = list(ET.parse(out / "feed.xml").iter("item"))
    assert sorted(item.findtext("guid", "")[-10:] for item in items) == list(DAYS)
    for day in DAYS:
        record = json.loads((out / "editions" / day / "release.json").read_text())
        assert (record["revision"], record["corrections"]) == (1, [])
    for day, text in released_before.items():  # released before a kill: never released again
        assert (out / "editions" / day / "release.json").read_text() == text
    assert not (out / ".pending").exists() or not list((out / ".pending").iterdir())
    assert not (out / ".work").exists() or not list((out / ".work").iterdir())
    status = json.loads((out / "status.json").read_text())
    assert {day: entry["state"] for day, entry in status["dates"].items()} == dict.fromkeys(DAYS, "released")
