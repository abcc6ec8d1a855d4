"""The watcher over a temporary inbox, with a clock the test moves: render, hold, schedule, release."""

from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiopaper.archive.source import DatedEntry
from audiopaper.cli import app
from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.status import read_status
from audiopaper.watch.loop import Watcher, WatchOptions
from tests.watch.helpers import BASE_URL, PAGE, SECOND, FakeClock, Hub, at, drop, fake_render

DAY = "2025-03-14"


def feed_days(out: Path) -> list[str]:
    """The dates the feed lists (none when there is no feed yet)."""
    if not (out / "feed.xml").is_file():
        return []
    items = ET.parse(out / "feed.xml").iter("item")
    return [(item.findtext("link") or "").rstrip("/").rsplit("/", 1)[-1] for item in items]


def watcher(tmp_path: Path, clock: FakeClock, **options: object) -> tuple[Watcher, Path, Path]:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir(exist_ok=True)
    settings = WatchOptions(inbox=inbox, out_dir=out, base_url=BASE_URL, **options)  # type: ignore[arg-type]
    return Watcher(settings, fake_render(tmp_path / "cache", out), clock=clock), inbox, out


def test_pages_dropped_at_one_are_rendered_at_once_and_released_at_the_publish_hour(tmp_path: Path) -> None:
    clock = FakeClock(at(DAY, 1))
    watch, inbox, out = watcher(tmp_path, clock)
    drop(inbox, DAY, {"01.md": PAGE, "02.md": SECOND})
    watch.pass_once()
    status = read_status(out).dates[DAY]
    assert (status.state, status.release_at) == ("scheduled", "2025-03-14T06:00:00+08:00")
    assert (out / ".pending" / DAY / "edition.json").is_file()
    assert feed_days(out) == [] and not (out / "editions" / DAY).exists()
    clock.set(5, 59)
    watch.pass_once()
    assert feed_days(out) == []
    clock.set(6, 0)
    watch.pass_once()
    assert read_status(out).dates[DAY].state == "released"
    assert feed_days(out) == [DAY]
    assert not (out / ".pending" / DAY).exists()
    pub_date = next(ET.parse(out / "feed.xml").iter("pubDate")).text
    assert pub_date == "Thu, 13 Mar 2025 22:00:00 GMT"  # 06:00 in Shanghai


def test_a_late_date_is_released_at_once(tmp_path: Path) -> None:
    watch, inbox, out = watcher(tmp_path, FakeClock(at(DAY, 9)))
    drop(inbox, DAY, {"01.md": PAGE})
    watch.pass_once()
    assert feed_days(out) == [DAY]


