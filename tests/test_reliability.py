"""Never lose an edition: kills at random moments, concurrent runs, full and read-only disks,
hostile input, and a server under load. The fake engine keeps these fast."""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.mp3 import MP3
from typer.testing import CliRunner

from audiopaper.cli import app
from audiopaper.errors import AudiopaperError
from audiopaper.pipeline import speech_options_for
from audiopaper.publish.serve import make_server
from audiopaper.publish.served_feed import ServedFeed
from audiopaper.text.clean import clean_pages
from audiopaper.text.ingest import Page, decode_page_bytes, split_blocks
from audiopaper.text.script import build_script
from audiopaper.voice.offline import OFFLINE_TRAITS
from tests.conftest import EXAMPLE_PAGE, assert_user_error, serve_in_background

KILL_POINTS = int(os.environ.get("AUDIOPAPER_KILL_POINTS", "8"))
"""Kill points per run of the harness; .ci/run raises it for a longer soak."""


def render_command(out: Path, cache: Path, day: str, page: Path = EXAMPLE_PAGE) -> list[str]:
    return [sys.executable, "-m", "audiopaper.cli", "render", str(page), "--engine", "fake",
            "--date", day, "--out", str(out), "--cache-dir", str(cache)]  # fmt: skip


def check_published(out: Path) -> list[str]:
    """Problems with what is published under ``out`` (empty when everything is whole)."""
    feed = out / "feed.xml"
    return check_feed(out, feed.read_bytes()) if feed.exists() else []


def check_feed(out: Path, body: bytes) -> list[str]:
    """Problems with a feed of ``out`` (feed.xml, or serve's): every item must match the disk."""
    problems: list[str] = []
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        return [f"feed.xml does not parse: {error}"]
    for item in root.iter("item"):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        day = enclosure.get("url", "").split("/editions/")[1].split("/")[0]
        mp3 = out / "editions" / day / enclosure.get("url", "").rsplit("/", 1)[1]
        if not mp3.exists():
            problems.append(f"feed lists {day} but its MP3 is missing")
            continue
        if mp3.stat().st_size != int(enclosure.get("length", "-1")):
            problems.append(f"{day}: enclosure length differs from the file")
        manifest = json.loads((mp3.parent / "edition.json").read_text(encoding="utf-8"))
        if abs(MP3(str(mp3)).info.length - manifest["duration"]) > 0.5:
            problems.append(f"{day}: MP3 shorter than its manifest says (truncated?)")
    return problems


