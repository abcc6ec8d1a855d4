"""An edition's files beside its MP3s: tags, edition.json, chapters.json and transcript.vtt."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mutagen.mp3 import MP3

from audiopaper.audio.timeline import Chapter, Timeline
from audiopaper.audio.xing import write_joined
from audiopaper.publish.captions import transcript_vtt
from audiopaper.publish.manifest import (
    LEGACY_AUDIO_NAME,
    EditionManifest,
    ManifestArticle,
)
from audiopaper.publish.names import article_file, edition_audio_file
from audiopaper.publish.outdir import atomic_write_text
from audiopaper.publish.tags import EditionMeta, write_tags

if TYPE_CHECKING:  # the voice stage is not loaded by what only reads an edition (the briefing)
    from audiopaper.audio.assemble import AssembledEdition

_LOGGER = logging.getLogger(__name__)

CHAPTERS_VERSION = "1.2.0"
"""Podcasting 2.0 JSON chapters format version."""

__all__ = ["chapters_json", "edition_manifest", "keep_legacy_name", "transcript_vtt", "write_edition_files"]


def chapters_json(timeline: Timeline) -> dict[str, Any]:
    """Podcasting 2.0 chapters (startTime ascending, seconds): opening, articles, closing."""
    return chapters_document(timeline.chapters)


def chapters_document(chapters: Sequence[Chapter]) -> dict[str, Any]:
    """Podcasting 2.0 JSON chapters for chapters in time order (seconds, to the millisecond)."""
    return {
        "version": CHAPTERS_VERSION,
        "chapters": [
            {"startTime": round(c.start_s, 3), "endTime": round(c.end_s, 3), "title": c.title}
            for c in chapters
        ],
    }


def edition_manifest(
    meta: EditionMeta,
    edition: AssembledEdition,
    duration_s: float,
    synthesis: dict[str, float] | None = None,
) -> EditionManifest:
    """The edition.json record (DESIGN.md's layout)."""
    return EditionManifest(
        date=meta.day,
        title=meta.title,
        paper=meta.paper,
        audio=edition_audio_file(meta.paper, meta.day),
        engine=meta.engine,
        voice=meta.voice,
        presenter_voice=meta.presenter_voice or meta.voice,
        profile=meta.profile,
        duration=duration_s,
        published="",  # stamped by the publisher when it installs the edition
        skipped=edition.skipped,
        synthesis=dict(synthesis or {}),
        opening=edition.timeline.opening,
        closing=edition.timeline.closing,
        articles=tuple(
            ManifestArticle.of(a, article_file(a.index, a.title)) for a in edition.timeline.articles
        ),
    )


def mp3_duration_s(path: Path) -> float:
    """Duration of an MP3 as players compute it (from its Info frame)."""
    return float(MP3(str(path)).info.length)


def write_audio(staging: Path, edition: AssembledEdition, audio_name: str) -> None:
    """The edition MP3 (its segments' frames joined) and each article's MP3, each with an Info frame."""
    (staging / "articles").mkdir(parents=True, exist_ok=True)
    for article, segment in zip(edition.timeline.articles, edition.article_audio, strict=True):
        write_joined(staging / article_file(article.index, article.title), [segment])
    write_joined(staging / audio_name, edition.chain)


def keep_legacy_name(staging: Path, previous: Path, audio_name: str) -> bool:
    """Keep the old URL of a re-rendered edition working: ``edition.mp3`` beside the new name.

    Editions rendered before files had unique names are listed in subscribers' feeds as
    ``edition.mp3``. When such an edition is rendered again, its new MP3 is also linked
    (a hard link, so no second copy on disk; a copy where links are impossible) under the
    old name. Editions not rendered again keep their old file and manifest untouched.
    """
    if audio_name == LEGACY_AUDIO_NAME or not (previous / LEGACY_AUDIO_NAME).is_file():
        return False
    target = staging / LEGACY_AUDIO_NAME
    try:
        os.link(staging / audio_name, target)
    except OSError:
        shutil.copyfile(staging / audio_name, target)
    _LOGGER.info("kept %s for feeds that list the old URL", LEGACY_AUDIO_NAME)
    return True


def write_edition_files(
    staging: Path,
    meta: EditionMeta,
    edition: AssembledEdition,
    *,
    cover_jpeg: bytes | None = None,
    synthesis: dict[str, float] | None = None,
) -> EditionManifest:
    """Write the MP3s, tag them, and write chapters.json and transcript.vtt; return the manifest.

    edition.json itself is written by the publisher when it installs the edition (once, with
    the time it was published), so it is written in one place for every way of publishing.
    """
    audio_name = edition_audio_file(meta.paper, meta.day)
    write_audio(staging, edition, audio_name)
    timeline = edition.timeline
    write_tags(staging / audio_name, meta, timeline.chapters, title=meta.title, cover_jpeg=cover_jpeg)
    for article in timeline.articles:
        path = staging / article_file(article.index, article.title)
        write_tags(path, meta, None, title=article.title, cover_jpeg=cover_jpeg)
    duration = mp3_duration_s(staging / audio_name)
    manifest = edition_manifest(meta, edition, duration, synthesis)
    atomic_write_text(
        staging / "chapters.json", json.dumps(chapters_json(timeline), ensure_ascii=False, indent=2)
    )
    atomic_write_text(staging / "transcript.vtt", transcript_vtt(timeline.cues))
    return manifest
