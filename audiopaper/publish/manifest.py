"""The edition manifest: edition.json as one typed record, read and written in one place.

Its timed records (sentences, lines, sections, chapters) are the timeline's own
(audio/timeline.py); this module is their one serialization, the listening page's too.

Every consumer (feed, listening pages, the CLI's summary, tools outside the project) sees
the same fields. ``from_dict`` accepts manifests written by earlier versions (no
``version`` field, no ``audio`` field, no ``paragraph`` per sentence, no opening, closing
or headings) and refuses a damaged one with one line naming the file and the field.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from audiopaper.audio.timeline import (
    Chapter,
    Cue,
    Span,
    TimedArticle,
    TimedSection,
    TimedSentence,
    chapters_in_order,
)
from audiopaper.errors import ManifestError, OptionError
from audiopaper.publish.outdir import EDITIONS_DIR
from audiopaper.publish.release_record import ReleaseRecord
from audiopaper.values import control_character, iso_day

_LOGGER = logging.getLogger(__name__)

MANIFEST_VERSION = 3
"""Version of edition.json's layout. 1 (implicit) was the first release's; 3 added the
opening and closing chapters and the headings' times."""

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
"""Largest edition.json read (an eight-hour edition's is a few MB)."""

MAX_MANIFEST_NUMBER = 10_000_000.0
"""Largest time (seconds, about 115 days), index or version a manifest may hold."""

MANIFEST_NAME = "edition.json"
"""The manifest's file name inside an edition directory."""

LEGACY_AUDIO_NAME = "edition.mp3"
"""The edition MP3's name before manifests recorded it."""


@dataclass(frozen=True)
class ManifestArticle(TimedArticle):
    """One article: its chapter of the edition, and its own MP3."""

    file: str = field(kw_only=True)
    """The article MP3, relative to the edition directory."""

    @classmethod
    def of(cls, article: TimedArticle, file: str) -> ManifestArticle:
        """The manifest's record of a timed article whose own MP3 is ``file``."""
        return cls(**{f.name: getattr(article, f.name) for f in fields(article)}, file=file)


