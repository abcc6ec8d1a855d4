"""A local stand-in for the edge-tts service: its WebSocket protocol on loopback, with faults.

It speaks what the edge-tts client speaks: it reads the ``speech.config`` and ``ssml``
text messages, answers ``response`` and ``turn.start``, then binary ``audio`` frames
(24 kHz mono 48 kbps MP3 with no ID3 or Xing header, as the service streams it) with an
``audio.metadata`` WordBoundary message sent just ahead of the audio frame in which each
word begins, and ``turn.end``. A boundary is what edge-tts parses: ``{"Metadata": [{"Type":
"WordBoundary", "Data": {"Offset", "Duration", "text": {"Text", "Length", "BoundaryType"}}}]}``
with times in 100-ns ticks and the word quoted from the input, XML-escaped. Chinese is split
into words of 2, 1 and 3 characters in turn (the service has its own word split, so the
client must not assume one); digits and Latin letters make one word; punctuation gets a
PunctuationBoundary of its own. Speech is a quiet tone, SECONDS_PER_CHAR a character,
after LEAD_S of silence and followed by TAIL_S (punctuation is a pause of the same length).

It can be told to misbehave: refuse the handshake with 403, cut a stream at a fraction of
its speech (closing the WebSocket without ``turn.end``, the way edge-tts sees a stream the
service dropped), send no audio, no boundaries, stall, or send every boundary with too
little audio; for the first N requests, for every stream of one sentence, or on every
``rotate_every``-th request with the faults in turn; and answer 429 above a number of
simultaneous connections. It records every request, the streams it cut, and the peak
number of simultaneous connections.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from xml.sax.saxutils import escape

import imageio_ffmpeg
import numpy as np
from aiohttp import WSMsgType, web

SAMPLE_RATE_HZ = 24_000
FRAME_S = 0.024
"""One MP3 frame: 576 samples at 24 kHz; at 48 kbps CBR every frame is FRAME_BYTES long."""
FRAME_BYTES = 144
SECONDS_PER_CHAR = 8 * FRAME_S
"""Speaking time of one character: 0.192 s (5.2 a second, inside the voices' 4 to 6)."""
LEAD_S = 2 * FRAME_S
"""Silence before the first word (the service's first word starts at about 50 ms)."""
TAIL_S = 10 * FRAME_S
"""Silence after the last character."""
ENCODER_DELAY_FRAMES = 2
"""Silent frames ahead of the timeline, as a continuous encode has (ffmpeg decodes one
such reading 0.048 to 0.068 s longer than its PCM); boundary offsets do not count them."""
TICKS_PER_SECOND = 10_000_000
CHUNK_BYTES = 3 * FRAME_BYTES + 48
"""Audio bytes per binary message (80 ms), not a whole number of frames, so cuts fall mid-frame."""

_HAN = "\u3400-\u9fff"
_TOKENS = re.compile(rf"[{_HAN}]+|[A-Za-z0-9]+|\S")
_HAN_PIECES = (2, 1, 3)


@dataclass(frozen=True)
class Word:
    """One boundary the server sends: a word (or punctuation mark) of the input and its time."""

    text: str
    start_s: float
    duration_s: float
    punctuation: bool

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


def words_of(text: str) -> list[Word]:
    """The words of ``text`` as this server says and times them."""
    pieces: list[tuple[str, bool]] = []
    turn = 0
    for token in _TOKENS.findall(text):
        if re.fullmatch(rf"[{_HAN}]+", token):
            while token:
                size = _HAN_PIECES[turn % len(_HAN_PIECES)]
                turn += 1
                pieces.append((token[:size], False))
                token = token[size:]
        else:
            pieces.append((token, not token.isalnum()))
    words, clock = [], LEAD_S
    for piece, punctuation in pieces:
        duration = len(piece) * SECONDS_PER_CHAR
        words.append(Word(piece, round(clock, 4), round(duration, 4), punctuation))
        clock += duration
    return words


def spoken_seconds(text: str) -> float:
    """How long this server's whole reading of ``text`` lasts (before MP3 decoding)."""
    words = words_of(text)
    return (words[-1].end_s if words else LEAD_S) + TAIL_S


def speech_span(text: str) -> tuple[float, float]:
    """When the first word starts and the last spoken word (not punctuation) ends."""
    spoken = [word for word in words_of(text) if not word.punctuation] or words_of(text)
    return (spoken[0].start_s, spoken[-1].end_s) if spoken else (0.0, LEAD_S)


@lru_cache(maxsize=1)
def _frames() -> tuple[tuple[bytes, ...], bytes]:
    """Frames of a quiet tone, and one silent frame, encoded once without the bit reservoir.

    Without the reservoir every frame decodes on its own, so a reading is frames joined:
    no encoder run per request (one costs ~0.2 s on a busy machine), exact frame timing.
    """
    t = np.arange(SAMPLE_RATE_HZ * 2) / SAMPLE_RATE_HZ
    tone = 0.2 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    encoded = mp3_bytes(np.concatenate([tone, np.zeros(SAMPLE_RATE_HZ)]))
    frames = [encoded[i : i + FRAME_BYTES] for i in range(0, len(encoded), FRAME_BYTES)]
    assert all(frame[0] == 0xFF and len(frame) == FRAME_BYTES for frame in frames)
    return tuple(frames[4:80]), frames[-10]


def _frame_count(seconds: float) -> int:
    return round(seconds / FRAME_S)


def _timeline_s(byte: int) -> float:
    """Where byte ``byte`` of a reading falls on its timeline (the boundaries' clock)."""
    return (byte / FRAME_BYTES - ENCODER_DELAY_FRAMES) * FRAME_S


@lru_cache(maxsize=256)
def mp3_reading(text: str) -> bytes:
    """This server's reading of ``text`` as the service's MP3 (a tone for words, silence between)."""
    tone, silent = _frames()
    frames = [silent] * (ENCODER_DELAY_FRAMES + _frame_count(LEAD_S))
    for word in words_of(text):
        count = _frame_count(word.duration_s)
        frames += [silent] * count if word.punctuation else [tone[i % len(tone)] for i in range(count)]
    frames += [silent] * _frame_count(TAIL_S)
    return b"".join(frames)


def mp3_bytes(pcm: np.ndarray) -> bytes:
    """24 kHz mono float samples as 48 kbps MP3 frames, with no ID3 tag, Xing header or bit reservoir."""
    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "f32le", "-ar", str(SAMPLE_RATE_HZ),
         "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", "48k", "-reservoir", "0",
         "-id3v2_version", "0", "-write_xing", "0", "-f", "mp3", "pipe:1"],
        input=pcm.astype("<f4").tobytes(), capture_output=True, check=True,
    ).stdout  # fmt: skip


