"""A long edition costs the memory of one segment, not of the edition (issue 28).

The render streams: segments are encoded one at a time into the cache, joined frame by
frame into the edition MP3, and the briefing is cut from the edition as it is decoded.
Before the briefing was cut so, it decoded the whole edition into memory (two to three
copies of 96 kB a second of audio: 4.4 GB at the peak for six hours). Here two synthetic
editions are rendered in their own processes (scripts/bench_long.py, the fake voice) and
their peaks compared: the same number of articles (so the same table of contents and
briefings of about the same length), one with articles five times as long as the other's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

SECONDS_PER_CHAR = 0.2
"""The fake voice's pace in scripts/bench_long.py."""

ARTICLES = 30
"""Articles in each edition: enough that each briefing is nearly full (MAX_BRIEFING_S)."""

SHORT_CHARS = 40
"""Characters (at least) an article of the short edition: 8 s of audio at the bench's 0.2 s
a character; with the frame the edition lasts about 0.2 h."""

LONG_CHARS = 300
"""Characters (at least) an article of the long edition: 60 s; about 0.6 h with the frame."""

GROWTH_LIMIT_MB = 120
"""How much more the long edition's peak may be: its article segments are 52 s longer (5 MB
of samples, levelled in a few copies), and the peak (levelling the briefing's two
renditions side by side) varies by some 50 MB from run to run with how they overlap.
Measured 2026-12-02: 275 MB and 267 MB (0.18 h and 0.64 h, twice each); when the briefing
still decoded the whole edition, 316 MB and 603 MB."""


def peak_rss_mb(article_chars: int) -> tuple[float, float]:
    """Peak resident MB of a fresh process rendering ARTICLES synthetic articles of
    ``article_chars`` characters, and its hours of audio."""
    hours = ARTICLES * article_chars * SECONDS_PER_CHAR / 3600
    completed = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "bench_long.py"), "--hours", str(hours),
         "--article-chars", str(article_chars)],
        capture_output=True, text=True, timeout=300, check=True, cwd=PROJECT,
    )  # fmt: skip
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return float(figures["peak_rss_mb"]), float(figures["edition_hours"])


@pytest.mark.slow
def test_an_edition_twice_as_long_peaks_at_about_the_same_memory() -> None:
    short_mb, short_hours = peak_rss_mb(SHORT_CHARS)
    long_mb, long_hours = peak_rss_mb(LONG_CHARS)
    assert long_hours >= 2.5 * short_hours >= 0.4  # the editions are what the test says they are
    assert long_mb - short_mb < GROWTH_LIMIT_MB, f"short edition {short_mb} MB, long {long_mb} MB"
