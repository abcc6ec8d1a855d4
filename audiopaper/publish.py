"""Publish: tags, chapters, manifest, transcript and the podcast feed, written atomically.

Everything for one edition is first written into a staging directory beside the final one
and then swapped into place with renames, so a listener or podcast app never sees a
half-written edition, and an interrupted run leaves the previous one intact.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, CTOCFlags
from mutagen.mp3 import MP3

from audiopaper.assemble import AssembledEdition
from audiopaper.errors import OutputError

_LOGGER = logging.getLogger(__name__)

EDITIONS_DIR = "editions"
"""Sub-directory of the output directory holding one directory per edition date."""

CHAPTERS_VERSION = "1.2.0"
"""Podcasting 2.0 JSON chapters format version."""


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


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            os.fchmod(temp.fileno(), 0o644)  # mkstemp makes 0600; published files are public
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


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
    edition: AssembledEdition | None,
    *,
    title: str,
    cover_jpeg: bytes | None = None,
) -> None:
    """ID3v2.3 tags and cover; with ``edition``, one CHAP per article under a top-level CTOC."""
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
    if edition is not None:
        ids = []
        for article in edition.articles:
            element = chapter_id(article.index)
            ids.append(element)
            tags.add(
                CHAP(
                    element_id=element,
                    start_time=round(article.start_s * 1000),
                    end_time=round(article.end_s * 1000),
                    sub_frames=[TIT2(encoding=3, text=[article.title])],
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


def _vtt_time(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def transcript_vtt(edition: AssembledEdition) -> str:
    """WebVTT transcript: one cue per spoken line, times from the real audio."""
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(edition.cues, start=1):
        text = cue.text.replace("-->", "→")
        lines += [str(number), f"{_vtt_time(cue.start_s)} --> {_vtt_time(cue.end_s)}", text, ""]
    return "\n".join(lines)


def chapters_json(edition: AssembledEdition) -> dict[str, Any]:
    """Podcasting 2.0 chapters (startTime ascending, seconds)."""
    return {
        "version": CHAPTERS_VERSION,
        "chapters": [
            {"startTime": round(a.start_s, 3), "endTime": round(a.end_s, 3), "title": a.title}
            for a in edition.articles
        ],
    }


def edition_manifest(
    meta: EditionMeta, edition: AssembledEdition, duration_s: float, synthesis: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The edition.json document (DESIGN.md's layout)."""
    return {
        "date": meta.day.isoformat(),
        "title": meta.title,
        "paper": meta.paper,
        "engine": meta.engine,
        "voice": meta.voice,
        "presenter_voice": meta.presenter_voice or meta.voice,
        "profile": meta.profile,
        "duration": round(duration_s, 3),
        "published": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "skipped": list(edition.skipped),
        "synthesis": synthesis or {},
        "articles": [
            {
                "index": a.index,
                "title": a.title,
                "byline": a.byline,
                "file": a.file,
                "start": round(a.start_s, 3),
                "end": round(a.end_s, 3),
                "sentences": [
                    {
                        "text": s.text,
                        "spoken": s.spoken,
                        "start": round(s.start_s, 3),
                        "end": round(s.end_s, 3),
                        "paragraph": s.paragraph,
                    }
                    for s in a.sentences
                ],
            }
            for a in edition.articles
        ],
    }


def mp3_duration_s(path: Path) -> float:
    """Duration of an MP3 as players compute it."""
    return float(MP3(str(path)).info.length)


