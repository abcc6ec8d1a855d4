"""Encode: loudness, limiting, the chime, and MP3 encoding with ffmpeg from the wheel.

Every segment of an edition (the opening, each announcement, each article, the outro) is
brought to the target loudness on its own and encoded once, as frames that can be joined:
LAME starts each segment with a fresh bit reservoir, and ffmpeg writes an Info frame
with the segment's exact frame count, encoder delay, end padding and CRC, which the
publish stage reads to write one Info frame for each joined file (audio/xing.py).
"""

from __future__ import annotations

import contextlib
import math
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from audiopaper.errors import EncodeError
from audiopaper.voice.engine import Samples

TARGET_LUFS = -16.0
"""Integrated loudness every segment is brought to (Apple's podcast figure)."""

LIMIT_DBFS = -2.0
"""Peak ceiling before MP3 encoding; encoding raises peaks a little, the target is -1 dBTP."""

MP3_SAMPLE_RATE_HZ = 44_100
"""Default sample rate of the published MP3s (Apple recommends 44.1 or 48 kHz)."""

MP3_BITRATE_KBPS = 96
"""Default constant bit rate of the published mono MP3s."""

LAME_QUALITY = 7
"""LAME's algorithm quality (0 best, 9 fastest). 7 encodes 20 minutes of speech in 4.8 s
instead of 10.5 s at the default, with no audible difference for mono speech at 96 kbps."""

CHIME_S = 1.6
"""Length of the chime that opens and closes the edition."""

_LOUDNESS_TOLERANCE_LU = 0.2
"""How far from TARGET_LUFS a segment may stay without another round of gain."""

_MIN_LOUDNESS_S = 0.4
"""BS.1770 needs at least one 400 ms gating block to measure anything."""


def chime(sample_rate_hz: int) -> Samples:
    """A soft two-note bell (E5 then A5) with decaying partials, generated in code."""
    t = np.arange(int(CHIME_S * sample_rate_hz), dtype=np.float64) / sample_rate_hz
    signal = np.zeros_like(t)
    for onset_s, pitch_hz in ((0.0, 659.25), (0.35, 880.0)):
        local = np.clip(t - onset_s, 0.0, None)
        active = t >= onset_s
        for partial, weight in ((1.0, 1.0), (2.0, 0.35), (3.01, 0.12)):
            signal += active * weight * np.exp(-3.2 * local) * np.sin(2 * np.pi * pitch_hz * partial * local)
    fade_in = np.minimum(1.0, t / 0.005)
    return (0.25 * fade_in * signal).astype(np.float32)


def silence(seconds: float, sample_rate_hz: int) -> Samples:
    """``seconds`` of silence."""
    return np.zeros(round(seconds * sample_rate_hz), dtype=np.float32)


_LIMIT_BLOCK = 1 << 20
"""Samples :func:`soft_limit` looks at in one pass (4 MiB): its masks stay a few MB whatever
the segment's length, instead of three bytes a sample for the whole segment at once."""


def soft_limit(samples: Samples, ceiling: float, *, in_place: bool = False) -> Samples:
    """Bend peaks above half the ceiling smoothly (tanh) so none exceeds ``ceiling``.

    Speech has rare, short peaks well above its loudness; bending just those keeps the
    loudness target reachable without clipping; every segment goes through it last, so the
    encoder needs no limiter of its own. ``in_place`` bends them in ``samples`` itself (an
    array the caller owns), sparing a copy of a segment that can be 430 MB. Each sample is
    bent on its own, so going block by block changes nothing in the result.
    """
    knee = ceiling / 2
    shaped = samples
    for start in range(0, len(samples), _LIMIT_BLOCK):
        block = samples[start : start + _LIMIT_BLOCK]
        over = (block > knee) | (block < -knee)  # |x| > knee, without an array of magnitudes
        if not np.any(over):
            continue
        if shaped is samples and not in_place:
            shaped = samples.copy()
        peaks = block[over]  # a copy: read before they are written
        shaped[start : start + _LIMIT_BLOCK][over] = np.sign(peaks) * (
            knee + (ceiling - knee) * np.tanh((np.abs(peaks) - knee) / (ceiling - knee))
        )
    return shaped


def ffmpeg_executable() -> str:
    """The ffmpeg executable shipped in the imageio-ffmpeg wheel."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def decode_file(path: Path, sample_rate_hz: int, *, max_s: float | None = None) -> Samples:
    """A whole audio file (MP3, WAV…) as mono float samples at ``sample_rate_hz``, at most
    ``max_s`` seconds of it; EncodeError naming the file and ffmpeg's reason if unreadable."""
    return decode_windows(path, sample_rate_hz, [(0, None)], max_s=max_s)[0]