def test_held_edition_is_listed_nowhere_until_approved(tmp_path: Path) -> None:
    clock = FakeClock(at(DAY, 1))
    watch, inbox, out = watcher(tmp_path, clock, hold=True)
    drop(inbox, DAY, {"01.md": PAGE})
    watch.pass_once()
    clock.set(7)
    watch.pass_once()  # past the hour: still held
    assert read_status(out).dates[DAY].state == "held"
    assert feed_days(out) == []
    assert "2025-03-14" not in (out / "index.html").read_text() if (out / "index.html").exists() else True
    result = CliRunner().invoke(app, ["approve", DAY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(f"editions/{DAY}/qing-mei-ri-bao-{DAY}.mp3")
    assert feed_days(out) == [DAY]
    assert read_status(out).dates[DAY].state == "released"
    watch.pass_once()  # the watcher sees it released: nothing rendered or released again
    assert read_status(out).dates[DAY].state == "released"


def test_hold_in_show_json_holds_too(tmp_path: Path) -> None:
    watch, inbox, out = watcher(tmp_path, FakeClock(at(DAY, 9)))
    out.mkdir()
    (out / "show.json").write_text(json.dumps({"podcast_guid": "x", "hold": True}))
    drop(inbox, DAY, {"01.md": PAGE})
    watch.pass_once()
    assert read_status(out).dates[DAY].state == "held" and feed_days(out) == []


def test_approve_without_a_waiting_edition_fails_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(app, ["approve", DAY, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: no edition of {DAY} is waiting; render it first (see 'audiopaper watch --hold')"
    ]


def test_a_folder_without_ready_waits_for_the_settle_time(tmp_path: Path) -> None:
    clock = FakeClock(at(DAY, 1))
    watch, inbox, out = watcher(tmp_path, clock, settle_min=10)
    folder = drop(inbox, DAY, {"01.md": PAGE}, ready=False)
    dropped = clock.now().timestamp()
    for path in (folder, folder / "01.md"):
        os.utime(path, (dropped, dropped))
    clock.set(1, 9)
    watch.pass_once()
    assert read_status(out).dates[DAY].state == "waiting"
    clock.set(1, 10)
    watch.pass_once()
    assert read_status(out).dates[DAY].state == "scheduled"


@pytest.mark.slow
def test_a_failing_date_is_notified_and_the_others_go_on(tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    command = f"{sys.executable} -c \"import sys; open({str(notes)!r}, 'a').write(sys.stdin.read())\""
    watch, inbox, out = watcher(tmp_path, FakeClock(at("2025-03-15", 9)), notify=command)
    drop(inbox, "2025-03-13", {"01.md": PAGE})
    drop(inbox, DAY, {"01.md": "\n\n"})  # no article at all
    drop(inbox, "2025-03-15", {"01.md": SECOND})
    watch.pass_once()
    dates = read_status(out).dates
    assert {day: dates[day].state for day in dates} == {
        "2025-03-13": "released",
        DAY: "failed",
        "2025-03-15": "released",
    }
    assert dates[DAY].error and DAY in read_status(out).errors[-1]
    summaries = [json.loads(line) for line in notes.read_text().splitlines()]
    failed = [s for s in summaries if s["state"] == "failed"]
    assert [(s["date"], s["error"]) for s in failed] == [(DAY, dates[DAY].error)]
    assert {s["date"] for s in summaries if s["state"] == "released"} == {"2025-03-13", "2025-03-15"}
    assert feed_days(out) == ["2025-03-15", "2025-03-13"]
    watch.pass_once()  # the same broken pages are not tried again
    assert len(notes.read_text().splitlines()) == len(summaries)
    assert "1期失败" in (out / "index.html").read_text()


def test_a_restart_releases_what_the_last_run_rendered_without_rendering_again(tmp_path: Path) -> None:
    clock = FakeClock(at(DAY, 1))
    first, inbox, out = watcher(tmp_path, clock)
    drop(inbox, DAY, {"01.md": PAGE})
    first.pass_once()
    renders: list[str] = []
    render = fake_render(tmp_path / "cache", out)

    def recording_render(entry: DatedEntry, source_hash: str) -> EditionManifest:
        renders.append(str(entry.day))
        return render(entry, source_hash)

    second = Watcher(first.options, recording_render, clock=clock)
    clock.set(6)
    second.run(once=True)
    assert renders == [] and feed_days(out) == [DAY]


@pytest.mark.slow
def test_hub_hears_each_release_and_a_down_hub_never_stops_one(tmp_path: Path) -> None:
    hub = Hub()
    try:
        watch, inbox, out = watcher(tmp_path, FakeClock(at(DAY, 9)))
        out.mkdir()
        (out / "show.json").write_text(json.dumps({"podcast_guid": "x", "hub": hub.url}))
        drop(inbox, DAY, {"01.md": PAGE})
        watch.pass_once()
        assert [form["hub.url"] for _, form in hub.pings] == [[BASE_URL + "feed.xml"]]
        assert hub.pings[0][0] - (out / "feed.xml").stat().st_mtime < 5
        assert read_status(out).dates[DAY].hub == "pinged"
    finally:
        hub.close()
    drop(inbox, "2025-03-15", {"01.md": SECOND})
    watch.clock.set(9, day=15)  # type: ignore[attr-defined]
    watch.pass_once()
    assert feed_days(out) == ["2025-03-15", DAY]
    assert read_status(out).dates["2025-03-15"].hub.startswith("failed: cannot reach the hub")


@pytest.mark.parametrize("settle", [-1.0, 24 * 60 + 1.0])
def test_settle_out_of_range_is_refused(tmp_path: Path, settle: float) -> None:
    from audiopaper.errors import OptionError

    with pytest.raises(OptionError, match="--settle must be"):
        WatchOptions(inbox=tmp_path, out_dir=tmp_path / "out", base_url=BASE_URL, settle_min=settle)