def write_edition_files(
    staging: Path,
    meta: EditionMeta,
    edition: AssembledEdition,
    *,
    cover_jpeg: bytes | None = None,
    synthesis: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Tag the MP3s and write edition.json, chapters.json and transcript.vtt into ``staging``."""
    write_tags(staging / "edition.mp3", meta, edition, title=meta.title, cover_jpeg=cover_jpeg)
    for article in edition.articles:
        write_tags(staging / article.file, meta, None, title=article.title, cover_jpeg=cover_jpeg)
    duration = max(mp3_duration_s(staging / "edition.mp3"), edition.duration_s)
    manifest = edition_manifest(meta, edition, duration, synthesis)
    atomic_write_text(staging / "edition.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    atomic_write_text(
        staging / "chapters.json", json.dumps(chapters_json(edition), ensure_ascii=False, indent=2)
    )
    atomic_write_text(staging / "transcript.vtt", transcript_vtt(edition))
    return manifest


def staging_dir(out_dir: Path, day: date) -> Path:
    """A fresh private directory beside the edition's final place, for building it."""
    parent = out_dir / EDITIONS_DIR
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{day.isoformat()}.", suffix=".staging", dir=parent))
        staging.chmod(0o755)  # mkdtemp makes 0700; the installed edition is served to listeners
        return staging
    except OSError as error:
        raise OutputError(f"cannot write to {parent}: {error.strerror}; choose another --out") from error


LOCK_FILE = ".audiopaper.lock"
"""Lock file in the output directory: one render or feed rebuild writes there at a time."""


@contextlib.contextmanager
def locked_output(out_dir: Path) -> Iterator[None]:
    """Hold the output directory's lock, or refuse at once if another run holds it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / LOCK_FILE, "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as error:
        raise OutputError(describe_os_error(error, out_dir)) from error
    try:
        try:
            # A POSIX record lock, not flock: it belongs to this process alone, so worker
            # processes forked from it do not keep holding it after it is killed.
            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            raise OutputError(
                f"another audiopaper run is writing to {out_dir}; wait for it to finish or use another --out"
            ) from error
        yield
    finally:
        handle.close()  # closing releases the lock, also when the process is killed


def recover_output(out_dir: Path) -> list[str]:
    """Repair what an interrupted run left (call with the lock held); returns what was done.

    A run killed between the two renames of :func:`install_edition` leaves the previous
    edition under its aside name: it is put back. Staging directories and temporary
    files of killed runs are removed.
    """
    done: list[str] = []
    editions = out_dir / EDITIONS_DIR
    if editions.is_dir():
        for aside in editions.glob(".*.old"):
            final = editions / aside.name[1:-4]
            if final.exists():
                shutil.rmtree(aside, ignore_errors=True)
                done.append(f"removed {aside.name}")
            else:
                os.replace(aside, final)
                done.append(f"restored {final.name} from an interrupted run")
        for staging in editions.glob(".*.staging"):
            shutil.rmtree(staging, ignore_errors=True)
            done.append(f"removed {staging.name}")
    for pattern in (".*.tmp", f"{EDITIONS_DIR}/*/.*.tmp"):
        for temp in out_dir.glob(pattern):
            temp.unlink(missing_ok=True)
            done.append(f"removed {temp.name}")
    return done


def describe_os_error(error: OSError, out_dir: Path) -> str:
    """One line saying what went wrong writing ``out_dir`` and what to do."""
    where = error.filename or out_dir
    if error.errno == errno.ENOSPC:
        return f"the disk is full writing {where}; free space and run again (earlier editions are intact)"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write to {where} ({error.strerror}); choose a writable --out"
    return f"cannot write {where}: {error.strerror or error}; check the output directory"


def install_edition(staging: Path, out_dir: Path, day: date) -> Path:
    """Move a finished staging directory into ``editions/DATE``, replacing an older render.

    The old directory is renamed aside first and removed only after the new one is in
    place, so at every moment one complete edition exists under its name or its aside name.
    """
    final = out_dir / EDITIONS_DIR / day.isoformat()
    aside = final.with_name(f".{final.name}.old")
    if aside.exists() and final.exists():
        shutil.rmtree(aside)
    elif aside.exists():  # left by a killed run: it is the only complete copy
        os.replace(aside, final)
    if final.exists():
        os.replace(final, aside)
    os.replace(staging, final)
    if aside.exists():
        shutil.rmtree(aside)
    return final