DECODE_CHUNK_BYTES = 1024 * 1024
"""Bytes of ffmpeg's decoded output read at a time (a quarter of a million samples)."""


def decode_windows(
    path: Path,
    sample_rate_hz: int,
    windows: Sequence[tuple[int, int | None]],
    *,
    max_s: float | None = None,
) -> list[Samples]:
    """Stretches of an audio file, each (first sample, end sample or None for the rest), as
    :func:`decode_file` would give them, without holding the rest of the file.

    ffmpeg's output is read as it comes and only the samples inside a window are kept: the
    briefing cuts a few minutes out of an edition, and a six-hour edition decoded whole is
    2 GB of samples (4.4 GB at the peak, which made the render's memory grow with the
    edition). A window past the file's end is cut short, as slicing would cut it.
    """
    limit = ["-t", str(max_s)] if max_s is not None else []
    command = [ffmpeg_executable(), "-hide_banner", "-nostats", "-nostdin", "-v", "error", "-i", str(path),
               *limit, "-f", "f32le", "-ac", "1", "-ar", str(sample_rate_hz), "pipe:1"]  # fmt: skip
    bounds = [(4 * first, None if end is None else 4 * end) for first, end in windows]  # in bytes
    kept: list[list[bytes]] = [[] for _ in windows]
    position = 0
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: ffmpeg never waits on it
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL)
        assert process.stdout is not None
        with process.stdout:
            while chunk := process.stdout.read(DECODE_CHUNK_BYTES):
                after = position + len(chunk)
                for (first, end), parts in zip(bounds, kept, strict=True):
                    if first < after and (end is None or end > position):
                        parts.append(
                            chunk[max(0, first - position) : None if end is None else end - position]
                        )
                position = after
        code = process.wait()
        if code != 0 or position == 0:
            errors.seek(0)
            why = errors.read().decode(errors="replace").strip().splitlines()[-1:] or ["unknown format"]
            raise EncodeError(f"{path.name}: cannot decode ({why[0]})")
    return [np.frombuffer(b"".join(parts), dtype="<f4").astype(np.float32) for parts in kept]


def _summary_figure(stderr: str, label: str, unit: str) -> float | None:
    """One figure (``I`` or ``Peak``) from the Summary block ffmpeg's ebur128 prints last."""
    summary = stderr[stderr.rfind("Summary:") :]
    found = re.search(rf"{label}:\s+(-?[\d.]+|-inf) {unit}", summary)
    return float(found.group(1)) if found else None


def _pcm(samples: Samples) -> memoryview:
    """The samples as little-endian float32 bytes for ffmpeg, without a copy when they are
    already so (bytes() of a ten-minute segment would be 58 MB more)."""
    return np.ascontiguousarray(samples, dtype="<f4").data.cast("B")


def integrated_loudness(samples: Samples, sample_rate_hz: int) -> float:
    """Integrated loudness (LUFS, ITU-R BS.1770) of ``samples``, by ffmpeg's ebur128 filter.

    ffmpeg is already the encoder; measuring with it too spares the install pyloudnorm's
    filter library (scipy, 143 MB), and it is faster: 0.09 s against 0.13 s for a minute.
    """
    result = subprocess.run(
        [ffmpeg_executable(), "-hide_banner", "-nostats", "-nostdin",
         "-f", "f32le", "-ar", str(sample_rate_hz), "-ac", "1", "-i", "pipe:0",
         "-af", "ebur128=peak=none", "-f", "null", "-"],
        input=_pcm(samples),
        capture_output=True, check=False,
    )  # fmt: skip
    stderr = result.stderr.decode(errors="replace")
    loudness = _summary_figure(stderr, "I", "LUFS")
    if result.returncode != 0 or loudness is None:
        raise EncodeError(f"ffmpeg could not measure loudness: {stderr.strip()[-200:]}")
    return loudness


