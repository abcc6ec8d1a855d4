"""Tests for audiopaper.publish.outdir: tags and chapters, manifest, transcript, feed, atomic writes."""

from __future__ import annotations

import json
import struct
from datetime import date
from pathlib import Path

import pytest
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3

from audiopaper.audio.assemble import AssembledEdition
from audiopaper.audio.encode import Mp3Writer, silence
from audiopaper.audio.timeline import Cue, TimedArticle, TimedSection, TimedSentence, Timeline
from audiopaper.audio.xing import EncodedPiece, split_info_frame
from audiopaper.publish.edition_files import keep_legacy_name, transcript_vtt, write_edition_files
from audiopaper.publish.outdir import atomic_write_text, install_edition
from audiopaper.publish.tags import EditionMeta
from tests.audio.test_xing import decoded_samples, read_info_frame

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


AUDIO = "qing-mei-ri-bao-2025-03-14.mp3"


def encoded(path: Path, seconds: float, rate: int = 24_000) -> EncodedPiece:
    """Silence encoded as segments are: ffmpeg's Info frame split off."""
    writer = Mp3Writer(path, rate)
    writer.write(silence(seconds, rate))
    writer.close()
    gapless, frames = split_info_frame(path.read_bytes())
    path.write_bytes(frames)
    return EncodedPiece(path, gapless)


def make_edition(directory: Path) -> AssembledEdition:
    """A small edition of silent audio: an opening, three articles and a closing."""
    directory.mkdir(parents=True, exist_ok=True)
    articles, cues, audio = [], [], []
    for index, title in enumerate(TITLES, start=1):
        start = 10.0 * index
        sentence = TimedSentence(f"第{index}句。", f"第{index}句。", start_s=start + 1, end_s=start + 3)
        heading = (
            Cue(f"第{index}篇", f"第{index}篇", start_s=start, end_s=start + 0.5),
            Cue(title, title, start_s=start + 0.5, end_s=start + 1),
        )
        articles.append(
            TimedArticle(index, title, None, (sentence,), heading, start_s=start, end_s=start + 9)
        )
        cues.append(Cue(sentence.text, sentence.spoken, start_s=sentence.start_s, end_s=sentence.end_s))
        audio.append(encoded(directory / f"segment-{index}.mp3", 1.0))
    whole = encoded(directory / "whole.mp3", 41.0)
    opening = TimedSection(
        "开头和导读", (Cue("欢迎收听。", "欢迎收听。", start_s=1.0, end_s=2.0),), start_s=0.0, end_s=10.0
    )
    closing = TimedSection(
        "结束语", (Cue("再会。", "再会。", start_s=39.5, end_s=40.0),), start_s=39.0, end_s=41.0
    )
    timeline = Timeline(41.0, tuple(articles), tuple(cues), opening, closing)
    return AssembledEdition(timeline, chain=(whole,), article_audio=tuple(audio), skipped=())


@pytest.fixture
def published(tmp_path: Path) -> Path:
    staging = tmp_path / "staging"
    staging.mkdir()
    write_edition_files(staging, META, make_edition(tmp_path / "segments"))
    return staging


def test_chapters_are_tagged_in_time_order(published: Path) -> None:
    tags = ID3(str(published / AUDIO))
    assert tags.version == (2, 3, 0)
    (toc,) = tags.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert toc.child_element_ids == ["ch000", "ch001", "ch002", "ch003", "ch004"]
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.element_id)
    assert [(c.start_time, c.end_time) for c in chapters] == [
        (0, 10000),
        (10000, 19000),
        (20000, 29000),
        (30000, 39000),
        (39000, 41000),
    ]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == ["开头和导读", *TITLES, "结束语"]
    assert str(tags["TIT2"]) == "青梅日报 2025年3月14日"
    assert str(tags["TPE1"]) == "青梅日报"
    assert str(tags["TLAN"]) == "chi"
    chap_order = [f for f in raw_frame_ids(published / AUDIO) if f.startswith(("CTOC", "CHAP"))]
    assert chap_order == ["CTOC", "CHAP:ch000", "CHAP:ch001", "CHAP:ch002", "CHAP:ch003", "CHAP:ch004"]


