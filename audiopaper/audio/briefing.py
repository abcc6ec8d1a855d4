"""The 要闻 briefing's audio: pieces of the rendered edition, joined with chimes and levelled.

A briefing is each article's headline and lead, read in the edition's own voice. Every
piece already exists in the edition MP3 at a time its manifest records, so the briefing is
cut from it rather than synthesized again: no engine is loaded, it costs about a second for
an edition of any engine (recorded pieces included), and it sounds exactly like the edition.
It comes in two renditions: the podcast one at the edition's −16 LUFS, and a smart-speaker
one at −14 LUFS with true peaks at most −2 dBTP (Amazon's flash-briefing figures).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiopaper.audio.encode import (
    Mp3Writer,
    chime,
    decode_windows,
    measure_loudness,
    normalize_loudness,
    silence,
)
from audiopaper.audio.timeline import Chapter
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

TYPICAL_ENCODING_LOSS_LU = 0.5
"""What 96 kbps MP3 encoding takes off speech's measured loudness (0.4–0.6 LU on the demo
edition's briefing): levelling aims that much higher, so one round usually suffices."""

RENDITION_ATTEMPTS = 3
"""Level-and-encode rounds at most for one rendition (speech needs one or two)."""

RENDITION_TOLERANCE_LU = 0.3
"""How far a rendition's measured loudness may miss its target before it is made again."""

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
class Span:
    """A stretch of the edition MP3 to reuse."""

    start_s: float
    """Where it starts in the edition, in seconds."""

    end_s: float
    """Where it ends in the edition, in seconds."""


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


def _faded(piece: Samples, sample_rate_hz: int) -> Samples:
    """``piece`` (an array of its own) faded in and out in place, so no cut clicks."""
    fade = min(round(FADE_S * sample_rate_hz), len(piece) // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        piece[:fade] *= ramp
        piece[-fade:] *= ramp[::-1]
    return piece


def _spans(chapters: Sequence[BriefingChapter]) -> list[Span]:
    return list(dict.fromkeys(span for chapter in chapters for span in chapter.spans))


def cut_samples(
    audio: Samples, chapters: Sequence[BriefingChapter], sample_rate_hz: int
) -> dict[Span, Samples]:
    """Every span's piece, faded, cut from the edition's samples in memory."""
    pieces = {}
    for span in _spans(chapters):
        first, end = span_window(span, sample_rate_hz)
        pieces[span] = _faded(audio[first:end].copy(), sample_rate_hz)
    return pieces


def cut_edition(mp3: Path, chapters: Sequence[BriefingChapter], sample_rate_hz: int) -> dict[Span, Samples]:
    """Every span's piece, faded, cut from the edition MP3 as it is decoded: only the pieces
    are held, never the whole edition (2 GB of samples for six hours)."""
    spans = _spans(chapters)
    windows: list[tuple[int, int | None]] = [span_window(span, sample_rate_hz) for span in spans]
    pieces = decode_windows(mp3, sample_rate_hz, windows)
    return {span: _faded(piece, sample_rate_hz) for span, piece in zip(spans, pieces, strict=True)}


def join_briefing(
    cuts: Mapping[Span, Samples], chapters: Sequence[BriefingChapter], sample_rate_hz: int
) -> tuple[Samples, tuple[Chapter, ...]]:
    """The briefing's samples (chime, chapters, chime) and its chapters' times within them;
    ``cuts`` holds each span's piece (:func:`cut_edition`, :func:`cut_samples`)."""
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
        placed.append(Chapter(chapter.title, start / sample_rate_hz, position / sample_rate_hz))
    ending = [silence(CHAPTER_GAP_S, sample_rate_hz), chime(sample_rate_hz)]
    parts += ending
    total = position + sum(len(piece) for piece in ending)
    if placed:  # the closing chime belongs to the last chapter
        last = placed[-1]
        placed[-1] = Chapter(last.title, last.start_s, total / sample_rate_hz)
    return np.concatenate(parts), tuple(placed)


@dataclass(frozen=True)
class Rendition:
    """What encoding one rendition measured."""

    lufs: float
    """Integrated loudness of the MP3 written (ffmpeg's ebur128)."""

    true_peak_dbtp: float
    """Its true peak."""

    encoding_loss_lu: float
    """How much quieter the MP3 measured than the samples were levelled to: the next
    rendition of the same briefing starts with it, and usually needs no second round."""


def encode_rendition(
    samples: Samples,
    sample_rate_hz: int,
    path: Path,
    *,
    lufs: float,
    ceiling_dbfs: float,
    max_true_peak_dbtp: float,
    expected_loss_lu: float = 0.0,
) -> Rendition:
    """Level the briefing to ``lufs`` with peaks under ``ceiling_dbfs``, encode it as MP3 at
    ``path``, and return what the file measures.

    The MP3's low-pass takes about half a LU off what the samples measured, and encoding can
    lift peaks, so the file is measured; if it missed its loudness by more than
    RENDITION_TOLERANCE_LU or its true peak passed ``max_true_peak_dbtp``, it is levelled
    (louder, or with a lower ceiling) and encoded again, at most RENDITION_ATTEMPTS times.
    """
    target, ceiling = lufs + expected_loss_lu, ceiling_dbfs
    for _ in range(RENDITION_ATTEMPTS):
        levelled = normalize_loudness(samples, sample_rate_hz, target_lufs=target, ceiling_dbfs=ceiling)
        writer = Mp3Writer(path, sample_rate_hz)
        try:
            writer.write(levelled)
        except BaseException:
            writer.abort()
            raise
        del levelled  # not held through the measuring and the next round's levelling
        writer.close()
        measured, peak = measure_loudness(path)
        loss = target - measured
        if abs(measured - lufs) <= RENDITION_TOLERANCE_LU and peak <= max_true_peak_dbtp:
            break
        target += lufs - measured
        if peak > max_true_peak_dbtp:
            ceiling -= peak - max_true_peak_dbtp + 0.2
    return Rendition(measured, peak, loss)
