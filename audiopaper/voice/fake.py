"""The fake engine: a fast, deterministic stand-in so every other stage runs for real in tests."""

from __future__ import annotations

import hashlib
import os
import time

import numpy as np

from audiopaper.errors import EngineError
from audiopaper.voice.engine import EngineIdentity, EngineTraits, Samples


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
        self.calls: list[str] = []
        self.faults = faults

    @property
    def identity(self) -> EngineIdentity:
        """The fake voice's identity: its pace decides its sound."""
        settings = f"seconds_per_char={self.seconds_per_char}"
        return EngineIdentity(self.name, self.voice, self.sample_rate_hz, self.traits, settings)

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