@dataclass(frozen=True)
class EditionManifest:
    """What edition.json says about one published edition."""

    date: date
    """The edition's date."""

    title: str
    """Episode title (paper and date)."""

    paper: str
    """The newspaper's name."""

    audio: str
    """File name of the edition MP3 inside the edition directory."""

    engine: str
    """Engine that spoke the articles."""

    voice: str
    """The reader's voice."""

    duration: float
    """Length of the edition MP3 in seconds."""

    published: str
    """When it was rendered (ISO 8601, UTC)."""

    articles: tuple[ManifestArticle, ...]
    """Articles in order."""

    presenter_voice: str = ""
    """The voice of intro, contents and announcements (the reader's unless a profile set one)."""

    profile: str = "standard"
    """Listening profile name."""

    skipped: tuple[str, ...] = ()
    """One line per article left out, saying why."""

    synthesis: dict[str, float] = field(default_factory=dict)
    """What the render cost (lines synthesized, from cache, engine seconds…), informative only."""

    opening: TimedSection | None = None
    """The opening chapter: chime, intro and contents (None in manifests before layout 3)."""

    closing: TimedSection | None = None
    """The closing chapter: outro and chime (None in manifests before layout 3)."""

    version: int = MANIFEST_VERSION
    """Layout version."""

    source_hash: str = ""
    """What ``audiopaper archive`` rendered it from: a hash of the page bytes, the options, the
    engine's identity and audiopaper's version, so a rerun skips it ("" when rendered otherwise;
    written only when set, so other manifests are unchanged)."""

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        """Every chapter in time order: the opening, each article, the closing."""
        return chapters_in_order(self.articles, self.opening, self.closing)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document, in DESIGN.md's layout (times rounded to milliseconds)."""
        return {
            "version": self.version,
            "date": self.date.isoformat(),
            "title": self.title,
            "paper": self.paper,
            "audio": self.audio,
            "engine": self.engine,
            "voice": self.voice,
            "presenter_voice": self.presenter_voice or self.voice,
            "profile": self.profile,
            "duration": round(self.duration, 3),
            "published": self.published,
            "skipped": list(self.skipped),
            "synthesis": dict(self.synthesis),
            "opening": _section_dict(self.opening),
            "closing": _section_dict(self.closing),
            "articles": [
                {
                    "index": a.index,
                    "title": a.title,
                    "byline": a.byline,
                    "file": a.file,
                    "start": round(a.start_s, 3),
                    "end": round(a.end_s, 3),
                    "heading": [_line_dict(line) for line in a.heading],
                    "sentences": [sentence_dict(s) for s in a.sentences],
                }
                for a in self.articles
            ],
        } | ({"source_hash": self.source_hash} if self.source_hash else {})

    def to_json(self) -> str:
        """edition.json's text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "edition.json") -> EditionManifest:
        """Read a manifest of this or an earlier version; ManifestError names what is wrong."""
        reader = _Reader(source)
        if not isinstance(data, dict):
            raise ManifestError(f"{source} is not a JSON object; render the edition again")
        version = reader.number(data, "version", default=1)
        if version > MANIFEST_VERSION:
            raise ManifestError(
                f"{source} was written by a newer audiopaper (layout {version:g}); upgrade audiopaper"
            )
        try:
            day = iso_day(reader.text(data, "date"), "'date'")
        except OptionError as error:
            raise ManifestError(f"{source}: {error}; render the edition again") from error
        articles = tuple(reader.article(item) for item in reader.items(data, "articles"))
        synthesis = data.get("synthesis") or {}
        return cls(
            date=day,
            title=reader.line_text(data, "title"),
            paper=reader.line_text(data, "paper", default=""),
            audio=reader.inside(data, "audio", default=LEGACY_AUDIO_NAME),
            engine=reader.text(data, "engine"),
            voice=reader.text(data, "voice"),
            duration=reader.number(data, "duration"),
            published=str(data.get("published") or ""),
            articles=articles,
            presenter_voice=str(data.get("presenter_voice") or ""),
            profile=str(data.get("profile") or "standard"),
            skipped=tuple(str(line) for line in data.get("skipped") or ()),
            synthesis={str(k): v for k, v in synthesis.items()} if isinstance(synthesis, dict) else {},
            opening=reader.section(data, "opening"),
            closing=reader.section(data, "closing"),
            version=MANIFEST_VERSION,
            source_hash=str(data.get("source_hash") or ""),
        )

    @classmethod
    def read(cls, path: Path) -> EditionManifest:
        """Read edition.json at ``path``; ManifestError when it is unreadable or damaged."""
        try:
            with path.open("rb") as file:
                raw = file.read(MAX_MANIFEST_BYTES + 1)
            if len(raw) > MAX_MANIFEST_BYTES:
                raise ManifestError(f"{path} is over {MAX_MANIFEST_BYTES} bytes; render that edition again")
            data = json.loads(raw.decode("utf-8"))
        except RecursionError as error:  # nested deeper than the decoder's stack allows
            raise ManifestError(
                f"cannot read {path}: nested too deeply; render that edition again"
            ) from error
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise ManifestError(
                f"cannot read {path}: {str(error)[:120]}; render that edition again"
            ) from error
        return cls.from_dict(data, source=str(path))


def _times(span: Span) -> dict[str, float]:
    return {"start": round(span.start_s, 3), "end": round(span.end_s, 3)}


def sentence_dict(sentence: TimedSentence) -> dict[str, Any]:
    """A sentence as edition.json writes it (the one serialization of timed records)."""
    return (
        {"text": sentence.text, "spoken": sentence.spoken}
        | _times(sentence)
        | {"paragraph": sentence.paragraph}
    )


def _line_dict(line: Cue) -> dict[str, Any]:
    spoken = {"spoken": line.spoken} if line.spoken != line.text else {}
    return {"text": line.text, **spoken} | _times(line)


def _section_dict(section: TimedSection | None) -> dict[str, Any] | None:
    if section is None:
        return None
    lines = [_line_dict(line) for line in section.lines]
    return {"title": section.title} | _times(section) | {"lines": lines}


class _Reader:
    """Field access with one-line errors naming the manifest and the field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def _missing(self, key: str) -> ManifestError:
        return ManifestError(f"{self.source} lacks a valid '{key}'; render that edition again")

    def text(self, data: dict[str, Any], key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str):
            raise self._missing(key)
        return value

    def number(self, data: dict[str, Any], key: str, *, default: float | None = None) -> float:
        """A finite number from 0 to MAX_MANIFEST_NUMBER (times, indexes, the version)."""
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._missing(key)
        try:
            number = float(value)
        except OverflowError:
            raise self._missing(key) from None
        if not (math.isfinite(number) and 0 <= number <= MAX_MANIFEST_NUMBER):
            raise self._missing(key)
        return number

    def line_text(self, data: dict[str, Any], key: str, *, default: str | None = None) -> str:
        """A one-line text (a title, the paper's name): it reaches the feed and the playlists."""
        value = data.get(key)
        if default is not None and not value:
            value = default
        if not isinstance(value, str) or control_character(value) is not None:
            raise self._missing(key)
        return value

    def inside(self, data: dict[str, Any], key: str, *, default: str | None = None) -> str:
        """A relative path that stays inside the edition's directory (``articles/01-x.mp3``)."""
        value = self.line_text(data, key, default=default)
        parts = value.split("/")
        if (
            not value
            or value.startswith("/")
            or "\\" in value
            or any(part in ("", ".", "..") for part in parts)
        ):
            raise self._missing(key)
        return value

    def items(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self._missing(key)
        return value

    def line(self, data: dict[str, Any]) -> Cue:
        text = self.text(data, "text")
        spoken = str(data.get("spoken") or text)
        return Cue(text, spoken, start_s=self.number(data, "start"), end_s=self.number(data, "end"))

    def section(self, data: dict[str, Any], key: str) -> TimedSection | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._missing(key)
        return TimedSection(
            title=self.text(value, "title"),
            start_s=self.number(value, "start"),
            end_s=self.number(value, "end"),
            lines=tuple(self.line(item) for item in self.items(value, "lines")),
        )

    def article(self, data: dict[str, Any]) -> ManifestArticle:
        byline = data.get("byline")
        return ManifestArticle(
            index=int(self.number(data, "index")),
            title=self.line_text(data, "title"),
            byline=byline if isinstance(byline, str) else None,
            file=self.inside(data, "file"),
            start_s=self.number(data, "start"),
            end_s=self.number(data, "end"),
            sentences=tuple(
                TimedSentence(
                    text=self.text(s, "text"),
                    spoken=str(s.get("spoken") or s.get("text") or ""),
                    start_s=self.number(s, "start"),
                    end_s=self.number(s, "end"),
                    paragraph=int(self.number(s, "paragraph", default=0)),
                )
                for s in self.items(data, "sentences")
            ),
            heading=tuple(self.line(item) for item in self.items(data, "heading"))
            if "heading" in data
            else (),
        )


@dataclass(frozen=True)
class PublishedEdition:
    """A complete edition found in an output directory."""

    manifest: EditionManifest
    """Its edition.json."""

    audio_bytes: int
    """Size of its edition MP3, for the feed's enclosure length."""

    release: ReleaseRecord = field(default_factory=ReleaseRecord)
    """Its release.json: first release time (the pubDate) and corrections."""


def read_published(out_dir: Path) -> list[PublishedEdition]:
    """Every complete, listed edition under ``out_dir``, newest first (damaged ones logged, left out)."""
    published = []
    pattern = f"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/{MANIFEST_NAME}"
    for path in sorted((out_dir / EDITIONS_DIR).glob(pattern)):
        try:
            manifest = EditionManifest.read(path)
            size = (path.parent / manifest.audio).stat().st_size
            release = ReleaseRecord.read(path.parent)
        except ManifestError as error:
            _LOGGER.warning("leaving %s out: %s", path.parent.name, error)
            continue
        except OSError:
            _LOGGER.warning("leaving %s out: its MP3 is missing", path.parent.name)
            continue
        if not release.withdrawn:
            published.append(PublishedEdition(manifest, size, release))
    return sorted(published, key=lambda edition: edition.manifest.date, reverse=True)
