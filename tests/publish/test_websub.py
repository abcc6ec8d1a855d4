"""The WebSub publish ping: the form hubs expect, retries with backoff, failures reported, never raised."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from audiopaper.errors import OptionError
from audiopaper.publish.websub import check_hub_url, ping_hub
from tests.watch.helpers import Hub

FEED = "https://audio.example.cn/feed.xml"


def test_a_ping_is_the_publish_form() -> None:
    hub = Hub()
    try:
        result = ping_hub(hub.url, FEED)
    finally:
        hub.close()
    assert (result.ok, result.detail, result.attempts) == (True, "pinged", 1)
    assert [form for _, form in hub.pings] == [{"hub.mode": ["publish"], "hub.url": [FEED]}]


def test_a_down_hub_is_retried_with_backoff_then_reported() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    result = ping_hub(f"http://127.0.0.1:{port}/", FEED, sleep=waits.append)
    assert (result.ok, result.attempts, waits) == (False, 3, [0.5, 1.0])
    assert result.detail.startswith("failed: cannot reach the hub (")


def test_an_error_answer_is_reported_with_its_code() -> None:
    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(503)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = ping_hub(f"http://127.0.0.1:{server.server_address[1]}/", FEED, sleep=lambda s: None)
    finally:
        server.shutdown()
        server.server_close()
    assert (result.ok, result.detail) == (False, "failed: the hub answered 503")


@pytest.mark.parametrize("url", ["pubsubhubbub.appspot.com", "ftp://hub.example/", ""])
def test_a_hub_that_is_not_an_http_url_is_refused(url: str) -> None:
    with pytest.raises(OptionError, match="--websub-hub must be an absolute http"):
        check_hub_url(url)
