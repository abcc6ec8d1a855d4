"""Tests for audiopaper.voice.edge against a local server that speaks the service's protocol."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, TypedDict

import pytest
from typer.testing import CliRunner

import audiopaper.voice.edge as edge
from audiopaper.cli import app
from audiopaper.errors import EngineError, ServiceBudgetExceeded
from audiopaper.profiles import Profile
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.edge import EdgeEngine, EdgeSettings, decode_mp3, probe
from audiopaper.voice.registry import EngineSpec
from audiopaper.voice.scheduler import Synthesizer
from audiopaper.voice.truncation import completeness_problem
from tests.conftest import EXAMPLE_PAGE, WritePage
from tests.edge_server import EdgeServer, Faults, spoken_seconds

TEXTS = [f"第{n}条测试句子，用来检查在线语音。" for n in range(1, 7)]


class FastTimings(TypedDict):
    """EdgeSettings' timings, short, so faulty servers cost seconds."""

    backoff_s: float
    receive_timeout_s: int
    connect_timeout_s: int


FAST: FastTimings = {"backoff_s": 0.01, "receive_timeout_s": 1, "connect_timeout_s": 2}
DECODER_EXTRA_S = 0.1
"""ffmpeg decodes the server's MP3 to 0.05 to 0.07 s more than it encoded (no LAME header)."""


def is_whole(seconds: float, text: str) -> bool:
    """True when ``seconds`` of audio is the server's whole reading of ``text``."""
    return spoken_seconds(text) <= seconds <= spoken_seconds(text) + DECODER_EXTRA_S


@pytest.fixture
def fast_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    """Renders through the CLI use short timeouts and backoff, so faulty servers cost seconds."""
    monkeypatch.setattr(
        EngineSpec,
        "edge_settings",
        lambda spec: EdgeSettings(voice=spec.edge_voice, rate=spec.edge_rate, attempts=4, **FAST),
    )


@pytest.fixture
def server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    faults = getattr(request, "param", None) or Faults()
    with EdgeServer(faults) as running:
        monkeypatch.setattr(edge, "SERVICE_URL", running.url)
        yield running


def synthesize_all(tmp_path: Path, settings: EdgeSettings, texts: list[str] = TEXTS) -> Synthesizer:
    synthesizer = Synthesizer(ClipCache(tmp_path / "cache"), engine=EdgeEngine(settings), jobs=1)
    with synthesizer:
        assert synthesizer.prepare(texts).failures == {}
    return synthesizer


def test_healthy_service_each_sentence_once(server: EdgeServer, tmp_path: Path) -> None:
    synthesizer = synthesize_all(tmp_path, EdgeSettings(**FAST))
    assert sorted(server.record.texts) == sorted(TEXTS)
    for text in TEXTS:
        assert is_whole(synthesizer.clip(text).duration_s, text)


@pytest.mark.parametrize(
    "server",
    [
        Faults(forbid=2),
        Faults(close_midstream=2),
        Faults(cut=2, cut_at=0.3),
        Faults(cut=2, cut_at=0.7),
        Faults(cut=2, cut_at=0.95),
        Faults(no_audio=2),
        Faults(no_boundaries=2),
        pytest.param(Faults(stall=1, stall_s=3), marks=pytest.mark.slow),  # waits out a 3 s stall
        Faults(truncate=2),
    ],
    indirect=True,
    ids=[
        "403",
        "closed-midstream",
        "cut-30",
        "cut-70",
        "cut-95",
        "no-audio",
        "no-boundaries",
        "stall",
        "truncated",
    ],
)
def test_misbehaving_service_still_gives_every_sentence_whole(server: EdgeServer, tmp_path: Path) -> None:
    synthesizer = synthesize_all(tmp_path, EdgeSettings(**FAST))
    for text in TEXTS:
        assert is_whole(synthesizer.clip(text).duration_s, text)
    faulty = server.record.cut_texts or server.record.texts
    assert len(server.record.texts) > len(TEXTS) or server.record.handshakes > len(TEXTS), faulty


@pytest.mark.parametrize(
    ("cut_at", "rule"),
    [(0.3, "was never reached"), (0.7, "was never reached"), (0.95, "inside the last word")],
)
def test_each_cut_is_caught_by_the_word_boundaries(server: EdgeServer, cut_at: float, rule: str) -> None:
    """A cut before the last word starts leaves the text uncovered; a cut inside it, the audio short."""
    server.faults.always_cut = {TEXTS[0]: cut_at}
    data, words = asyncio.run(EdgeEngine(EdgeSettings(**FAST))._request(TEXTS[0]))
    seconds = len(decode_mp3(data)) / edge.SAMPLE_RATE_HZ
    assert seconds < spoken_seconds(TEXTS[0]) * (cut_at + 0.1)
    problem = completeness_problem(TEXTS[0], seconds, words)
    assert problem is not None and rule in problem
    assert server.record.cut_texts == [TEXTS[0]]


