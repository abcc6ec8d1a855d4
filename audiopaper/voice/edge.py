"""The online engine: Microsoft's neural voices through the ``edge-tts`` package.

One request per spoken sentence, so timings are exact and nothing is cut by the service's
message limit. The free service has habits its users know (edge-tts's issue tracker): 403
handshakes, "No audio was received", silent truncation, 429 under too many connections,
stalls. Every request is therefore retried with exponential backoff and jitter,
concurrency is bounded, and a per-run retry budget stops a hopeless run with a message,
everything received so far kept in the cache for the next run.

A stream the service closes before ``turn.end`` does not raise in edge-tts: the audio just
stops. So every request asks for word boundaries, and a clip is accepted only when the
boundaries reach the end of the sentence's text, the audio lasts as long as the last word
does, and the speaking rate is believable (:func:`completeness_problem`). Anything else is
retried, and reported as missing when the tries run out: never published.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from audiopaper.errors import EngineError, ServiceBudgetExceeded
from audiopaper.voice.engine import EngineIdentity, EngineTraits, Samples
from audiopaper.voice.truncation import TICKS_PER_SECOND, WordBoundary, completeness_problem

_LOGGER = logging.getLogger(__name__)

SERVICE_URL = "wss://speech.platform.bing.com/consumer/speech/synthesize/readaloud/edge/v1?TrustedClientToken=6A5AA1D4EAFF4E9FB37E23D68491D6F4"
"""The service's WebSocket URL (edge_tts.constants.WSS_URL). Tests point it at loopback."""

SAMPLE_RATE_HZ = 24_000
"""The service sends 24 kHz mono MP3 (audio-24khz-48kbitrate-mono-mp3)."""

DEFAULT_CONCURRENCY = 4
"""Requests in flight at once by default; the service answers 429 when pushed."""

MAX_CONCURRENCY = 16
"""Never more than this many requests at once."""

EDGE_TRAITS = EngineTraits(spells_letters=False, max_sentence_chars=300, respells=True)
"""The neural voices read English and take text only (the lexicon's respellings apply)."""

_RATE = re.compile(r"^[+-]\d+%$")
_PITCH = re.compile(r"^[+-]\d+Hz$")


VOICE_PATTERN = re.compile(r"^[a-z]{2,3}-[A-Z]{2,}(-[A-Za-z]+)?-\w+Neural$")
"""The service's voice short names: zh-CN-XiaoxiaoNeural, and regional ones such as
zh-CN-liaoning-XiaobeiNeural and zh-CN-shaanxi-XiaoniNeural."""


def check_voice(voice: str) -> str:
    """``voice`` if it has the form of the service's voice names, else ValueError (one line)."""
    if not VOICE_PATTERN.match(voice):
        raise ValueError(f"{voice!r} is not a voice name like zh-CN-XiaoxiaoNeural")
    return voice


@dataclass(frozen=True)
class EdgeSettings:
    """How to call the service; validated on construction."""

    voice: str = "zh-CN-XiaoxiaoNeural"
    """Voice short name."""

    rate: str = "+0%"
    """Speaking rate, ``+N%``/``-N%``."""

    volume: str = "+0%"
    """Volume, ``+N%``/``-N%``."""

    pitch: str = "+0Hz"
    """Pitch, ``+NHz``/``-NHz``."""

    concurrency: int = DEFAULT_CONCURRENCY
    """Requests in flight at once (1 to MAX_CONCURRENCY)."""

    attempts: int = 4
    """Tries per sentence before it is reported as failed."""

    retry_budget: int = 40
    """Retries allowed in a whole run before it stops."""

    connect_timeout_s: int = 10
    """Seconds to wait for a connection."""

    receive_timeout_s: int = 30
    """Seconds to wait for the next message before calling the request stalled."""

    backoff_s: float = 0.5
    """First retry delay; doubled each time, with jitter."""

    def __post_init__(self) -> None:
        try:
            check_voice(self.voice)
        except ValueError as error:
            raise EngineError(f"invalid edge voice: {error}") from error
        for name, pattern in (("rate", _RATE), ("volume", _RATE), ("pitch", _PITCH)):
            if not pattern.match(getattr(self, name)):
                raise EngineError(f"invalid edge {name} {getattr(self, name)!r}")
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise EngineError(f"edge concurrency must be 1 to {MAX_CONCURRENCY}, got {self.concurrency}")
        if self.attempts < 1 or self.retry_budget < 0:
            raise EngineError("edge attempts must be at least 1 and the retry budget not negative")

    @property
    def rate_factor(self) -> float:
        """The speaking rate as a factor (``-20%`` → 0.8)."""
        return 1 + int(self.rate.rstrip("%")) / 100


def decode_mp3(data: bytes) -> Samples:
    """The service's MP3 as 24 kHz mono float samples (ffmpeg from the imageio-ffmpeg wheel)."""
    import imageio_ffmpeg

    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", "pipe:0",
         "-f", "f32le", "-ac", "1", "-ar", str(SAMPLE_RATE_HZ), "pipe:1"],
        input=data, capture_output=True, check=False,
    )  # fmt: skip
    if result.returncode != 0 or not result.stdout:
        raise EngineError(
            f"the service's audio could not be decoded: {result.stderr.decode(errors='replace')[-200:]}"
        )
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)


class _Budget:
    """Retries left in this run, shared by all requests."""

    def __init__(self, retries: int) -> None:
        self.left = retries

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


