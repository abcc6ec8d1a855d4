"""Tests for audiopaper.audio.assemble, on the fake engine (real audio encoding and loudness)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3

from audiopaper.audio.assemble import AssembledEdition, assemble_edition
from audiopaper.audio.encode import MP3_SAMPLE_RATE_HZ, chime, measure_loudness
from audiopaper.audio.xing import write_joined
from audiopaper.profiles import Profile
from audiopaper.text.clean import Article
from audiopaper.text.script import Frame, SpeechOptions, build_script, edition_frame
from audiopaper.voice.fake import FakeEngine
from tests.conftest import fake_synthesizer

OPTIONS = SpeechOptions(spell_letters=True)
ARTICLES = [
    Article(
        "河边新修步道",
        "记者 王一",
        ("近日，河边新修了一条步道。居民都说好，晚上散步的人多了。", "步道全长三公里。"),
    ),
    Article(
        "社区开设手机课堂",
        None,
        ("社区开设老年智能手机课堂，每周两次。", "第一期招收学员三十六名。"),
    ),
]


def frame_for(titles: Sequence[str]) -> Frame:
    return edition_frame(titles, paper="青梅日报", day=date(2025, 3, 14), options=OPTIONS)


def frame_bitrate_indexes(path: Path) -> set[int]:
    """The bit-rate index of every MPEG frame after the ID3 tag (one value means CBR)."""
    data = path.read_bytes()
    position = (
        10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]) if data[:3] == b"ID3" else 0
    )
    indexes = set()
    while position + 4 <= len(data):
        header = int.from_bytes(data[position : position + 4], "big")
        assert header >> 21 == 0x7FF, f"lost frame sync at byte {position}"
        index = (header >> 12) & 0xF
        indexes.add(index)
        bitrate = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)[index] * 1000
        rate = (44_100, 48_000, 32_000)[(header >> 10) & 3]
        position += 144 * bitrate // rate + ((header >> 9) & 1)
    return indexes


def assemble(tmp_path: Path, profile: Profile, engine: FakeEngine | None = None) -> AssembledEdition:
    """Assemble the two articles and join the chain into tmp_path/edition.mp3 as publish does."""
    script = build_script(ARTICLES, OPTIONS)
    edition = assemble_edition(script.articles, frame_for, fake_synthesizer(engine), profile)
    write_joined(tmp_path / "edition.mp3", edition.chain)
    return edition


def test_chime_is_short_and_below_full_scale() -> None:
    samples = chime(24_000)
    assert 1.0 < len(samples) / 24_000 < 2.5
    assert 0.05 < np.abs(samples).max() < 1.0


def test_edition_and_articles_are_encoded_with_exact_times(tmp_path: Path, standard_profile: Profile) -> None:
    edition = assemble(tmp_path, standard_profile)
    assert [a.title for a in edition.timeline.articles] == ["河边新修步道", "社区开设手机课堂"]
    assert len(edition.article_audio) == 2
    mp3 = MP3(str(tmp_path / "edition.mp3"))
    assert mp3.info.sample_rate == MP3_SAMPLE_RATE_HZ
    assert mp3.info.channels == 1
    assert frame_bitrate_indexes(tmp_path / "edition.mp3") == {
        7
    }  # index 7 is 96 kbps; one value in every frame: CBR
    assert mp3.info.length == pytest.approx(edition.duration_s, abs=1e-9)
    previous_end = 0.0
    for article, audio in zip(edition.timeline.articles, edition.article_audio, strict=True):
        assert audio.mp3.stat().st_size > 1000
        assert article.start_s >= previous_end
        for sentence in article.sentences:
            assert article.start_s < sentence.start_s < sentence.end_s <= article.end_s
            assert sentence.start_s >= previous_end
            previous_end = sentence.end_s
    assert edition.timeline.articles[-1].end_s < edition.duration_s
    spoken = [cue.text for cue in edition.timeline.cues]
    assert spoken[0].startswith("欢迎收听青梅日报") and spoken[1] == "本期导读。"


def test_sentence_times_match_the_engine_durations(tmp_path: Path, standard_profile: Profile) -> None:
    edition = assemble(tmp_path, standard_profile)
    engine = FakeEngine()  # what the engine itself returns for each line, not a copy of its formula
    for article in edition.timeline.articles:
        for sentence in article.sentences:
            clip_s = len(engine.synthesize(sentence.spoken)) / engine.identity.sample_rate_hz
            assert sentence.end_s - sentence.start_s == pytest.approx(clip_s, abs=1e-3)


def test_loudness_is_podcast_standard(tmp_path: Path, standard_profile: Profile) -> None:
    edition = assemble(tmp_path, standard_profile)
    write_joined(tmp_path / "article.mp3", edition.article_audio[:1])
    for path in [tmp_path / "edition.mp3", tmp_path / "article.mp3"]:
        integrated, true_peak = measure_loudness(path)
        assert -17.0 <= integrated <= -15.0, (path.name, integrated)
        assert true_peak <= -1.0, (path.name, true_peak)


@pytest.mark.slow
def test_one_failing_article_is_skipped_not_fatal(tmp_path: Path, standard_profile: Profile) -> None:
    class FailsOnSteps(FakeEngine):
        def synthesize(self, text: str):  # type: ignore[no-untyped-def]
            if "步道" in text:
                raise RuntimeError("model exploded")
            return super().synthesize(text)

    edition = assemble(tmp_path, standard_profile, FailsOnSteps())
    assert [a.title for a in edition.timeline.articles] == ["社区开设手机课堂"]
    assert edition.timeline.articles[0].index == 1
    assert len(edition.skipped) == 1 and "河边新修步道" in edition.skipped[0]
    assert "本期共有一篇报道" in edition.timeline.cues[0].text


@pytest.mark.slow
def test_bitrate_and_sample_rate_follow_the_profile(tmp_path: Path, standard_profile: Profile) -> None:
    from dataclasses import replace

    profile = replace(standard_profile, mp3_bitrate_kbps=64, mp3_sample_rate_hz=48_000)
    assemble(tmp_path, profile)
    info = MP3(str(tmp_path / "edition.mp3")).info
    assert (info.bitrate, info.sample_rate, info.channels) == (64_000, 48_000, 1)
