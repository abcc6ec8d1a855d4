"""The 要闻 briefing: what it says, its files and levels, its feed, and a podcast app taking it."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import feedparser
import podcastparser
import pytest
from mutagen.id3 import ID3

from audiopaper.audio.encode import measure_loudness
from audiopaper.audio.timeline import TimedSentence
from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import load_profile
from audiopaper.publish.briefing import (
    BRIEFING_DIR,
    BRIEFING_FEED,
    MAX_BRIEFING_S,
    OPENING_TITLE,
    Briefing,
    briefing_chapters,
    current_briefing,
    write_briefing,
)
from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.serve import make_server
from tests.conftest import EXAMPLE_PAGE, fake_synthesizer, oracle
from tests.publish.test_podcast_client import gpo

BASE = "https://news.example.cn/audio/"
DAY = date(2025, 3, 14)


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EditionManifest]:
    out = tmp_path_factory.mktemp("out")
    options = RenderOptions(
        out_dir=out, day=DAY, profile=load_profile("standard"), base_url=BASE, paper="青梅日报"
    )
    result = render([EXAMPLE_PAGE], options, fake_synthesizer(cache_dir=tmp_path_factory.mktemp("cache")))
    return out, result.manifest


def test_it_says_the_greeting_then_each_headline_and_lead(edition: tuple[Path, EditionManifest]) -> None:
    _, manifest = edition
    chapters = briefing_chapters(manifest)
    assert [c.title for c in chapters] == [OPENING_TITLE, *(a.title for a in manifest.articles)]
    greeting = manifest.opening.lines[0] if manifest.opening else None
    assert greeting is not None and chapters[0].spans[0].start_s == greeting.start_s
    for chapter, article in zip(chapters[1:], manifest.articles, strict=True):
        heading, lead = chapter.spans
        assert (heading.start_s, heading.end_s) == (article.heading[0].start_s, article.heading[-1].end_s)
        first_paragraph = [s for s in article.sentences if s.paragraph == article.sentences[0].paragraph]
        assert lead.start_s == first_paragraph[0].start_s
        assert lead.end_s == first_paragraph[min(2, len(first_paragraph)) - 1].end_s


def test_a_long_edition_is_cut_to_five_minutes(edition: tuple[Path, EditionManifest]) -> None:
    _, manifest = edition
    article = manifest.articles[0]
    long_lead = tuple(
        TimedSentence(f"句{n}", f"句{n}", 0, start_s=10.0 * n, end_s=10.0 * n + 9.0) for n in range(3)
    )
    many = tuple(replace(article, index=n + 1, sentences=long_lead) for n in range(30))
    chapters = briefing_chapters(replace(manifest, articles=many))
    spoken = sum(span.end_s - span.start_s for chapter in chapters for span in chapter.spans)
    assert spoken <= MAX_BRIEFING_S
    leads = {chapter.spans[-1].end_s - chapter.spans[-1].start_s for chapter in chapters[1:]}
    assert leads == {9.0}, leads
    assert 1 < len(chapters) < 31  # one lead sentence each, and then only the first articles


def test_files_levels_and_chapters(edition: tuple[Path, EditionManifest]) -> None:
    out, manifest = edition
    folder = out / "editions" / DAY.isoformat() / BRIEFING_DIR
    briefing = Briefing.read(folder / "briefing.json")  # made when the edition was published
    assert current_briefing(folder.parent, manifest) is not None
    assert briefing.title == "青梅日报要闻 2025年3月14日"
    assert briefing.articles == len(manifest.articles)
    podcast, podcast_peak = measure_loudness(folder / briefing.audio)
    speaker, speaker_peak = measure_loudness(folder / briefing.speaker_audio)
    assert abs(podcast + 16) <= 1 and podcast_peak <= -1.0
    assert abs(speaker + 14) <= 1 and speaker_peak <= -2.0
    chapters = json.loads((folder / "chapters.json").read_text(encoding="utf-8"))["chapters"]
    assert [c["title"] for c in chapters] == [OPENING_TITLE, *(a.title for a in manifest.articles)]
    assert chapters[0]["startTime"] == 0
    tags = ID3(folder / briefing.audio)
    assert [f.sub_frames["TIT2"].text[0] for f in tags.getall("CHAP")] == [c["title"] for c in chapters]
    assert str(tags["TIT2"]) == briefing.title


def test_briefing_feed_parses_in_feedparser_and_podcastparser(edition: tuple[Path, EditionManifest]) -> None:
    out, _ = edition
    document = (out / BRIEFING_FEED).read_bytes()
    parsed = feedparser.parse(document)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "青梅日报要闻"
    [entry] = parsed.entries
    assert entry.title == "青梅日报要闻 2025年3月14日"
    briefing = Briefing.read(out / "editions" / DAY.isoformat() / BRIEFING_DIR / "briefing.json")
    enclosure = f"{BASE}editions/{DAY.isoformat()}/{BRIEFING_DIR}/{briefing.audio}"
    assert entry.enclosures[0].href == enclosure
    import io

    podcast = podcastparser.parse(BASE + BRIEFING_FEED, io.BytesIO(document))
    [episode] = podcast["episodes"]
    assert episode["enclosures"][0]["url"] == enclosure
    assert episode["total_time"] == round(briefing.duration)
    main_feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert main_feed.feed.title == "青梅日报有声版"  # a show of its own, not mixed into the edition's
    assert main_feed.entries[0].id != entry.id


def test_a_briefing_of_an_earlier_rendering_is_not_listed(edition: tuple[Path, EditionManifest]) -> None:
    out, manifest = edition
    edition_dir = out / "editions" / DAY.isoformat()
    assert current_briefing(edition_dir, manifest) is not None
    corrected = replace(manifest, audio="qing-mei-ri-bao-2025-03-14-r2.mp3")  # a correction renamed it
    assert current_briefing(edition_dir, corrected) is None


@pytest.mark.parametrize("name", ["../../feed.xml", "/etc/passwd", ".hidden.mp3"])
def test_briefing_json_cannot_point_outside_its_folder(tmp_path: Path, name: str) -> None:
    from audiopaper.errors import ManifestError

    path = tmp_path / "briefing.json"
    path.write_text(json.dumps(Briefing("t", name, "y.mp3", 1.0, 1, "a.mp3").to_dict()), encoding="utf-8")
    with pytest.raises(ManifestError):
        Briefing.read(path)


def test_made_again_for_a_rendered_edition(edition: tuple[Path, EditionManifest]) -> None:
    out, manifest = edition
    edition_dir = out / "editions" / DAY.isoformat()
    folder = edition_dir / BRIEFING_DIR
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    again = write_briefing(edition_dir, manifest)
    assert again == Briefing.read(folder / "briefing.json")
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before  # byte for byte


@oracle("gpo")
@pytest.mark.slow
def test_gpodder_downloads_the_briefing_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    server = make_server(out, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        options = RenderOptions(out_dir=out, day=DAY, profile=load_profile("standard"), base_url=base)
        render([EXAMPLE_PAGE], options, fake_synthesizer(cache_dir=tmp_path / "cache"))
        gpo(tmp_path, "subscribe", base + BRIEFING_FEED)
        assert "1 new episode" in gpo(tmp_path, "update")
        gpo(tmp_path, "download")
    finally:
        server.shutdown()
        server.server_close()
    [downloaded] = [p for p in (tmp_path / "downloads").rglob("*") if p.is_file()]
    briefing = Briefing.read(out / "editions" / DAY.isoformat() / BRIEFING_DIR / "briefing.json")
    assert (
        downloaded.read_bytes()
        == (out / "editions" / DAY.isoformat() / BRIEFING_DIR / briefing.audio).read_bytes()
    )
