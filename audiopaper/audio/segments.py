"""Segments: the encoded pieces an edition is joined from, each built once through the cache.

An edition is a chain of segments: the opening (chime, intro, table of contents), then
for each article an announcement (第N篇) and the article itself (title and sentences with
the profile's pauses), then the outro and a closing chime. Each segment is brought to the
target loudness on its own and encoded once; an article's segment *is* its article MP3,
and the edition MP3 is the segments' frames joined. Segments sit in the clip cache (same
size bound, same atomic writes, same trim), so re-rendering an edition where one article
changed encodes only that article.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiopaper.audio.encode import (
    LIMIT_DBFS,
    TARGET_LUFS,
    Mp3Writer,
    chime,
    normalize_loudness,
    silence,
)
from audiopaper.audio.recording import decode_recording, spread_lines
from audiopaper.audio.xing import EncodedPiece, Gapless, split_info_frame
from audiopaper.errors import EncodeError
from audiopaper.profiles import Profile
from audiopaper.text.script import ArticleScript, Frame
from audiopaper.voice.engine import Samples
from audiopaper.voice.scheduler import Synthesizer

_LOGGER = logging.getLogger(__name__)

SEGMENT_VERSION = "segment-v2"
"""Changes whenever the way segments are built changes, so cached segments are redone."""

CHIME = "chime-v1"
"""Part marker for the generated chime (see encode.chime)."""


Part = tuple[str, str | int]
"""A piece of a segment: ("speech", text) in the reader's voice, ("presenter", text) in the
presenter's, ("silence", milliseconds) or ("chime", CHIME)."""

SPOKEN = ("speech", "presenter")
"""Part kinds that are spoken lines."""


@dataclass(frozen=True)
class Segment(EncodedPiece):
    """An encoded piece of the edition, stored in the cache: its frames (no tags, no Info
    frame) and what ffmpeg's Info frame said about them."""

    lines: tuple[tuple[int, int], ...]
    """Start and end, in engine samples from the segment's start, of each speech part."""

    approximate: bool = False
    """True for a recorded piece: its lines' times are spread by text length, not measured."""

    @property
    def frames(self) -> int:
        """Number of MP3 frames."""
        return self.gapless.frames


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
        self.cache = synthesizer.cache
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
        cached = self._cached(key)
        if cached is not None:
            return cached
        samples, lines = self._samples(parts)
        levelled = normalize_loudness(samples, self.rate, owned=True)  # in place: up to 430 MB
        del samples
        return self._encode(key, levelled, lines)

    def build_recording(self, recording: Path, texts: Sequence[str]) -> Segment:
        """A recorded piece as a segment: decoded, levelled and limited, ``texts`` spread over it."""
        digest = hashlib.sha256(recording.read_bytes()).hexdigest()
        material = ["recording", self.key([]), digest, str(self.rate), *texts]  # key([]): format, levels
        key = hashlib.sha256("\x1f".join(material).encode()).hexdigest()
        cached = self._cached(key)
        if cached is not None:
            return cached
        levelled = normalize_loudness(decode_recording(recording, self.rate), self.rate)
        pause = silence(self.profile.pauses.paragraph_ms / 1000, self.rate)  # as after a spoken article
        lines = spread_lines(len(levelled), texts)
        return self._encode(key, np.concatenate([levelled, pause]), lines, approximate=True)

    def _encode(
        self, key: str, samples: Samples, lines: tuple[tuple[int, int], ...], *, approximate: bool = False
    ) -> Segment:
        """Encode levelled samples once into the cache and describe the segment."""
        mp3 = self.cache.file_path(key, ".mp3", new=True)
        mp3.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=mp3.parent)
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
                writer.write(samples)
                writer.close()
            except BaseException:
                writer.abort()
                raise
            gapless, frames = split_info_frame(temp.read_bytes())
            temp.write_bytes(frames)
            os.replace(temp, mp3)
        finally:
            temp.unlink(missing_ok=True)
        meta = {
            "frames": gapless.frames, "bytes": gapless.audio_bytes, "delay": gapless.delay,
            "padding": gapless.padding, "crc": gapless.music_crc, "lines": [list(x) for x in lines],
            "approximate": approximate, "checksum": zlib.crc32(frames),
        }  # fmt: skip
        self.cache.put_file(key, ".json", json.dumps(meta).encode())
        with self._count_lock:
            self.encoded += 1
        return Segment(mp3, gapless, lines, approximate)

    def _cached(self, key: str) -> Segment | None:
        """The cached segment, checked against its checksum; None when absent, trimmed or damaged.

        A damaged entry (truncated, overwritten, zeros, a hand-edited index) is removed with
        one warning and built again, so it never reaches the edition MP3.
        """
        meta_bytes = self.cache.get_file(key, ".json")
        mp3 = self.cache.file_path(key, ".mp3")
        if meta_bytes is None:
            return None
        try:
            meta = json.loads(meta_bytes)
            frames = mp3.read_bytes()
            if "checksum" not in meta:
                return None  # written before segments carried a checksum: build it again
            numbers = [int(meta[name]) for name in ("frames", "bytes", "delay", "padding", "crc", "checksum")]
            lines = tuple((int(a), int(b)) for a, b in meta["lines"])
            if not all(0 <= n < 2**32 for n in numbers + [n for pair in lines for n in pair]):
                raise ValueError("a number out of range")
            if len(frames) != numbers[1] or zlib.crc32(frames) != numbers[5]:
                raise ValueError("its bytes do not match their checksum")
            self.cache.touch(mp3)
            gapless = Gapless(*numbers[:5])
            return Segment(mp3, gapless, lines, bool(meta.get("approximate", False)))
        except FileNotFoundError:
            return None  # trimmed away by another render
        except (OSError, ValueError, KeyError, TypeError) as error:
            _LOGGER.warning("cached segment %s is damaged (%s); encoding it again", key[:12], str(error)[:80])
            for suffix in (".mp3", ".json"):
                self.cache.discard(self.cache.file_path(key, suffix))
            return None

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
        if not pieces:
            return silence(0.1, self.rate), tuple(lines)
        # Joined into one array piece by piece, each piece let go once copied: np.empty's pages
        # become resident only as they are written, so the segment is held about once, not
        # twice as np.concatenate of the whole list holds it.
        joined = np.empty(position, dtype=np.float32)
        start = 0
        pieces.reverse()
        while pieces:
            piece = pieces.pop()
            joined[start : start + len(piece)] = piece
            start += len(piece)
        return joined, tuple(lines)


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
