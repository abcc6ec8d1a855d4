"""Loudness in numpy: ITU-R BS.1770 integrated loudness and true peak, for the briefing.

ffmpeg's ebur128 filter (encode.integrated_loudness) runs at 48 kHz only, so each measurement
of 24 kHz samples pays a process, a pipe and a resampler: 0.2–0.5 s for a briefing, and the
smart-speaker rendition needs several. Here the K-weighting filter is applied as its
frequency response to one FFT of the whole signal, a few hundredths of a second a minute.
On the briefing it agrees with ebur128 within 0.05 LU and 0.1 dB (docs/measurements.md);
the edition itself stays measured by ffmpeg, so its bytes do not change. Written here, not
taken from pyloudnorm (the library for this): pyloudnorm needs scipy (113 MB, not otherwise
installed), has no true peak, and on 106 s of synthetic speech at 24 kHz it read 0.13 LU
off ebur128 where this reads 0.04, in the same 0.05 s (measured 2026-12-02; ebur128 is what
the renditions' targets are checked with).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from audiopaper.voice.engine import Samples

BLOCK_S = 0.4
"""BS.1770's gating block."""

BLOCK_STEP_S = 0.1
"""Blocks overlap by 75 %: a new one every 100 ms."""

ABSOLUTE_GATE_LUFS = -70.0
"""Blocks quieter than this are silence and do not count."""

RELATIVE_GATE_LU = -10.0
"""Blocks this far under the ungated loudness do not count either."""

FILTER_TAPS = 4096
"""Length the K-weighting filter's impulse response is cut at: 0.09 s at 44.1 kHz, by when
its ringing (the 38 Hz high-pass's) has decayed under 1e-9 of its start."""

FRAME = 16_384
"""Samples in one FFT frame of the filtering (FRAME − FILTER_TAPS new ones each)."""

FINE_GRID = 1 << 16
"""Points the exact response is sampled at to find the impulse response: far longer than
FILTER_TAPS, so what wraps round is negligible."""

TRUE_PEAK_OVERSAMPLING = 4
"""True peak is the sample peak of the signal interpolated at four times its rate (BS.1770 annex 2)."""

INTERPOLATION_TAPS = 16
"""Samples each side of an interpolated point (a Hann-windowed sinc)."""

SCREEN_BLOCK = 1024
"""True peak interpolates only blocks of this many samples loud enough to hold it."""