class EdgeEngine:
    """Mandarin neural voices from the online service, behind the Engine interface."""

    name = "edge"
    sample_rate_hz = SAMPLE_RATE_HZ
    traits = EDGE_TRAITS

    def __init__(self, settings: EdgeSettings | None = None) -> None:
        self.settings = settings or EdgeSettings()
        self.voice = self.settings.voice
        self.requests = 0

    @property
    def identity(self) -> EngineIdentity:
        """The service voice and the settings that change its sound.

        ``checked=words`` marks clips accepted by the word-boundary check, so clips cached
        under the old rate-only check (which let cut sentences through) are not reused.
        """
        settings = (
            f"rate={self.settings.rate};volume={self.settings.volume};pitch={self.settings.pitch};"
            "checked=words"
        )
        return EngineIdentity(self.name, self.voice, self.sample_rate_hz, self.traits, settings)

    async def _request(self, text: str) -> tuple[bytes, tuple[WordBoundary, ...]]:
        """One request to the service; returns the MP3 bytes it streamed and the words it spoke."""
        import edge_tts
        import edge_tts.communicate

        # The client reads this module constant on every request; tests point it at loopback.
        edge_tts.communicate.WSS_URL = SERVICE_URL  # type: ignore[attr-defined]
        self.requests += 1
        communicate = edge_tts.Communicate(
            text,
            self.settings.voice,
            rate=self.settings.rate,
            volume=self.settings.volume,
            pitch=self.settings.pitch,
            boundary="WordBoundary",  # edge-tts 7.2+ asks for sentence boundaries by default
            connect_timeout=self.settings.connect_timeout_s,
            receive_timeout=self.settings.receive_timeout_s,
        )
        audio = bytearray()
        words: list[WordBoundary] = []
        async for chunk in communicate.stream():
            if chunk["type"] == "audio":
                audio.extend(chunk["data"])
            elif chunk["type"] == "WordBoundary":
                words.append(
                    WordBoundary(
                        text=chunk.get("text", ""),
                        offset_s=chunk.get("offset", 0.0) / TICKS_PER_SECOND,
                        duration_s=chunk.get("duration", 0.0) / TICKS_PER_SECOND,
                    )
                )
        return bytes(audio), tuple(words)

    async def _speak(self, text: str, budget: _Budget, gate: asyncio.Semaphore) -> Samples:
        """Speak one sentence with retries; raises EngineError when it cannot.

        A clip that is not whole (:func:`completeness_problem`) is a failed attempt like any
        other: it costs a retry from the run's budget, and is never returned.
        """
        last_problem = "no attempt made"
        for attempt in range(self.settings.attempts):
            if attempt:
                if not budget.spend():
                    raise ServiceBudgetExceeded(f"retry budget spent; last problem: {last_problem}")
                delay = self.settings.backoff_s * 2 ** (attempt - 1)
                await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            try:
                async with gate:
                    data, words = await self._request(text)
                samples = await asyncio.to_thread(decode_mp3, data)
            except Exception as error:  # the client raises many kinds; all are worth a retry
                last_problem = f"{type(error).__name__}: {error}".strip()[:200]
                _LOGGER.info("edge attempt %d for “%s” failed: %s", attempt + 1, text[:12], last_problem)
                continue
            seconds = len(samples) / SAMPLE_RATE_HZ
            problem = completeness_problem(text, seconds, words, self.settings.rate_factor)
            if problem is None:
                return samples
            last_problem = problem
            _LOGGER.info("edge attempt %d for “%s”: %s", attempt + 1, text[:12], last_problem)
        raise EngineError(
            f"the online voice failed on “{text[:20]}” {self.settings.attempts} times: {last_problem}"
        )

    def synthesize(self, text: str) -> Samples:
        """Speak one sentence (blocking)."""
        gate = asyncio.Semaphore(1)
        return asyncio.run(self._speak(text, _Budget(self.settings.retry_budget), gate))

    def synthesize_batch(
        self, texts: Sequence[str], on_result: Callable[[str, Samples | None, str | None, float], None]
    ) -> None:
        """Speak many sentences concurrently (within the limit), reporting each as it lands.

        Raises :class:`ServiceBudgetExceeded` when the run's retry budget is spent; the
        sentences already reported stay reported (the caller caches them).
        """

        async def run() -> None:
            gate = asyncio.Semaphore(self.settings.concurrency)
            budget = _Budget(self.settings.retry_budget)

            async def one(text: str) -> None:
                started = time.perf_counter()
                try:
                    samples = await self._speak(text, budget, gate)
                except ServiceBudgetExceeded:
                    raise
                except EngineError as error:
                    on_result(text, None, str(error), time.perf_counter() - started)
                    return
                on_result(text, samples, None, time.perf_counter() - started)

            tasks = [asyncio.create_task(one(text)) for text in texts]
            try:
                await asyncio.gather(*tasks)
            except ServiceBudgetExceeded:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise

        asyncio.run(run())


def probe(timeout_s: float = 3.0) -> bool:
    """True when the service accepts a WebSocket connection within ``timeout_s``."""
    import aiohttp

    async def attempt() -> bool:
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, session.ws_connect(SERVICE_URL):
                return True
        except Exception:  # any failure means: not usable now
            return False

    return asyncio.run(attempt())


def list_voices(timeout_s: float = 5.0) -> list[dict[str, str]]:
    """The service's zh-CN voices (name, gender, styles), or raise EngineError when offline."""
    import edge_tts

    async def fetch() -> list[Any]:
        return list(await asyncio.wait_for(edge_tts.list_voices(), timeout_s))

    try:
        voices = asyncio.run(fetch())
    except Exception as error:
        raise EngineError(f"the online voice list is not reachable ({type(error).__name__})") from error
    return [
        {"name": v["ShortName"], "gender": v.get("Gender", ""),
         "styles": ", ".join(v.get("VoiceTag", {}).get("VoicePersonalities", []))}
        for v in voices if str(v.get("Locale", "")).startswith("zh-CN")
    ]  # fmt: skip
