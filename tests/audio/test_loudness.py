"""Loudness in numpy: BS.1770 figures known by construction, and agreement with ffmpeg's ebur128."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from audiopaper.audio.encode import Mp3Writer, decode_file, integrated_loudness, measure_loudness
from audiopaper.audio.loudness import INTERPOLATION_TAPS, _interpolators, integrated_lufs, true_peak_dbtp
from tests.audio.test_briefing import speech_like


def tone(amplitude: float, frequency_hz: float, seconds: float, rate: int, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * frequency_hz * t + phase)).astype(np.float32)


@pytest.mark.parametrize("rate", [24_000, 44_100, 48_000])
def test_a_full_scale_1khz_tone_reads_minus_3_lufs(rate: int) -> None:
    # BS.1770 calibrates its weighting at 1 kHz: a 0 dBFS sine in one channel reads -3.0 LUFS,
    # one at -20 dB -23.0 (at 24 kHz 0.03 LU off: the filter is the 48 kHz one warped).
    assert integrated_lufs(tone(0.1, 1000.0, 5.0, rate), rate) == pytest.approx(-23.0, abs=0.03)


def test_quiet_passages_are_gated_out() -> None:
    rate = 24_000
    loud = tone(0.1, 1000.0, 5.0, rate)
    with_pause = np.concatenate([loud, tone(0.001, 1000.0, 10.0, rate), loud])  # 40 dB down: gated
    measured = integrated_lufs(with_pause, rate)
    assert measured == pytest.approx(integrated_loudness(with_pause, rate), abs=0.1)
    assert measured > integrated_lufs(loud, rate) - 0.2  # ungated, the pause would take 1.8 LU off


def test_silence_and_what_is_too_short_measure_nothing() -> None:
    assert integrated_lufs(np.zeros(24_000 * 3, dtype=np.float32), 24_000) == -math.inf
    assert integrated_lufs(tone(0.1, 1000.0, 0.3, 24_000), 24_000) == -math.inf
    assert true_peak_dbtp(np.zeros(100, dtype=np.float32)) == -math.inf


@pytest.mark.parametrize("rate", [24_000, 44_100])
def test_it_agrees_with_ffmpeg_ebur128_on_speech(rate: int) -> None:
    speech = speech_like(20.0, rate) * np.float32(1.5)
    assert integrated_lufs(speech, rate) == pytest.approx(integrated_loudness(speech, rate), abs=0.1)


def test_the_true_peak_between_samples_is_found() -> None:
    # A quarter-rate tone sampled 45 degrees off its crests: every sample is at 0.707 of its peak.
    samples = tone(0.5, 11_025.0, 1.0, 44_100, phase=math.pi / 4)
    assert 20 * np.log10(np.max(np.abs(samples))) == pytest.approx(20 * np.log10(0.5) - 3.01, abs=0.01)
    assert true_peak_dbtp(samples) == pytest.approx(20 * np.log10(0.5), abs=0.1)


def test_interpolating_only_the_loud_blocks_finds_what_interpolating_all_finds() -> None:
    speech = speech_like(12.0, 44_100)
    speech[300_000] = 0.9  # one click, far above the rest
    padded = np.pad(speech, INTERPOLATION_TAPS)
    everywhere = max(
        float(np.max(np.abs(np.convolve(padded, row[::-1], mode="valid")))) for row in _interpolators()
    )
    expected = 20 * math.log10(max(everywhere, float(np.max(np.abs(speech)))))
    assert true_peak_dbtp(speech) == pytest.approx(expected, abs=1e-6)


def test_the_mp3s_true_peak_agrees_with_ffmpeg_ebur128(tmp_path: Path) -> None:
    path = tmp_path / "speech.mp3"
    writer = Mp3Writer(path, 24_000)
    writer.write(
        np.clip(speech_like(20.0) * np.float32(4.0), -0.7, 0.7)
    )  # hard-clipped: peaks lifted by coding
    writer.close()
    decoded = decode_file(path, 44_100)
    lufs, peak = measure_loudness(path)
    assert true_peak_dbtp(decoded) == pytest.approx(peak, abs=0.15)
    assert integrated_lufs(decoded, 44_100) == pytest.approx(lufs, abs=0.1)
