"""audiopaper.publish.publisher: the one path by which editions reach out/ and indexes are rebuilt."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from audiopaper.errors import ManifestError, OutputError
from audiopaper.profiles import Profile
from audiopaper.publish.manifest import EditionManifest, ManifestArticle
from audiopaper.publish.publisher import RebuildPolicy, publishing

BASE_URL = "https://example.org/qm/"
WHEN = datetime(2025, 4, 1, 22, 30, tzinfo=UTC)
PAGE = "# 青梅湖畔新添百亩花海\n\n本报讯 三月以来，青梅湖畔的花海迎来盛放期，市民纷纷前来踏青。\n"


def manifest_for(day: date) -> EditionManifest:
    return EditionManifest(
        date=day,
        title=f"青梅日报 {day}",
        paper="青梅日报",
        audio=f"qing-mei-ri-bao-{day}.mp3",
        engine="fake",
        voice="tone",
        duration=12.5,
        published="",
        articles=(
            ManifestArticle(1, "花海", None, (), start_s=2.0, end_s=11.0, file="articles/01-hua-hai.mp3"),
        ),
    )


def stage(directory: Path, manifest: EditionManifest, *, article: bool = True) -> None:
    (directory / manifest.audio).write_bytes(b"\xff\xfb\x90\x00" * 250)
    if article:
        (directory / "articles").mkdir()
        (directory / manifest.articles[0].file).write_bytes(b"\xff\xfb\x90\x00" * 100)


def test_install_writes_edition_json_stamped_and_swaps_it_in(tmp_path: Path) -> None:
    day = date(2025, 4, 1)
    with publishing(tmp_path, BASE_URL, clock=lambda: WHEN) as publisher:
        with publisher.staging(day) as staging:
            stage(staging, manifest_for(day))
            installed = publisher.install(staging, manifest_for(day))
        assert installed.directory == tmp_path / "editions" / "2025-04-01"
        assert installed.manifest.published == "2025-04-01T22:30:00+00:00"
    written = json.loads((installed.directory / "edition.json").read_text(encoding="utf-8"))
    assert written == json.loads(installed.manifest.to_json())
    assert sorted(p.name for p in (tmp_path / "editions").iterdir()) == ["2025-04-01"]  # no staging left
    items = ET.parse(tmp_path / "feed.xml").getroot().findall("./channel/item")
    assert [item.findtext("title") for item in items] == ["青梅日报 2025-04-01"]
    assert (tmp_path / "latest" / "index.html").is_file() and (tmp_path / "cover.png").is_file()


def test_an_edition_that_keeps_its_published_time_is_not_restamped(tmp_path: Path) -> None:
    day = date(2025, 4, 1)
    held = dataclasses.replace(manifest_for(day), published="2025-04-01T05:00:00+00:00")
    with publishing(tmp_path, BASE_URL, clock=lambda: WHEN) as publisher, publisher.staging(day) as staging:
        stage(staging, held)
        assert publisher.install(staging, held).manifest.published == "2025-04-01T05:00:00+00:00"


def test_an_incomplete_edition_is_refused_and_the_previous_one_stays(tmp_path: Path) -> None:
    day = date(2025, 4, 1)
    with publishing(tmp_path, BASE_URL) as publisher:
        with publisher.staging(day) as staging:
            stage(staging, manifest_for(day))
            publisher.install(staging, manifest_for(day))
        before = (tmp_path / "editions" / "2025-04-01" / "edition.json").read_bytes()
        with publisher.staging(day) as staging:
            stage(staging, manifest_for(day), article=False)
            with pytest.raises(ManifestError, match=r"lacks articles/01-hua-hai\.mp3; not installed"):
                publisher.install(staging, manifest_for(day))
    assert (tmp_path / "editions" / "2025-04-01" / "edition.json").read_bytes() == before


@pytest.mark.parametrize("name", ["../evil.mp3", "/etc/passwd", "edition.json"])
def test_files_from_a_worker_cannot_escape_or_replace_the_manifest(tmp_path: Path, name: str) -> None:
    day = date(2025, 4, 1)
    with publishing(tmp_path, BASE_URL) as publisher, pytest.raises(ManifestError, match="not installed"):
        publisher.install_files(manifest_for(day), ((name, b"x"),))
    assert not (tmp_path / "editions" / "2025-04-01").exists()


def test_a_long_run_rebuilds_every_n_editions_and_once_at_its_end(tmp_path: Path) -> None:
    listed: list[int] = []
    policy = RebuildPolicy(every_editions=2)
    with publishing(tmp_path, BASE_URL, policy=policy, progress=lambda line: None) as publisher:
        for number in range(1, 4):
            day = date(2025, 4, number)
            manifest = manifest_for(day)
            files = ((manifest.audio, b"\xff\xfb\x90\x00" * 250), (manifest.articles[0].file, b"\xff\xfb"))
            publisher.install_files(manifest, files)
            feed = tmp_path / "feed.xml"
            listed.append(len(ET.parse(feed).getroot().findall("./channel/item")) if feed.is_file() else 0)
    assert listed == [0, 2, 2]  # rebuilt after the second; the third waits for the end of the run
    assert len(ET.parse(tmp_path / "feed.xml").getroot().findall("./channel/item")) == 3


def test_a_second_run_on_the_same_out_is_refused(tmp_path: Path) -> None:
    holder = subprocess.Popen(  # another run holds out/ (POSIX locks are per process)
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from audiopaper.publish.outdir import locked_output\n"
         "with locked_output(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)", str(tmp_path)],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        with pytest.raises(OutputError, match="another audiopaper run"), publishing(tmp_path, BASE_URL):
            pytest.fail("entered a publisher while another run holds out/")
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_render_and_archive_publish_byte_identical_files(tmp_path: Path, standard_profile: Profile) -> None:
    """The same date rendered by ``render`` and by ``archive`` gives the same bytes in every file."""
    pytest.importorskip("distributed")
    from audiopaper.archive import ArchiveOptions, archive
    from audiopaper.pipeline import RenderOptions, render
    from audiopaper.voice.cache import ClipCache
    from audiopaper.voice.registry import EngineSpec
    from audiopaper.voice.scheduler import Synthesizer

    source = tmp_path / "source"
    source.mkdir()
    page = source / "2025-04-01.md"
    page.write_text(PAGE, encoding="utf-8")
    day = date(2025, 4, 1)
    cache = tmp_path / "cache"
    slot = cache / "archive-worker-0"  # the cache the archive's only worker takes

    def render_into(out: Path) -> None:
        options = RenderOptions(out_dir=out, day=day, profile=standard_profile, paper="青梅日报")
        with Synthesizer(ClipCache(slot), spec=EngineSpec("fake"), jobs=1) as synthesizer:
            render([page], options, synthesizer, clock=lambda: WHEN)

    render_into(tmp_path / "warm-up")  # both runs below then find every line in the cache
    render_into(tmp_path / "rendered")
    options = ArchiveOptions(
        source=source, out_dir=tmp_path / "archived", base_url="http://127.0.0.1:8000/", paper="青梅日报",
        profile=standard_profile, lead_first=True, engine=EngineSpec("fake"), jobs=1, cache_dir=cache,
    )  # fmt: skip
    report = archive(options, clock=lambda: WHEN)
    assert report.published == [day]

    def tree(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
        }

    rendered, archived = tree(tmp_path / "rendered"), tree(tmp_path / "archived")
    assert sorted(rendered) == sorted(archived)
    assert "editions/2025-04-01/edition.json" in rendered and "feed.xml" in rendered
    different = [name for name in rendered if rendered[name] != archived[name]]
    assert different == []
    manifest = EditionManifest.read(tmp_path / "rendered" / "editions" / "2025-04-01" / "edition.json")
    assert len(manifest.source_hash) == 64 and manifest.published == "2025-04-01T22:30:00+00:00"
