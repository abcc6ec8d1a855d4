"""The 要闻 briefing's audio: pieces of the rendered edition, joined with chimes and levelled.

A briefing is each article's headline and lead, read in the edition's own voice. Every
piece already exists in the edition MP3 at a time its manifest records, so the briefing is
cut from it rather than synthesized again: no engine is loaded, it costs about a second for
an edition of any engine (recorded pieces included), and it sounds exactly like the edition.
It comes in two renditions: the podcast one at the edition's −16 LUFS, and a smart-speaker
one at −14 LUFS with true peaks at most −2 dBTP (Amazon's flash-briefing figures).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiopaper.audio.encode import (
    MP3_SAMPLE_RATE_HZ,
    Mp3Writer,
    chime,
    decode_file,
    decode_windows,
    silence,
    soft_limit,
)
from audiopaper.audio.loudness import integrated_lufs, true_peak_dbtp
from audiopaper.audio.timeline import Chapter, Span
from audiopaper.voice.engine import Samples

BRIEFING_RATE_HZ = 24_000
"""Sample rate the briefing is cut and levelled at: the voices' own (both engines speak at
24 kHz), half the samples of the MP3's 44.1 kHz for every loudness measurement."""

PODCAST_LUFS = -16.0
"""The podcast rendition's loudness: the edition's."""

PODCAST_CEILING_DBFS = -2.0
"""The podcast rendition's sample-peak ceiling before encoding (the edition's)."""

SPEAKER_LUFS = -14.0
"""The smart-speaker rendition's loudness (Amazon flash briefings ask for −14 LUFS)."""

SPEAKER_CEILING_DBFS = -3.2
"""Its sample-peak ceiling before encoding: MP3 encoding lifts true peaks by about a dB on
speech, and the rendition must stay at or under SPEAKER_TRUE_PEAK_DBTP."""

SPEAKER_TRUE_PEAK_DBTP = -2.0
"""The smart-speaker rendition's true-peak limit."""

PODCAST_TRUE_PEAK_DBTP = -1.0
"""The podcast rendition's true-peak limit (Apple's and the edition's)."""

ENCODING_LOSS_LU = -20 * math.log10(0.95)
"""What MP3 encoding takes off loudness: LAME, as ffmpeg drives it, writes every file at 0.95
of its input's level (0.45 dB, the same at 64–128 kbps, qualities 2 and 7, and read back by
both of ffmpeg's decoders; measured 2026-12-02). Levelling aims that much higher."""

LEVEL_TOLERANCE_LU = 0.1
"""How close levelling brings the samples to their target (the renditions allow ±1 LU)."""

LEVEL_ROUNDS = 8
"""Gain-and-limit rounds at most while levelling (each measures once, 0.05 s on a quiet core)."""

MAX_GAIN_DB = 30.0
"""The most levelling amplifies: a near-silent briefing is not raised into noise."""

TRUE_PEAK_MARGIN_DB = 0.15
"""Held under each true-peak limit: audio/loudness.py interpolates the 44.1 kHz MP3, ebur128
the same resampled to 192 kHz; they differ by up to 0.06 dB, and ebur128 prints tenths."""

CODING_LIFT_DB = 1.0
"""The most MP3 coding is taken to lift the samples' own true peak (less ENCODING_LOSS_LU):
0.2 dB at most measured on the demo briefing and on synthetic, noisy and clipped speech at
both renditions' levels (2026-12-02). Where that bound is under the limit, the MP3 is not
decoded to measure it (the podcast rendition, whose ceiling leaves 2 dB)."""

RENDITION_ATTEMPTS = 3
"""Level-and-encode rounds at most for one rendition (speech needs one)."""

LEAD_IN_S = 0.12
"""Audio kept before a piece's recorded start: a word's onset can come a little earlier."""

TAIL_S = 0.25
"""Audio kept after a piece's recorded end, so the last syllable decays naturally."""

FADE_S = 0.01
"""Fade at every cut, so no cut clicks."""

