"""The systemd unit and the cron line in docs/nightly.md, tested as far as a test can.

The unit is checked by systemd's own verifier (where installed), and its command line is
run for real (with the fake voice and temporary paths) and stopped with SIGTERM, as
``systemctl stop`` would. The cron line's schedule is checked and its command run once.
"""

from __future__ import annotations

import getpass
import json
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT, oracle
from tests.watch.helpers import PAGE, drop

NIGHTLY = PROJECT / "docs" / "nightly.md"
DAY = "2025-03-14"


def code_block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", NIGHTLY.read_text(encoding="utf-8"), re.S)
    assert found, f"docs/nightly.md has no {language} block"
    return found.group(1)


def unit_value(key: str) -> str:
    values = [line.split("=", 1)[1] for line in code_block("ini").splitlines() if line.startswith(f"{key}=")]
    assert len(values) == 1, key
    return values[0]


def local(command: str, tmp_path: Path) -> list[str]:
    """The documented command with this test's paths, the fake voice and a notify that logs."""
    args = shlex.split(command.split(">>")[0])
    assert args[:2] == ["/usr/local/bin/audiopaper", "watch"]
    notes = tmp_path / "notes.jsonl"
    logger = f"{sys.executable} -c \"import sys; open({str(notes)!r}, 'a').write(sys.stdin.read())\""
    swap = {"/srv/audiopaper/inbox": str(tmp_path / "inbox"), "/srv/audiopaper/out": str(tmp_path / "out"),
            "offline": "fake", "/usr/local/bin/audiopaper-alert": logger}  # fmt: skip
    return [sys.executable, "-m", "audiopaper.cli", *(swap.get(a, a) for a in args[1:])]


def status(out: Path) -> dict[str, str]:
    try:
        dates = json.loads((out / "status.json").read_text())["dates"]
    except (OSError, ValueError, KeyError):
        return {}
    return {day: entry["state"] for day, entry in dates.items()}


@oracle("systemd-analyze")
def test_the_unit_passes_systemds_verifier(tmp_path: Path) -> None:
    unit = code_block("ini").replace(
        "/usr/local/bin/audiopaper ", f"{Path(sys.executable).parent}/audiopaper "
    )
    unit = unit.replace("User=audiopaper", f"User={getpass.getuser()}")
    path = tmp_path / "audiopaper-watch.service"
    path.write_text(unit)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert path.name not in result.stderr, result.stderr  # no unknown key or bad value
    assert (unit_value("KillMode"), unit_value("Restart")) == ("mixed", "on-failure")


@pytest.mark.slow
def test_the_units_command_releases_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    drop(tmp_path / "inbox", DAY, {"01.md": PAGE})
    process = subprocess.Popen(local(unit_value("ExecStart"), tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while status(tmp_path / "out").get(DAY) != "released" and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
        assert status(tmp_path / "out") == {DAY: "released"}
        process.send_signal(signal.SIGTERM)  # systemctl stop, with KillMode=mixed
        _, stderr = process.communicate(timeout=int(unit_value("TimeoutStopSec")))
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "watch: stopped between steps" in stderr
    summary = json.loads((tmp_path / "notes.jsonl").read_text().splitlines()[-1])
    assert (summary["date"], summary["state"]) == (DAY, "released")


CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


@pytest.mark.slow
def test_the_cron_line_runs_one_pass(tmp_path: Path) -> None:
    line = code_block("cron").strip()
    fields = line.split(None, 5)
    assert len(fields) == 6 and all(CRON_FIELD.match(field) for field in fields[:5]), fields
    assert "--once" in shlex.split(fields[5])
    drop(tmp_path / "inbox", DAY, {"01.md": PAGE})
    result = subprocess.run(local(fields[5], tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert status(tmp_path / "out") == {DAY: "released"}


def test_a_second_watcher_on_the_same_out_refuses_in_one_line(tmp_path: Path) -> None:
    from audiopaper.publish.outdir import WATCH_LOCK_FILE, locked_output

    (tmp_path / "inbox").mkdir()
    out = tmp_path / "out"
    with locked_output(out, WATCH_LOCK_FILE, "busy"):
        command = [sys.executable, "-m", "audiopaper.cli", "watch", str(tmp_path / "inbox"), "--out", str(out),
                   "--once", "--engine", "fake"]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert (
        result.stderr.strip().splitlines()[-1]
        == f"error: another 'audiopaper watch' is running on {out}; it will do this pass's work"
    )