def normalize_loudness(samples: Samples, sample_rate_hz: int, *, owned: bool = False) -> Samples:
    """Bring a segment to TARGET_LUFS (BS.1770, measured by ffmpeg) with peaks under LIMIT_DBFS.

    Limiting lowers loudness a little, so gain and limiting alternate until they agree. (The
    briefing's renditions have targets of their own and are levelled in audio/loudness.py.)
    ``owned`` says the caller gives ``samples`` up: they are levelled in place, so a segment
    (up to 430 MB for the longest article) is held once, not twice.
    """
    target_lufs = TARGET_LUFS
    ceiling = 10 ** (LIMIT_DBFS / 20)
    if len(samples) < _MIN_LOUDNESS_S * sample_rate_hz or not np.any(samples):
        return soft_limit(samples, ceiling, in_place=owned)  # too short to measure: only its peaks
    result = samples
    loudness = integrated_loudness(result, sample_rate_hz)
    for _ in range(3):
        if not math.isfinite(loudness) or abs(loudness - target_lufs) < _LOUDNESS_TOLERANCE_LU:
            break
        gain = min(10 ** ((target_lufs - loudness) / 20), 10 ** (30 / 20))
        # Amplified in place where the array is this function's (or given up by the caller),
        # then limited in place: at most one copy of the segment beside the caller's.
        mine = owned or result is not samples
        amplified = np.multiply(result, gain, out=result if mine else None)  # float32, as result
        energy_before = _energy(amplified)
        result = soft_limit(amplified, ceiling, in_place=True)
        # Gain shifts loudness exactly; the limiter lowers it by about its share of the
        # energy. Measuring again (ffmpeg, the dearer half of the work) is needed only when
        # that estimate is not already on target, which on speech it nearly always is.
        loudness += 20 * math.log10(gain) + _energy_change_db(energy_before, _energy(result))
        if abs(loudness - target_lufs) >= _LOUDNESS_TOLERANCE_LU / 2:
            loudness = integrated_loudness(result, sample_rate_hz)
    # Already on target: its peaks still must not pass (in place unless it is the caller's).
    return soft_limit(result, ceiling, in_place=owned or result is not samples)


def _energy(samples: Samples) -> float:
    """Plain energy: the sum of the squared samples."""
    return float(np.dot(samples, samples))


def _energy_change_db(energy_before: float, energy_after: float) -> float:
    """How much louder, in dB, a signal of ``energy_after`` is than one of ``energy_before``."""
    if energy_before <= 0 or energy_after <= 0:
        return 0.0
    return 10 * math.log10(energy_after / energy_before)


class Mp3Writer:
    """Streams float32 samples into ffmpeg (from the imageio-ffmpeg wheel) to make a CBR MP3.

    Peaks are already under LIMIT_DBFS (normalize_loudness); ffmpeg resamples to 44.1 kHz. The
    file starts with ffmpeg's Info frame (xing.split_info_frame reads and removes it).
    """

    def __init__(
        self,
        path: Path,
        sample_rate_hz: int,
        *,
        bitrate_kbps: int = MP3_BITRATE_KBPS,
        mp3_sample_rate_hz: int = MP3_SAMPLE_RATE_HZ,
    ) -> None:
        self.path = path
        self.samples_written = 0
        # fmt: off
        command = [
            ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "f32le", "-ar", str(sample_rate_hz), "-ac", "1", "-i", "pipe:0",
            "-ar", str(mp3_sample_rate_hz), "-ac", "1",
            "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-compression_level", str(LAME_QUALITY),
            "-id3v2_version", "0", "-write_id3v1", "0", "-write_xing", "1",
            "-f", "mp3", "-y", str(path),
        ]
        # fmt: on
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
        )

    def write(self, samples: Samples) -> None:
        """Append samples to the MP3."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(_pcm(samples))
        except BrokenPipeError as error:
            raise EncodeError(f"ffmpeg stopped while encoding {self.path.name}: {self._stderr()}") from error
        self.samples_written += len(samples)

    def _stderr(self) -> str:
        err = self._process.stderr.read() if self._process.stderr else b""
        lines = err.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no message"

    def close(self) -> None:
        """Finish the MP3; raises :class:`EncodeError` if ffmpeg failed."""
        if self._process.stdin:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        code = self._process.wait()
        if code != 0:
            raise EncodeError(f"ffmpeg could not encode {self.path.name}: {self._stderr()}")

    def abort(self) -> None:
        """Stop ffmpeg without finishing (the partial file is the caller's to delete)."""
        self._process.kill()
        self._process.wait()


def measure_loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a decoded file, by ffmpeg's ebur128."""
    result = subprocess.run(
        [ffmpeg_executable(), "-hide_banner", "-nostats", "-nostdin", "-i", str(path),
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise EncodeError(f"ffmpeg could not measure {path.name}: {result.stderr.strip()[-200:]}")
    integrated = _summary_figure(result.stderr, "I", "LUFS")
    peak = _summary_figure(result.stderr, "Peak", "dBFS")
    if integrated is None or peak is None:
        raise EncodeError(f"could not read ffmpeg's loudness summary for {path.name}")
    return integrated, peak
