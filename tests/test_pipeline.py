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
from audiopaper.pipeline import RenderOptions, RenderResult, render
from audiopaper.profiles import Profile
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.fake import FakeEngine
from tests.conftest import WritePage, fake_synthesizer


def check_edition(edition_dir: Path) -> dict:  # type: ignore[type-arg]
    """Every sentence inside the edition MP3, in order; chapters match the manifest."""
    manifest = json.loads((edition_dir / "edition.json").read_text(encoding="utf-8"))
    audio = edition_dir / manifest["audio"]
    duration = MP3(str(audio)).info.length
    assert manifest["duration"] == pytest.approx(duration, abs=1e-3)
    previous = 0.0
    for article in manifest["articles"]:
        assert previous <= article["start"] < article["end"] <= duration
        for sentence in article["sentences"]:
            assert article["start"] <= sentence["start"] < sentence["end"] <= article["end"]
            assert sentence["start"] >= previous
            previous = sentence["end"]
    chapters = sorted(ID3(str(audio)).getall("CHAP"), key=lambda c: c.start_time)
    sections = [manifest["opening"], *manifest["articles"], manifest["closing"]]
    assert [c.start_time for c in chapters] == [round(a["start"] * 1000) for a in sections]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == [a["title"] for a in sections]
    assert chapters[0].start_time == 0 and chapters[-1].end_time == round(duration * 1000)
    assert ffmpeg_chapter_starts_ms(audio) == pytest.approx([c.start_time for c in chapters], abs=50)
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


@pytest.mark.slow
def test_sample_page_renders_with_sentences_inside_the_audio(
    sample_page: Path, tmp_path: Path, standard_profile: Profile
) -> None:
    options = RenderOptions(out_dir=tmp_path / "out", day=date(2024, 10, 28), profile=standard_profile)
    result = render([sample_page], options, fake_synthesizer())
    manifest = check_edition(result.edition_dir)
    assert len(manifest["articles"]) == 8
    assert result.feed_path.exists()


def test_rerender_replaces_the_edition_and_keeps_others(
    tmp_path: Path, standard_profile: Profile, write_page: WritePage
) -> None:
    page = write_page("## 标题一\n\n本报讯 第一条新闻的正文，内容很简单。\n")
    first_guids = None
    for day in (date(2025, 3, 13), date(2025, 3, 14), date(2025, 3, 13)):
        render(
            [page],
            RenderOptions(out_dir=tmp_path / "out", day=day, profile=standard_profile),
            fake_synthesizer(),
        )
        feed = (tmp_path / "out" / "feed.xml").read_text(encoding="utf-8")
        guids = re.findall(r"<guid[^>]*>([^<]+)</guid>", feed)
        if day == date(2025, 3, 14) and first_guids is None:
            first_guids = guids
    assert sorted(p.name for p in (tmp_path / "out" / "editions").iterdir()) == ["2025-03-13", "2025-03-14"]
    assert len(guids) == 2 and guids == first_guids
    assert guids == ["audiopaper:jin-ri-xin-wen:2025-03-14", "audiopaper:jin-ri-xin-wen:2025-03-13"]


@pytest.mark.slow  # two renders; the fast tier has tests/voice/test_scheduler.py's reuse test
def test_two_renders_through_one_synthesizer_give_two_complete_editions(
    tmp_path: Path, standard_profile: Profile, write_page: WritePage
) -> None:
    page = write_page(
        "## 标题一\n\n本报讯 第一条新闻的正文，内容很简单。\n\n## 标题二\n\n第二条新闻也很短。\n"
    )
    engine = FakeEngine()
    synthesizer = fake_synthesizer(engine)
    results = [
        render(
            [page], RenderOptions(out_dir=tmp_path / "out", day=day, profile=standard_profile), synthesizer
        )
        for day in (date(2025, 3, 13), date(2025, 3, 14))
    ]
    for result in results:
        manifest = check_edition(result.edition_dir)
        assert [a["title"] for a in manifest["articles"]] == ["标题一", "标题二"] and not manifest["skipped"]
    first, second = (r.stats for r in results)
    assert first.from_cache == 0 and first.synthesized == len(set(engine.calls[: first.synthesized]))
    # the second edition speaks only its own intro and outro (the date is in them); the rest is cached
    assert second.synthesized == 2 and second.from_cache == first.synthesized - 2
    assert results[1].manifest.synthesis["synthesized"] == 2


