"""Checks of the values a user hands in (options, environment settings), shared by every stage.

Each option record validates its own fields on construction with these, so a date given
as ``2025-W11-5`` or ``20250314`` (both of which ``date.fromisoformat`` takes for
2025-03-14) or a paper name holding a control character (which makes feed.xml unparsable
and adds lines to a playlist) is refused in one line before any work is done.
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date

from audiopaper.errors import OptionError

FIRST_YEAR = 1900
"""Earliest year an edition may be dated (earlier dates are typing mistakes, and
``date.min`` overflows the time-zone arithmetic of the feed)."""

LAST_YEAR = 2100
"""Latest year an edition may be dated."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

MAX_OPTION_CHARS = 200
"""Longest text option (paper, author, owner name or email): they are spoken and shown whole."""


def iso_day(value: str, option: str) -> date:
    """``value`` as a date, only in the form YYYY-MM-DD and between FIRST_YEAR and LAST_YEAR."""
    day = None
    if _ISO_DAY.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        raise OptionError(f"{option} {value[:40]!r} is not a date; use YYYY-MM-DD")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise OptionError(f"{option} {value} is outside {FIRST_YEAR}-{LAST_YEAR}; check the year")
    return day


def check_day(day: date, what: str) -> None:
    """Refuse a date outside FIRST_YEAR..LAST_YEAR (for dates built in code, not typed)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise OptionError(f"{what} {day.isoformat()} is outside {FIRST_YEAR}-{LAST_YEAR}; check the year")


def control_character(text: str) -> str | None:
    """The first character of ``text`` that has no place in a one-line name, or None.

    Control characters (C0, DEL, C1) are not allowed in XML 1.0 and break lines in
    playlists; line and paragraph separators break lines too.
    """
    for character in text:
        if unicodedata.category(character) in ("Cc", "Zl", "Zp"):
            return character
    return None


def plain_text(value: str, option: str, *, max_chars: int = MAX_OPTION_CHARS) -> str:
    """``value`` if it is one line of printable text of at most ``max_chars``, else an OptionError."""
    bad = control_character(value)
    if bad is not None:
        raise OptionError(f"{option} holds the control character U+{ord(bad):04X}; remove it")
    if len(value) > max_chars:
        raise OptionError(f"{option} is {len(value)} characters long; the limit is {max_chars}")
    return value


def env_int(name: str, default: int, *, low: int, high: int, unit: str) -> int:
    """The environment setting ``name`` as an integer in low..high, ``default`` when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if text.isascii() and len(text) <= 20 else None
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise OptionError(f"{name}={text[:40]!r} must be a whole number of {unit} from {low} to {high}")
    return value
