"""End to end with Debian's podget and newsboat's podboat: two editions, both kept, byte for byte.

With one file name for every edition, podget kept the first paper under the second's
name and podboat overwrote the first with the second. Render a date, let the client
fetch, render the next date, fetch again: each client must hold both editions, each
identical to its MP3 on the server. Skipped where a client is absent; .ci/run installs them and fails without them.
"""

from __future__ import annotations

import os
import pty
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import Profile
from audiopaper.publish.serve import make_server
from tests.conftest import EXAMPLE_PAGE, fake_synthesizer, oracle, serve_in_background

pytestmark = pytest.mark.slow
DAYS = (date(2025, 3, 14), date(2025, 3, 15))

Site = tuple[str, Path, Callable[[date], Path]]


@pytest.fixture
def site(tmp_path: Path, standard_profile: Profile) -> Iterator[Site]:
    """A served output directory and a function rendering one date into it (returns its MP3)."""
    out = tmp_path / "out"
    out.mkdir()
    server = make_server(out, "127.0.0.1", 0)
    serve_in_background(server)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    cache = tmp_path / "cache"

    def render_day(day: date) -> Path:
        options = RenderOptions(
            out_dir=out, day=day, profile=standard_profile, base_url=base, paper="青梅日报"
        )
        result = render([EXAMPLE_PAGE], options, fake_synthesizer(cache_dir=cache))
        return result.edition_dir / result.manifest.audio

    yield base, tmp_path, render_day
    server.shutdown()
    server.server_close()


def assert_kept_every_edition(downloaded: list[Path], editions: list[Path]) -> None:
    assert sorted(p.name for p in downloaded) == sorted(p.name for p in editions)
    by_name = {p.name: p for p in downloaded}
    for edition in editions:
        assert by_name[edition.name].read_bytes() == edition.read_bytes(), edition.name


def podget_config(home: Path, base: str) -> tuple[Path, Path]:
    """A podget configuration under ``home`` subscribed to the feed at ``base``: (config, library)."""
    config, library = home / "podget", home / "library"
    config.mkdir()
    subprocess.run(
        ["podget", "-d", str(config), "--create-config", "podgetrc"], check=True, capture_output=True
    )
    rc = config / "podgetrc"
    lines = rc.read_text().splitlines()
    rc.write_text(
        "\n".join(f"DIR_LIBRARY={library}" if x.startswith("DIR_LIBRARY=") else x for x in lines) + "\n"
    )
    (config / "serverlist").write_text(f"{base}feed.xml News Qingmei\n")
    return config, library


@oracle("podget")
def test_podget_keeps_both_editions(site: Site) -> None:
    base, home, render_day = site
    config, library = podget_config(home, base)
    editions = []
    for day in DAYS:
        editions.append(render_day(day))
        result = subprocess.run(
            ["podget", "-d", str(config), "-s"], capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stdout + result.stderr
    downloaded = [p for p in (library / "News" / "Qingmei").iterdir() if p.suffix == ".mp3"]
    assert_kept_every_edition(downloaded, editions)


def run_podboat(home: Path, config: Path, queue: Path, expected: list[tuple[Path, int]]) -> None:
    """podboat is a full-screen program: run it on a pseudo-terminal until the files are in, then quit."""
    env = {**os.environ, "HOME": str(home), "TERM": "xterm"}
    master, slave = pty.openpty()
    process = subprocess.Popen(["podboat", "-C", str(config), "-q", str(queue), "-a"],
                               stdin=slave, stdout=slave, stderr=slave, env=env)  # fmt: skip
    os.close(slave)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if all(p.is_file() and p.stat().st_size == size for p, size in expected):
                break
            time.sleep(0.3)
        time.sleep(0.5)
        os.write(master, b"q")
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)


@oracle("podboat")
def test_podboat_keeps_both_editions(site: Site) -> None:
    base, home, render_day = site
    downloads = home / "podboat"
    (home / ".newsboat").mkdir()
    config = home / "newsboat-config"
    config.write_text(f'download-path "{downloads}/"\npodcast-auto-enqueue yes\nmax-downloads 2\n')
    (home / "urls").write_text(f"{base}feed.xml\n")
    queue = home / ".newsboat" / "queue"
    env = {**os.environ, "HOME": str(home)}
    editions = []
    for day in DAYS:
        editions.append(render_day(day))
        reload = [
            "newsboat",
            "-u",
            str(home / "urls"),
            "-C",
            str(config),
            "-c",
            str(home / "cache.db"),
            "-x",
            "reload",
        ]
        subprocess.run(reload, env=env, check=True, capture_output=True, timeout=120)
        expected = [(downloads / p.name, p.stat().st_size) for p in editions]
        run_podboat(home, config, queue, expected)
    downloaded = [p for p in downloads.iterdir() if p.suffix == ".mp3"]
    assert_kept_every_edition(downloaded, editions)
