"""End to end: gPodder's command-line client subscribes to a served edition and downloads it.

Skipped where ``gpo`` (Debian package gpodder) is absent; .ci/run installs it, and fails
without it.
"""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import Profile
from audiopaper.publish.serve import make_server
from tests.conftest import EXAMPLE_PAGE, fake_synthesizer, oracle, serve_in_background

pytestmark = [oracle("gpo"), pytest.mark.slow]


def gpo(home: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GPODDER_HOME": str(home / "gpodder"),
        "GPODDER_DOWNLOAD_DIR": str(home / "downloads"),
    }
    result = subprocess.run(["gpo", *args], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_gpodder_subscribes_updates_and_downloads(tmp_path: Path, standard_profile: Profile) -> None:
    out = tmp_path / "out"
    out.mkdir()
    server = make_server(out, "127.0.0.1", 0)
    serve_in_background(server)
    editions = []
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}/"
        for number, day in enumerate((date(2025, 3, 14), date(2025, 3, 15))):
            options = RenderOptions(
                out_dir=out, day=day, profile=standard_profile, base_url=base_url, paper="青梅日报"
            )
            result = render([EXAMPLE_PAGE], options, fake_synthesizer(cache_dir=tmp_path / "cache"))
            editions.append(result.edition_dir / result.manifest.audio)
            if number == 0:
                gpo(tmp_path, "subscribe", base_url + "feed.xml")
            assert "1 new episode" in gpo(tmp_path, "update")
            gpo(tmp_path, "download")
    finally:
        server.shutdown()
        server.server_close()
    downloaded = sorted(p for p in (tmp_path / "downloads").rglob("*") if p.is_file())
    assert len(downloaded) == 2, downloaded
    assert not any(p.name.endswith(".partial") for p in downloaded)
    assert sorted(p.read_bytes() for p in downloaded) == sorted(p.read_bytes() for p in editions)
