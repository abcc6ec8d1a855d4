"""Assembly: schedule synthesis and encoding, then lay the edition out on its timeline.

Synthesis and encoding overlap: as soon as every line of an article is in the cache, its
segment is levelled and encoded in a thread while the workers speak the next articles.
An article whose lines could not be synthesized, or whose segment could not be encoded,
is returned in ``skipped``; the edition is made of the rest. Nothing here writes the
edition's files: publish joins the segments and copies the articles' MP3s.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from audiopaper.audio.segments import (
    Segment,
    SegmentBuilder,
    announcement_parts,
    article_parts,
    closing_parts,
    opening_parts,
)
from audiopaper.audio.timeline import Placement, Timeline, lay_out
from audiopaper.audio.xing import EncodedPiece
from audiopaper.errors import AudiopaperError, EncodeError
from audiopaper.profiles import Profile
from audiopaper.text.script import ArticleScript, Frame
from audiopaper.voice.scheduler import Prepared, SynthesisStats, Synthesizer

_LOGGER = logging.getLogger(__name__)

FRAME_ENCODERS = 2
"""Threads encoding the intro, contents, announcements and outro once synthesis is over."""


@dataclass(frozen=True)
class AssembledEdition:
    """The edition's segments in order and everything publish needs to describe them."""

    timeline: Timeline
    """Chapters, sentences and cues with their times in the joined MP3."""

    chain: tuple[EncodedPiece, ...]
    """Encoded segments (in the cache) whose frames, joined in order, are the edition MP3."""

    article_audio: tuple[EncodedPiece, ...]
    """Each kept article's own encoded segment, in chapter order: its article MP3."""

    skipped: tuple[str, ...]
    """One line per article left out, saying why."""

    segments_encoded: int = 0
    """Segments encoded in this run (the rest came from the cache)."""

    synthesis: SynthesisStats = field(default_factory=SynthesisStats)
    """What synthesizing its lines cost (both voices; each line counted once)."""

    @property
    def duration_s(self) -> float:
        """Length of the joined MP3 in seconds."""
        return self.timeline.duration_s


@dataclass(frozen=True)
class EncodedArticles:
    """What scheduling produced: the articles' segments, and the articles left out."""

    kept: tuple[tuple[ArticleScript, Segment], ...]
    """Articles with their encoded segment, in script order."""

    skipped: tuple[str, ...]
    """One line per article left out, saying why."""

    synthesis: SynthesisStats = field(default_factory=SynthesisStats)
    """What synthesizing their lines (and the frame's given with them) cost."""


def encode_articles(
    scripts: Sequence[ArticleScript],
    frame_texts: Sequence[str],
    builder: SegmentBuilder,
    *,
    progress: Callable[[str], None] = lambda message: None,
    synthesis_progress: Callable[[int, int], None] | None = None,
    recordings: Mapping[int, Path] | None = None,
) -> EncodedArticles:
    """Synthesize every line (frame lines first), encoding each article as soon as it is ready.

    ``recordings`` maps an article's position (0-based) to a recorded piece that stands in
    for its synthesis; its text is then only captioned, never spoken.
    """
    synthesizer = builder.synthesizer
    profile = builder.profile
    recorded = dict(recordings or {})
    article_texts = [
        [] if index in recorded else builder.texts(article_parts(s, profile))
        for index, s in enumerate(scripts)
    ]
    # Article by article (longest line first within each), so each article's segment can
    # be levelled and encoded in a thread while the workers speak the next articles; the
    # frame's short lines last, so the workers share them evenly while the last article
    # is encoded, instead of waiting for it.
    articles = [t for texts in article_texts for t in sorted(texts, key=len, reverse=True)]
    ordered = articles + list(frame_texts)
    waiting = {index: set(texts) for index, texts in enumerate(article_texts)}
    readers: dict[str, list[int]] = {}
    for index, texts in enumerate(article_texts):
        for text in set(texts):
            readers.setdefault(text, []).append(index)
    # One encoding thread: the workers already use both cores, and a second thread competes
    # with them (one bench run each: cold render of the sample 41.7 s with one, 51.6 s with two).
    encoders = ThreadPoolExecutor(max_workers=1)
    builds: dict[int, Future[Segment]] = {
        index: encoders.submit(
            builder.build_recording,
            path,
            [scripts[index].article.title, *(x.text for x in scripts[index].sentences)],
        )
        for index, path in recorded.items()
    }

    def ready(text: str) -> None:
        for index in readers.get(text, ()):
            waiting[index].discard(text)
            if not waiting[index] and index not in builds:
                builds[index] = encoders.submit(builder.build, article_parts(scripts[index], profile))

    progress(f"synthesizing {len(set(ordered))} distinct lines ({synthesizer.identity.name} voice)")
    try:
        prepared = synthesizer.prepare(ordered, synthesis_progress, on_ready=ready, keep_order=True)
        progress("levelling and encoding")
        return _collect(scripts, article_texts, builds, prepared)
    finally:
        encoders.shutdown(wait=True, cancel_futures=True)


def _collect(
    scripts: Sequence[ArticleScript],
    article_texts: Sequence[Sequence[str]],
    builds: Mapping[int, Future[Segment]],
    prepared: Prepared,
) -> EncodedArticles:
    """Each article's encoded segment, or one line saying why it is left out."""
    kept: list[tuple[ArticleScript, Segment]] = []
    skipped: list[str] = []
    failures = prepared.failures
    for index, script in enumerate(scripts):
        if index not in builds:
            failed = [t for t in article_texts[index] if t in failures]
            reason = failures[failed[0]] if failed else "not synthesized"
        else:
            try:
                kept.append((script, builds[index].result()))
                continue
            except AudiopaperError as error:
                reason = str(error)
        skipped.append(f"skipped “{script.article.title}”: {reason}")
        _LOGGER.warning("skipping article %r: %s", script.article.title, reason)
    return EncodedArticles(tuple(kept), tuple(skipped), prepared.stats)


