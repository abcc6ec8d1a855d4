"""ID3v2.3 tags: title, paper, date, cover, and chapters (CHAP under a CTOC) in time order."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, CTOCFlags

from audiopaper.audio.timeline import Chapter


@dataclass(frozen=True)
class EditionMeta:
    """What describes an edition beyond its audio."""

    paper: str
    """The newspaper's name, spoken in the intro and used as artist and album."""

    day: date
    """The edition's date."""

    engine: str
    """Engine that spoke it (``offline``, ``edge``, ``fake``)."""

    voice: str
    """Voice used for the whole edition."""

    profile: str
    """Listening profile name."""

    presenter_voice: str | None = None
    """The presenter's voice when the profile asked for a second one, else None."""

    @property
    def title(self) -> str:
        """Episode title: paper and date."""
        return f"{self.paper} {self.day.year}年{self.day.month}月{self.day.day}日"


class _TimeOrderedID3(ID3):  # type: ignore[misc]
    """ID3 tags whose CTOC and CHAP frames are written in time order.

    mutagen sorts frames by priority, then byte size (``ID3Tags._write``), so chapters
    land out of order and some players (AntennaPod #4938) then show only the first.
    This override keeps mutagen's frame encoding and changes only the order.
    """

    def _write(self, config: Any) -> bytearray:
        from mutagen.id3._tags import save_frame

        def order(frame: Any) -> tuple[int, float, str]:
            if frame.FrameID == "CTOC":
                return (1, 0.0, frame.HashKey)
            if frame.FrameID == "CHAP":
                return (2, float(frame.start_time), frame.element_id)
            if frame.FrameID == "APIC":
                return (3, 0.0, frame.HashKey)
            return (0, 0.0, frame.HashKey)

        frames = sorted(self.values(), key=order)
        return bytearray().join(save_frame(frame, config=config) for frame in frames)


def chapter_id(index: int) -> str:
    """Zero-padded chapter element id, so readers sorting ids as text keep time order."""
    return f"ch{index:03d}"


APIC_SIZE_PX = 600
"""Side of the cover embedded in MP3s: ID3 art is a fallback, so it is kept small."""


def cover_for_tags(cover: Path) -> bytes:
    """The show cover as a small JPEG for the APIC frame."""
    from PIL import Image

    with Image.open(cover) as image:
        small = image.convert("RGB").resize((APIC_SIZE_PX, APIC_SIZE_PX))
        buffer = io.BytesIO()
        small.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def write_tags(
    mp3_path: Path,
    meta: EditionMeta,
    chapters: Sequence[Chapter] | None,
    *,
    title: str,
    cover_jpeg: bytes | None = None,
) -> None:
    """ID3v2.3 tags and cover; with ``chapters``, one CHAP each (ch000, ch001…) under a top-level CTOC."""
    tags = _TimeOrderedID3()
    tags.add(TIT2(encoding=3, text=[title]))
    tags.add(TPE1(encoding=3, text=[meta.paper]))
    tags.add(TALB(encoding=3, text=[f"{meta.paper}有声版"]))
    tags.add(TDRC(encoding=3, text=[meta.day.isoformat()]))
    tags.add(TCON(encoding=3, text=["Podcast"]))
    tags.add(TLAN(encoding=3, text=["chi"]))
    tags.add(COMM(encoding=3, lang="chi", desc="", text=[f"{meta.title}，由 audiopaper 生成"]))
    if cover_jpeg:
        tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=cover_jpeg))
    if chapters is not None:
        ids = []
        for number, chapter in enumerate(chapters):
            element = chapter_id(number)
            ids.append(element)
            tags.add(
                CHAP(
                    element_id=element,
                    start_time=round(chapter.start_s * 1000),
                    end_time=round(chapter.end_s * 1000),
                    sub_frames=[TIT2(encoding=3, text=[chapter.title])],
                )
            )
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=["目录"])],
            )
        )
    tags.save(str(mp3_path), v2_version=3)