@pytest.mark.slow
@pytest.mark.real_engine
def test_small_page_renders_with_the_offline_voice(
    tmp_path: Path, standard_profile: Profile, write_page: WritePage
) -> None:
    from audiopaper.voice.offline import OfflineEngine

    page = write_page(
        "## 湖边樱花开了\n\n■记者 王一\n\n本报讯 3月12日,湖边的樱花开了,不少市民前来赏花。\n\n"
        "## 社区开设手机课堂\n\n本报讯 社区开设老年手机课堂,共招收学员36名。\n"
    )
    options = RenderOptions(
        out_dir=tmp_path / "out", day=date(2025, 3, 14), profile=standard_profile, paper="青梅日报"
    )
    result = render([page], options, fake_synthesizer(OfflineEngine()))
    manifest = check_edition(result.edition_dir)
    assert manifest["engine"] == "offline"
    for article in manifest["articles"]:
        for sentence in article["sentences"]:
            seconds = sentence["end"] - sentence["start"]
            assert len(sentence["spoken"]) * 0.1 < seconds < len(sentence["spoken"]) * 0.5
    integrated, true_peak = measure_loudness(result.edition_dir / result.manifest.audio)
    assert -17.0 <= integrated <= -15.0
    assert true_peak <= -1.0


@pytest.mark.slow
@pytest.mark.real_engine
def test_two_cold_renders_are_byte_identical(
    tmp_path: Path, standard_profile: Profile, write_page: WritePage
) -> None:
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
    assert len(mp3s) == 5  # the edition, its two articles and the briefing's two renditions
    for relative in mp3s:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def test_printed_frame_says_what_the_spoken_frame_says() -> None:
    """The frame's one wording, printed and normalized, is what the engine is given."""
    from audiopaper.text.normalize import normalize
    from audiopaper.text.script import SpeechOptions, edition_frame, printed_frame

    titles = ["河边新修步道", "社区开设手机课堂"]
    day = date(2025, 3, 14)
    spoken = edition_frame(titles, paper="青梅日报", day=day, options=SpeechOptions(spell_letters=True))
    printed = printed_frame(titles, paper="青梅日报", day=day)
    assert "2025年3月14日" in printed.intro and "2篇" in printed.intro
    for shown, heard in [(printed.intro, spoken.intro), (printed.outro, spoken.outro),
                         *zip(printed.toc, spoken.toc, strict=True),
                         *zip(printed.announcements, spoken.announcements, strict=True)]:  # fmt: skip
        assert normalize(shown, spell_letters=True) == heard


def test_times_match_the_decoded_audio_and_captions_show_digits(
    tmp_path: Path, standard_profile: Profile, write_page: WritePage
) -> None:
    """A gapless decoder (ffmpeg) puts each sentence's sound where edition.json says it starts."""
    import subprocess

    import imageio_ffmpeg
    import numpy as np

    page = write_page("## 热线开通\n\n本报讯 咨询电话0573-85120000，工作日可以拨打。今年增长12.6%。\n")
    result = render([page], RenderOptions(out_dir=tmp_path / "out", day=date(2025, 3, 14), profile=standard_profile),
                    fake_synthesizer())  # fmt: skip
    audio = result.edition_dir / result.manifest.audio
    pcm = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(audio), "-f", "s16le", "-"],
                         capture_output=True, check=True).stdout  # fmt: skip
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    assert len(samples) == round(result.manifest.duration * 44_100)
    for sentence in result.manifest.articles[0].sentences:
        at = round(sentence.start_s * 44_100)
        before, after = samples[at - 441 : at - 44], samples[at + 44 : at + 441]  # 9 ms either side
        assert np.sqrt(np.mean(before**2)) < 30 < np.sqrt(np.mean(after**2)), sentence.text
    vtt = (result.edition_dir / "transcript.vtt").read_text(encoding="utf-8")
    assert "0573-85120000" in vtt and "12.6%" in vtt and "幺二" not in vtt
    assert "欢迎收听今日新闻。今天是2025年3月14日" in vtt.replace("\n", "")


