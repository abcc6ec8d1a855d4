"""Recorded pieces: a presenter's MP3 or WAV standing in for an article's synthesis.

A recording is decoded by the same ffmpeg that encodes the edition, to the engine's rate in
mono, then levelled and limited like every synthesized segment. It has no sentence times
of its own, so its captions are the article's printed text with times spread over the
recording in proportion to each line's length: close enough to follow, and marked
approximate wherever they are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from audiopaper.audio.encode import decode_file
from audiopaper.errors import EncodeError
from audiopaper.voice.engine import Samples

RECORDING_SUFFIXES = (".mp3", ".wav")
"""Recording formats accepted (by file name)."""

MAX_RECORDING_S = 2 * 3600
"""Longest recording read (seconds); anything longer is cut there."""

MIN_RECORDING_S = 0.5
"""Shortest recording accepted (seconds): less is a broken file, not a piece."""


def decode_recording(path: Path, sample_rate_hz: int) -> Samples:
    """The recording as mono float samples at ``sample_rate_hz``; EncodeError (one line) if unreadable."""
    try:
        samples = decode_file(path, sample_rate_hz, max_s=MAX_RECORDING_S)
    except EncodeError as error:
        raise EncodeError(f"{error}; give an MP3 or WAV file") from error
    if len(samples) < MIN_RECORDING_S * sample_rate_hz:
        raise EncodeError(f"{path.name}: the recording is shorter than {MIN_RECORDING_S} s; check the file")
    return samples


def spread_lines(total_samples: int, texts: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """(start, end) in samples for each text, sharing ``total_samples`` by the texts' lengths."""
    weights = [max(1, len(text)) for text in texts]
    whole = sum(weights)
    spans, done = [], 0
    for weight in weights:
        start = total_samples * done // whole
        done += weight
        spans.append((start, total_samples * done // whole))
    return tuple(spans)


def recording_number(path: Path) -> int:
    """The article number a recording stands in for, from its name (``03.mp3`` is article 3)."""
    stem, suffix = path.stem, path.suffix.lower()
    if suffix not in RECORDING_SUFFIXES or not stem.isdigit() or int(stem) < 1:
        raise EncodeError(
            f"recordings/{path.name}: name a recording by its article's number, e.g. 03.mp3 or 3.wav "
            "(the numbers 'audiopaper script' prints)"
        )
    return int(stem)


def recordings_by_article(paths: Sequence[Path], articles: int) -> dict[int, Path]:
    """Recordings by article position (0-based); EncodeError for a bad name, a repeat or no such article."""
    found: dict[int, Path] = {}
    for path in paths:
        number = recording_number(path)
        if number > articles:
            raise EncodeError(f"recordings/{path.name}: the edition has only {articles} articles")
        if number - 1 in found:
            raise EncodeError(
                f"recordings/{path.name} and {found[number - 1].name} are both article {number}"
            )
        found[number - 1] = path
    return found
