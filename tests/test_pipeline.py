"""End-to-end renders: the sample page on the fake engine, a small page on the real voice."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audiopaper.audio.encode import measure_loudness
from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import Profile
from tests.conftest import fake_synthesizer


def check_edition(edition_dir: Path) -> dict:  # type: ignore[type-arg]
    """Every sentence inside edition.mp3, in order; chapters match the manifest."""
    manifest = json.loads((edition_dir / "edition.json").read_text(encoding="utf-8"))
    duration = MP3(str(edition_dir / "edition.mp3")).info.length
    assert manifest["duration"] == pytest.approx(duration, abs=0.2)
    previous = 0.0
    for article in manifest["articles"]:
        assert previous <= article["start"] < article["end"] <= duration
        for sentence in article["sentences"]:
            assert article["start"] <= sentence["start"] < sentence["end"] <= article["end"]
            assert sentence["start"] >= previous
            previous = sentence["end"]
    chapters = sorted(ID3(str(edition_dir / "edition.mp3")).getall("CHAP"), key=lambda c: c.start_time)
    assert [c.start_time for c in chapters] == [round(a["start"] * 1000) for a in manifest["articles"]]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == [a["title"] for a in manifest["articles"]]
    assert ffmpeg_chapter_starts_ms(edition_dir / "edition.mp3") == pytest.approx(
        [c.start_time for c in chapters], abs=50
    )
    return manifest  # type: ignore[no-any-return]


def ffmpeg_chapter_starts_ms(path: Path) -> list[int]:
    """Chapter starts as ffmpeg's own ID3 reader sees them (an oracle independent of mutagen)."""
    import subprocess

    import imageio_ffmpeg

    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [int(line.split("=")[1]) for line in result.stdout.splitlines() if line.startswith("START=")]


def test_sample_page_renders_with_sentences_inside_the_audio(
    sample_page: Path, tmp_path: Path, standard_profile: Profile
) -> None:
    options = RenderOptions(out_dir=tmp_path, day=date(2024, 10, 28), profile=standard_profile)
    result = render([sample_page], options, fake_synthesizer())
    manifest = check_edition(result.edition_dir)
    assert len(manifest["articles"]) == 8
    assert result.feed_path.exists()


def test_rerender_replaces_the_edition_and_keeps_others(
    tmp_path: Path, standard_profile: Profile, write_page
) -> None:  # type: ignore[no-untyped-def]
    page = write_page("## 标题一\n\n本报讯 第一条新闻的正文，内容很简单。\n")
    first_guids = None
    for day in (date(2025, 3, 13), date(2025, 3, 14), date(2025, 3, 13)):
        render([page], RenderOptions(out_dir=tmp_path, day=day, profile=standard_profile), fake_synthesizer())
        feed = (tmp_path / "feed.xml").read_text(encoding="utf-8")
        guids = re.findall(r"<guid[^>]*>([^<]+)</guid>", feed)
        if day == date(2025, 3, 14) and first_guids is None:
            first_guids = guids
    assert sorted(p.name for p in (tmp_path / "editions").iterdir()) == ["2025-03-13", "2025-03-14"]
    assert len(guids) == 2 and guids == first_guids
    assert guids == ["audiopaper:jin-ri-xin-wen:2025-03-14", "audiopaper:jin-ri-xin-wen:2025-03-13"]


@pytest.mark.real_engine
def test_small_page_renders_with_the_offline_voice(
    tmp_path: Path, standard_profile: Profile, write_page
) -> None:  # type: ignore[no-untyped-def]
    from audiopaper.voice.offline import OfflineEngine

    page = write_page(
        "## 湖边樱花开了\n\n■记者 王一\n\n本报讯 3月12日,湖边的樱花开了,不少市民前来赏花。\n\n"
        "## 社区开设手机课堂\n\n本报讯 社区开设老年手机课堂,共招收学员36名。\n"
    )
    options = RenderOptions(
        out_dir=tmp_path, day=date(2025, 3, 14), profile=standard_profile, paper="青梅日报"
    )
    result = render([page], options, fake_synthesizer(OfflineEngine()))
    manifest = check_edition(result.edition_dir)
    assert manifest["engine"] == "offline"
    for article in manifest["articles"]:
        for sentence in article["sentences"]:
            seconds = sentence["end"] - sentence["start"]
            assert len(sentence["spoken"]) * 0.1 < seconds < len(sentence["spoken"]) * 0.5
    integrated, true_peak = measure_loudness(result.edition_dir / "edition.mp3")
    assert -17.0 <= integrated <= -15.0
    assert true_peak <= -1.0


@pytest.mark.real_engine
def test_two_cold_renders_are_byte_identical(tmp_path: Path, standard_profile: Profile, write_page) -> None:  # type: ignore[no-untyped-def]
    from audiopaper.voice.cache import ClipCache
    from audiopaper.voice.registry import EngineSpec
    from audiopaper.voice.scheduler import Synthesizer

    page = write_page(
        "## 湖边樱花开了\n\n本报讯 湖边的樱花开了，不少市民前来赏花，拍照留念。\n\n"
        "## 社区开设手机课堂\n\n本报讯 社区开设老年手机课堂，共招收学员三十六名。\n"
    )
    editions = []
    for run in ("first", "second"):  # each with its own empty cache: everything synthesized again
        options = RenderOptions(out_dir=tmp_path / run, day=date(2025, 3, 14), profile=standard_profile)
        cache = ClipCache(tmp_path / f"cache-{run}")
        with Synthesizer(cache, spec=EngineSpec("offline"), jobs=2) as synthesizer:
            editions.append(render([page], options, synthesizer).edition_dir)
    first, second = editions
    mp3s = sorted(p.relative_to(first) for p in first.rglob("*.mp3"))
    assert len(mp3s) == 3  # the edition and its two articles
    for relative in mp3s:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative
