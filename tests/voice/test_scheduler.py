"""Tests for audiopaper.voice.scheduler: each text once, from cache or engine, pool results in place."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

from audiopaper.voice.cache import ClipCache
from audiopaper.voice.fake import FakeEngine
from audiopaper.voice.registry import EngineSpec
from audiopaper.voice.scheduler import SynthesisStats, Synthesizer

TEXTS = ["短句。", "这是一个长一些的句子，用来排在前面。", "中等长度的一句话。", "短句。"]


def test_each_text_is_synthesized_once_longest_first(tmp_path: Path) -> None:
    engine = FakeEngine()
    with Synthesizer(ClipCache(tmp_path), engine=engine, jobs=1) as synthesizer:
        prepared = synthesizer.prepare(TEXTS)
        assert prepared.failures == {}
        assert engine.calls == sorted(set(TEXTS), key=len, reverse=True)
        assert prepared.stats == SynthesisStats(3, 0, 0, prepared.stats.engine_seconds)
    engine_again = FakeEngine()
    with Synthesizer(ClipCache(tmp_path), engine=engine_again, jobs=1) as synthesizer:
        again = synthesizer.prepare(TEXTS)
        assert again.failures == {} and engine_again.calls == []
        assert again.stats == SynthesisStats(0, 3, 0, 0.0)
        clip = synthesizer.clip("短句。")
    assert np.array_equal(clip.samples, FakeEngine().synthesize("短句。"))


def test_failures_are_reported_per_text(tmp_path: Path) -> None:
    class Picky(FakeEngine):
        def synthesize(self, text: str):  # type: ignore[no-untyped-def]
            if "坏" in text:
                raise RuntimeError("cannot say that")
            return super().synthesize(text)

    with Synthesizer(ClipCache(tmp_path), engine=Picky(), jobs=1) as synthesizer:
        prepared = synthesizer.prepare(["好的句子。", "坏的句子。"])
    failures = prepared.failures
    assert list(failures) == ["坏的句子。"] and "cannot say that" in failures["坏的句子。"]
    assert (prepared.stats.synthesized, prepared.stats.failed) == (1, 1)


def test_one_synthesizer_serves_call_after_call_and_each_reports_every_text_ready(tmp_path: Path) -> None:
    """Reusable by construction: a second call is not told "done already" for texts of the first."""
    engine = FakeEngine()
    with Synthesizer(ClipCache(tmp_path), engine=engine, jobs=1) as synthesizer:
        first: list[str] = []
        synthesizer.prepare(TEXTS, on_ready=first.append)
        second: list[str] = []
        again = synthesizer.prepare(TEXTS, on_ready=second.append)
    assert sorted(first) == sorted(second) == sorted(set(TEXTS))
    assert again.stats.from_cache == 3 and again.stats.synthesized == 0
    assert len(engine.calls) == 3  # the second call found every text in the cache


def test_worker_pool_results_land_with_their_own_text(tmp_path: Path) -> None:
    texts = [f"第{i}句，" + "长" * (i % 7) + "。" for i in range(12)]
    with Synthesizer(ClipCache(tmp_path), spec=EngineSpec("fake"), jobs=2) as synthesizer:
        seen: list[tuple[int, int]] = []
        prepared = synthesizer.prepare(texts, lambda done, total: seen.append((done, total)))
        assert prepared.failures == {}
        assert seen[0] == (0, 12) and seen[-1] == (12, 12)
        assert prepared.stats.synthesized == 12
        reference = FakeEngine()
        for text in texts:
            assert np.array_equal(synthesizer.clip(text).samples, reference.synthesize(text))


def test_corrupt_cache_entry_is_spoken_again(tmp_path: Path) -> None:
    engine = FakeEngine()
    with Synthesizer(ClipCache(tmp_path), engine=engine, jobs=1) as synthesizer:
        synthesizer.prepare(["一句话。"])
    (entry,) = tmp_path.rglob("*.clip")
    entry.write_bytes(b"broken")
    with Synthesizer(ClipCache(tmp_path), engine=engine, jobs=1) as synthesizer:
        clip = synthesizer.clip("一句话。")
    assert np.array_equal(clip.samples, FakeEngine().synthesize("一句话。"))
    assert engine.calls == ["一句话。", "一句话。"]


def test_spec_validation() -> None:
    from audiopaper.errors import EngineError

    with pytest.raises(EngineError, match="unknown engine"):
        EngineSpec("loud")
    with pytest.raises(EngineError, match="speed"):
        EngineSpec("offline", speed=3.0)


@pytest.mark.slow
@pytest.mark.real_engine
def test_a_fully_cached_render_never_loads_the_voice_models(tmp_path: Path) -> None:
    import subprocess

    page = tmp_path / "page.md"
    page.write_text("## 标题\n\n本报讯 今天天气很好，适合出门散步。\n", encoding="utf-8")
    command = [sys.executable, "-m", "audiopaper.cli", "render", str(page), "--date", "2025-03-14",
               "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"), "--engine", "offline"]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    probe = (
        "import sys, runpy; sys.argv = " + repr(["audiopaper", *command[3:]]) + "\n"
        "try:\n    runpy.run_module('audiopaper.cli', run_name='__main__')\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "assert 'onnxruntime' not in sys.modules, 'onnxruntime was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "0 lines synthesized" in result.stderr


def test_a_crashing_worker_is_replaced_and_only_its_line_fails(tmp_path: Path) -> None:
    texts = [f"第{i}句正常的话。" for i in range(8)] + ["这一句会让进程崩溃。"]
    spec = EngineSpec("fake", fake_faults=("crash:崩溃",))
    with Synthesizer(ClipCache(tmp_path), spec=spec, jobs=2, line_timeout_s=20) as synthesizer:
        prepared = synthesizer.prepare(texts)
    failures = prepared.failures
    assert list(failures) == ["这一句会让进程崩溃。"]
    assert "died or hung twice" in failures["这一句会让进程崩溃。"]
    assert prepared.stats.synthesized == 8


@pytest.mark.slow
def test_a_hanging_worker_times_out_and_the_run_finishes(tmp_path: Path) -> None:
    import time

    texts = [f"第{i}句正常的话。" for i in range(4)] + ["这一句会卡住不动。"]
    spec = EngineSpec("fake", fake_faults=("hang:卡住",))
    started = time.perf_counter()
    with Synthesizer(ClipCache(tmp_path), spec=spec, jobs=2, line_timeout_s=1.5) as synthesizer:
        prepared = synthesizer.prepare(texts)
    assert list(prepared.failures) == ["这一句会卡住不动。"]
    assert prepared.stats.synthesized == 4
    assert time.perf_counter() - started < 30


def test_a_lexicon_entry_is_in_the_keys_of_exactly_the_lines_with_its_word(tmp_path: Path) -> None:
    from audiopaper.text.lexicon import parse_lexicon

    def keys(reading: str, engine: FakeEngine) -> list[str]:
        lexicon = parse_lexicon(f'[words]\n"朝阳" = {{ pinyin = "{reading}" }}\n', "test")
        synthesizer = Synthesizer(ClipCache(tmp_path), engine=engine, jobs=1, lexicon=lexicon)
        return [synthesizer.key(text) for text in ("朝阳街道很热闹。", "别的街道也很热闹。")]

    pinyin_voice = FakeEngine()  # takes text as is: the lexicon's syllables decide how it sounds
    before, after = keys("zhao1 yang2", pinyin_voice), keys("chao2 yang2", pinyin_voice)
    assert before[0] != after[0] and before[1] == after[1]

    class TextVoice(FakeEngine):
        traits = dataclasses.replace(FakeEngine.traits, respells=True)  # the respelling is in the text

    assert keys("zhao1 yang2", TextVoice()) == keys("chao2 yang2", TextVoice())
