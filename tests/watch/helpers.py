"""Shared by the watch tests: an inbox of our own pages, a clock that jumps, a fake render, a hub."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from audiopaper.archive.source import DatedEntry
from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import load_profile
from audiopaper.publish.manifest import EditionManifest
from audiopaper.watch.loop import RenderDate
from tests.conftest import fake_synthesizer, serve_in_background

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAPER = "青梅日报"
BASE_URL = "http://127.0.0.1:8000/"

PAGE = "# 青梅湖畔新添百亩花海\n\n本报讯 三月以来，青梅湖畔的花海迎来盛放期，市民纷纷前来踏青。\n"
SECOND = "# 社区食堂开门迎客\n\n新开的社区食堂每天供应两餐，老人就餐可享受优惠。\n"


def drop(inbox: Path, day: str, pages: dict[str, str], *, ready: bool = True) -> Path:
    """Put a date's pages into the inbox (and its READY file)."""
    folder = inbox / day
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    if ready:
        (folder / "READY").write_text("")
    return folder


class FakeClock:
    """A clock that starts where a test says and jumps ahead on every wait."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def wait(self, seconds: float, stop: threading.Event) -> None:
        self.moment += timedelta(seconds=seconds)

    def set(self, hour: int, minute: int = 0, *, day: int | None = None) -> None:
        self.moment = self.moment.replace(hour=hour, minute=minute, day=day or self.moment.day)


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """A moment on ``day`` in the paper's zone."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def fake_render(cache: Path, out: Path, base_url: str = BASE_URL) -> RenderDate:
    """Renders a date's pages into ``out``'s .pending/ with the fake engine (every other stage is real)."""
    profile = load_profile("standard")

    def render_date(entry: DatedEntry, source_hash: str) -> EditionManifest:
        options = RenderOptions(
            out_dir=out, day=entry.day, profile=profile, base_url=base_url, paper=PAPER, hold=True,
            source_hash=source_hash,
        )  # fmt: skip
        return render(list(entry.pages), options, fake_synthesizer(cache_dir=cache)).manifest

    return render_date


class Hub:
    """A WebSub hub for tests: records each publish ping (its form and when it came)."""

    def __init__(self) -> None:
        pings: list[tuple[float, dict[str, list[str]]]] = []
        self.pings = pings

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                pings.append((time.time(), parse_qs(self.rfile.read(length).decode())))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        serve_in_background(self.server)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hub() -> Iterator[Hub]:
    """A running hub, closed afterwards (for a fixture)."""
    running = Hub()
    try:
        yield running
    finally:
        running.close()
