"""The timeline: where every segment, chapter and spoken line falls in the edition MP3.

A pure function of the segments' frame counts and their lines' sample offsets, so it is
exact (no decoding, no estimate) and testable without audio. MP3 frames are the unit of
joining: a segment of F frames lasts F × 1152 samples at the MP3's rate. Every segment
starts with LAME's encoder delay, and the edition's Info frame tells decoders to drop the
first segment's delay (plus their own), so in what a gapless player outputs each
segment's audio begins exactly at its first frame's time. The edition ends where the
last segment's real samples end (its padding is dropped too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audiopaper.audio.xing import SAMPLES_PER_FRAME

if TYPE_CHECKING:  # the text stage is not loaded by what only reads timings (the briefing)
    from audiopaper.text.script import ArticleScript

OPENING_TITLE = "开头和导读"
"""Chapter title of the opening: chime, intro and table of contents."""

CLOSING_TITLE = "结束语"
"""Chapter title of the closing words and chime."""


@dataclass(frozen=True)
class Placement:
    """One encoded segment as the timeline needs it."""

    frames: int
    """Its number of MP3 frames."""

    lines: tuple[tuple[int, int], ...]
    """Start and end, in engine samples from the segment's start, of each spoken line."""

    texts: tuple[str, ...]
    """The spoken lines, in order (one per entry of ``lines``)."""

    shown: tuple[str, ...] = ()
    """The same lines as printed (numbers as digits); empty means as spoken."""

    unused_samples: int = 0
    """Samples of its frames that are not its audio: LAME's encoder delay plus the end
    padding. Gapless decoding shifts each segment's audio to its first frame, so these
    fall at its end; only the last segment's shorten the edition."""

    approximate: bool = False
    """True when the lines' times are estimates (a recorded piece), not measured."""


@dataclass(frozen=True, kw_only=True)
class Span:
    """A stretch of the edition MP3: what every timed record below is, and what a briefing cuts.

    Its times are keyword-only in every record built on it, so each record's own fields keep
    their places and two floats can never be swapped unnoticed."""

    start_s: float
    """Start in seconds within the edition MP3."""

    end_s: float
    """End in seconds within the edition MP3."""


@dataclass(frozen=True)
class TimedLine(Span):
    """A line of the edition as printed and as spoken, with its place in the edition MP3."""

    text: str
    """The line as printed (numbers as digits): what captions show."""

    spoken: str
    """What is heard: the line as sent to the engine."""


@dataclass(frozen=True)
class TimedSentence(TimedLine):
    """A sentence of an article's body with its place in the edition MP3."""

    paragraph: int = 0
    """0-based paragraph of the article the sentence belongs to (for the listening page)."""


@dataclass(frozen=True)
class Cue(TimedLine):
    """One spoken line of the edition for the transcript (sentences, titles, intro…)."""

    approximate: bool = False
    """True when its times are estimates (a recorded piece's text spread by length)."""


@dataclass(frozen=True)
class Chapter(Span):
    """A chapter of the edition MP3: the opening, an article or the closing."""

    title: str
    """Its title as printed (OPENING_TITLE and CLOSING_TITLE for the presenter's chapters)."""


@dataclass(frozen=True)
class TimedSection(Chapter):
    """The opening or the closing: a chapter made of presenter lines."""

    lines: tuple[Cue, ...]
    """Its spoken lines with their times (intro and contents, or the outro)."""


@dataclass(frozen=True)
class TimedArticle(Span):
    """An article's chapter of the edition: from the announcement of its number (after the
    gap before it) to the next chapter's start, or the closing's."""

    index: int
    """1-based position in the edition."""

    title: str
    """Headline as printed."""

    byline: str | None
    """Credits, or None."""

    sentences: tuple[TimedSentence, ...]
    """Body sentences with their times."""

    heading: tuple[Cue, ...] = ()
    """What is read before the body: the announcement (第N篇) and the headline."""


