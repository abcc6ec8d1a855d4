"""Synth: the engine interface, the engines' registry and a fast fake engine for tests.

An engine turns one spoken sentence into mono float32 samples. Engines sit behind the
small :class:`Engine` protocol so the rest of the pipeline (and its tests) never knows
which one it is driving; the real offline engine lives in :mod:`audiopaper.offline`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from audiopaper.errors import EngineError

_LOGGER = logging.getLogger(__name__)

Samples = npt.NDArray[np.float32]
"""Mono audio samples in [-1, 1]."""

ENGINE_NAMES = ("auto", "offline", "edge", "fake")
"""Engine names the CLI accepts (``fake`` is for tests and quick dry runs)."""


@dataclass(frozen=True)
class EngineTraits:
    """What the speech stage must know about an engine to shape text for it."""

    spells_letters: bool
    """True when Latin letters must be spelled in Chinese before reaching it."""

    max_sentence_chars: int
    """The longest spoken sentence, in characters, it takes in one call."""

    respells: bool
    """True when it takes text only, so the lexicon's respellings are applied."""


@runtime_checkable
class Engine(Protocol):
    """A speech engine: one sentence of text in, mono samples out."""

    name: str
    """Engine name recorded in edition.json (``offline``, ``edge``, ``fake``)."""

    voice: str
    """The voice the engine speaks with."""

    sample_rate_hz: int
    """Sample rate of the audio it returns."""

    traits: EngineTraits
    """Its needs and limits, for the speech stage."""

    def synthesize(self, text: str) -> Samples:
        """Speak ``text`` (already normalized) and return its samples."""
        ...


@dataclass(frozen=True)
class Clip:
    """The audio of one spoken sentence."""

    text: str
    """The text that was spoken."""

    samples: Samples
    """Mono float32 samples."""

    sample_rate_hz: int
    """Sample rate of ``samples``."""

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate_hz


class FakeEngine:
    """A fast, deterministic stand-in for tests: a quiet tone per character.

    Like piper's silent test voice, it lets every other stage run for real in
    milliseconds. Each character lasts ``seconds_per_char``; the tone's pitch comes from
    the text's hash so different sentences differ.
    """

    name = "fake"
    traits = EngineTraits(spells_letters=True, max_sentence_chars=100, respells=False)

    def __init__(
        self,
        *,
        sample_rate_hz: int = 24_000,
        seconds_per_char: float = 0.05,
        voice: str = "tone",
        faults: tuple[str, ...] = (),
    ) -> None:
        if seconds_per_char <= 0:
            raise ValueError(f"seconds_per_char must be positive, got {seconds_per_char}")
        self.sample_rate_hz = sample_rate_hz
        self.seconds_per_char = seconds_per_char
        self.voice = voice
        self.cache_settings = f"seconds_per_char={seconds_per_char}"
        self.calls: list[str] = []
        self.faults = faults

    def synthesize(self, text: str) -> Samples:
        self.calls.append(text)
        for fault in self.faults:  # tests of worker failures: "crash:WORD" or "hang:WORD"
            kind, _, word = fault.partition(":")
            if word and word in text:
                if kind == "crash":
                    os._exit(3)  # dies like a segfaulting model would: no cleanup, no exception
                if kind == "hang":
                    time.sleep(3600)
        if not text.strip():
            raise EngineError("the fake engine was given an empty sentence")
        count = int(len(text) * self.seconds_per_char * self.sample_rate_hz)
        digest = hashlib.sha256(text.encode()).digest()
        pitch_hz = 150 + digest[0]
        t = np.arange(count, dtype=np.float32) / self.sample_rate_hz
        envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t)  # syllable-like amplitude wobble
        samples: Samples = (0.3 * envelope * np.sin(2 * np.pi * pitch_hz * t)).astype(np.float32)
        return samples


@dataclass(frozen=True)
class EngineSpec:
    """How to build an engine, here or in a worker process; validated on construction."""

    name: str
    """``offline``, ``edge`` or ``fake``."""

    speed: float = 1.0
    """Speaking rate of the offline voice (1.0 is its own pace)."""

    edge_voice: str = "zh-CN-XiaoxiaoNeural"
    """Voice of the online engine."""

    edge_rate: str = "+0%"
    """Rate of the online engine."""

    edge_concurrency: int = 4
    """Requests in flight at once for the online engine."""

    fake_faults: tuple[str, ...] = ()
    """For tests: faults the fake engine injects in workers ("crash:WORD", "hang:WORD")."""

    def __post_init__(self) -> None:
        if self.name not in ("offline", "edge", "fake"):
            raise EngineError(f"unknown engine {self.name!r}; choose one of {', '.join(ENGINE_NAMES)}")
        if not 0.5 <= self.speed <= 2.0:
            raise EngineError(f"speed must be between 0.5 and 2.0, got {self.speed}")

    def build(self, threads: int | None = None) -> Engine:
        """Load the engine (for offline: TensorFlow and the models, a few seconds)."""
        if self.name == "fake":
            return FakeEngine(faults=self.fake_faults)
        if self.name == "edge":
            from audiopaper.edge import EdgeEngine

            return EdgeEngine(self._edge_settings())
        from audiopaper.lexicon import default_lexicon
        from audiopaper.offline import OfflineEngine

        return OfflineEngine(speed=self.speed, threads=threads, lexicon=default_lexicon())

    def _edge_settings(self) -> Any:
        from audiopaper.edge import EdgeSettings

        return EdgeSettings(voice=self.edge_voice, rate=self.edge_rate, concurrency=self.edge_concurrency)

    def identity(self) -> EngineIdentity:
        """Name, voice, traits and cache settings, without loading the engine."""
        if self.name == "fake":
            return engine_identity(FakeEngine())
        if self.name == "edge":
            from audiopaper.edge import EdgeEngine

            return engine_identity(EdgeEngine(self._edge_settings()))
        from audiopaper.offline import FRONTEND_VERSION, SAMPLE_RATE_HZ, OfflineEngine

        return EngineIdentity(
            name=OfflineEngine.name,
            voice=OfflineEngine.voice,
            sample_rate_hz=SAMPLE_RATE_HZ,
            traits=OfflineEngine.traits,
            settings=f"speed={self.speed:.3f};frontend={FRONTEND_VERSION}",
        )


@dataclass(frozen=True)
class EngineIdentity:
    """What identifies an engine's sound: recorded in edition.json and in cache keys."""

    name: str
    """Engine name."""

    voice: str
    """Voice name."""

    sample_rate_hz: int
    """Sample rate of its audio."""

    traits: EngineTraits
    """Its needs and limits, for the speech stage."""

    settings: str
    """Everything else that changes the sound (speed, front-end version…)."""


def engine_identity(engine: Engine) -> EngineIdentity:
    """The identity of an engine instance (its ``cache_settings`` if it declares them)."""
    settings = str(getattr(engine, "cache_settings", ""))
    return EngineIdentity(engine.name, engine.voice, engine.sample_rate_hz, engine.traits, settings)


def synthesize_clip(engine: Engine, text: str) -> Clip:
    """Speak one sentence, turning any engine failure into an :class:`EngineError`."""
    try:
        samples = engine.synthesize(text)
    except EngineError:
        raise
    except Exception as error:  # an engine's own failure, whatever its type
        raise EngineError(f"the {engine.name} engine failed on “{text[:20]}”: {error}") from error
    return Clip(
        text=text,
        samples=np.asarray(samples, dtype=np.float32),
        sample_rate_hz=engine.sample_rate_hz,
    )
