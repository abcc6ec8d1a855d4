"""A local stand-in for the edge-tts service: its WebSocket protocol on loopback, with faults.

It speaks what the edge-tts client speaks: it reads the ``speech.config`` and ``ssml``
text messages, answers ``turn.start``, binary ``audio`` frames (24 kHz mono MP3, about
0.2 s per character of the text) and ``turn.end``. It can be told to misbehave for the
first N requests: refuse the handshake with 403, close mid-stream, send no audio, stall,
or send truncated audio; and to answer 429 above a number of simultaneous connections.
It records every request and the peak number of simultaneous connections.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape

import imageio_ffmpeg
import numpy as np
from aiohttp import WSMsgType, web

SECONDS_PER_CHAR = 0.2


@lru_cache(maxsize=256)
def mp3_tone(seconds: float) -> bytes:
    """``seconds`` of a quiet tone as 24 kHz mono 48 kbps MP3, like the service's."""
    t = np.arange(int(24_000 * seconds)) / 24_000
    pcm = (0.2 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))).astype("<f4")
    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "f32le", "-ar", "24000", "-ac", "1",
         "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", "48k", "-f", "mp3", "pipe:1"],
        input=pcm.tobytes(), capture_output=True, check=True,
    ).stdout  # fmt: skip


@dataclass
class Faults:
    """What the server does wrong, and for how many requests."""

    forbid: int = 0
    """Refuse this many handshakes with 403."""

    close_midstream: int = 0
    """Close this many streams after the first audio frame."""

    no_audio: int = 0
    """Answer this many requests with turn.start and turn.end but no audio."""

    stall: int = 0
    """Go silent on this many requests."""

    truncate: int = 0
    """Send only 0.1 s of audio for this many requests."""

    max_connections: int = 0
    """Answer 429 above this many simultaneous connections (0: no limit)."""


@dataclass
class Record:
    """What the server saw."""

    texts: list[str] = field(default_factory=list)
    """Text of every request that got as far as its SSML, in arrival order."""

    voices: dict[str, str] = field(default_factory=dict)
    """The voice each text was asked for (the SSML's voice name)."""

    handshakes: int = 0
    """WebSocket handshakes attempted."""

    open_now: int = 0
    peak_connections: int = 0
    """Most simultaneous connections."""


class EdgeServer:
    """Runs the fake service in a background thread; use as a context manager."""

    def __init__(self, faults: Faults | None = None) -> None:
        self.faults = faults or Faults()
        self.record = Record()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/edge/v1?TrustedClientToken=test"

    def __enter__(self) -> EdgeServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *args: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/edge/v1", self._handle)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def _take(self, name: str) -> bool:
        left = getattr(self.faults, name)
        if left > 0:
            setattr(self.faults, name, left - 1)
            return True
        return False

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        record = self.record
        record.handshakes += 1
        if self._take("forbid"):
            return web.Response(status=403, headers={"Date": "Sat, 28 Nov 2026 00:00:00 GMT"})
        if self.faults.max_connections and record.open_now >= self.faults.max_connections:
            return web.Response(status=429)
        record.open_now += 1
        record.peak_connections = max(record.peak_connections, record.open_now)
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        try:
            text = None
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                if "Path:ssml" in message.data:
                    match = re.search(r"<prosody[^>]*>(.*)</prosody>", message.data, re.S)
                    text = unescape(match.group(1)) if match else ""
                    voice = re.search(r"<voice name='([^']*)'>", message.data)
                    record.voices[text] = voice.group(1) if voice else ""
                    break
            if text is None:
                return socket
            record.texts.append(text)
            await self._answer(socket, text)
        finally:
            record.open_now -= 1
        return socket

    async def _answer(self, socket: web.WebSocketResponse, text: str) -> None:
        request_id = uuid.uuid4().hex
        head = f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
        await socket.send_str(head + "Path:turn.start\r\n\r\n{}")
        if self._take("stall"):
            await asyncio.sleep(30)
            return
        if self._take("no_audio"):
            await socket.send_str(head + "Path:turn.end\r\n\r\n{}")
            await socket.close()
            return
        seconds = 0.1 if self._take("truncate") else round(len(text) * SECONDS_PER_CHAR, 2)
        audio = mp3_tone(seconds)
        header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
        for start in range(0, len(audio), 1024):
            await socket.send_bytes(len(header).to_bytes(2, "big") + header + audio[start : start + 1024])
            if self._take("close_midstream"):
                await socket.close()
                return
            await asyncio.sleep(0)
        await socket.send_str(head + "Path:turn.end\r\n\r\n{}")
        await socket.close()