def boundary_message(request_id: str, word: Word) -> str:
    """The ``audio.metadata`` text message announcing ``word``, as the service words it."""
    kind = "PunctuationBoundary" if word.punctuation else "WordBoundary"
    metadata = {
        "Metadata": [
            {
                "Type": "WordBoundary",
                "Data": {
                    "Offset": round(word.start_s * TICKS_PER_SECOND),
                    "Duration": round(word.duration_s * TICKS_PER_SECOND),
                    "text": {"Text": escape(word.text), "Length": len(word.text), "BoundaryType": kind},
                },
            }
        ]
    }
    head = f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
    return head + "Path:audio.metadata\r\n\r\n" + json.dumps(metadata, ensure_ascii=False)


@dataclass
class Faults:
    """What the server does wrong, and for how many requests."""

    forbid: int = 0
    """Refuse this many handshakes with 403."""

    close_midstream: int = 0
    """Close this many streams right after their first audio message."""

    cut: int = 0
    """Cut this many streams at ``cut_at`` of their speech (closed without turn.end)."""

    cut_at: float = 0.5
    """Where ``cut`` falls, as a fraction of the speech from the first word's start to the last's end."""

    always_cut: dict[str, float] = field(default_factory=dict)
    """Cut every stream whose text contains a key, at the key's fraction: it never comes whole."""

    no_audio: int = 0
    """Answer this many requests with turn.start and turn.end but no audio."""

    no_boundaries: int = 0
    """Send this many readings whole but without word boundaries."""

    stall: int = 0
    """Go silent on this many requests."""

    stall_s: float = 30.0
    """How long a stall lasts."""

    truncate: int = 0
    """Send every boundary but only 0.1 s of audio, then turn.end, for this many requests."""

    rotate: tuple[str, ...] = ()
    """Faults ("forbid", "cut", "no_audio", "stall", "truncate") dealt in turn, one to every
    ``rotate_every``-th request."""

    rotate_every: int = 4

    max_connections: int = 0
    """Answer 429 above this many simultaneous connections (0: no limit)."""


