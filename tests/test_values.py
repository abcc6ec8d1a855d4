"""Tests for audiopaper.values: dates only as YYYY-MM-DD, one-line text, bounded settings."""

from __future__ import annotations

from datetime import date

import pytest

from audiopaper.errors import OptionError
from audiopaper.values import env_int, iso_day, plain_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025-03-14", date(2025, 3, 14)), ("1900-01-01", date(1900, 1, 1)), ("2100-12-31", date(2100, 12, 31))],
)
def test_iso_day_takes_the_one_form(value: str, expected: date) -> None:
    assert iso_day(value, "--date") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-W11-5", "is not a date; use YYYY-MM-DD"),  # ISO week date: fromisoformat takes it
        ("20250314", "is not a date; use YYYY-MM-DD"),  # ISO basic form: fromisoformat takes it
        ("2025-3-14", "is not a date"),
        ("2025-02-30", "is not a date"),
        (" 2025-03-14", "is not a date"),
        ("2025-03-14\n", "is not a date"),
        ("２０２５-03-14", "is not a date"),  # full-width digits match \d
        ("0001-01-01", "outside 1900-2100"),
        ("9999-12-31", "outside 1900-2100"),
        ("1" * 5000, "is not a date"),
    ],
)
def test_iso_day_refuses_everything_else(value: str, message: str) -> None:
    with pytest.raises(OptionError, match=message) as raised:
        iso_day(value, "--date")
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 120


@pytest.mark.parametrize(
    "character", ["\x0b", "\x01", "\x1b", "\n", "\r", "\x7f", "\x85", "\u2028", "\u2029"]
)
def test_plain_text_refuses_control_characters(character: str) -> None:
    with pytest.raises(OptionError, match=rf"--paper holds the control character U\+{ord(character):04X}"):
        plain_text(f"青梅{character}日报", "--paper")


def test_plain_text_keeps_ordinary_names_and_bounds_length() -> None:
    assert plain_text("青梅日报 · Qingmei Daily", "--paper") == "青梅日报 · Qingmei Daily"
    with pytest.raises(OptionError, match="the limit is 200"):
        plain_text("报" * 201, "--paper")


@pytest.mark.parametrize("text", ["abc", "-1", "0", "99999999999999999999999", "1.5", "2e3", "٣", "1025"])
def test_env_int_refuses_what_is_not_in_range(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIOPAPER_TEST_MB", text)
    with pytest.raises(
        OptionError, match=r"AUDIOPAPER_TEST_MB=.* must be a whole number of megabytes from 1 to 1024"
    ):
        env_int("AUDIOPAPER_TEST_MB", 8, low=1, high=1024, unit="megabytes")


@pytest.mark.parametrize(("text", "expected"), [(None, 8), ("", 8), ("1", 1), (" 1024 ", 1024)])
def test_env_int_reads_what_is(text: str | None, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    if text is None:
        monkeypatch.delenv("AUDIOPAPER_TEST_MB", raising=False)
    else:
        monkeypatch.setenv("AUDIOPAPER_TEST_MB", text)
    assert env_int("AUDIOPAPER_TEST_MB", 8, low=1, high=1024, unit="megabytes") == expected