def _placement(segment: Segment, texts: Sequence[str], shown: Sequence[str] = ()) -> Placement:
    unused = segment.gapless.delay + segment.gapless.padding
    return Placement(segment.frames, segment.lines, tuple(texts), tuple(shown), unused, segment.approximate)


def assemble_edition(
    scripts: Sequence[ArticleScript],
    make_frame: Callable[[Sequence[str]], Frame],
    synthesizer: Synthesizer,
    profile: Profile,
    *,
    progress: Callable[[str], None] = lambda message: None,
    synthesis_progress: Callable[[int, int], None] | None = None,
    presenter: Synthesizer | None = None,
    show_frame: Callable[[Sequence[str]], Frame] | None = None,
    recordings: Mapping[int, Path] | None = None,
) -> AssembledEdition:
    """Synthesize what is missing, build every segment and lay the edition out.

    ``make_frame`` gets the spoken titles of the articles that made it, so the intro's
    count and the table of contents are true. ``presenter``, when given, speaks the intro,
    contents, announcements and outro in its own voice; the articles stay in the reader's.
    ``show_frame`` gets their printed titles and gives the same frame as printed (numbers
    as digits) for captions and the listening page; without it they show the spoken form.
    ``recordings`` (article position, 0-based, to a recorded piece) stand in for synthesis.
    """
    builder = SegmentBuilder(synthesizer, profile, presenter)
    planned = make_frame([s.title_spoken for s in scripts])
    frame_texts = [planned.intro, *planned.toc, *planned.announcements, planned.outro]
    planned_texts = set(frame_texts)
    presenter_stats = SynthesisStats()
    if presenter is not None and presenter is not synthesizer:
        presenter_stats = presenter.prepare(frame_texts).stats
        frame_texts = []
    encoded = encode_articles(
        scripts, frame_texts, builder, progress=progress, synthesis_progress=synthesis_progress,
        recordings=recordings,
    )  # fmt: skip
    if not encoded.kept:
        raise EncodeError("no article could be synthesized; see the messages above")
    frame = make_frame([script.title_spoken for script, _ in encoded.kept])
    # Only what the planned frame did not have (an article was left out): each line counted once.
    final_texts = [frame.intro, *frame.toc, *frame.announcements, frame.outro]
    again = builder.voices["presenter"].prepare([t for t in final_texts if t not in planned_texts])
    shown = show_frame([script.article.title for script, _ in encoded.kept]) if show_frame else frame
    progress("joining the edition")
    stats = encoded.synthesis + presenter_stats + again.stats
    return dataclasses.replace(_join(builder, frame, shown, encoded), synthesis=stats)


def _join(builder: SegmentBuilder, frame: Frame, shown: Frame, encoded: EncodedArticles) -> AssembledEdition:
    """Build the frame's segments and lay opening, articles and closing out in order.

    ``frame`` is what is spoken; ``shown`` the same frame as printed, for captions.
    """
    profile = builder.profile
    opening_list = list(zip(opening_parts(frame, profile), opening_parts(shown, profile), strict=True))
    announced_list = list(zip(frame.announcements, shown.announcements, strict=True))
    closing_list = closing_parts(frame, profile)
    # Synthesis is over, so both cores are free: the frame's segments are encoded two at a time.
    with ThreadPoolExecutor(max_workers=FRAME_ENCODERS) as encoders:
        opening_built = [encoders.submit(builder.build, parts) for parts, _ in opening_list]
        announced_built = [
            encoders.submit(builder.build, announcement_parts(line, profile)) for line, _ in announced_list
        ]
        closing_built = encoders.submit(builder.build, closing_list)
        opening = [
            (built.result(), builder.texts(parts), builder.texts(printed))
            for built, (parts, printed) in zip(opening_built, opening_list, strict=True)
        ]
        announcements = [
            (built.result(), [line], [printed])
            for built, (line, printed) in zip(announced_built, announced_list, strict=True)
        ]
        closing = (closing_built.result(), builder.texts(closing_list), [shown.outro])
    bodies = [
        (
            script,
            _placement(
                segment,
                [script.title_spoken, *(s.spoken for s in script.sentences)],
                [script.article.title, *(s.text for s in script.sentences)],
            ),
        )
        for script, segment in encoded.kept
    ]
    timeline = lay_out(
        [_placement(*segment) for segment in opening],
        [
            (script, _placement(*announced), body)
            for (script, body), announced in zip(bodies, announcements, strict=True)
        ],
        _placement(*closing),
        engine_rate_hz=builder.rate,
        mp3_rate_hz=profile.mp3_sample_rate_hz,
        article_gap_s=profile.pauses.article_ms / 1000,
    )
    chain: list[EncodedPiece] = [segment for segment, _, _ in opening]
    for (announced, _, _), (_, segment) in zip(announcements, encoded.kept, strict=True):
        chain += [announced, segment]
    chain.append(closing[0])
    return AssembledEdition(
        timeline=timeline,
        chain=tuple(chain),
        article_audio=tuple(segment for _, segment in encoded.kept),
        skipped=encoded.skipped,
        segments_encoded=builder.encoded,
    )