PIECE_GAP_S = 0.35
"""Silence between the pieces of one chapter (headline, then lead)."""

CHAPTER_GAP_S = 0.9
"""Silence before each article's chapter."""


@dataclass(frozen=True)
class BriefingChapter:
    """One chapter of the briefing: the opening or one article."""

    title: str
    """Its chapter title."""

    spans: tuple[Span, ...]
    """The pieces of the edition it is made of, in order."""


def span_window(span: Span, sample_rate_hz: int) -> tuple[int, int]:
    """The samples of the edition a span's piece is cut from: the span with its lead-in and
    tail (the end may lie past the edition's; the piece then stops where the edition does)."""
    return max(0, round((span.start_s - LEAD_IN_S) * sample_rate_hz)), round(
        (span.end_s + TAIL_S) * sample_rate_hz
    )


def faded(piece: Samples, sample_rate_hz: int) -> Samples:
    """``piece`` (an array of its own) faded in and out in place, so no cut clicks."""
    fade = min(round(FADE_S * sample_rate_hz), len(piece) // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        piece[:fade] *= ramp
        piece[-fade:] *= ramp[::-1]
    return piece


def _spans(chapters: Sequence[BriefingChapter]) -> list[Span]:
    return list(dict.fromkeys(span for chapter in chapters for span in chapter.spans))


def cut_edition(mp3: Path, chapters: Sequence[BriefingChapter], sample_rate_hz: int) -> dict[Span, Samples]:
    """Every span's piece, faded, cut from the edition MP3 as it is decoded: only the pieces
    are held, never the whole edition (2 GB of samples for six hours)."""
    spans = _spans(chapters)
    windows: list[tuple[int, int | None]] = [span_window(span, sample_rate_hz) for span in spans]
    pieces = decode_windows(mp3, sample_rate_hz, windows)
    return {span: faded(piece, sample_rate_hz) for span, piece in zip(spans, pieces, strict=True)}


def join_briefing(
    cuts: Mapping[Span, Samples], chapters: Sequence[BriefingChapter], sample_rate_hz: int
) -> tuple[Samples, tuple[Chapter, ...]]:
    """The briefing's samples (chime, chapters, chime) and its chapters' times within them;
    ``cuts`` holds each span's piece (:func:`cut_edition`)."""
    parts: list[Samples] = [chime(sample_rate_hz)]
    placed: list[Chapter] = []
    position = len(parts[0])
    for number, chapter in enumerate(chapters):
        start = position if number else 0  # the opening chime belongs to the first chapter
        pieces: list[Samples] = [silence(CHAPTER_GAP_S if number else PIECE_GAP_S, sample_rate_hz)]
        for index, span in enumerate(chapter.spans):
            if index:
                pieces.append(silence(PIECE_GAP_S, sample_rate_hz))
            pieces.append(cuts[span])
        parts += pieces
        position += sum(len(piece) for piece in pieces)
        placed.append(Chapter(chapter.title, start_s=start / sample_rate_hz, end_s=position / sample_rate_hz))
    ending = [silence(CHAPTER_GAP_S, sample_rate_hz), chime(sample_rate_hz)]
    parts += ending
    total = position + sum(len(piece) for piece in ending)
    if placed:  # the closing chime belongs to the last chapter
        last = placed[-1]
        placed[-1] = Chapter(last.title, start_s=last.start_s, end_s=total / sample_rate_hz)
    return np.concatenate(parts), tuple(placed)


@dataclass(frozen=True)
class Rendition:
    """What encoding one rendition measured."""

    lufs: float
    """Integrated loudness of the MP3 written: its levelled samples' (audio/loudness.py) less
    ENCODING_LOSS_LU, which is exact to a hundredth of a LU (tests hold it to ffmpeg's ebur128)."""

    true_peak_dbtp: float
    """Its true peak, measured on the MP3 decoded again; or, where the samples' own true peak
    is so far under the limit that coding cannot lift it over, that bound: at most this."""


def level(
    samples: Samples, sample_rate_hz: int, *, target_lufs: float, ceiling_dbfs: float, source_lufs: float
) -> tuple[Samples, float]:
    """``samples`` amplified and soft-limited under ``ceiling_dbfs`` to ``target_lufs`` (within
    LEVEL_TOLERANCE_LU), and the loudness they reach; ``source_lufs`` is the samples' own.

    Limiting takes loudness off as gain adds it, the more the louder, so each round measures
    and corrects the gain by the slope the last two rounds showed: the speaker rendition,
    held 11 dB under its peaks, needs three or four rounds, the podcast one one or two.
    """
    ceiling = 10 ** (ceiling_dbfs / 20)
    if not math.isfinite(source_lufs):
        return soft_limit(samples, ceiling), source_lufs  # silence: nothing to level
    gain_db, loudness = min(target_lufs - source_lufs, MAX_GAIN_DB), source_lufs
    previous: tuple[float, float] | None = None
    levelled = samples
    for _ in range(LEVEL_ROUNDS):
        amplified = samples * np.float32(10 ** (gain_db / 20))  # float32 times float32: a new array
        levelled = soft_limit(amplified, ceiling, in_place=True)  # the amplified copy is ours
        loudness = integrated_lufs(levelled, sample_rate_hz)
        if abs(loudness - target_lufs) <= LEVEL_TOLERANCE_LU or gain_db >= MAX_GAIN_DB:
            break
        slope = 1.0
        if previous is not None and gain_db != previous[0]:
            slope = min(1.0, max(0.1, (loudness - previous[1]) / (gain_db - previous[0])))
        previous = (gain_db, loudness)
        gain_db = min(gain_db + (target_lufs - loudness) / slope, MAX_GAIN_DB)
    return levelled, loudness


def encode_rendition(
    samples: Samples,
    sample_rate_hz: int,
    path: Path,
    *,
    lufs: float,
    ceiling_dbfs: float,
    max_true_peak_dbtp: float,
    source_lufs: float | None = None,
) -> Rendition:
    """Level the briefing to ``lufs`` with peaks under ``ceiling_dbfs``, encode it as MP3 at
    ``path``, and return what the file measures (``source_lufs``: the samples' loudness, if
    already measured: both renditions start from it).

    The samples are levelled ENCODING_LOSS_LU louder than ``lufs``, which the encoder takes
    off exactly. Encoding can lift peaks, so unless the samples' true peak is CODING_LIFT_DB
    under the limit, the MP3 is decoded and its true peak measured; if it passed
    ``max_true_peak_dbtp`` (less TRUE_PEAK_MARGIN_DB), the ceiling is lowered by more than
    the excess and the rendition made again, at most RENDITION_ATTEMPTS times.
    """
    if source_lufs is None:
        source_lufs = integrated_lufs(samples, sample_rate_hz)
    ceiling, limit = ceiling_dbfs, max_true_peak_dbtp - TRUE_PEAK_MARGIN_DB
    for _ in range(RENDITION_ATTEMPTS):
        levelled, loudness = level(
            samples, sample_rate_hz, target_lufs=lufs + ENCODING_LOSS_LU, ceiling_dbfs=ceiling,
            source_lufs=source_lufs,
        )  # fmt: skip
        # Coding lifts the samples' own true peak (less the encoder's 0.45 dB) by 0.2 dB at
        # most on speech: a rendition that far under its limit needs no decoding to know it.
        peak = true_peak_dbtp(levelled) - ENCODING_LOSS_LU + CODING_LIFT_DB
        writer = Mp3Writer(path, sample_rate_hz)
        try:
            writer.write(levelled)
        except BaseException:
            writer.abort()
            raise
        del levelled  # not held through the measuring and the next round's levelling
        writer.close()
        if peak > limit:
            peak = true_peak_dbtp(decode_file(path, MP3_SAMPLE_RATE_HZ))
        if peak <= limit:
            break
        ceiling -= 1.5 * (peak - limit) + 0.2  # limiting harder also lifts what is left
    return Rendition(loudness - ENCODING_LOSS_LU, peak)