@dataclass
class Record:
    """What the server saw."""

    texts: list[str] = field(default_factory=list)
    """Text of every request that got as far as its SSML, in arrival order."""

    voices: dict[str, str] = field(default_factory=dict)
    """The voice each text was asked for (the SSML's voice name)."""

    cut_texts: list[str] = field(default_factory=list)
    """Text of every stream the server cut or sent with too little audio."""

    whole_texts: list[str] = field(default_factory=list)
    """Text of every stream sent whole, boundaries and all, up to turn.end."""

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

    def _take(self, name: str, dealt: str | None = None) -> bool:
        if dealt == name:
            return True
        left = getattr(self.faults, name)
        if left > 0:
            setattr(self.faults, name, left - 1)
            return True
        return False

    def _deal(self) -> str | None:
        """The rotating fault for this handshake, if it is a ``rotate_every``-th one."""
        faults, count = self.faults, self.record.handshakes
        if not faults.rotate or count % faults.rotate_every:
            return None
        return faults.rotate[(count // faults.rotate_every - 1) % len(faults.rotate)]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        record = self.record
        record.handshakes += 1
        dealt = self._deal()
        if self._take("forbid", dealt):
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
            await self._answer(socket, text, dealt)
        finally:
            record.open_now -= 1
        return socket

    def _cut_byte(self, text: str, dealt: str | None) -> int | None:
        """Where to cut this stream, in bytes of its audio, or None to send it whole."""
        faults = self.faults
        if self._take("close_midstream"):
            return CHUNK_BYTES
        fractions = [fraction for key, fraction in faults.always_cut.items() if key in text]
        if self._take("cut", dealt):
            fractions.append(faults.cut_at)
        if not fractions:
            return None
        start, end = speech_span(text)
        cut_s = start + fractions[0] * (end - start)
        return round((cut_s / FRAME_S + ENCODER_DELAY_FRAMES) * FRAME_BYTES)

    async def _answer(self, socket: web.WebSocketResponse, text: str, dealt: str | None) -> None:
        request_id = uuid.uuid4().hex
        head = f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
        await socket.send_str(head + 'Path:response\r\n\r\n{"context":{"serviceTag":"test"}}')
        await socket.send_str(head + "Path:turn.start\r\n\r\n{}")
        if self._take("stall", dealt):
            await asyncio.sleep(self.faults.stall_s)
            return
        if self._take("no_audio", dealt):
            await socket.send_str(head + "Path:turn.end\r\n\r\n{}")
            await socket.close()
            return
        words = [] if self._take("no_boundaries") else words_of(text)
        if self._take("truncate", dealt):  # every word announced, then too little audio, then turn.end
            for word in words:
                await socket.send_str(boundary_message(request_id, word))
            await self._send_audio(socket, request_id, _frames()[1] * _frame_count(0.1))
            self.record.cut_texts.append(text)
        else:
            audio = mp3_reading(text)
            cut_byte = self._cut_byte(text, dealt)
            if cut_byte is not None:
                await self._send_audio(socket, request_id, audio[: max(cut_byte, 1)], words)
                self.record.cut_texts.append(text)
                await socket.close()  # dropped: no turn.end
                return
            await self._send_audio(socket, request_id, audio, words)
            self.record.whole_texts.append(text)
        await socket.send_str(head + "Path:turn.end\r\n\r\n{}")
        await socket.close()

    async def _send_audio(
        self,
        socket: web.WebSocketResponse,
        request_id: str,
        audio: bytes,
        words: Sequence[Word] = (),
    ) -> None:
        """Send ``audio`` in messages, each word's boundary just ahead of the message it begins in."""
        header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
        announced = 0
        for start in range(0, len(audio), CHUNK_BYTES):
            end = min(start + CHUNK_BYTES, len(audio))
            while announced < len(words) and words[announced].start_s < _timeline_s(end):
                await socket.send_str(boundary_message(request_id, words[announced]))
                announced += 1
            await socket.send_bytes(len(header).to_bytes(2, "big") + header + audio[start:end])
            await asyncio.sleep(0)
