"""Tests for audiopaper.publish.outdir: tags and chapters, manifest, transcript, feed, atomic writes."""

from __future__ import annotations

import json
import struct
from datetime import date
from pathlib import Path

import pytest
from mutagen.id3 import ID3, CTOCFlags

from audiopaper.audio.assemble import AssembledEdition
from audiopaper.audio.encode import Mp3Writer, silence
from audiopaper.audio.timeline import Cue, TimedArticle, TimedSentence, Timeline
from audiopaper.publish.edition_files import transcript_vtt, write_edition_files
from audiopaper.publish.outdir import atomic_write_text, install_edition
from audiopaper.publish.tags import EditionMeta

META = EditionMeta(paper="青梅日报", day=date(2025, 3, 14), engine="fake", voice="tone", profile="standard")
TITLES = ["短", "一个长得多的标题，让这一章的帧更大", "中等长度标题"]


def raw_frame_ids(path: Path) -> list[str]:
    """Frame ids in the order they are stored in the file's ID3v2.3 tag (not mutagen's view)."""
    data = path.read_bytes()
    assert data[:3] == b"ID3" and data[3] == 3
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    ids, offset = [], 10
    while offset < 10 + size and data[offset : offset + 1] not in (b"\x00", b""):
        frame_id = data[offset : offset + 4].decode("latin-1")
        (frame_size,) = struct.unpack(">I", data[offset + 4 : offset + 8])
        if frame_id == "CHAP":
            element_id = data[offset + 10 : data.index(b"\x00", offset + 10)].decode()
            frame_id = f"CHAP:{element_id}"
        ids.append(frame_id)
        offset += 10 + frame_size
    return ids


def make_edition(directory: Path) -> AssembledEdition:
    """A small edition of silent audio with three articles, its segments written into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    rate = 24_000
    articles, cues, audio = [], [], []
    for index, title in enumerate(TITLES, start=1):
        start = 10.0 * index
        sentence = TimedSentence(f"第{index}句。", f"第{index}句。", start + 1, start + 3)
        articles.append(TimedArticle(index, title, None, start, start + 9, (sentence,)))
        cues.append(Cue(sentence.spoken, sentence.start_s, sentence.end_s))
        writer = Mp3Writer(directory / f"segment-{index}.mp3", rate)
        writer.write(silence(1.0, rate))
        writer.close()
        audio.append(directory / f"segment-{index}.mp3")
    writer = Mp3Writer(directory / "whole.mp3", rate)
    writer.write(silence(41.0, rate))
    writer.close()
    timeline = Timeline(duration_s=41.0, articles=tuple(articles), cues=tuple(cues))
    return AssembledEdition(
        timeline, chain=(directory / "whole.mp3",), article_audio=tuple(audio), skipped=()
    )


@pytest.fixture
def published(tmp_path: Path) -> Path:
    staging = tmp_path / "staging"
    staging.mkdir()
    write_edition_files(staging, META, make_edition(tmp_path / "segments"))
    return staging


def test_chapters_are_tagged_in_time_order(published: Path) -> None:
    tags = ID3(str(published / "edition.mp3"))
    assert tags.version == (2, 3, 0)
    (toc,) = tags.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert toc.child_element_ids == ["ch001", "ch002", "ch003"]
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.element_id)
    assert [(c.start_time, c.end_time) for c in chapters] == [
        (10000, 19000),
        (20000, 29000),
        (30000, 39000),
    ]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == TITLES
    assert str(tags["TIT2"]) == "青梅日报 2025年3月14日"
    assert str(tags["TPE1"]) == "青梅日报"
    assert str(tags["TLAN"]) == "chi"
    chap_order = [f for f in raw_frame_ids(published / "edition.mp3") if f.startswith(("CTOC", "CHAP"))]
    assert chap_order == ["CTOC", "CHAP:ch001", "CHAP:ch002", "CHAP:ch003"]


def test_manifest_chapters_and_transcript(published: Path) -> None:
    manifest = json.loads((published / "edition.json").read_text(encoding="utf-8"))
    assert manifest["date"] == "2025-03-14"
    assert manifest["engine"] == "fake" and manifest["voice"] == "tone"
    assert 40.5 < manifest["duration"] < 42.0
    first = manifest["articles"][0]
    assert first["index"] == 1 and first["file"] == "articles/01-duan.mp3"
    assert first["sentences"] == [
        {"text": "第1句。", "spoken": "第1句。", "start": 11.0, "end": 13.0, "paragraph": 0}
    ]
    chapters = json.loads((published / "chapters.json").read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0"
    assert [c["startTime"] for c in chapters["chapters"]] == [10.0, 20.0, 30.0]
    vtt = (published / "transcript.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n1\n00:00:11.000 --> 00:00:13.000\n第1句。\n")


def test_vtt_escapes_arrows() -> None:
    timeline = Timeline(1.0, (), (Cue("a-->b", 0.0, 0.5),))
    assert "a→b" in transcript_vtt(timeline)


def test_install_replaces_old_edition(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = out / "editions" / "2025-03-14"
    old.mkdir(parents=True)
    (old / "stale.txt").write_text("old")
    final = install_edition(published, out, META.day)
    assert final == old and not (final / "stale.txt").exists()
    assert (final / "edition.mp3").exists()
    assert not list((out / "editions").glob(".*"))


def test_cover_is_embedded_as_a_small_jpeg(tmp_path: Path) -> None:
    from audiopaper.publish.cover import generate_cover
    from audiopaper.publish.tags import cover_for_tags

    cover = tmp_path / "cover.png"
    cover.write_bytes(generate_cover())
    staging = tmp_path / "staging"
    staging.mkdir()
    write_edition_files(staging, META, make_edition(tmp_path / "segments"), cover_jpeg=cover_for_tags(cover))
    (picture,) = ID3(str(staging / "edition.mp3")).getall("APIC")
    assert picture.mime == "image/jpeg" and picture.type == 3
    assert 1000 < len(picture.data) < 500_000


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.xml"]
    assert target.stat().st_mode & 0o644 == 0o644