def processes_using(path: Path) -> list[int]:
    """Processes whose command line names ``path`` (renders and their workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if str(path).encode() in command:
                found.append(int(entry))
    return found


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_nothing_broken(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    subprocess.run(render_command(out, cache, "2025-03-13"), check=True, capture_output=True)
    yesterday = (out / "editions/2025-03-13/jin-ri-xin-wen-2025-03-13.mp3").read_bytes()
    started = time.perf_counter()
    subprocess.run(
        render_command(out, tmp_path / "cache-timing", "2025-03-20"), check=True, capture_output=True
    )
    full_run_s = time.perf_counter() - started
    damage = []
    rng = random.Random(20251128)
    for point in range(KILL_POINTS):
        day = f"2025-03-{14 + point % 5:02d}"
        process = subprocess.Popen(
            render_command(out, cache, day), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.05, full_run_s))
        process.send_signal(signal.SIGKILL)
        process.wait()
        problems = check_published(out)
        if problems:
            damage.append((point, problems))
        rerun = subprocess.run(render_command(out, cache, day), capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        assert check_published(out) == []
    print(f"\n{KILL_POINTS} kill points tried, {len(damage)} left damage: {damage}")
    time.sleep(0.5)
    assert processes_using(out) == [], "workers of killed renders are still running"
    assert damage == []
    assert (out / "editions/2025-03-13/jin-ri-xin-wen-2025-03-13.mp3").read_bytes() == yesterday
    assert not list((out / "editions").glob(".*"))
    last = json.loads((out / "editions/2025-03-14/edition.json").read_text(encoding="utf-8"))
    assert last["synthesis"]["from_cache"] > 0  # the rerun reused the cache


@pytest.mark.slow
def test_a_closed_stderr_does_not_stop_a_render(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = subprocess.Popen(render_command(out, tmp_path / "cache", "2025-03-14"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stderr is not None
    process.stderr.close()  # like `audiopaper render … 2>&1 | head -2`
    assert process.wait(timeout=120) == 0
    assert (out / "editions/2025-03-14/jin-ri-xin-wen-2025-03-14.mp3").exists()


@pytest.mark.slow
def test_a_second_render_into_the_same_out_refuses_clearly(tmp_path: Path) -> None:
    import fcntl

    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    with open(out / ".audiopaper.lock", "a+b") as holder:  # another run holding the lock
        fcntl.lockf(holder.fileno(), fcntl.LOCK_EX)
        result = subprocess.run(render_command(out, cache, "2025-03-14"), capture_output=True, text=True)
    assert result.returncode == 1
    assert "another audiopaper run is writing to" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert subprocess.run(render_command(out, cache, "2025-03-14"), capture_output=True).returncode == 0


@pytest.mark.slow
def test_two_renders_at_once_neither_corrupts_the_other(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    runs = [subprocess.Popen(render_command(out, cache, day), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for day in ("2025-03-14", "2025-03-15")]  # fmt: skip
    results = [(run.wait(), run.stderr.read() if run.stderr else "") for run in runs]
    assert all(code in (0, 1) for code, _ in results), results
    for code, stderr in results:
        if code == 1:
            assert "another audiopaper run is writing to" in stderr
    assert check_published(out) == []


def error_lines(stderr: str) -> list[str]:
    """The error lines among the progress lines on stderr."""
    return [line for line in stderr.splitlines() if line.startswith("error:")]


@pytest.mark.slow
def test_two_renders_sharing_one_cache_both_finish(tmp_path: Path) -> None:
    cache = tmp_path / "shared-cache"
    runs = [subprocess.Popen(render_command(tmp_path / name, cache, "2025-03-14"), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for name in ("out-a", "out-b")]  # fmt: skip
    for run in runs:
        assert run.wait() == 0, run.stderr.read() if run.stderr else ""
    a = (tmp_path / "out-a/editions/2025-03-14/jin-ri-xin-wen-2025-03-14.mp3").read_bytes()
    b = (tmp_path / "out-b/editions/2025-03-14/jin-ri-xin-wen-2025-03-14.mp3").read_bytes()
    assert MP3(str(tmp_path / "out-a/editions/2025-03-14/jin-ri-xin-wen-2025-03-14.mp3")).info.length > 30
    assert len(a) == len(b)
    assert not list(cache.rglob("*.tmp")) and not list(cache.rglob(".*"))


@pytest.mark.slow
def test_two_renders_sharing_a_1_mb_cache_both_finish_ten_times_in_ten(tmp_path: Path) -> None:
    """Each render trims the cache to 1 MB when it finishes; the other one may still be joining."""
    environment = {**os.environ, "AUDIOPAPER_CACHE_MB": "1"}
    for attempt in range(10):
        cache = tmp_path / f"cache-{attempt}"  # cold each time: both synthesize and encode at once
        outs = [tmp_path / f"{attempt}-{name}" for name in ("a", "b")]
        runs = [subprocess.Popen(render_command(out, cache, "2025-03-14"), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True, env=environment) for out in outs]  # fmt: skip
        for run in runs:
            _, stderr = run.communicate(timeout=300)
            assert run.returncode == 0, f"attempt {attempt}: {stderr}"
        for out in outs:
            assert check_published(out) == []


@pytest.mark.slow
def test_feed_in_a_loop_during_a_render_of_the_same_date_ends_matching_the_disk(tmp_path: Path) -> None:
    """`feed` run over and over while a render replaces the same date (issue 28: 4 stale feeds in 15).

    The renders alternate a one-article page and the whole example, so a feed describing the
    edition that was replaced names an MP3 of another size. `feed` runs in this process
    (the render's lock is another process's), and so does serve's feed, which must match
    the disk as well. The cache is warm: the render is joining and installing, not speaking.
    """
    short = tmp_path / "short.md"
    short.write_text(EXAMPLE_PAGE.read_text(encoding="utf-8").split("\n# ")[0], encoding="utf-8")
    day, cache = "2025-03-14", tmp_path / "cache"
    for page in (short, EXAMPLE_PAGE):  # one published out/ of each, copied before each try
        subprocess.run(
            render_command(tmp_path / page.stem, cache, day, page), check=True, capture_output=True
        )
    for attempt in range(5):
        first, second = (short, EXAMPLE_PAGE) if attempt % 2 == 0 else (EXAMPLE_PAGE, short)
        out = tmp_path / f"out-{attempt}"
        shutil.copytree(tmp_path / first.stem, out)
        old_size = next((out / "editions" / day).glob("*.mp3")).stat().st_size
        served = ServedFeed(out)
        render = subprocess.Popen(render_command(out, cache, day, second),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        feeds = 0
        while render.poll() is None or feeds == 0:
            result = CliRunner().invoke(app, ["feed", "--out", str(out)])
            assert result.exit_code == 0, f"attempt {attempt}: {result.output}"
            assert served.for_host("example.org") is not None
            feeds += 1
        _, stderr = render.communicate(timeout=120)
        assert render.returncode == 0, f"attempt {attempt}: {stderr}"
        mp3 = next((out / "editions" / day).glob("*.mp3"))
        assert mp3.stat().st_size != old_size  # the render really replaced the edition
        assert check_published(out) == [], f"attempt {attempt}, after {feeds} feed runs"
        body = served.for_host("example.org")
        assert body is not None and check_feed(out, body) == [], f"attempt {attempt}: serve's feed"
        lengths = [e.get("length") for e in ET.fromstring((out / "feed.xml").read_bytes()).iter("enclosure")]
        assert lengths == [str(mp3.stat().st_size)]


def mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    return (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
        ).returncode
        == 0
    )


@pytest.mark.slow
def test_full_disk_fails_in_one_line_and_keeps_the_previous_edition(tmp_path: Path) -> None:
    out = tmp_path / "small"
    if not mount_tmpfs(out, "3m"):
        pytest.skip("cannot mount a small tmpfs here")
    try:
        ok = subprocess.run(
            render_command(out, tmp_path / "cache", "2025-03-13"), capture_output=True, text=True
        )
        assert ok.returncode == 0, ok.stderr
        before = {
            p: p.read_bytes()
            for p in (out / "feed.xml", out / "editions/2025-03-13/jin-ri-xin-wen-2025-03-13.mp3")
        }
        big = tmp_path / "big.md"
        big.write_text(EXAMPLE_PAGE.read_text(encoding="utf-8") * 6, encoding="utf-8")
        full = subprocess.run(
            render_command(out, tmp_path / "cache", "2025-03-14", big), capture_output=True, text=True
        )
        assert full.returncode == 1, full.stderr
        assert error_lines(full.stderr) == [error_lines(full.stderr)[0]] and "disk is full" in full.stderr
        assert "Traceback" not in full.stderr
        assert all(path.read_bytes() == data for path, data in before.items())
        leftovers = [
            p.name for p in out.rglob("*") if p.name.startswith(".") and p.name != ".audiopaper.lock"
        ]
        assert leftovers == []
    finally:
        subprocess.run(["umount", str(out)], check=False)


@pytest.mark.slow
def test_read_only_output_fails_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    if not mount_tmpfs(out, "8m"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        assert (
            subprocess.run(
                render_command(out, tmp_path / "cache", "2025-03-13"), capture_output=True
            ).returncode
            == 0
        )
        assert subprocess.run(["mount", "-o", "remount,ro", str(out)], capture_output=True).returncode == 0
        result = subprocess.run(
            render_command(out, tmp_path / "cache", "2025-03-14"), capture_output=True, text=True
        )
        assert result.returncode == 1
        assert len(error_lines(result.stderr)) == 1 and "choose a writable --out" in result.stderr
        assert check_published(out) == []
    finally:
        subprocess.run(["umount", str(out)], check=False)


HOSTILE_PIECES = ["## ", "# ", "■记者 ", "本报讯 ", "<sub>", "</sub>", "<sup>2</sup>", "<script>alert(1)</script>",
                  "<b><i><u>", "&amp;", "&lt;", "]]>", '"', "'", "\u202e", "\u200b", "\ufeff", "😀", "\x00", "\x07",
                  "，", "。", "\n", "\n\n", "近日港区居民", "12345", "C2", "—", "%"]  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=2000),
    st.lists(st.sampled_from(HOSTILE_PIECES), max_size=120).map(lambda parts: "".join(parts).encode("utf-8")),
    st.text(max_size=600).map(lambda text: text.encode("utf-8", "surrogatepass")),
))  # fmt: skip
def test_hostile_input_gives_an_error_or_a_clean_script(data: bytes) -> None:
    try:
        text, _ = decode_page_bytes(data, "hostile")
        cleaning = clean_pages([Page("hostile", "utf-8", split_blocks(text))])
    except AudiopaperError as error:
        # The CLI prints this as `error: <message>`: it must be one line, and say something.
        message = str(error)
        assert message.strip() and len(f"error: {message}".splitlines()) == 1, repr(message)
        return
    script = build_script(cleaning.articles, speech_options_for(OFFLINE_TRAITS))
    for article in script.articles:
        for sentence in article.sentences:
            assert "<" not in sentence.spoken and "\x00" not in sentence.spoken
            assert len(sentence.spoken) <= OFFLINE_TRAITS.max_sentence_chars


def test_very_long_line_and_huge_page(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from audiopaper.cli import app

    long_line = tmp_path / "long.md"  # one line of 19,200 characters, under the article limit
    long_line.write_text(
        "## 标题\n\n本报讯 " + "这是一段没有标点的很长很长的文字" * 1200 + "\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["script", str(long_line), "--json"])
    assert result.exit_code == 0, result.output
    spoken = [s for a in json.loads(result.stdout)["articles"] for s in a["spoken"]]
    assert spoken and max(len(s) for s in spoken) <= OFFLINE_TRAITS.max_sentence_chars
    huge = tmp_path / "huge.md"
    huge.write_bytes(b"## x\n\n" + "很".encode() * (10 * 1024 * 1024 // 3))
    result = CliRunner().invoke(app, ["script", str(huge)])
    assert_user_error(result, "too large for a page")


@pytest.mark.slow
def test_server_keeps_serving_200_concurrent_range_requests(tmp_path: Path) -> None:
    body = os.urandom(300_000)
    (tmp_path / "edition.mp3").write_bytes(body)
    server = make_server(tmp_path, "127.0.0.1", 0)
    serve_in_background(server)
    port = server.server_address[1]
    fds_before = len(os.listdir("/proc/self/fd"))

    def fetch(index: int) -> bool:
        start = (index * 1499) % 290_000
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/edition.mp3", headers={"Range": f"bytes={start}-{start + 9999}"})
        response = connection.getresponse()
        ok = response.status == 206 and response.read() == body[start : start + 10_000]
        connection.close()
        return ok

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(fetch, range(200)))
    elapsed = time.perf_counter() - started
    server.shutdown()
    server.server_close()
    assert all(results)
    assert elapsed < 30
    time.sleep(0.2)
    assert len(os.listdir("/proc/self/fd")) <= fds_before + 2  # no file handle leak
