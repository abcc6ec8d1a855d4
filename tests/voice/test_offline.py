"""Tests for audiopaper.voice.offline: the real models on ONNX Runtime."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from audiopaper.voice.offline import SAMPLE_RATE_HZ, OfflineEngine, model_dir


@pytest.mark.real_engine
def test_offline_engine_speaks_a_sentence_at_a_plausible_length() -> None:
    engine = OfflineEngine()
    text = "今天上午，青梅镇召开了春季植树动员会。"
    chars = 17
    samples = engine.synthesize(text)
    seconds = len(samples) / engine.identity.sample_rate_hz
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


@pytest.mark.real_engine
def test_same_text_same_samples_in_a_fresh_engine() -> None:
    text = "今天上午，社区开设了老年智能手机课堂。"
    first = OfflineEngine(threads=1).synthesize(text)
    second = OfflineEngine(threads=2).synthesize(text)
    assert first.tobytes() == second.tobytes()
    assert 1.5 < len(first) / SAMPLE_RATE_HZ < 8.0


def test_shipped_models_match_their_checksums() -> None:
    sums = (model_dir() / "SHA256SUMS").read_text(encoding="ascii").split("\n")
    checked = 0
    for line in filter(None, sums):
        digest, name = line.split()
        assert hashlib.sha256((model_dir() / name.lstrip("*")).read_bytes()).hexdigest() == digest, name
        checked += 1
    assert checked >= 3
