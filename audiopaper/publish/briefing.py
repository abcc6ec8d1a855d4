"""The 要闻 briefing: a short episode of each article's headline and lead, with its own feed.

Not every listener wants twenty minutes: papers push a morning digest to phones and smart
speakers. The briefing is made from the published edition (audio/briefing.py cuts it from
the edition MP3 at the times edition.json records), so it needs no engine and takes about a
second. It lives in the edition's ``briefing/`` folder and is listed in ``briefing.xml``.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audiopaper.audio.briefing import (
    BRIEFING_RATE_HZ,
    PODCAST_CEILING_DBFS,
    PODCAST_LUFS,
    PODCAST_TRUE_PEAK_DBTP,
    SPEAKER_CEILING_DBFS,
    SPEAKER_LUFS,
    SPEAKER_TRUE_PEAK_DBTP,
    BriefingChapter,
    cut_edition,
    encode_rendition,
    join_briefing,
)
from audiopaper.audio.loudness import integrated_lufs
from audiopaper.audio.timeline import Span
from audiopaper.errors import ManifestError
from audiopaper.publish.edition_files import chapters_document, mp3_duration_s
from audiopaper.publish.manifest import EditionManifest, ManifestArticle
from audiopaper.publish.outdir import atomic_write_text
from audiopaper.publish.tags import EditionMeta, write_tags

_LOGGER = logging.getLogger(__name__)

BRIEFING_DIR = "briefing"
"""The briefing's folder inside an edition directory (DESIGN.md's output layout)."""

BRIEFING_FILE = "briefing.json"
"""What the briefing holds, beside its MP3s: the feed is built from these."""

BRIEFING_FEED = "briefing.xml"
"""The briefings' podcast feed inside the output directory."""

OPENING_TITLE = "导语"
"""The first chapter: the edition's greeting (paper, date and how many stories)."""

LEAD_SENTENCES = 2
"""Sentences of each article's first paragraph read after its headline."""

MAX_BRIEFING_S = 300.0
"""A briefing runs at most five minutes: first one lead sentence an article, then fewer articles."""


@dataclass(frozen=True)
class Briefing:
    """A written briefing, as briefing.json records it."""

    title: str
    """Episode title: 青梅日报要闻 2025年3月14日."""

    audio: str
    """The podcast rendition's file name inside briefing/ (−16 LUFS)."""

    speaker_audio: str
    """The smart-speaker rendition's file name inside briefing/ (−14 LUFS, ≤ −2 dBTP)."""

    duration: float
    """Length in seconds."""

    articles: int
    """How many articles it covers (the lead stories first, as the edition orders them)."""

    source_audio: str
    """The edition MP3 it was cut from: a briefing is made again when that changes."""

    def to_dict(self) -> dict[str, Any]:
        """The briefing.json document."""
        return {
            "title": self.title, "audio": self.audio, "speaker_audio": self.speaker_audio,
            "duration": round(self.duration, 3), "articles": self.articles, "source_audio": self.source_audio,
        }  # fmt: skip

    @classmethod
    def read(cls, path: Path) -> Briefing:
        """Read briefing.json, or raise ManifestError saying what is wrong."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            briefing = cls(
                title=str(data["title"]), audio=str(data["audio"]), speaker_audio=str(data["speaker_audio"]),
                duration=float(data["duration"]), articles=int(data["articles"]),
                source_audio=str(data["source_audio"]),
            )  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ManifestError(
                f"{path} is unreadable ({error}); run audiopaper feed to make it again"
            ) from error
        for name in (briefing.audio, briefing.speaker_audio):
            if "/" in name or "\\" in name or name.startswith("."):
                raise ManifestError(f"{path} names a file outside its folder: {name!r}")
        return briefing


def current_briefing(edition_dir: Path, manifest: EditionManifest) -> tuple[Briefing, int] | None:
    """The edition's briefing and its podcast MP3's size, if whole and cut from this edition MP3.

    A briefing of an earlier rendering (a correction renamed the edition MP3) is not listed:
    it would speak the text before the correction.
    """
    path = edition_dir / BRIEFING_DIR / BRIEFING_FILE
    if not path.is_file():
        return None
    try:
        briefing = Briefing.read(path)
        size = (path.parent / briefing.audio).stat().st_size
    except (ManifestError, OSError) as error:
        _LOGGER.warning("leaving the briefing of %s out: %s", edition_dir.name, error)
        return None
    return (briefing, size) if briefing.source_audio == manifest.audio else None


def _lead(article: ManifestArticle, sentences: int) -> list[Span]:
    """The headline (announcement and title, one stretch) and the first paragraph's lead."""
    spans: list[Span] = []
    if article.heading:
        spans.append(Span(start_s=article.heading[0].start_s, end_s=article.heading[-1].end_s))
    first = [s for s in article.sentences if s.paragraph == article.sentences[0].paragraph][:sentences]
    if first:
        spans.append(Span(start_s=first[0].start_s, end_s=first[-1].end_s))
    return spans


