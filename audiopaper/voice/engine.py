"""The engine contract: what every speech engine is, says about itself, and returns.

An engine turns one spoken sentence into mono float32 samples. Engines sit behind the
small :class:`Engine` protocol so the rest of the pipeline (and its tests) never knows
which one it is driving. Engines are built only by :mod:`audiopaper.voice.registry`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from audiopaper.errors import EngineError

_LOGGER = logging.getLogger(__name__)

Samples = npt.NDArray[np.float32]
"""Mono audio samples in [-1, 1]."""


@dataclass(frozen=True)
class EngineTraits:
    """What the speech stage must know about an engine to shape text for it."""

    spells_letters: bool
    """True when Latin letters must be spelled in Chinese before reaching it."""

    max_sentence_chars: int
    """The longest spoken sentence, in characters, it takes in one call."""

    respells: bool
    """True when it takes text only, so the lexicon's respellings are applied."""


@dataclass(frozen=True)
class EngineIdentity:
    """What identifies an engine's sound: recorded in edition.json and the only input of cache keys."""

    name: str
    """Engine name (``offline``, ``edge``, ``fake``)."""

    voice: str
    """Voice name."""

    sample_rate_hz: int
    """Sample rate of its audio."""

    traits: EngineTraits
    """Its needs and limits, for the speech stage."""

    settings: str
    """Everything else that changes the sound (speed, model and front-end versions…)."""


@runtime_checkable
class Engine(Protocol):
    """A speech engine: one sentence of text in, mono samples out."""

    @property
    def identity(self) -> EngineIdentity:
        """Name, voice, sample rate, traits and sound-changing settings."""
        ...

    def synthesize(self, text: str) -> Samples:
        """Speak ``text`` (already normalized) and return its samples."""
        ...


LineLanded = Callable[[str, Samples | None, str | None, float], None]
"""Called by a batch engine as each line lands: (text, samples or None, error or None, seconds)."""


@runtime_checkable
class BatchEngine(Engine, Protocol):
    """An engine that speaks many lines concurrently itself (the online one)."""

    def synthesize_batch(self, texts: Sequence[str], on_result: LineLanded) -> None:
        """Speak ``texts``, calling ``on_result`` for each as it lands."""
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


def synthesize_clip(engine: Engine, text: str) -> Clip:
    """Speak one sentence, turning any engine failure into an :class:`EngineError`."""
    try:
        samples = engine.synthesize(text)
    except EngineError:
        raise
    except Exception as error:  # an engine's own failure, whatever its type
        raise EngineError(f"the {engine.identity.name} engine failed on “{text[:20]}”: {error}") from error
    return Clip(
        text=text,
        samples=np.asarray(samples, dtype=np.float32),
        sample_rate_hz=engine.identity.sample_rate_hz,
    )
