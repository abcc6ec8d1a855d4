"""audiopaper archive: dated sources, content hashes, resumed runs, and a cluster that loses a worker.

The pages are our own writing, one or two sentences each, so the real offline voice renders
an edition in seconds. Tests that run Dask skip cleanly where the cluster extra (Dask) is absent.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from audiopaper.archive import cluster
from audiopaper.archive.source import scan_source
from audiopaper.cli import app
from audiopaper.errors import OptionError
from audiopaper.publish.manifest import EditionManifest
from audiopaper.recipe import source_hash
from audiopaper.text.page import PageFile
from tests.conftest import EXAMPLE_PAGE, assert_handled_exit, assert_user_error

runner = CliRunner()

PAGES = {
    "2025-04-01.md": "# 青梅湖畔新添百亩花海\n\n本报讯 三月以来，青梅湖畔的花海迎来盛放期，市民纷纷前来踏青。\n",
    "2025-04-02.txt": "社区食堂开门迎客\n\n新开的社区食堂每天供应两餐，老人就餐可享受优惠。\n",
    "2025-04-03/01.md": "# 老城区改造启动第二期\n\n记者 李明 近日，老城区改造第二期工程开工，预计年底完成。\n",
    "2025-04-03/02.md": "# 图书馆延长开放时间\n\n市图书馆自下周起每晚开放到九点。\n",
    "2025-04-04.md": "# 公交新线路开通\n\n本报讯 连接高铁站和大学城的公交新线路昨日开通。\n",
    "2025-04-05.md": "# 春季义诊走进乡村\n\n二十名医生来到山村，为老人测量血压并讲解用药常识。\n",
    "2025-04-06.md": "# 小学生种下一片树林\n\n植树节前夕，三百名小学生在河边种下了五百棵树。\n",
    "2025-04-07.md": "# 夜市重新开张\n\n整修后的老街夜市重新开张，摊位比去年多了一倍。\n",
}
"""Eight dated entries: single pages in two forms, and a folder of two pages."""

DATES = sorted({name[:10] for name in PAGES})
PAPER = "青梅日报"


def write_source(root: Path, pages: dict[str, str] = PAGES) -> Path:
    source = root / "source"
    for name, text in pages.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return source


# --- the source directory ----------------------------------------------------------------


def test_scan_finds_pages_and_folders_in_date_order(tmp_path: Path) -> None:
    source = write_source(tmp_path)
    (source / "README.txt").write_text("notes")
    (source / ".DS_Store").write_text("")
    (source / "2025-04-03" / "scans").mkdir()
    scan = scan_source(source)
    assert [e.day.isoformat() for e in scan.entries] == DATES
    folder = next(e for e in scan.entries if e.day == date(2025, 4, 3))
    assert [p.name for p in folder.pages] == ["01.md", "02.md"]
    assert scan.ignored == (
        "ignored README.txt: not named YYYY-MM-DD/ or YYYY-MM-DD.<ext>",
        "ignored 2025-04-03/scans: only page files are read inside a date's folder",
    )
    assert scan.failed == ()


def test_scan_reports_bad_dated_entries_one_line_each(tmp_path: Path) -> None:
    source = write_source(tmp_path, {"2025-04-01.md": "x", "2025-04-01.txt": "y", "2025-02-30.md": "z"})
    (source / "2025-04-02").mkdir()
    scan = scan_source(source)
    assert scan.entries == ()
    assert [line for _, line in scan.failed] == [
        "2025-02-30.md: 2025-02-30 is not a calendar date; rename it YYYY-MM-DD",
        "2025-04-01: both 2025-04-01.md and 2025-04-01.txt; keep one entry per date",
        "2025-04-02: the folder 2025-04-02/ holds no pages; add them or remove it",
    ]


def test_since_and_until_are_inclusive(tmp_path: Path) -> None:
    source = write_source(tmp_path)
    scan = scan_source(source, date(2025, 4, 2), date(2025, 4, 4))
    assert [e.day.isoformat() for e in scan.entries] == ["2025-04-02", "2025-04-03", "2025-04-04"]
    with pytest.raises(OptionError, match="after --until"):
        scan_source(source, date(2025, 4, 5), date(2025, 4, 4))
    with pytest.raises(OptionError, match="not a directory"):
        scan_source(tmp_path / "missing")


def test_source_hash_changes_with_any_input() -> None:
    day, settings = date(2025, 4, 1), {"engine": "fake", "version": "0.1.0"}
    pages = (PageFile("2025-04-01.md", b"# a\n\nb\n"),)
    base = source_hash(day, pages, settings)
    assert base == source_hash(day, pages, dict(settings))
    assert base != source_hash(date(2025, 4, 2), pages, settings)
    assert base != source_hash(day, (PageFile("2025-04-01.md", b"# a\n\nc\n"),), settings)
    assert base != source_hash(day, (PageFile("2025-04-01.txt", b"# a\n\nb\n"),), settings)
    assert base != source_hash(day, pages, {**settings, "version": "0.2.0"})
    # lengths go in before bytes: moving bytes from one page to the next changes the hash
    split = (PageFile("a", b"xy"), PageFile("b", b"z"))
    assert source_hash(day, split, settings) != source_hash(
        day, (PageFile("a", b"x"), PageFile("b", b"yz")), settings
    )


def test_each_worker_thread_gets_its_own_cache_slot(tmp_path: Path) -> None:
    import threading

    from audiopaper.archive.task import _worker_cache

    taken = tmp_path / "archive-worker-0"
    taken.mkdir()
    holder = subprocess.Popen(  # another worker process holds slot 0
        [sys.executable, "-c", "import fcntl,sys,time; f=open(sys.argv[1],'a+b'); "
         "fcntl.lockf(f.fileno(), fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(taken / ".lock")],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        found: list[Path] = []
        threads = [
            threading.Thread(target=lambda: found.append(_worker_cache(tmp_path).directory)) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(p.name for p in found) == ["archive-worker-1", "archive-worker-2"]
    finally:
        holder.kill()
        holder.wait()


TRIM = (
    "import sys, pathlib; from audiopaper.voice.cache import ClipCache; "
    "print(ClipCache(pathlib.Path(sys.argv[1]), max_bytes=1).trim())"
)
"""Another process (a render sharing the slot, as tests/publish/test_publisher.py does) trimming it to nothing."""


@pytest.mark.slow
def test_a_task_holds_its_cache_in_use_so_no_other_process_trims_what_it_joins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 28: workers trimmed their cache without the in-use lock that every render holds.

    Now, while a task renders, a trim by another process frees nothing; the task's own trim
    at its end brings the cache back under AUDIOPAPER_CACHE_MB.
    """
    from concurrent.futures import ThreadPoolExecutor

    from audiopaper.archive import task
    from audiopaper.pipeline import write_edition
    from audiopaper.profiles import load_profile
    from audiopaper.publish.cover import generate_cover
    from audiopaper.publish.tags import cover_for_tags
    from audiopaper.voice.cache import ClipCache
    from audiopaper.voice.registry import EngineSpec

    monkeypatch.setenv("AUDIOPAPER_CACHE_MB", "1")
    cache, freed_elsewhere = tmp_path / "cache", []

    def write_then_trim_elsewhere(*args: Any, **kwargs: Any) -> Any:
        written = write_edition(*args, **kwargs)  # the edition is joined; the task is still running
        (slot,) = cache.glob("archive-worker-*")
        trim = subprocess.run(
            [sys.executable, "-c", TRIM, str(slot)], capture_output=True, text=True, check=True
        )
        freed_elsewhere.append(int(trim.stdout))
        return written

    monkeypatch.setattr("audiopaper.archive.task.write_edition", write_then_trim_elsewhere)
    cover = tmp_path / "cover.png"
    cover.write_bytes(generate_cover())
    settings = task.EditionSettings(
        paper=PAPER, profile=load_profile("standard"), lead_first=True, engine=EngineSpec("fake"),
        presenter=None, cover_jpeg=cover_for_tags(cover), cache_dir=str(cache),
    )  # fmt: skip
    page = PageFile(EXAMPLE_PAGE.name, EXAMPLE_PAGE.read_bytes())
    request = task.EditionRequest(date(2025, 3, 14), (page,), settings, source_hash="0" * 64)
    with ThreadPoolExecutor(1) as worker_thread:  # a new thread: a slot of its own
        outcome = worker_thread.submit(task.render_edition, request).result()
    assert outcome.error is None and outcome.files
    assert freed_elsewhere == [0]
    (slot,) = cache.glob("archive-worker-*")
    # Trimmed to the bound at the end (5.5 MB before), but for the memo saved after the trim.
    assert 0 < ClipCache(slot).size_bytes() <= 1024**2 + sum(p.stat().st_size for p in slot.glob("memo/*"))


