"""Tests for audiopaper.voice.engine and the real offline engine (audiopaper.voice.offline)."""

from __future__ import annotations

import numpy as np
import pytest

from audiopaper.errors import EngineError
from audiopaper.voice.engine import Engine, synthesize_clip
from audiopaper.voice.fake import FakeEngine
from audiopaper.voice.offline import OfflineEngine, Phonemizer, asset_dir, split_phrases
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
    ("text", "phrases"),
    [
        ("今天，天气很好。", [("今天", 0.16), ("天气很好", 0.0)]),
        ("甲、乙和丙", [("甲", 0.10), ("乙和丙", 0.0)]),
        ("他说：“好。”", [("他说", 0.16), ("好", 0.0)]),
    ],
)
def test_split_phrases(text: str, phrases: list[tuple[str, float]]) -> None:
    assert split_phrases(text) == phrases


def test_phonemizer_maps_pinyin_to_baker_symbols() -> None:
    phonemizer = Phonemizer(asset_dir() / "baker_mapper.json")
    assert phonemizer.syllables("中文") == ["zhong1", "wen2"]
    ids = phonemizer.ids("中文")
    # sil zh ong1 #0 ^ en2 sil eos
    assert len(ids) == 8
    assert ids[0] == 1 and ids[3] == 2 and ids[-2] == 1


@pytest.mark.real_engine
def test_offline_engine_speaks_a_sentence_at_a_plausible_length() -> None:
    engine = OfflineEngine()
    text = "今天上午，青梅镇召开了春季植树动员会。"
    chars = 17
    samples = engine.synthesize(text)
    seconds = len(samples) / engine.sample_rate_hz
    # Mandarin news is read at about 4 to 6 characters a second; allow pauses and margins.
    assert chars * 0.12 < seconds < chars * 0.45, seconds
    rms = float(np.sqrt(np.mean(samples**2)))
    assert rms > 0.01, "the engine returned near-silence"
    assert np.abs(samples).max() <= 1.5


@pytest.mark.real_engine
def test_offline_engine_speed_slows_it_down() -> None:
    text = "社区志愿者每周上门看望独居老人。"
    normal = len(OfflineEngine(speed=1.0).synthesize(text))
    slow = len(OfflineEngine(speed=0.8).synthesize(text))
    assert slow > normal * 1.12


def test_chunks_join_phrases_up_to_the_limit_and_cut_long_runs_between_words() -> None:
    from audiopaper.voice.offline import chunk_phrases

    phrases = [("今天", 0.16), ("天气很好", 0.16), ("我们去公园散步", 0.0)]  # 2 + 4 + 7 characters
    assert chunk_phrases(phrases, max_chars=8) == [("今天，天气很好", 0.16), ("我们去公园散步", 0.0)]
    long_run = [("社区工作人员上门走访了解情况并帮助解决困难", 0.0)]
    words = ["社区", "工作人员", "上门", "走访", "了解情况", "并", "帮助", "解决困难"]
    pieces = chunk_phrases(long_run, max_chars=10, words=lambda run: words)
    assert "".join(p for p, _ in pieces).replace("，", "") == long_run[0][0]
    assert all(len(p) <= 10 for p, _ in pieces)


def test_phonemizer_marks_words_and_breaks() -> None:
    phonemizer = Phonemizer(asset_dir() / "baker_mapper.json", ("乍浦",))
    symbols = phonemizer.symbols("乍浦镇，你好")
    assert symbols[0] == "sil" and symbols[-1] == "sil"
    assert symbols[1:4] == ["zh", "a4", "#0"]  # 乍浦 is one word: #0 inside it
    assert "#3" in symbols  # the comma
    assert "#1" in symbols  # between words


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
