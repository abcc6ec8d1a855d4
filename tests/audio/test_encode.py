"""Tests for audiopaper.audio.encode: the writer and frame counter against mutagen, loudness against BS.1770."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3

from audiopaper.audio import encode
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


def test_integrated_loudness_of_a_reference_sine() -> None:
    # BS.1770: a 997 Hz sine with 0 dBFS peaks reads -3.01 LUFS; at 0.1 peak, 20 dB lower.
    rate = 24_000
    t = np.arange(5 * rate) / rate
    sine = (0.1 * np.sin(2 * np.pi * 997 * t)).astype(np.float32)
    assert encode.integrated_loudness(sine, rate) == pytest.approx(-23.0, abs=0.15)


@pytest.mark.parametrize("level", [0.01, 0.3, 0.9])
def test_normalize_loudness_reaches_the_target_under_the_ceiling(level: float) -> None:
    rate = 24_000
    rng = np.random.default_rng(3)
    burst = np.repeat(rng.random(40) > 0.3, rate // 4)  # speech-like on/off envelope
    samples = (level * rng.standard_normal(len(burst)) * burst).astype(np.float32)
    result = encode.normalize_loudness(samples, rate)
    assert encode.integrated_loudness(result, rate) == pytest.approx(encode.TARGET_LUFS, abs=0.5)
    assert float(np.abs(result).max()) <= 10 ** (encode.LIMIT_DBFS / 20) + 1e-6


def test_too_short_or_silent_segments_keep_their_level_with_peaks_held() -> None:
    quiet = np.full(100, 0.2, dtype=np.float32)
    loud = np.full(100, 0.99, dtype=np.float32)
    silent = np.zeros(24_000, dtype=np.float32)
    assert np.array_equal(encode.normalize_loudness(quiet, 24_000), quiet)
    assert float(encode.normalize_loudness(loud, 24_000).max()) <= 10 ** (encode.LIMIT_DBFS / 20)
    assert np.array_equal(encode.normalize_loudness(silent, 24_000), silent)


def test_windows_are_cut_from_the_decoded_stream_as_the_whole_decode_gives_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """decode_windows keeps only its windows (the briefing's memory must not grow with the
    edition), and each is exactly the whole decode's slice: across read boundaries (made
    small here), overlapping another window, reaching past the end, or the whole file."""
    path = tmp_path / "a.mp3"
    t = np.arange(3 * 24_000) / 24_000
    writer = Mp3Writer(path, 24_000)
    writer.write((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    writer.close()
    whole = encode.decode_file(path, 24_000)
    monkeypatch.setattr(encode, "DECODE_CHUNK_BYTES", 4 * 1000 + 2)  # not a whole number of samples
    windows: list[tuple[int, int | None]] = [(0, 10), (999, 1003), (5000, 30_000), (20_000, 40_000)]
    windows += [(len(whole) - 7, len(whole) + 5000), (len(whole) + 10, len(whole) + 20), (0, None)]
    pieces = encode.decode_windows(path, 24_000, windows)
    for (first, end), piece in zip(windows, pieces, strict=True):
        assert piece.dtype == np.float32
        assert np.array_equal(piece, whole[first:end])


def test_an_undecodable_file_is_named_with_ffmpegs_reason(tmp_path: Path) -> None:
    path = tmp_path / "not-audio.mp3"
    path.write_bytes(b"plain text, not audio")
    with pytest.raises(EncodeError, match=r"not-audio\.mp3: cannot decode"):
        encode.decode_windows(path, 24_000, [(0, 100)])


def _whole_array_limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """soft_limit as written before it went block by block: the reference it must equal."""
    knee = ceiling / 2
    over = (samples > knee) | (samples < -knee)
    shaped = samples.copy()
    peaks = samples[over]
    shaped[over] = np.sign(peaks) * (
        knee + (ceiling - knee) * np.tanh((np.abs(peaks) - knee) / (ceiling - knee))
    )
    return shaped


@pytest.mark.parametrize(
    "length", [0, 7, encode._LIMIT_BLOCK, encode._LIMIT_BLOCK + 5, 3 * encode._LIMIT_BLOCK - 1]
)
def test_limiting_block_by_block_gives_the_bytes_of_the_whole_array(length: int) -> None:
    rng = np.random.default_rng(length)
    samples = (rng.standard_normal(length) * 0.4).astype(np.float32)
    samples[::97], samples[::101] = np.inf, -0.0
    expected = _whole_array_limit(samples, 0.9).tobytes()
    given = samples.copy()
    assert encode.soft_limit(given, 0.9).tobytes() == expected
    assert given.tobytes() == samples.tobytes()  # not in place: the caller's array is left alone
    assert encode.soft_limit(given, 0.9, in_place=True).tobytes() == expected


def test_levelling_samples_given_up_gives_the_same_bytes_in_place() -> None:
    rng = np.random.default_rng(3)
    speechlike = (rng.standard_normal(24_000 * 6) * np.sin(np.linspace(0, 40, 24_000 * 6)) * 0.05).astype(
        np.float32
    )
    copied = encode.normalize_loudness(speechlike, 24_000)
    given = speechlike.copy()
    levelled = encode.normalize_loudness(given, 24_000, owned=True)
    assert levelled.tobytes() == copied.tobytes()
    assert levelled is given  # no second copy of the segment
