"""Tests for audiopaper.audio.segments' cache use: a damaged entry is rebuilt, never published."""

from __future__ import annotations

import logging
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import imageio_ffmpeg
import pytest

from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import Profile
from tests.conftest import EXAMPLE_PAGE, fake_synthesizer

pytestmark = pytest.mark.slow  # each renders the example page twice (about 4 s)

WHEN = datetime(2025, 3, 14, 5, 0, tzinfo=UTC)


def _render(out: Path, cache: Path, profile: Profile) -> bytes:
    options = RenderOptions(out_dir=out, day=date(2025, 3, 14), profile=profile)
    result = render([EXAMPLE_PAGE], options, fake_synthesizer(cache_dir=cache), clock=lambda: WHEN)
    return (result.edition_dir / result.manifest.audio).read_bytes()


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(data[:100] + bytes(range(256)) * 8 + data[100 + 2048 :])  # overwritten in the middle
    else:
        path.write_bytes(bytes(len(data)))


def _decode_errors(mp3: Path) -> str:
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-f", "null", "-"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.stderr


def _published_mp3(out: Path) -> Path:
    return next((out / "editions" / "2025-03-14").glob("*.mp3"))


def _render_again_identical(
    tmp_path: Path, cache: Path, profile: Profile, clean: bytes, caplog: pytest.LogCaptureFixture
) -> list[str]:
    """Render again from the damaged cache: the same MP3 as the clean render, decoding without
    an error; returns the warnings said on the way."""
    caplog.set_level(logging.WARNING)
    assert _render(tmp_path / "again", cache, profile) == clean
    assert _decode_errors(_published_mp3(tmp_path / "again")) == ""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("how", ["truncated", "garbage", "zeros"])
def test_a_damaged_segment_is_encoded_again_with_one_line(
    tmp_path: Path, standard_profile: Profile, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    clean = _render(tmp_path / "clean", cache, standard_profile)
    _damage(max(cache.glob("*/*.mp3"), key=lambda p: p.stat().st_size), how)  # an article's segment
    warnings = _render_again_identical(tmp_path, cache, standard_profile, clean, caplog)
    assert len(warnings) == 1 and "cached segment" in warnings[0] and "encoding it again" in warnings[0], (
        warnings
    )


@pytest.mark.parametrize("how", ["truncated", "garbage", "zeros"])
def test_a_damaged_clip_is_synthesized_again_with_one_line(
    tmp_path: Path, standard_profile: Profile, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    clean = _render(tmp_path / "clean", cache, standard_profile)
    for segment_file in [*cache.glob("*/*.mp3"), *cache.glob("*/*.json")]:
        segment_file.unlink()  # so the segments are built again from the clips
    clips = sorted(cache.glob("*/*.clip"))
    _damage(clips[len(clips) // 2], how)
    warnings = _render_again_identical(tmp_path, cache, standard_profile, clean, caplog)
    assert len(warnings) == 1 and "corrupt; it will be synthesized again" in warnings[0], warnings
