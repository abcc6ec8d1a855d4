"""An edition's files beside its MP3s: tags, edition.json, chapters.json and transcript.vtt."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mutagen.mp3 import MP3

from audiopaper.audio.assemble import AssembledEdition
from audiopaper.audio.timeline import Timeline
from audiopaper.publish.manifest import MANIFEST_NAME, EditionManifest, ManifestArticle, ManifestSentence
from audiopaper.publish.names import article_file
from audiopaper.publish.outdir import atomic_write_text
from audiopaper.publish.tags import EditionMeta, write_tags

CHAPTERS_VERSION = "1.2.0"
"""Podcasting 2.0 JSON chapters format version."""

EDITION_AUDIO = "edition.mp3"
"""The edition MP3's file name inside its directory."""


def _vtt_time(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def transcript_vtt(timeline: Timeline) -> str:
    """WebVTT transcript: one cue per spoken line, times from the real audio."""
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(timeline.cues, start=1):
        text = cue.text.replace("-->", "→")
        lines += [str(number), f"{_vtt_time(cue.start_s)} --> {_vtt_time(cue.end_s)}", text, ""]
    return "\n".join(lines)


def chapters_json(timeline: Timeline) -> dict[str, Any]:
    """Podcasting 2.0 chapters (startTime ascending, seconds)."""
    return {
        "version": CHAPTERS_VERSION,
        "chapters": [
            {"startTime": round(a.start_s, 3), "endTime": round(a.end_s, 3), "title": a.title}
            for a in timeline.articles
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
        audio=EDITION_AUDIO,
        engine=meta.engine,
        voice=meta.voice,
        presenter_voice=meta.presenter_voice or meta.voice,
        profile=meta.profile,
        duration=duration_s,
        published=datetime.now(UTC).replace(microsecond=0).isoformat(),
        skipped=edition.skipped,
        synthesis=dict(synthesis or {}),
        articles=tuple(
            ManifestArticle(
                index=a.index,
                title=a.title,
                byline=a.byline,
                file=article_file(a.index, a.title),
                start=a.start_s,
                end=a.end_s,
                sentences=tuple(
                    ManifestSentence(s.text, s.spoken, s.start_s, s.end_s, s.paragraph) for s in a.sentences
                ),
            )
            for a in edition.timeline.articles
        ),
    )


def mp3_duration_s(path: Path) -> float:
    """Duration of an MP3 as players compute it."""
    return float(MP3(str(path)).info.length)


def write_audio(staging: Path, edition: AssembledEdition) -> None:
    """The edition MP3 (its segments' frames joined) and a copy of each article's segment."""
    (staging / "articles").mkdir(parents=True, exist_ok=True)
    for article, segment in zip(edition.timeline.articles, edition.article_audio, strict=True):
        shutil.copyfile(segment, staging / article_file(article.index, article.title))
    with open(staging / EDITION_AUDIO, "wb") as out:
        for segment in edition.chain:
            with open(segment, "rb") as source:
                shutil.copyfileobj(source, out, 1024 * 1024)


def write_edition_files(
    staging: Path,
    meta: EditionMeta,
    edition: AssembledEdition,
    *,
    cover_jpeg: bytes | None = None,
    synthesis: dict[str, float] | None = None,
) -> EditionManifest:
    """Write the MP3s, tag them, and write edition.json, chapters.json and transcript.vtt."""
    write_audio(staging, edition)
    timeline = edition.timeline
    write_tags(staging / EDITION_AUDIO, meta, timeline.articles, title=meta.title, cover_jpeg=cover_jpeg)
    for article in timeline.articles:
        path = staging / article_file(article.index, article.title)
        write_tags(path, meta, None, title=article.title, cover_jpeg=cover_jpeg)
    duration = max(mp3_duration_s(staging / EDITION_AUDIO), edition.duration_s)
    manifest = edition_manifest(meta, edition, duration, synthesis)
    atomic_write_text(staging / MANIFEST_NAME, manifest.to_json())
    atomic_write_text(
        staging / "chapters.json", json.dumps(chapters_json(timeline), ensure_ascii=False, indent=2)
    )
    atomic_write_text(staging / "transcript.vtt", transcript_vtt(timeline))
    return manifest
