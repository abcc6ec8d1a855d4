"""Tests for audiopaper.voice.edge against a local server that speaks the service's protocol."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import audiopaper.voice.edge as edge
from audiopaper.cli import app
from audiopaper.errors import EngineError, ServiceBudgetExceeded
from audiopaper.profiles import Profile
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.edge import EdgeEngine, EdgeSettings, plausible, probe
from audiopaper.voice.scheduler import Synthesizer
from tests.conftest import EXAMPLE_PAGE
from tests.edge_server import SECONDS_PER_CHAR, EdgeServer, Faults

TEXTS = [f"第{n}条测试句子，用来检查在线语音。" for n in range(1, 7)]
FAST = {"backoff_s": 0.01, "receive_timeout_s": 2, "connect_timeout_s": 2}


@pytest.fixture
def server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    faults = getattr(request, "param", None) or Faults()
    with EdgeServer(faults) as running:
        monkeypatch.setattr(edge, "SERVICE_URL", running.url)
        yield running


def synthesize_all(tmp_path: Path, settings: EdgeSettings, texts: list[str] = TEXTS) -> Synthesizer:
    synthesizer = Synthesizer(ClipCache(tmp_path / "cache"), engine=EdgeEngine(settings), jobs=1)
    with synthesizer:
        assert synthesizer.prepare(texts) == {}
    return synthesizer


def test_healthy_service_each_sentence_once(server: EdgeServer, tmp_path: Path) -> None:
    synthesizer = synthesize_all(tmp_path, EdgeSettings(**FAST))
    assert sorted(server.record.texts) == sorted(TEXTS)
    for text in TEXTS:
        seconds = synthesizer.clip(text).duration_s
        assert seconds == pytest.approx(len(text) * SECONDS_PER_CHAR, abs=0.12)


@pytest.mark.parametrize(
    "server",
    [Faults(forbid=2), Faults(close_midstream=2), Faults(no_audio=2), Faults(stall=1), Faults(truncate=2)],
    indirect=True,
    ids=["403", "closed-midstream", "no-audio", "stall", "truncated"],
)
def test_misbehaving_service_still_gives_every_sentence_whole(server: EdgeServer, tmp_path: Path) -> None:
    synthesizer = synthesize_all(tmp_path, EdgeSettings(**FAST))
    for text in TEXTS:
        assert synthesizer.clip(text).duration_s == pytest.approx(len(text) * SECONDS_PER_CHAR, abs=0.12)


@pytest.mark.parametrize("server", [Faults(max_connections=2)], indirect=True)
def test_429_above_the_limit_is_retried(server: EdgeServer, tmp_path: Path) -> None:
    synthesize_all(tmp_path, EdgeSettings(concurrency=4, **FAST))
    assert set(server.record.texts) == set(TEXTS)


def test_concurrency_limit_holds(server: EdgeServer, tmp_path: Path) -> None:
    synthesize_all(tmp_path, EdgeSettings(concurrency=3, **FAST), [t + "。" * 3 for t in TEXTS * 2])
    assert 1 <= server.record.peak_connections <= 3


@pytest.mark.parametrize("server", [Faults(forbid=10_000)], indirect=True)
def test_budget_stops_the_run_and_a_rerun_resumes(server: EdgeServer, tmp_path: Path) -> None:
    settings = EdgeSettings(retry_budget=3, attempts=4, concurrency=1, **FAST)
    synthesizer = Synthesizer(ClipCache(tmp_path / "cache"), engine=EdgeEngine(settings), jobs=1)
    with pytest.raises(ServiceBudgetExceeded, match=r"\d+ of 6 lines still to synthesize") as caught:
        synthesizer.prepare(TEXTS)
    assert "run the same command again" in str(caught.value)
    server.faults.forbid = 0
    first_batch = list(server.record.texts)
    synthesize_all(tmp_path, EdgeSettings(**FAST))
    assert sorted(first_batch + server.record.texts[len(first_batch) :]) == sorted(TEXTS)


def test_render_with_edge_engine_through_the_cli(server: EdgeServer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["render", str(EXAMPLE_PAGE), "--engine", "edge", "--date", "2025-03-14", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "editions/2025-03-14/edition.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "edge" and manifest["voice"] == "zh-CN-XiaoxiaoNeural"
    spoken = [s["spoken"] for a in manifest["articles"] for s in a["sentences"]]
    assert set(spoken) <= set(server.record.texts)
    for article in manifest["articles"]:
        for sentence in article["sentences"]:
            assert sentence["end"] - sentence["start"] == pytest.approx(
                len(sentence["spoken"]) * SECONDS_PER_CHAR, abs=0.12
            )
    assert not any("西二" in s for s in spoken)


def test_auto_uses_edge_when_the_service_answers(
    server: EdgeServer, tmp_path: Path, standard_profile: Profile
) -> None:
    assert probe(timeout_s=2)
    result = CliRunner().invoke(
        app, ["render", str(EXAMPLE_PAGE), "--date", "2025-03-14", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "engine: edge" in result.stderr


def test_auto_falls_back_to_offline_when_the_service_is_away(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edge, "SERVICE_URL", "ws://127.0.0.1:9/edge/v1?TrustedClientToken=x")
    assert probe(timeout_s=1) is False


@pytest.mark.parametrize(
    ("text", "seconds", "ok"),
    [
        ("今天天气很好适合散步", 2.0, True),
        ("今天天气很好适合散步", 0.3, False),
        ("今天天气很好适合散步", 30.0, False),
        ("好", 0.4, True),
    ],
)
def test_plausibility_band(text: str, seconds: float, ok: bool) -> None:
    assert plausible(text, seconds) is ok


def test_settings_are_validated() -> None:
    with pytest.raises(EngineError, match="concurrency"):
        EdgeSettings(concurrency=17)
    with pytest.raises(EngineError, match="rate"):
        EdgeSettings(rate="fast")
    with pytest.raises(EngineError, match="voice"):
        EdgeSettings(voice="xiaoxiao")


def test_a_profile_can_ask_for_a_presenter_voice(server: EdgeServer, tmp_path: Path) -> None:
    profile_dir = tmp_path / "voices"
    profile_dir.mkdir()
    (profile_dir / "two.toml").write_text(
        '[edge]\nreader = "zh-CN-XiaoxiaoNeural"\npresenter = "zh-CN-YunyangNeural"\n'
        "[pauses]\nsentence_ms = 300\nparagraph_ms = 500\ntitle_ms = 500\narticle_ms = 800\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["render", str(EXAMPLE_PAGE), "--engine", "edge", "--profile", str(profile_dir / "two.toml"),
            "--date", "2025-03-14", "--out", str(out), "--paper", "青梅日报"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "editions/2025-03-14/edition.json").read_text(encoding="utf-8"))
    assert manifest["voice"] == "zh-CN-XiaoxiaoNeural"
    assert manifest["presenter_voice"] == "zh-CN-YunyangNeural"
    voices = server.record.voices
    intro = next(text for text in voices if text.startswith("欢迎收听青梅日报"))
    assert "YunyangNeural" in voices[intro]
    first_sentence = manifest["articles"][0]["sentences"][0]["spoken"]
    assert "XiaoxiaoNeural" in voices[first_sentence]
