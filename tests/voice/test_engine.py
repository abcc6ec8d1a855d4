"""Tests for audiopaper.voice.engine, the fake engine and the registry's validation."""

from __future__ import annotations

import numpy as np
import pytest

from audiopaper.errors import EngineError
from audiopaper.voice.engine import Engine, synthesize_clip
from audiopaper.voice.fake import FakeEngine
from audiopaper.voice.registry import EngineSpec


def test_fake_engine_is_an_engine_and_deterministic() -> None:
    engine = FakeEngine()
    assert isinstance(engine, Engine)
    first, second = engine.synthesize("你好世界"), engine.synthesize("你好世界")
    assert np.array_equal(first, second)
    assert len(first) == int(4 * 0.05 * 24_000)
    assert first.dtype == np.float32 and 0 < np.abs(first).max() <= 1


def test_engine_failures_become_engine_errors() -> None:
    class Broken(FakeEngine):
        def synthesize(self, text: str):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    with pytest.raises(EngineError, match="boom"):
        synthesize_clip(Broken(), "你好")


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(EngineError, match="unknown engine"):
        EngineSpec("nope")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "edge", "edge_voice": "Xiaoxiao"}, "invalid edge voice"),
        ({"name": "edge", "edge_rate": "fast"}, "invalid edge rate"),
        ({"name": "offline", "speed": 3.0}, "speed must be between 0.5 and 2.0"),
        ({"name": "loud"}, "unknown engine"),
    ],
)
def test_engine_settings_are_checked_when_the_spec_is_built(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(EngineError, match=message):
        EngineSpec(**kwargs)  # type: ignore[arg-type]