# --- one machine: a local cluster through the CLI ----------------------------------------


def archive_args(source: Path, out: Path, *extra: str) -> list[str]:
    return ["archive", str(source), "--out", str(out), "--paper", PAPER, *extra]


def comparable_manifest(path: Path) -> dict[str, object]:
    """edition.json without what differs between runs: when, at what cost, from which hash."""
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    for key in ("published", "synthesis", "source_hash"):
        data.pop(key, None)
    return data


def assert_same_editions(archived: Path, rendered: Path, dates: list[str]) -> None:
    """Every file of each edition byte-identical; edition.json equal but for time and cost."""
    for day in dates:
        a, r = archived / "editions" / day, rendered / "editions" / day
        files = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(r).as_posix() for p in r.rglob("*") if p.is_file())
        assert any(name.endswith(".mp3") and "/" not in name for name in files)
        for name in files:
            if name == "edition.json":
                assert comparable_manifest(a / name) == comparable_manifest(r / name), day
            else:
                assert (a / name).read_bytes() == (r / name).read_bytes(), f"{day}/{name} differs"


def render_each(source: Path, out: Path, engine: str, cache: Path, dates: list[str]) -> None:
    for day in dates:
        folder = source / day
        pages = sorted(folder.iterdir()) if folder.is_dir() else sorted(source.glob(f"{day}.*"))
        result = runner.invoke(
            app,
            ["render", *map(str, pages), "--date", day, "--out", str(out), "--engine", engine,
             "--paper", PAPER, "--cache-dir", str(cache)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_local_archive_matches_render_and_a_rerun_does_nothing(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    pages = {name: text for name, text in PAGES.items() if name < "2025-04-05"}
    source, out = write_source(tmp_path, pages), tmp_path / "out"
    dates = sorted({name[:10] for name in pages})
    cache = tmp_path / "archive-cache"
    result = runner.invoke(
        app, archive_args(source, out, "--engine", "fake", "--jobs", "2", "--cache-dir", str(cache))
    )
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.split()) == [
        str(out / "editions" / d / f"qing-mei-ri-bao-{d}.mp3") for d in dates
    ]
    assert f"archive done: {len(dates)} published, 0 already published, 0 failed" in result.stderr
    render_each(source, tmp_path / "rendered", "fake", tmp_path / "render-cache", dates)
    assert_same_editions(out, tmp_path / "rendered", dates)
    manifest = EditionManifest.read(out / "editions" / dates[0] / "edition.json")
    assert len(manifest.source_hash) == 64

    before = {p: p.stat().st_mtime_ns for p in (out / "editions").rglob("*")}
    cached = sorted(cache.rglob("*"))
    again = runner.invoke(app, archive_args(source, out, "--engine", "fake", "--cache-dir", str(cache)))
    assert again.exit_code == 0, again.output
    assert again.stdout == ""
    assert f"0 published, {len(dates)} already published, 0 failed" in again.stderr
    assert "0 tasks" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in (out / "editions").rglob("*")} == before
    assert sorted(cache.rglob("*")) == cached  # nothing synthesized, not even looked up


@pytest.mark.slow
def test_changed_page_or_option_renders_only_what_changed(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    pages = {name: PAGES[name] for name in ("2025-04-01.md", "2025-04-02.txt")}
    source, out = write_source(tmp_path, pages), tmp_path / "out"
    first = runner.invoke(app, archive_args(source, out, "--engine", "fake", "--jobs", "1"))
    assert first.exit_code == 0, first.output
    (source / "2025-04-02.txt").write_text(
        PAGES["2025-04-02.txt"] + "\n食堂还提供送餐服务。\n", encoding="utf-8"
    )
    second = runner.invoke(app, archive_args(source, out, "--engine", "fake", "--jobs", "1"))
    assert second.exit_code == 0, second.output
    assert second.stdout.split() == [str(out / "editions" / "2025-04-02" / "qing-mei-ri-bao-2025-04-02.mp3")]
    assert "1 published, 1 already published" in second.stderr
    third = runner.invoke(
        app, archive_args(source, out, "--engine", "fake", "--jobs", "1", "--order", "source")
    )
    assert "2 published, 0 already published" in third.stderr, third.output


@pytest.mark.slow
def test_a_bad_date_is_reported_and_the_rest_published(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    pages = {
        "2025-04-01.md": PAGES["2025-04-01.md"],
        "2025-04-02.md": "\n\n",
        "2025-04-04.md": PAGES["2025-04-04.md"],
        "notes.txt": "not a page",
    }
    source, out = write_source(tmp_path, pages), tmp_path / "out"
    (source / "2025-04-03.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = runner.invoke(app, archive_args(source, out, "--engine", "fake", "--jobs", "1"))
    assert_handled_exit(result, 3)
    published = sorted(p.name for p in (out / "editions").iterdir() if not p.name.startswith("."))
    assert "2025-04-01" in published and "2025-04-04" in published and "2025-04-03" not in published
    failed = [line for line in result.stderr.splitlines() if line.startswith("2025-04-03")]
    assert len(failed) == 1 and "image" in failed[0], result.stderr
    assert "ignored notes.txt" in result.stderr
    feed = ET.parse(out / "feed.xml").getroot()
    assert len(feed.findall("./channel/item")) == len(published)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "April"], "--since 'April' is not a date"),
        (["--engine", "loud"], "unknown engine 'loud'"),
        (["--cluster", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
        (["--base-url", "ftp://example.org/"], "--base-url must be an absolute http(s) URL"),
        (["--paper", "  "], "--paper must not be empty"),
    ],
)
def test_archive_user_errors_are_one_line(
    tmp_path: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    # Nothing listens on port 9: Dask would retry for the whole connect timeout (30 s).
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    source = write_source(tmp_path, {"2025-04-01.md": PAGES["2025-04-01.md"]})
    result = runner.invoke(app, archive_args(source, tmp_path / "out", "--engine", "fake", *args))
    assert_user_error(result, message)
    if "--cluster" not in args:  # refused while the options are built, before anything is written
        assert not (tmp_path / "out" / "show.json").exists()


# --- a cluster on loopback that loses a worker -------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LoopbackCluster:
    """A scheduler and two single-thread workers (no nanny: a killed worker stays dead)."""

    def __init__(self, root: Path) -> None:
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs = root / "cluster-logs"
        self.logs.mkdir()
        self.caches = [root / "worker-cache-1", root / "worker-cache-2"]
        host, port = self.address[len("tcp://") :].split(":")
        self.start(
            ["distributed.cli.dask_scheduler", "--host", host, "--port", port, "--no-dashboard"], "scheduler"
        )
        for number, cache in enumerate(self.caches, 1):
            self.start(
                ["distributed.cli.dask_worker", self.address, "--nthreads", "1", "--no-nanny",
                 "--no-dashboard", "--name", f"worker-{number}"],
                f"worker-{number}",
                AUDIOPAPER_CACHE_DIR=str(cache),  # each worker its own local cache
            )  # fmt: skip

    def start(self, args: list[str], name: str, **env: str) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                [sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env}
            )
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def kill_a_busy_worker(client: object, out: Path, archive: subprocess.Popen[bytes]) -> tuple[int, list[str]]:
    """Once the first edition is installed, SIGKILL a worker that is rendering.

    Returns how many editions were installed then, and the dates the worker was rendering."""
    editions = out / "editions"
    pids = client.run(os.getpid)  # type: ignore[attr-defined]  # {worker address: pid}
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and archive.poll() is None:
        done = [p for p in editions.glob("20*") if p.is_dir()] if editions.is_dir() else []
        if done:
            processing = client.processing()  # type: ignore[attr-defined]
            busy = [address for address, keys in processing.items() if keys]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                return len(done), [str(key)[len("audiopaper-edition-") :][:10] for key in processing[busy[0]]]
        time.sleep(0.05)
    pytest.fail(f"no worker was busy after the first edition (archive exit {archive.poll()})")


# long: one scenario, checked end to end
@pytest.mark.slow
@pytest.mark.parametrize("engine", ["fake", pytest.param("offline", marks=pytest.mark.real_engine)])
def test_cluster_survives_a_killed_worker_and_matches_render(tmp_path: Path, engine: str) -> None:
    distributed = pytest.importorskip("distributed")
    source, out = write_source(tmp_path), tmp_path / "out"
    cluster = LoopbackCluster(tmp_path)
    try:
        with distributed.Client(cluster.address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            command = [sys.executable, "-m", "audiopaper.cli", *archive_args(source, out, "--engine", engine,
                       "--cluster", cluster.address)]  # fmt: skip
            archive = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            installed_at_kill, lost = kill_a_busy_worker(client, out, archive)
            stdout, stderr = archive.communicate(timeout=600)
        assert archive.returncode == 0, stderr.decode()
        assert installed_at_kill < len(DATES)
        assert lost and set(lost) <= set(DATES)  # what the killed worker held was rendered elsewhere
        paths = stdout.decode().split()
        assert (
            sorted(paths)
            == sorted(set(paths))
            == [str(out / "editions" / d / f"qing-mei-ri-bao-{d}.mp3") for d in DATES]
        )  # each edition installed exactly once
        assert sorted(p.name for p in (out / "editions").iterdir()) == DATES  # no staging or aside left
        feed = ET.parse(out / "feed.xml").getroot()
        guids = [item.findtext("guid") for item in feed.findall("./channel/item")]
        assert len(guids) == len(set(guids)) == len(DATES)
        assert f"archive done: {len(DATES)} published" in stderr.decode()

        render_each(source, tmp_path / "rendered", engine, tmp_path / "render-cache", DATES)
        assert_same_editions(out, tmp_path / "rendered", DATES)

        survivor = next(c for c in cluster.caches if c.is_dir())
        cached = sorted(survivor.rglob("*"))
        again = subprocess.run(command, capture_output=True, timeout=300, check=False)
        assert again.returncode == 0, again.stderr.decode()
        assert again.stdout == b""
        assert f"0 published, {len(DATES)} already published" in again.stderr.decode()
        assert "0 tasks" in again.stderr.decode()
        assert sorted(survivor.rglob("*")) == cached  # the rerun synthesized nothing
    finally:
        cluster.stop()


@pytest.mark.slow
@pytest.mark.real_engine
def test_a_lexicon_edit_renders_again_only_the_dates_and_lines_with_its_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    from audiopaper.archive import ArchiveOptions, archive
    from audiopaper.text.lexicon import default_lexicon
    from audiopaper.voice.registry import EngineSpec, load_profile

    pages = {
        "2025-04-01.md": "## 社区新闻\n\n本报讯 朝阳街道新开了一家图书馆。\n\n居民们都很高兴。\n",
        "2025-04-02.md": PAGES["2025-04-04.md"],
    }
    source, out, voices = write_source(tmp_path, pages), tmp_path / "out", tmp_path / "voices"
    voices.mkdir()
    monkeypatch.setenv("AUDIOPAPER_VOICES", str(voices))  # the workers inherit it
    options = ArchiveOptions(
        source=source, out_dir=out, base_url="http://127.0.0.1:8000/", paper=PAPER,
        profile=load_profile("standard"), lead_first=True, engine=EngineSpec("offline"), jobs=1,
        cache_dir=tmp_path / "cache",
    )  # fmt: skip
    article = out / "editions" / "2025-04-01" / "articles" / "01-she-qu-xin-wen.mp3"
    runs = []
    try:
        for reading in ("zhao1 yang2", "chao2 yang2"):
            (voices / "lexicon.toml").write_text(f'[words]\n"朝阳" = {{ pinyin = "{reading}" }}\n', "utf-8")
            default_lexicon.cache_clear()
            report = archive(options)
            manifest = EditionManifest.read(out / "editions" / "2025-04-01" / "edition.json")
            runs.append((report, manifest, article.read_bytes()))
    finally:
        default_lexicon.cache_clear()
    (first, before, audio_before), (second, after, audio_after) = runs
    assert sorted(first.published) == [date(2025, 4, 1), date(2025, 4, 2)]
    assert second.published == [date(2025, 4, 1)] and second.already == [date(2025, 4, 2)]
    assert after.source_hash != before.source_hash
    assert after.synthesis["synthesized"] == 1  # only the sentence with 朝阳, the rest from the cache
    assert audio_after != audio_before
