"""Assemble: sentences' audio into article MP3s and one edition MP3, with exact times.

The edition is a chain of segments: the opening (chime, intro, table of contents), then
for each article an announcement (第N篇) and the article itself (title and sentences with
the profile's pauses), then the outro and a closing chime. Each segment is brought to the
target loudness on its own and encoded once; an article's segment *is* its article MP3,
and edition.mp3 is the segments' frames joined. Encoded segments are cached by content,
so re-rendering an edition where one article changed encodes only that article. Times
come from sample counts and frame counts, so edition.json's are exact.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiopaper.encode import (
    CODEC_DELAY_SAMPLES,
    LIMIT_DBFS,
    SAMPLES_PER_FRAME,
    TARGET_LUFS,
    Mp3Writer,
    chime,
    count_mp3_frames,
    normalize_loudness,
    silence,
)
from audiopaper.errors import AudiopaperError, EncodeError
from audiopaper.profiles import Profile
from audiopaper.speech import ArticleScript, Frame
from audiopaper.synth import Samples
from audiopaper.synthesis import Synthesizer

_LOGGER = logging.getLogger(__name__)

SEGMENT_VERSION = "segment-v1"
"""Changes whenever the way segments are built changes, so cached segments are redone."""

CHIME = "chime-v1"
"""Part marker for the generated chime (see encode.chime)."""


@dataclass(frozen=True)
class TimedSentence:
    """A sentence with its place in the edition MP3."""

    text: str
    """The sentence as printed."""

    spoken: str
    """The sentence as sent to the engine."""

    start_s: float
    """Start in seconds within edition.mp3."""

    end_s: float
    """End in seconds within edition.mp3."""

    paragraph: int = 0
    """0-based paragraph of the article the sentence belongs to (for the listening page)."""


@dataclass(frozen=True)
class Cue:
    """One spoken line of the edition for the transcript (sentences, titles, intro…)."""

    text: str
    """What is heard."""

    start_s: float
    """Start in seconds within edition.mp3."""

    end_s: float
    """End in seconds within edition.mp3."""


@dataclass(frozen=True)
class AssembledArticle:
    """One article's audio: its own MP3 and its chapter of the edition."""

    index: int
    """1-based position in the edition."""

    title: str
    """Headline as displayed."""

    byline: str | None
    """Credits, or None."""

    file: str
    """The article MP3's path relative to the edition directory (``articles/NN-slug.mp3``)."""

    start_s: float
    """Chapter start in edition.mp3 (the announcement of its number)."""

    end_s: float
    """Chapter end in edition.mp3."""

    sentences: tuple[TimedSentence, ...]
    """Body sentences with their times in edition.mp3."""


@dataclass(frozen=True)
class AssembledEdition:
    """The edition MP3 and everything publish needs to describe it."""

    duration_s: float
    """Length of edition.mp3 in seconds."""

    articles: tuple[AssembledArticle, ...]
    """Articles that made it into the edition, in order."""

    cues: tuple[Cue, ...]
    """Every spoken line in order, for the transcript."""

    skipped: tuple[str, ...]
    """One line per article left out, saying why."""

    segments_encoded: int = 0
    """Segments encoded in this run (the rest came from the cache)."""


Part = tuple[str, str | int]
"""A piece of a segment: ("speech", text) in the reader's voice, ("presenter", text) in the
presenter's, ("silence", milliseconds) or ("chime", CHIME)."""

SPOKEN = ("speech", "presenter")
"""Part kinds that are spoken lines."""


@dataclass(frozen=True)
class Segment:
    """An encoded piece of the edition, stored in the cache."""

    mp3: Path
    """The encoded frames (no tags)."""

    frames: int
    """Number of MP3 frames."""

    lines: tuple[tuple[int, int], ...]
    """Start and end, in engine samples from the segment's start, of each speech part."""


def ascii_slug(title: str, *, max_chars: int = 40) -> str:
    """An ASCII file-name slug for a Chinese title, from its pinyin (a-z, 0-9 and '-')."""
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(title, errors=lambda chars: chars)
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")
    slug = slug[:max_chars].rstrip("-")
    return slug or "article"


