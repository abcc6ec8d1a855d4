"""Tests for audiopaper.audio.encode's frame counter, against mutagen's reading of the same file."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from audiopaper.audio.encode import SAMPLES_PER_FRAME, Mp3Writer, count_mp3_frames, silence
from audiopaper.errors import EncodeError


@pytest.mark.parametrize(
    ("seconds", "bitrate", "rate"), [(1.0, 96, 44_100), (2.5, 64, 48_000), (0.3, 32, 32_000)]
)
def test_frame_count_matches_mutagen(tmp_path: Path, seconds: float, bitrate: int, rate: int) -> None:
    path = tmp_path / "a.mp3"
    writer = Mp3Writer(path, 24_000, bitrate_kbps=bitrate, mp3_sample_rate_hz=rate)
    writer.write(silence(seconds, 24_000))
    writer.close()
    frames = count_mp3_frames(path.read_bytes())
    info = MP3(str(path)).info
    assert frames == round(info.length * rate / SAMPLES_PER_FRAME)
    assert seconds <= frames * SAMPLES_PER_FRAME / rate < seconds + 0.2


def test_truncated_and_foreign_data_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.mp3"
    writer = Mp3Writer(path, 24_000)
    writer.write(silence(1.0, 24_000))
    writer.close()
    data = path.read_bytes()
    with pytest.raises(EncodeError, match="ends inside a frame"):
        count_mp3_frames(data[:-10])
    with pytest.raises(EncodeError, match="not an MPEG-1 Layer III frame"):
        count_mp3_frames(b"ID3" + data)
