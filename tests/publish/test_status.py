"""status.json: one record, written atomically, read back; damage costs only history."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from audiopaper.publish.status import (
    MAX_ERRORS,
    DateStatus,
    WatchStatus,
    read_status,
    status_line,
    update_date,
    write_status,
)


def test_round_trip(tmp_path: Path) -> None:
    status = WatchStatus(last_run="2025-03-14T01:00:00+08:00").with_date(
        "2025-03-14", DateStatus("failed", "2025-03-14T01:00:00+08:00", error="no article")
    )
    write_status(tmp_path, status)
    assert read_status(tmp_path) == status
    assert status.errors == ("2025-03-14T01:00:00+08:00 2025-03-14: no article",)


def test_a_damaged_file_reads_as_empty(tmp_path: Path) -> None:
    (tmp_path / "status.json").write_text("{not json")
    assert read_status(tmp_path) == WatchStatus()


def test_errors_are_bounded_and_not_repeated(tmp_path: Path) -> None:
    for number in range(MAX_ERRORS + 10):
        update_date(tmp_path, f"d{number}", DateStatus("failed", "t", error=f"e{number}"))
    update_date(tmp_path, "d0", DateStatus("failed", "t2", error=f"e{MAX_ERRORS + 9}"))
    errors = read_status(tmp_path).errors
    assert len(errors) == MAX_ERRORS and errors[-1] == f"t2 d0: e{MAX_ERRORS + 9}"
    update_date(tmp_path, "d0", DateStatus("failed", "t3", error=f"e{MAX_ERRORS + 9}"))
    assert read_status(tmp_path).errors == errors


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown state"):
        DateStatus("done", "t")


def test_the_footer_line() -> None:
    status = WatchStatus(last_run="2025-03-13T17:05:00+00:00")
    status = status.with_date("2025-03-13", DateStatus("released", "t"))
    status = status.with_date("2025-03-14", DateStatus("held", "t"))
    assert (
        status_line(status, ZoneInfo("Asia/Shanghai"))
        == "自动发布：最近运行 2025-03-14 01:05（Asia/Shanghai），1期待审核。"
    )
    assert status_line(WatchStatus(), ZoneInfo("Asia/Shanghai")) == ""