def test_every_mp3_has_an_info_frame_with_its_frame_count(published: Path) -> None:
    mp3s = sorted(published.rglob("*.mp3"))
    assert len(mp3s) == 4
    for path in mp3s:
        info = read_info_frame(path)
        assert info["frames"] == info["counted_frames"], path.name
        assert info["tag_crc"] == info["tag_crc_expected"] and info["music_crc"] == info["audio_crc"]
        samples = info["frames"] * 1152 - info["delay"] - info["padding"]
        assert MP3(str(path)).info.length == pytest.approx(samples / 44_100, abs=1e-9)
        assert decoded_samples(path) == samples


def test_manifest_chapters_and_transcript(tmp_path: Path) -> None:
    published = tmp_path / "staging"
    published.mkdir()
    manifest = write_edition_files(published, META, make_edition(tmp_path / "segments")).to_dict()
    assert not (published / "edition.json").exists()  # the publisher writes it, once, when installing
    assert manifest["date"] == "2025-03-14" and manifest["audio"] == AUDIO
    assert manifest["engine"] == "fake" and manifest["voice"] == "tone"
    assert manifest["duration"] == pytest.approx(41.0, abs=1e-3)
    first = manifest["articles"][0]
    assert first["index"] == 1 and first["file"] == "articles/01-duan.mp3"
    assert first["sentences"] == [
        {"text": "第1句。", "spoken": "第1句。", "start": 11.0, "end": 13.0, "paragraph": 0}
    ]
    assert first["heading"] == [
        {"text": "第1篇", "start": 10.0, "end": 10.5},
        {"text": "短", "start": 10.5, "end": 11.0},
    ]
    assert manifest["opening"] == {
        "title": "开头和导读", "start": 0.0, "end": 10.0, "lines": [{"text": "欢迎收听。", "start": 1.0, "end": 2.0}]
    }  # fmt: skip
    assert manifest["closing"]["title"] == "结束语" and manifest["closing"]["end"] == 41.0
    chapters = json.loads((published / "chapters.json").read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0"
    assert [c["startTime"] for c in chapters["chapters"]] == [0.0, 10.0, 20.0, 30.0, 39.0]
    assert chapters["chapters"][0]["title"] == "开头和导读" and chapters["chapters"][-1]["title"] == "结束语"
    vtt = (published / "transcript.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n1\n00:00:11.000 --> 00:00:13.000\n第1句。\n")


def test_vtt_escapes_arrows() -> None:
    assert "a→b" in transcript_vtt([Cue("a-->b", "a-->b", start_s=0.0, end_s=0.5)])


def test_install_replaces_old_edition(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = out / "editions" / "2025-03-14"
    old.mkdir(parents=True)
    (old / "stale.txt").write_text("old")
    final = install_edition(published, out, META.day)
    assert final == old and not (final / "stale.txt").exists()
    assert (final / AUDIO).exists()
    assert not list((out / "editions").glob(".*"))


def test_old_url_keeps_working_for_a_re_rendered_edition(published: Path, tmp_path: Path) -> None:
    previous = tmp_path / "previous"
    previous.mkdir()
    assert not keep_legacy_name(published, previous, AUDIO)  # never published as edition.mp3
    assert not (published / "edition.mp3").exists()
    (previous / "edition.mp3").write_bytes(b"old")
    assert keep_legacy_name(published, previous, AUDIO)
    assert (published / "edition.mp3").read_bytes() == (published / AUDIO).read_bytes()
    assert (published / "edition.mp3").stat().st_ino == (
        published / AUDIO
    ).stat().st_ino  # a link, not a copy


def test_cover_is_embedded_as_a_small_jpeg(tmp_path: Path) -> None:
    from audiopaper.publish.cover import generate_cover
    from audiopaper.publish.tags import cover_for_tags

    cover = tmp_path / "cover.png"
    cover.write_bytes(generate_cover())
    staging = tmp_path / "staging"
    staging.mkdir()
    write_edition_files(staging, META, make_edition(tmp_path / "segments"), cover_jpeg=cover_for_tags(cover))
    (picture,) = ID3(str(staging / AUDIO)).getall("APIC")
    assert picture.mime == "image/jpeg" and picture.type == 3
    assert 1000 < len(picture.data) < 500_000


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.xml"]
    assert target.stat().st_mode & 0o644 == 0o644