def k_weighting(sample_rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """The K-weighting filter (high shelf, then the RLB high-pass) as one fourth-order
    filter's numerator and denominator, for any sample rate (libebur128's design: at 48 kHz
    it gives BS.1770's published coefficients)."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate_hz)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    shelf_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate_hz)
    a0 = 1 + k / q + k * k
    high_pass_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.polymul(shelf_b, [1.0, -2.0, 1.0]), np.polymul(shelf_a, high_pass_a)


@functools.lru_cache(maxsize=8)
def _response(sample_rate_hz: int) -> np.ndarray:
    """The K-weighting filter's frequency response at the bins of a FRAME-point real FFT: its
    impulse response cut at FILTER_TAPS (sampled from the exact response on a finer grid)."""
    numerator, denominator = k_weighting(sample_rate_hz)
    bins = np.arange(FINE_GRID // 2 + 1)
    delay = np.exp(-2j * np.pi * bins / FINE_GRID)  # e^(-jω) at each bin
    exact = np.polyval(numerator[::-1], delay) / np.polyval(denominator[::-1], delay)
    impulse = np.fft.irfft(exact, FINE_GRID)[:FILTER_TAPS]
    return np.fft.rfft(impulse, FRAME).astype(np.complex64)


def k_weighted(samples: Samples, sample_rate_hz: int) -> np.ndarray:
    """``samples`` through the K-weighting filter, by overlap-add of FRAME-point FFTs (many
    small transforms at once: faster than one of the whole signal, and no plan to build)."""
    hop = FRAME - FILTER_TAPS
    frames = -(-len(samples) // hop)
    flat = np.zeros(frames * hop, dtype=np.float32)
    flat[: len(samples)] = samples
    spectra = np.fft.rfft(flat.reshape(frames, hop), FRAME, axis=1)  # each frame zero-padded
    filtered = np.fft.irfft(spectra * _response(sample_rate_hz), FRAME, axis=1)
    out = filtered[:, :hop].copy()
    out[1:, :FILTER_TAPS] += filtered[:-1, hop:]  # each frame's ringing into the next
    return out.reshape(-1)[: len(samples)]


def integrated_lufs(samples: Samples, sample_rate_hz: int) -> float:
    """Integrated loudness (LUFS) of mono ``samples``: K-weighted, in 400 ms blocks, gated
    at −70 LUFS and at 10 LU under the ungated figure; −inf for silence or under 400 ms."""
    weighted = k_weighted(samples, sample_rate_hz)
    step = round(BLOCK_STEP_S * sample_rate_hz)
    span = round(BLOCK_S * sample_rate_hz)
    blocks = (len(weighted) - span) // step + 1
    if blocks < 1:
        return -math.inf
    energy = np.concatenate(([0.0], np.cumsum(np.square(weighted, dtype=np.float64))))
    starts = np.arange(blocks) * step
    power = (energy[starts + span] - energy[starts]) / span
    gated = power[power > 10 ** ((ABSOLUTE_GATE_LUFS + 0.691) / 10)]
    if not len(gated):
        return -math.inf
    relative = float(np.mean(gated)) * 10 ** (RELATIVE_GATE_LU / 10)
    return -0.691 + 10 * math.log10(float(np.mean(gated[gated > relative])))


@functools.lru_cache(maxsize=2)
def _interpolators() -> np.ndarray:
    """One row of taps for each point between two samples (¼, ½, ¾ of the way)."""
    offsets = np.arange(-INTERPOLATION_TAPS + 1, INTERPOLATION_TAPS + 1)
    rows = []
    for phase in range(1, TRUE_PEAK_OVERSAMPLING):
        t = offsets - phase / TRUE_PEAK_OVERSAMPLING
        window = 0.5 + 0.5 * np.cos(np.pi * t / (INTERPOLATION_TAPS + 0.5))
        rows.append(np.sinc(t) * window)
    return np.array(rows, dtype=np.float32)


def true_peak_dbtp(samples: Samples) -> float:
    """True peak (dBTP) of mono ``samples``: the largest magnitude at 4× oversampling.

    An interpolated point is a weighted sum of the samples around it, so it can pass the
    sample peak only in a block whose neighbourhood reaches the sample peak over the sum of
    the weights; only those blocks are interpolated, and the figure is exact all the same.
    """
    magnitude = np.abs(np.asarray(samples, dtype=np.float32))
    peak = float(magnitude.max(initial=0.0))
    if peak == 0.0:
        return -math.inf
    taps = _interpolators()
    blocks = -(-len(magnitude) // SCREEN_BLOCK)
    padded = np.zeros(blocks * SCREEN_BLOCK, dtype=np.float32)
    padded[: len(magnitude)] = magnitude
    loudest = padded.reshape(blocks, SCREEN_BLOCK).max(axis=1)
    near = np.maximum(loudest, np.maximum(np.roll(loudest, 1), np.roll(loudest, -1)))
    signal = np.pad(np.asarray(samples, dtype=np.float32), INTERPOLATION_TAPS)
    loud = near * float(np.abs(taps).sum(axis=1).max()) > peak
    edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.astype(np.int8), [0]))))
    for first, end in zip(edges[::2], edges[1::2], strict=True):  # each run of loud blocks
        start = first * SCREEN_BLOCK  # points between samples start-1…end·SCREEN_BLOCK
        window = signal[start : end * SCREEN_BLOCK + 2 * INTERPOLATION_TAPS]
        for row in taps:
            between = np.convolve(window, row[::-1], mode="valid")
            peak = max(peak, float(np.abs(between).max(initial=0.0)))
    return 20 * math.log10(peak)
