"""The timeline: where every segment, chapter and spoken line falls in the edition MP3.

A pure function of the segments' frame counts and their lines' sample offsets, so it is
exact (no decoding, no estimate) and testable without audio. MP3 frames are the unit of
joining: a segment of F frames lasts F × 1152 samples at the MP3's rate, and the encoder's
delay shifts the audio inside each segment by the same number of samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from audiopaper.audio.encode import CODEC_DELAY_SAMPLES, SAMPLES_PER_FRAME
from audiopaper.text.script import ArticleScript


@dataclass(frozen=True)
class Placement:
    """One encoded segment as the timeline needs it."""

    frames: int
    """Its number of MP3 frames."""

    lines: tuple[tuple[int, int], ...]
    """Start and end, in engine samples from the segment's start, of each spoken line."""

    texts: tuple[str, ...]
    """The spoken lines, in order (one per entry of ``lines``)."""


@dataclass(frozen=True)
class TimedSentence:
    """A sentence with its place in the edition MP3."""

    text: str
    """The sentence as printed."""

    spoken: str
    """The sentence as sent to the engine."""

    start_s: float
    """Start in seconds within the edition MP3."""

    end_s: float
    """End in seconds within the edition MP3."""

    paragraph: int = 0
    """0-based paragraph of the article the sentence belongs to (for the listening page)."""


@dataclass(frozen=True)
class Cue:
    """One spoken line of the edition for the transcript (sentences, titles, intro…)."""

    text: str
    """What is heard."""

    start_s: float
    """Start in seconds within the edition MP3."""

    end_s: float
    """End in seconds within the edition MP3."""


@dataclass(frozen=True)
class TimedArticle:
    """An article's chapter of the edition."""

    index: int
    """1-based position in the edition."""

    title: str
    """Headline as printed."""

    byline: str | None
    """Credits, or None."""

    start_s: float
    """Chapter start (the announcement of its number, after the gap before it)."""

    end_s: float
    """Chapter end: the next chapter's start, or the closing's."""

    sentences: tuple[TimedSentence, ...]
    """Body sentences with their times."""


@dataclass(frozen=True)
class Timeline:
    """Times of everything in the edition MP3."""

    duration_s: float
    """Length of the joined MP3 in seconds."""

    articles: tuple[TimedArticle, ...]
    """Chapters, in order."""

    cues: tuple[Cue, ...]
    """Every spoken line in order, for the transcript."""


def lay_out(
    opening: Sequence[Placement],
    articles: Sequence[tuple[ArticleScript, Placement, Placement]],
    closing: Placement,
    *,
    engine_rate_hz: int,
    mp3_rate_hz: int,
    article_gap_s: float,
) -> Timeline:
    """Times for segments joined in order: ``opening``, each (announcement, body), ``closing``.

    ``article_gap_s`` is the silence that begins each announcement and the closing; a
    chapter starts after it, at 第N篇, and ends where the next one starts.
    """
    cues: list[Cue] = []
    frames_so_far = 0

    def place(segment: Placement) -> tuple[float, list[tuple[float, float]]]:
        nonlocal frames_so_far
        start_s = frames_so_far * SAMPLES_PER_FRAME / mp3_rate_hz
        audio_start_s = start_s + CODEC_DELAY_SAMPLES / mp3_rate_hz
        times = [
            (audio_start_s + a / engine_rate_hz, audio_start_s + b / engine_rate_hz) for a, b in segment.lines
        ]
        cues.extend(Cue(text, begin, end) for text, (begin, end) in zip(segment.texts, times, strict=True))
        frames_so_far += segment.frames
        return start_s, times

    for segment in opening:
        place(segment)
    starts: list[float] = []
    bodies: list[tuple[ArticleScript, list[tuple[float, float]]]] = []
    for script, announcement, body in articles:
        chapter_start, _ = place(announcement)
        starts.append(chapter_start + article_gap_s)
        _, times = place(body)
        bodies.append((script, times[1:]))  # the first line of a body is its title
    closing_start, _ = place(closing)
    ends = [*starts[1:], closing_start + article_gap_s][: len(starts)]
    timed = tuple(
        TimedArticle(
            index=number,
            title=script.article.title,
            byline=script.article.byline,
            start_s=start,
            end_s=end,
            sentences=tuple(
                TimedSentence(s.text, s.spoken, begin, finish, s.paragraph)
                for s, (begin, finish) in zip(script.sentences, times, strict=True)
            ),
        )
        for number, ((script, times), start, end) in enumerate(zip(bodies, starts, ends, strict=True), 1)
    )
    return Timeline(
        duration_s=frames_so_far * SAMPLES_PER_FRAME / mp3_rate_hz, articles=timed, cues=tuple(cues)
    )
