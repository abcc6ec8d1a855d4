"""Hostile and unlucky pages end in one line, within the stated memory and time, in a subprocess.

Each case is one the attack run of issue 28 found to exhaust memory or time on an earlier
version (gigabytes for a 3.9 MB line, hours of audio for a long "headline", a FIFO that
hung). The render runs as its own process so its peak memory (ru_maxrss) and wall time are
its own.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

PEAK_LIMIT_MB = 1024
"""Peak resident memory a refused page may cost (the issue's bound for any input)."""

WALL_LIMIT_S = 60.0
"""Wall time a refused page may cost on this loaded 2-core machine."""

_MEASURE = """
import resource, subprocess, sys
completed = subprocess.run(sys.argv[1:], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, timeout=300)
sys.stderr.buffer.write(completed.stderr)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(completed.returncode, peak_kb)
"""


def render_measured(page: Path, out: Path) -> tuple[int, str, float, float]:
    """Exit code, stderr, peak MB and wall seconds of ``audiopaper render page`` with the fake voice."""
    command = [
        sys.executable,
        "-m",
        "audiopaper.cli",
        "render",
        str(page),
        "--engine",
        "fake",
        "--out",
        str(out),
    ]
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, timeout=320, check=True
    )
    wall = time.monotonic() - started
    code, peak_kb = completed.stdout.split()
    return int(code), completed.stderr, int(peak_kb) / 1024, wall


def _cjk(rng: random.Random, count: int) -> str:
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(count))


def _one_long_line(rng: random.Random) -> bytes:
    return ("## 标题\n\n" + _cjk(rng, 1_300_000) + "\n").encode()  # 3.9 MB


def _web_page(rng: random.Random) -> bytes:
    paragraphs = "".join(f"<p>{_cjk(rng, 120)}。</p>" for _ in range(10_500))  # 3.9 MB
    return f"<!DOCTYPE html><html><head><title>长页</title></head><body><h1>长页标题</h1>{paragraphs}</body></html>".encode()


def _latin_words(rng: random.Random) -> bytes:
    words = " ".join(
        "".join(rng.choice("abcdefghij") for _ in range(rng.randrange(3, 9))) for _ in range(200_000)
    )
    return ("## Latin\n\n" + words + "\n").encode()


def _short_headlines(rng: random.Random) -> bytes:
    return "".join(f"## {_cjk(rng, 8)}\n\n{_cjk(rng, 12)}。\n\n" for _ in range(20_000)).encode()


def _long_title(rng: random.Random) -> bytes:
    return ("## " + _cjk(rng, 100_000) + "\n\n本报讯 正文只有一句。\n").encode()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_one_long_line, "hours of audio, the limit for an edition"),
        (_web_page, "hours of audio, the limit for an edition"),
        (_latin_words, "hours of audio, the limit for an edition"),
        (_short_headlines, "hours of audio, the limit for an edition"),
        (_long_title, "the limit is 200"),
    ],
    ids=["3.9MB-line", "3.9MB-web-page", "200k-latin-words", "20k-headlines", "100k-title"],
)
def test_a_page_past_a_limit_is_one_line_within_memory_and_time(
    tmp_path: Path, build: Callable[[random.Random], bytes], message: str
) -> None:
    page = tmp_path / "page.html" if build is _web_page else tmp_path / "page.md"
    page.write_bytes(build(random.Random(28)))
    code, stderr, peak_mb, wall = render_measured(page, tmp_path / "out")
    lines = stderr.strip().splitlines()
    assert code == 1 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], stderr
    assert peak_mb < PEAK_LIMIT_MB, f"peak {peak_mb:.0f} MB"
    assert wall < WALL_LIMIT_S, f"{wall:.1f} s"
    assert not (tmp_path / "out" / "feed.xml").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom"])
def test_a_device_or_fifo_as_a_page_is_one_line_at_once(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        page = tmp_path / "page.md"
        os.mkfifo(page)
    else:
        page = Path(kind)
        if not page.exists():
            pytest.skip(f"{kind} is not on this system")
    code, stderr, peak_mb, wall = render_measured(page, tmp_path / "out")
    assert code == 1 and stderr.strip().count("\n") == 0 and "not a regular file" in stderr, stderr
    assert peak_mb < 400 and wall < 20.0
