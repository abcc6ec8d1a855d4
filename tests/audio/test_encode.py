"""Tests for audiopaper.audio.encode's writer and the frame counter, against mutagen's reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from audiopaper.audio.encode import Mp3Writer, silence
from audiopaper.audio.xing import SAMPLES_PER_FRAME, count_frames, split_info_frame
from audiopaper.errors import EncodeError


@pytest.mark.parametrize(
    ("seconds", "bitrate", "rate"), [(1.0, 96, 44_100), (2.5, 64, 48_000), (0.3, 32, 32_000)]
)
def test_frame_count_matches_mutagen(tmp_path: Path, seconds: float, bitrate: int, rate: int) -> None:
    path = tmp_path / "a.mp3"
    writer = Mp3Writer(path, 24_000, bitrate_kbps=bitrate, mp3_sample_rate_hz=rate)
    writer.write(silence(seconds, 24_000))
    writer.close()
    gapless, frames_data = split_info_frame(path.read_bytes())
    frames = count_frames(frames_data)
    info = MP3(str(path)).info
    assert frames == gapless.frames == round(info.length * rate / SAMPLES_PER_FRAME)  # mutagen: whole frames
    assert frames * SAMPLES_PER_FRAME - gapless.delay - gapless.padding == round(seconds * rate)


def test_truncated_and_foreign_data_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.mp3"
    writer = Mp3Writer(path, 24_000)
    writer.write(silence(1.0, 24_000))
    writer.close()
    _, data = split_info_frame(path.read_bytes())
    with pytest.raises(EncodeError, match="ends inside a frame"):
        count_frames(data[:-10])
    with pytest.raises(EncodeError):
        count_frames(b"ID3" + data)
