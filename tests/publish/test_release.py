"""Corrections: a released date rendered again with changed text, as podcast apps then see it.

Driven through the watcher (a clock after the publish hour releases at once) over a served
output directory, so gPodder's ``gpo`` and podget, where installed, read the real feed.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from audiopaper.profiles import Profile
from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.release import changed_articles, revised_name
from audiopaper.publish.serve import make_server
from audiopaper.watch.loop import Watcher, WatchOptions
from tests.conftest import oracle, serve_in_background
from tests.publish.test_manifest import MANIFEST
from tests.publish.test_podcast_client import gpo
from tests.publish.test_podcast_clients import podget_config
from tests.watch.helpers import PAGE, SECOND, FakeClock, at, drop, fake_render

DAY = "2025-03-14"
CORRECTED = SECOND.replace("每天供应两餐", "每天供应三餐")


@dataclass
class Site:
    """A served out/ and a watcher releasing into it."""

    base: str
    out: Path
    inbox: Path
    watch: Watcher
    home: Path

    def item(self) -> ET.Element:
        items = list(ET.parse(self.out / "feed.xml").iter("item"))
        assert len(items) == 1
        return items[0]

    def enclosure(self) -> str:
        enclosure = self.item().find("enclosure")
        assert enclosure is not None
        return enclosure.get("url", "")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    out, inbox = tmp_path / "out", tmp_path / "inbox"
    out.mkdir()
    inbox.mkdir()
    server = make_server(out, "127.0.0.1", 0)
    serve_in_background(server)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    options = WatchOptions(inbox=inbox, out_dir=out, base_url=base)
    watch = Watcher(options, fake_render(tmp_path / "cache", out, base), clock=FakeClock(at(DAY, 9)))
    drop(inbox, DAY, {"01.md": PAGE, "02.md": SECOND})
    watch.pass_once()
    yield Site(base, out, inbox, watch, tmp_path)
    server.shutdown()
    server.server_close()


def correct(site: Site, text: str = CORRECTED) -> None:
    drop(site.inbox, DAY, {"02.md": text})
    site.watch.clock.set(10)  # type: ignore[attr-defined]
    site.watch.pass_once()


def test_a_correction_keeps_guid_and_date_and_gives_a_new_file(site: Site) -> None:
    before = site.item()
    old_url = site.enclosure()
    correct(site)
    after = site.item()
    assert after.findtext("guid") == before.findtext("guid")
    assert after.findtext("pubDate") == before.findtext("pubDate")
    new_url = site.enclosure()
    assert new_url == old_url.replace(".mp3", "-r2.mp3")
    for url in (old_url, new_url):
        with urllib.request.urlopen(url) as response:
            assert response.status == 200 and response.read(3) == b"ID3"
    line = "更正（2025-03-14 10:00）：《社区食堂开门迎客》的文字已更正。"
    assert (after.findtext("description") or "").splitlines()[0] == line
    assert f"<p>{line}</p>" in (after.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or "")
    page = (site.out / "editions" / DAY / "index.html").read_text(encoding="utf-8")
    assert f'<p class="correction">{line}</p>' in page
    assert f'<p class="correction">{line}</p>' in (site.out / "index.html").read_text(encoding="utf-8")


def test_a_second_correction_keeps_every_old_file(site: Site) -> None:
    first = site.enclosure()
    correct(site)
    second = site.enclosure()
    correct(site, CORRECTED.replace("三餐", "四餐"))
    third = site.enclosure()
    assert third == first.replace(".mp3", "-r3.mp3")
    folder = site.out / "editions" / DAY
    assert {u.rsplit("/", 1)[-1] for u in (first, second, third)} <= {p.name for p in folder.glob("*.mp3")}
    notes = (site.item().findtext("description") or "").splitlines()
    assert [line[:2] for line in notes[:3]] == ["更正", "更正", "青梅"]


def test_unchanged_text_leaves_the_feed_byte_identical(site: Site) -> None:
    feed = (site.out / "feed.xml").read_bytes()
    correct(site, SECOND + "\n\n")  # new bytes, same text: rendered again, found unchanged
    assert site.watch.options.out_dir.joinpath("status.json").read_text().count('"unchanged"') == 1
    assert (site.out / "feed.xml").read_bytes() == feed


def manifest_with_titles(titles: list[str]) -> EditionManifest:
    article = MANIFEST.articles[0]
    return dataclasses.replace(
        MANIFEST,
        articles=tuple(dataclasses.replace(article, index=i, title=t) for i, t in enumerate(titles, 1)),
    )


def test_changed_articles_names_changed_added_and_removed() -> None:
    old = manifest_with_titles(["甲", "乙"])
    assert changed_articles(old, manifest_with_titles(["甲", "乙"])) == ()
    assert changed_articles(old, manifest_with_titles(["甲", "丙", "丁"])) == ("丙", "丁")
    assert changed_articles(old, manifest_with_titles(["甲"])) == ("乙",)


def test_revised_names() -> None:
    assert revised_name("paper-2025-03-14.mp3", 1) == "paper-2025-03-14.mp3"
    assert revised_name("paper-2025-03-14.mp3", 2) == "paper-2025-03-14-r2.mp3"


@pytest.mark.slow
@oracle("gpo")
def test_gpodder_subscribed_before_sees_one_episode_with_the_new_file(site: Site) -> None:
    gpo(site.home, "subscribe", site.base + "feed.xml")
    correct(site)
    gpo(site.home, "update")
    database = site.home / "gpodder" / "Database"
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT guid, url FROM episode").fetchall()
    assert rows == [(site.item().findtext("guid"), site.enclosure())]
    gpo(site.home, "download")
    downloaded = [p for p in (site.home / "downloads").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in downloaded] == [
        (site.out / "editions" / DAY / site.enclosure().rsplit("/", 1)[-1]).read_bytes()
    ]


@pytest.mark.slow
@oracle("podget")
def test_podget_downloads_the_corrected_file_on_its_next_run(site: Site) -> None:
    config, library = podget_config(site.home, site.base)

    def run_podget() -> set[str]:
        result = subprocess.run(
            ["podget", "-d", str(config), "-s"], capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return {p.name for p in (library / "News" / "Qingmei").iterdir() if p.suffix == ".mp3"}

    first = run_podget()
    correct(site)
    corrected = site.enclosure().rsplit("/", 1)[-1]
    assert run_podget() == first | {corrected}
    kept = library / "News" / "Qingmei" / corrected
    assert kept.read_bytes() == (site.out / "editions" / DAY / corrected).read_bytes()
    assert os.path.getsize(kept) > 0


def test_withdraw_takes_the_episode_out_and_keeps_its_files(site: Site) -> None:
    from typer.testing import CliRunner

    from audiopaper.cli import app

    audio = site.out / "editions" / DAY / site.enclosure().rsplit("/", 1)[-1]
    result = CliRunner().invoke(app, ["withdraw", DAY, "--out", str(site.out)])
    assert result.exit_code == 0, result.output
    assert list(ET.parse(site.out / "feed.xml").iter("item")) == []
    assert (
        DAY not in (site.out / "index.html").read_text(encoding="utf-8")
        if (site.out / "index.html").exists()
        else True
    )
    assert audio.is_file() and (site.out / "editions" / DAY / "edition.json").is_file()
    site.watch.pass_once()  # the watcher does not put it back
    assert list(ET.parse(site.out / "feed.xml").iter("item")) == []
    again = CliRunner().invoke(app, ["withdraw", DAY, "--out", str(site.out)])
    assert again.exit_code == 0 and "already withdrawn" in again.output


def test_the_hub_hears_each_correction_and_withdrawal(site: Site) -> None:
    import json

    from typer.testing import CliRunner

    from audiopaper.cli import app
    from tests.watch.helpers import Hub

    hub = Hub()
    try:
        show = json.loads((site.out / "show.json").read_text())
        (site.out / "show.json").write_text(json.dumps({**show, "hub": hub.url}))
        correct(site)  # the render may take a while on a loaded machine; the clock starts at release
        released = (site.out / "feed.xml").stat().st_mtime
        assert len(hub.pings) == 1 and -0.05 < hub.pings[0][0] - released < 5
        assert CliRunner().invoke(app, ["withdraw", DAY, "--out", str(site.out)]).exit_code == 0
        withdrawn = (site.out / "feed.xml").stat().st_mtime
        assert len(hub.pings) == 2 and -0.05 < hub.pings[1][0] - withdrawn < 5
        assert all(
            form == {"hub.mode": ["publish"], "hub.url": [site.base + "feed.xml"]} for _, form in hub.pings
        )
        rel = [
            link.attrib for link in ET.parse(site.out / "feed.xml").iter("{http://www.w3.org/2005/Atom}link")
        ]
        assert rel == [
            {"href": site.base + "feed.xml", "rel": "self", "type": "application/rss+xml"},
            {"href": hub.url, "rel": "hub"},
        ]
    finally:
        hub.close()


def test_render_again_of_a_released_date_is_a_correction_and_unchanged_is_nothing(
    site: Site, standard_profile: Profile
) -> None:
    from audiopaper.pipeline import RenderOptions, render
    from tests.conftest import fake_synthesizer

    guid, first = site.item().findtext("guid"), site.enclosure()
    folder = site.inbox / DAY
    (folder / "02.md").write_text(CORRECTED, encoding="utf-8")
    options = RenderOptions(
        out_dir=site.out, day=MANIFEST.date, profile=standard_profile,
        base_url=site.base, paper="青梅日报",
    )  # fmt: skip
    pages = [folder / "01.md", folder / "02.md"]
    result = render(pages, options, fake_synthesizer(cache_dir=site.home / "cache"))
    assert result.manifest.audio == first.rsplit("/", 1)[-1].replace(".mp3", "-r2.mp3")
    assert (site.item().findtext("guid"), site.enclosure()) == (guid, first.replace(".mp3", "-r2.mp3"))
    assert (site.item().findtext("description") or "").startswith("更正（")
    feed = (site.out / "feed.xml").read_bytes()
    render(pages, options, fake_synthesizer(cache_dir=site.home / "cache"))
    assert (site.out / "feed.xml").read_bytes() == feed


def test_render_with_hold_in_show_json_waits_for_approve(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from audiopaper.cli import app

    out = tmp_path / "out"
    out.mkdir()
    (out / "show.json").write_text(json.dumps({"podcast_guid": "x", "hold": True}))
    page = tmp_path / "01.md"
    page.write_text(PAGE, encoding="utf-8")
    rendered = CliRunner().invoke(
        app, ["render", str(page), "--date", DAY, "--out", str(out), "--engine", "fake"]
    )
    assert rendered.exit_code == 0, rendered.output
    assert f"/.pending/{DAY}/" in rendered.stdout
    assert list(ET.parse(out / "feed.xml").iter("item")) == []
    approved = CliRunner().invoke(app, ["approve", DAY, "--out", str(out)])
    assert approved.exit_code == 0, approved.output
    assert len(list(ET.parse(out / "feed.xml").iter("item"))) == 1