def test_re_rendering_an_edition_published_as_edition_mp3_keeps_that_url(
    tmp_path: Path, standard_profile: Profile, write_page: WritePage
) -> None:
    page = write_page("## 标题一\n\n本报讯 第一条新闻的正文，内容很简单。\n")
    old = tmp_path / "out" / "editions" / "2025-03-14"
    old.mkdir(parents=True)
    (old / "edition.mp3").write_bytes(b"published by an earlier version")
    result = render([page], RenderOptions(out_dir=tmp_path / "out", day=date(2025, 3, 14), profile=standard_profile),
                    fake_synthesizer())  # fmt: skip
    new = result.edition_dir / result.manifest.audio
    assert result.manifest.audio == "jin-ri-xin-wen-2025-03-14.mp3"
    assert (result.edition_dir / "edition.mp3").read_bytes() == new.read_bytes()


@pytest.mark.slow
def test_a_re_render_loads_neither_wetext_nor_pypinyin(tmp_path: Path) -> None:
    """Their answers are remembered in the cache (audiopaper.memo); loading them costs 0.8 s."""
    import subprocess
    import sys

    page = Path(__file__).resolve().parent.parent / "examples" / "page-2025-03-14.md"
    probe = (
        "import sys\n"
        "from audiopaper.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print(sorted(m for m in ('wetext', 'pypinyin') if m in sys.modules))\n"
    )
    arguments = [str(page), "--date", "2025-03-14", "--out", str(tmp_path / "out"),
                 "--cache-dir", str(tmp_path / "cache"), "--engine", "fake"]  # fmt: skip
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe, "render", *arguments], capture_output=True, text=True, check=False
        )
        for _ in range(2)
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout.splitlines()[-1] == "['pypinyin', 'wetext']"
    assert runs[1].returncode == 0, runs[1].stderr
    assert runs[1].stdout.splitlines()[-1] == "[]"


LEXICON_PAGE = "## 社区新闻\n\n本报讯 朝阳街道新开了一家图书馆。\n\n居民们都很高兴。\n"
"""One sentence with the lexicon word 朝阳, one without; the title and frame have none."""


def use_lexicon(voices: Path, reading: str) -> None:
    """Make ``voices`` the editors' lexicon, with 朝阳 read as ``reading``."""
    from audiopaper.text.lexicon import default_lexicon

    voices.mkdir(exist_ok=True)
    (voices / "lexicon.toml").write_text(f'[words]\n"朝阳" = {{ pinyin = "{reading}" }}\n', encoding="utf-8")
    default_lexicon.cache_clear()


@pytest.fixture
def editors_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A lexicon of our own in $AUDIOPAPER_VOICES; the process's lexicon is reloaded afterwards."""
    from audiopaper.text.lexicon import default_lexicon

    voices = tmp_path / "voices"
    monkeypatch.setenv("AUDIOPAPER_VOICES", str(voices))
    yield voices
    default_lexicon.cache_clear()


@pytest.mark.slow
@pytest.mark.real_engine
def test_a_lexicon_edit_redoes_exactly_the_lines_with_its_word(
    tmp_path: Path, standard_profile: Profile, write_page: WritePage, editors_lexicon: Path
) -> None:
    from audiopaper.voice.registry import EngineSpec
    from audiopaper.voice.scheduler import Synthesizer

    page = write_page(LEXICON_PAGE)
    cache = ClipCache(tmp_path / "cache")

    def render_with(reading: str, out: Path) -> RenderResult:
        use_lexicon(editors_lexicon, reading)
        options = RenderOptions(out_dir=out, day=date(2025, 3, 14), profile=standard_profile)
        with Synthesizer(cache, spec=EngineSpec("offline"), jobs=1) as synthesizer:
            return render([page], options, synthesizer)

    first = render_with("zhao1 yang2", tmp_path / "first")
    same = render_with("zhao1 yang2", tmp_path / "same")
    changed = render_with("chao2 yang2", tmp_path / "changed")
    assert first.stats.synthesized > 2 and same.stats.synthesized == 0  # a warm cache
    assert changed.stats.synthesized == 1  # only the sentence with 朝阳
    assert changed.stats.from_cache == first.stats.synthesized - 1
    article = first.manifest.articles[0].file
    assert (same.edition_dir / article).read_bytes() == (first.edition_dir / article).read_bytes()
    assert (changed.edition_dir / article).read_bytes() != (first.edition_dir / article).read_bytes()
    assert changed.manifest.source_hash != first.manifest.source_hash == same.manifest.source_hash