@pytest.mark.parametrize("cut_at", [0.3, 0.7, 0.95])
def test_a_sentence_always_cut_is_reported_never_kept(
    server: EdgeServer, tmp_path: Path, cut_at: float
) -> None:
    server.faults.always_cut = {TEXTS[2]: cut_at}
    synthesizer = Synthesizer(ClipCache(tmp_path / "cache"), engine=EdgeEngine(EdgeSettings(**FAST)), jobs=1)
    failures = synthesizer.prepare(TEXTS).failures
    assert list(failures) == [TEXTS[2]]
    assert "failed on “第3条测试句子" in failures[TEXTS[2]] and "4 times" in failures[TEXTS[2]]
    assert server.record.texts.count(TEXTS[2]) == 4
    assert synthesizer.key(TEXTS[2]) not in synthesizer.cache
    assert all(synthesizer.key(text) in synthesizer.cache for text in TEXTS if text != TEXTS[2])


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


@pytest.mark.slow
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
            assert is_whole(sentence["end"] - sentence["start"], sentence["spoken"]), sentence
    assert not any("西二" in s for s in spoken)


@pytest.mark.slow
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


SMALL_PAGE = """## 东河小学开放周末图书角

■记者 周明

本报讯 东河小学的图书角从本周起在周末向社区开放。孩子们可以在这里借书、看书，也可以参加老师组织的读书会。

## 西湖路口新增两处公交站

■记者 陈红

本报讯 为方便沿线居民出行，西湖路口新增两处公交站台。新站台设有座椅和雨棚，方便老人候车。

## 南山农场草莓进入采摘季

■记者 李静

本报讯 南山农场的草莓进入采摘季，周末前来采摘的市民络绎不绝。农场负责人说，今年的草莓个头大、甜度高。

## 北门菜市场完成改造

■记者 王强

本报讯 北门菜市场改造完成后重新开门迎客。市场里的摊位重新规划，通道变宽了，地面也更干净了。
"""
"""Four short articles of our own, two sentences each: a render costs a few seconds."""

SMALL_TITLES = [
    "东河小学开放周末图书角",
    "西湖路口新增两处公交站",
    "南山农场草莓进入采摘季",
    "北门菜市场完成改造",
]


def render_small_page(write_page: WritePage, out: Path) -> tuple[int, str, dict[str, Any]]:
    args = [
        "render",
        str(write_page(SMALL_PAGE)),
        "--engine",
        "edge",
        "--date",
        "2025-03-14",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 3), result.output
    manifest = json.loads((out / "editions/2025-03-14/edition.json").read_text(encoding="utf-8"))
    return result.exit_code, result.stderr, manifest


def assert_every_published_sentence_whole(manifest: dict[str, Any], server: EdgeServer) -> None:
    for article in manifest["articles"]:
        for sentence in article["sentences"]:
            assert sentence["spoken"] in server.record.whole_texts, sentence
            assert is_whole(sentence["end"] - sentence["start"], sentence["spoken"]), sentence


@pytest.mark.usefixtures("fast_edge")
def test_sentences_cut_at_30_70_and_95_percent_never_reach_the_edition(
    server: EdgeServer,
    write_page: WritePage,
    tmp_path: Path,
) -> None:
    cuts = {"孩子们可以在这里借书": 0.3, "新站台设有座椅和雨棚": 0.7, "农场负责人说": 0.95}
    server.faults.always_cut = dict(cuts)
    exit_code, stderr, manifest = render_small_page(write_page, tmp_path / "out")
    assert exit_code == 3
    assert [article["title"] for article in manifest["articles"]] == SMALL_TITLES[3:]
    assert_every_published_sentence_whole(manifest, server)
    assert len(manifest["skipped"]) == 3
    for title, start, line in zip(SMALL_TITLES, cuts, manifest["skipped"], strict=False):
        assert line.startswith(f"skipped “{title}”: the online voice failed on “{start}"), line
        assert line in stderr
    for start in cuts:  # tried four times, cut every time, never cached as whole
        tried = [text for text in server.record.texts if text.startswith(start)]
        assert len(tried) == 4 and set(tried) <= set(server.record.cut_texts), tried


@pytest.mark.slow
@pytest.mark.parametrize(
    "server", [Faults(rotate=("forbid", "cut", "no_audio", "stall"), cut_at=0.5, stall_s=2)], indirect=True
)
@pytest.mark.usefixtures("fast_edge")
def test_a_render_against_a_misbehaving_service_is_whole_or_says_what_is_missing(
    server: EdgeServer,
    write_page: WritePage,
    tmp_path: Path,
) -> None:
    """Every 4th request in turn: 403, a stream closed halfway, no audio, a stall past the timeout."""
    exit_code, stderr, manifest = render_small_page(write_page, tmp_path / "out")
    assert server.record.cut_texts, "the server never cut a stream"
    assert server.record.handshakes >= len(set(server.record.texts)) + 4
    assert_every_published_sentence_whole(manifest, server)
    never_whole = [text for text in server.record.texts if text not in server.record.whole_texts]
    published = [article["title"] for article in manifest["articles"]]
    assert len(published) + len(manifest["skipped"]) == len(SMALL_TITLES)
    assert (exit_code == 3) == bool(manifest["skipped"])
    for line in manifest["skipped"]:
        assert any(f"failed on “{text[:20]}”" in line for text in never_whole), line
        assert line in stderr