@dataclass(frozen=True)
class Timeline:
    """Times of everything in the edition MP3."""

    duration_s: float
    """Length of the joined MP3 in seconds."""

    articles: tuple[TimedArticle, ...]
    """Chapters, in order."""

    cues: tuple[Cue, ...]
    """Every spoken line in order, for the transcript."""

    opening: TimedSection | None = None
    """The opening chapter (None only in hand-made timelines)."""

    closing: TimedSection | None = None
    """The closing chapter (None only in hand-made timelines)."""

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        """Every chapter in time order: the opening, each article, the closing."""
        return chapters_in_order(self.articles, self.opening, self.closing)


def chapters_in_order(
    articles: Sequence[TimedArticle], opening: TimedSection | None, closing: TimedSection | None
) -> tuple[Chapter, ...]:
    """The chapters of an edition's articles and sections (those it has), in time order: what
    the timeline and edition.json's manifest both list."""
    chapters = [
        Chapter(c.title, start_s=c.start_s, end_s=c.end_s) for c in (*articles, opening, closing) if c
    ]
    return tuple(sorted(chapters, key=lambda chapter: chapter.start_s))


def _chapters(
    bodies: Sequence[tuple[ArticleScript, list[Cue], list[Cue]]],
    starts: Sequence[float],
    ends: Sequence[float],
) -> tuple[TimedArticle, ...]:
    """Each article's chapter from its script, heading cues, sentence cues, start and end."""
    return tuple(
        TimedArticle(
            index=number,
            title=script.article.title,
            byline=script.article.byline,
            start_s=start,
            end_s=end,
            sentences=tuple(
                TimedSentence(s.text, s.spoken, s.paragraph, start_s=cue.start_s, end_s=cue.end_s)
                for s, cue in zip(script.sentences, lines, strict=True)
            ),
            heading=tuple(heading),
        )
        for number, ((script, heading, lines), start, end) in enumerate(
            zip(bodies, starts, ends, strict=True), 1
        )
    )


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
    chapter starts after it, at 第N篇, and ends where the next one starts. The opening
    chapter runs from 0 to the first article, the closing from the last one to the end.
    """
    cues: list[Cue] = []
    frames_so_far = 0

    def place(segment: Placement) -> tuple[float, list[Cue]]:
        nonlocal frames_so_far
        start_s = frames_so_far * SAMPLES_PER_FRAME / mp3_rate_hz
        shown = segment.shown or segment.texts
        placed = [
            Cue(
                text,
                spoken,
                segment.approximate,
                start_s=start_s + a / engine_rate_hz,
                end_s=start_s + b / engine_rate_hz,
            )
            for text, spoken, (a, b) in zip(shown, segment.texts, segment.lines, strict=True)
        ]
        cues.extend(placed)
        frames_so_far += segment.frames
        return start_s, placed

    opening_lines = [cue for segment in opening for cue in place(segment)[1]]
    starts: list[float] = []
    bodies: list[tuple[ArticleScript, list[Cue], list[Cue]]] = []
    for script, announcement, body in articles:
        chapter_start, announced = place(announcement)
        starts.append(chapter_start + article_gap_s)
        _, lines = place(body)
        bodies.append((script, [*announced, lines[0]], lines[1:]))  # a body's first line is its title
    closing_start, closing_lines = place(closing)
    duration_s = (frames_so_far * SAMPLES_PER_FRAME - closing.unused_samples) / mp3_rate_hz
    ends = [*starts[1:], closing_start + article_gap_s][: len(starts)]
    timed = _chapters(bodies, starts, ends)
    first_start = starts[0] if starts else closing_start + article_gap_s
    return Timeline(
        duration_s=duration_s,
        articles=timed,
        cues=tuple(cues),
        opening=TimedSection(OPENING_TITLE, tuple(opening_lines), start_s=0.0, end_s=first_start),
        closing=TimedSection(
            CLOSING_TITLE, tuple(closing_lines), start_s=ends[-1] if ends else first_start, end_s=duration_s
        ),
    )