class SegmentBuilder:
    """Builds segments from parts, through the cache: each distinct segment is encoded once."""

    def __init__(
        self, synthesizer: Synthesizer, profile: Profile, presenter: Synthesizer | None = None
    ) -> None:
        self.synthesizer = synthesizer
        self.voices = {"speech": synthesizer, "presenter": presenter or synthesizer}
        if self.voices["presenter"].identity.sample_rate_hz != synthesizer.identity.sample_rate_hz:
            raise EncodeError("the presenter's and the reader's voices must have one sample rate")
        self.profile = profile
        self.rate = synthesizer.identity.sample_rate_hz
        self.directory = synthesizer.cache.directory / "segments"
        self.encoded = 0
        self._count_lock = threading.Lock()

    def key(self, parts: Sequence[Part]) -> str:
        """A hash of everything that decides the segment's bytes."""
        material = [
            SEGMENT_VERSION,
            f"{TARGET_LUFS}/{LIMIT_DBFS}/{self.profile.mp3_bitrate_kbps}/{self.profile.mp3_sample_rate_hz}",
        ]
        for kind, value in parts:
            material.append(f"{kind}:{self.voices[kind].key(str(value)) if kind in SPOKEN else value}")
        return hashlib.sha256("\x1f".join(material).encode()).hexdigest()

    def texts(self, parts: Sequence[Part], kinds: Sequence[str] = SPOKEN) -> list[str]:
        """The spoken texts of ``parts`` (of the given kinds), in order."""
        return [str(value) for kind, value in parts if kind in kinds]

    def build(self, parts: Sequence[Part]) -> Segment:
        """The segment for ``parts``: from the cache, or synthesized, leveled and encoded now."""
        key = self.key(parts)
        mp3 = self.directory / key[:2] / f"{key}.mp3"
        meta_path = mp3.with_suffix(".json")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if mp3.stat().st_size == meta["bytes"]:
                os.utime(mp3)
                return Segment(mp3, int(meta["frames"]), tuple(tuple(line) for line in meta["lines"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not cached, or damaged: build it again
        samples, lines = self._samples(parts)
        mp3.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".", suffix=".mp3", dir=mp3.parent)
        os.close(handle)
        temp = Path(temp_name)
        try:
            writer = Mp3Writer(
                temp,
                self.rate,
                bitrate_kbps=self.profile.mp3_bitrate_kbps,
                mp3_sample_rate_hz=self.profile.mp3_sample_rate_hz,
            )
            try:
                writer.write(normalize_loudness(samples, self.rate))
                writer.close()
            except BaseException:
                writer.abort()
                raise
            data = temp.read_bytes()
            frames = count_mp3_frames(data)
            meta_text = json.dumps({"frames": frames, "bytes": len(data), "lines": [list(x) for x in lines]})
            os.replace(temp, mp3)
        finally:
            temp.unlink(missing_ok=True)
        meta_temp = meta_path.with_name(f".{meta_path.name}.tmp{os.getpid()}")
        meta_temp.write_text(meta_text, encoding="utf-8")
        os.replace(meta_temp, meta_path)
        with self._count_lock:
            self.encoded += 1
        return Segment(mp3, frames, lines)

    def _samples(self, parts: Sequence[Part]) -> tuple[Samples, tuple[tuple[int, int], ...]]:
        pieces: list[Samples] = []
        lines: list[tuple[int, int]] = []
        position = 0
        for kind, value in parts:
            if kind in SPOKEN:
                piece = self.voices[kind].clip(str(value)).samples
                lines.append((position, position + len(piece)))
            elif kind == "silence":
                piece = silence(int(value) / 1000, self.rate)
            else:
                piece = chime(self.rate)
            pieces.append(piece)
            position += len(piece)
        return np.concatenate(pieces) if pieces else silence(0.1, self.rate), tuple(lines)


def article_parts(script: ArticleScript, profile: Profile) -> list[Part]:
    """Title, pause, then sentences with sentence or paragraph pauses between them."""
    pauses = profile.pauses
    parts: list[Part] = [("speech", script.title_spoken), ("silence", pauses.title_ms)]
    previous = None
    for sentence in script.sentences:
        if previous is not None:
            parts.append(
                ("silence", pauses.paragraph_ms if sentence.paragraph != previous else pauses.sentence_ms)
            )
        parts.append(("speech", sentence.spoken))
        previous = sentence.paragraph
    parts.append(("silence", pauses.paragraph_ms))
    return parts


TOC_LINES_PER_SEGMENT = 12
"""Table-of-contents lines per segment: keeps each segment (and the memory levelling it
needs, which grows with its length) bounded however many articles an edition has."""


def opening_parts(frame: Frame, profile: Profile) -> list[list[Part]]:
    """Chime and intro, then the table of contents in segments of TOC_LINES_PER_SEGMENT lines."""
    segments: list[list[Part]] = [
        [
            ("chime", CHIME),
            ("silence", 500),
            ("presenter", frame.intro),
            ("silence", profile.pauses.paragraph_ms),
        ]
    ]
    for start in range(0, len(frame.toc), TOC_LINES_PER_SEGMENT):
        chunk: list[Part] = []
        for line in frame.toc[start : start + TOC_LINES_PER_SEGMENT]:
            chunk += [("presenter", line), ("silence", profile.pauses.sentence_ms)]
        segments.append(chunk)
    return segments


def announcement_parts(announcement: str, profile: Profile) -> list[Part]:
    """The gap after the previous part, then 第N篇."""
    return [
        ("silence", profile.pauses.article_ms),
        ("presenter", announcement),
        ("silence", profile.pauses.sentence_ms),
    ]


def closing_parts(frame: Frame, profile: Profile) -> list[Part]:
    """The gap after the last article, the outro and the closing chime."""
    return [
        ("silence", profile.pauses.article_ms),
        ("presenter", frame.outro),
        ("silence", 700),
        ("chime", CHIME),
        ("silence", 300),
    ]


def assemble_edition(
    scripts: Sequence[ArticleScript],
    make_frame: Callable[[Sequence[str]], Frame],
    synthesizer: Synthesizer,
    profile: Profile,
    edition_dir: Path,
    *,
    progress: Callable[[str], None] = lambda message: None,
    synthesis_progress: Callable[[int, int], None] | None = None,
    presenter: Synthesizer | None = None,
) -> AssembledEdition:
    """Synthesize what is missing, build every segment, and write the MP3s into ``edition_dir``.

    An article whose synthesis or encoding fails is reported in ``skipped`` and left out;
    the edition is built from the rest. ``make_frame`` gets the spoken titles of the
    articles that made it, so the intro's count and the table of contents are true.
    ``presenter``, when given, speaks the intro, contents, announcements and outro in its
    own voice (the profile asked for two voices); the articles stay in the reader's voice.
    """
    builder = SegmentBuilder(synthesizer, profile, presenter)
    planned = make_frame([s.title_spoken for s in scripts])
    frame_texts = [planned.intro, *planned.toc, *planned.announcements, planned.outro]
    if presenter is not None and presenter is not synthesizer:
        presenter.prepare(frame_texts)
        frame_texts = []
    article_texts = [builder.texts(article_parts(s, profile)) for s in scripts]
    # Article by article (longest line first within each), so each article's segment can
    # be levelled and encoded in a thread while the workers speak the next articles.
    ordered = frame_texts + [t for texts in article_texts for t in sorted(texts, key=len, reverse=True)]
    waiting = {index: set(texts) for index, texts in enumerate(article_texts)}
    readers: dict[str, list[int]] = {}
    for index, texts in enumerate(article_texts):
        for text in set(texts):
            readers.setdefault(text, []).append(index)
    # One encoding thread: the workers already use both cores, and a second thread competes
    # with them (one bench run each: cold render of the sample 41.7 s with one, 51.6 s with two).
    encoders = ThreadPoolExecutor(max_workers=1)
    builds: dict[int, Future[Segment]] = {}

    def ready(text: str) -> None:
        for index in readers.get(text, ()):
            waiting[index].discard(text)
            if not waiting[index] and index not in builds:
                builds[index] = encoders.submit(builder.build, article_parts(scripts[index], profile))

    progress(f"synthesizing {len(set(ordered))} distinct lines ({synthesizer.identity.name} voice)")
    try:
        failures = synthesizer.prepare(ordered, synthesis_progress, on_ready=ready, keep_order=True)
        progress("levelling and encoding")
        kept: list[tuple[ArticleScript, Segment]] = []
        skipped: list[str] = []
        for index, script in enumerate(scripts):
            try:
                if index not in builds:
                    failed = [t for t in article_texts[index] if t in failures]
                    raise EncodeError(failures[failed[0]] if failed else "not synthesized")
                kept.append((script, builds[index].result()))
            except AudiopaperError as error:
                skipped.append(f"skipped “{script.article.title}”: {error}")
                _LOGGER.warning("skipping article %r: %s", script.article.title, error)
    finally:
        encoders.shutdown(wait=True, cancel_futures=True)
    if not kept:
        raise EncodeError("no article could be synthesized; see the messages above")

    mp3_rate = profile.mp3_sample_rate_hz
    rate = builder.rate
    (edition_dir / "articles").mkdir(parents=True, exist_ok=True)
    frame = make_frame([script.title_spoken for script, _ in kept])
    builder.voices["presenter"].prepare([frame.intro, *frame.toc, *frame.announcements, frame.outro])
    progress("joining the edition")
    chain: list[Segment] = []
    cues: list[Cue] = []
    assembled: list[AssembledArticle] = []
    frames_so_far = 0

    def place(segment: Segment, texts: Sequence[str]) -> tuple[float, list[tuple[float, float]]]:
        """Append a segment; return its start and its lines' times in the edition."""
        nonlocal frames_so_far
        start_s = frames_so_far * SAMPLES_PER_FRAME / mp3_rate
        audio_start_s = start_s + CODEC_DELAY_SAMPLES / mp3_rate
        times = [(audio_start_s + a / rate, audio_start_s + b / rate) for a, b in segment.lines]
        for text, (begin, end) in zip(texts, times, strict=True):
            cues.append(Cue(text, begin, end))
        chain.append(segment)
        frames_so_far += segment.frames
        return start_s, times

    for opening in opening_parts(frame, profile):
        place(builder.build(opening), builder.texts(opening))
    for number, ((script, segment), announcement) in enumerate(
        zip(kept, frame.announcements, strict=True), 1
    ):
        announce = announcement_parts(announcement, profile)
        chapter_start, _ = place(builder.build(announce), builder.texts(announce))
        chapter_start += profile.pauses.article_ms / 1000  # the chapter starts at 第N篇, not the gap
        texts = [script.title_spoken, *(s.spoken for s in script.sentences)]
        _, times = place(segment, texts)
        timed = tuple(
            TimedSentence(s.text, s.spoken, begin, end, s.paragraph)
            for s, (begin, end) in zip(script.sentences, times[1:], strict=True)
        )
        file = f"articles/{number:02d}-{ascii_slug(script.article.title)}.mp3"
        shutil.copyfile(segment.mp3, edition_dir / file)
        article = script.article
        assembled.append(
            AssembledArticle(number, article.title, article.byline, file, chapter_start, 0.0, timed)
        )
    closing = closing_parts(frame, profile)
    closing_start, _ = place(builder.build(closing), builder.texts(closing))
    closing_start += profile.pauses.article_ms / 1000
    ends = [a.start_s for a in assembled[1:]] + [closing_start]
    assembled = [
        AssembledArticle(a.index, a.title, a.byline, a.file, a.start_s, end, a.sentences)
        for a, end in zip(assembled, ends, strict=True)
    ]
    with open(edition_dir / "edition.mp3", "wb") as out:
        for segment in chain:
            with open(segment.mp3, "rb") as source:
                shutil.copyfileobj(source, out, 1024 * 1024)
    return AssembledEdition(
        duration_s=frames_so_far * SAMPLES_PER_FRAME / mp3_rate,
        articles=tuple(assembled),
        cues=tuple(cues),
        skipped=tuple(skipped),
        segments_encoded=builder.encoded,
    )