def _length_s(chapters: list[BriefingChapter]) -> float:
    return sum(span.end_s - span.start_s for chapter in chapters for span in chapter.spans)


def briefing_chapters(manifest: EditionManifest) -> list[BriefingChapter]:
    """What the briefing says: the greeting, then each article's headline and lead.

    Two lead sentences an article, one if that runs over MAX_BRIEFING_S, and then only as
    many articles (lead stories first) as fit.
    """
    opening = []
    if manifest.opening and manifest.opening.lines:
        first = manifest.opening.lines[0]
        opening = [BriefingChapter(OPENING_TITLE, (Span(start_s=first.start_s, end_s=first.end_s),))]
    for sentences in range(LEAD_SENTENCES, 0, -1):
        articles = [BriefingChapter(a.title, tuple(_lead(a, sentences))) for a in manifest.articles]
        articles = [chapter for chapter in articles if chapter.spans]
        if _length_s(opening + articles) <= MAX_BRIEFING_S:
            return opening + articles
    while articles and _length_s(opening + articles) > MAX_BRIEFING_S:
        articles.pop()
    return opening + articles


def briefing_title(manifest: EditionManifest) -> str:
    """The briefing's episode title."""
    day = manifest.date
    return f"{manifest.paper}要闻 {day.year}年{day.month}月{day.day}日"


def write_briefing(edition_dir: Path, manifest: EditionManifest) -> Briefing:
    """Cut, level and encode the briefing of the edition in ``edition_dir`` into its briefing/.

    Both MP3s are written under temporary names and renamed into place, so a briefing is
    whole or absent; briefing.json is written last.
    """
    started = time.monotonic()
    chapters = briefing_chapters(manifest)
    cuts = cut_edition(edition_dir / manifest.audio, chapters, BRIEFING_RATE_HZ)
    samples, placed = join_briefing(cuts, chapters, BRIEFING_RATE_HZ)
    del cuts  # joined: not held beside the samples while both renditions are levelled
    source_lufs = integrated_lufs(samples, BRIEFING_RATE_HZ)
    folder = edition_dir / BRIEFING_DIR
    folder.mkdir(exist_ok=True)
    stem = f"{Path(manifest.audio).stem}-yaowen"  # after a correction (…-r2.mp3) a new name too
    meta = EditionMeta(manifest.paper, manifest.date, manifest.engine, manifest.voice, manifest.profile)
    title = briefing_title(manifest)
    names = (f"{stem}.mp3", f"{stem}-speaker.mp3")
    levels = (
        (PODCAST_LUFS, PODCAST_CEILING_DBFS, PODCAST_TRUE_PEAK_DBTP),
        (SPEAKER_LUFS, SPEAKER_CEILING_DBFS, SPEAKER_TRUE_PEAK_DBTP),
    )

    def encode(name: str, lufs: float, ceiling: float, true_peak: float) -> None:
        partial = folder / f".{name}.tmp"
        try:
            encode_rendition(
                samples, BRIEFING_RATE_HZ, partial, lufs=lufs, ceiling_dbfs=ceiling,
                max_true_peak_dbtp=true_peak, source_lufs=source_lufs,
            )  # fmt: skip
            write_tags(partial, meta, placed, title=title)
            partial.replace(folder / name)
        finally:
            partial.unlink(missing_ok=True)

    # Both renditions side by side, one a core: the encoders are processes of their own, and
    # numpy's FFTs and array arithmetic run without the GIL.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(encode, name, *level) for name, level in zip(names, levels, strict=True)]:
            done.result()
    document = json.dumps(chapters_document(placed), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(folder / "chapters.json", document)
    duration = round(mp3_duration_s(folder / names[0]), 3)
    briefing = Briefing(
        title=title, audio=names[0], speaker_audio=names[1], duration=duration,
        articles=len(chapters) - (1 if chapters and chapters[0].title == OPENING_TITLE else 0),
        source_audio=manifest.audio,
    )  # fmt: skip
    atomic_write_text(
        folder / BRIEFING_FILE, json.dumps(briefing.to_dict(), ensure_ascii=False, indent=2) + "\n"
    )
    _LOGGER.info(
        "briefing of %s: %.0f s in %.1f s", manifest.date, briefing.duration, time.monotonic() - started
    )
    return briefing
