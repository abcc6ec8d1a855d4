"""Tests for audiopaper.voice.truncation: when is an online clip a whole reading of its sentence."""

from __future__ import annotations

import pytest

from audiopaper.voice.truncation import (
    DECODER_SLACK_S,
    WordBoundary,
    completeness_problem,
    plausible,
    speech_units,
    uncovered_tail,
)


@pytest.mark.parametrize(
    ("text", "words", "tail"),
    [
        ("今天天气很好。", ["今天", "天气", "很", "好", "。"], ""),
        ("今天天气很好。", ["今", "天天气", "很好"], ""),  # the service's own word split
        ("今天天气很好。", ["今天", "天气"], "很好"),
        ("今天天气很好。", [], "今天天气很好"),
        ("“这个图标，点一下。”", ["“", "这个", "图标", "，", "点", "一下", "。", "”"], ""),
        ("引进ＧＤＰ和iPhone项目", ["引进", "GDP", "和", "IPHONE", "项目"], ""),  # width and case
        ("引进ＧＤＰ和iPhone项目", ["引进", "GDP", "和"], "iphone项目"),
        ("投资总额为100", ["投资", "总额", "为", "一百"], ""),  # a number in the service's words
        ("共计3000000000", ["共计", "三"], "3000000000"),  # too short to stand for the rest
        ("今年2024年", ["今年", "二零二四", "年"], ""),
        ("的确是他的", ["的"], "确是他的"),  # a repeated word is matched where it first comes
        ("……", [], ""),
        ("A&B公司", ["A&B", "公司"], ""),
    ],
)
def test_uncovered_tail(text: str, words: list[str], tail: str) -> None:
    assert uncovered_tail(text, words) == tail


SENTENCE = "港区内一家企业负责人告诉记者订单多了近三成。"
"""20 syllables: 4.0 s at 5 a second."""


def boundaries(*words: tuple[str, float, float]) -> list[WordBoundary]:
    return [WordBoundary(text, offset, duration) for text, offset, duration in words]


WHOLE = boundaries(
    ("港区内", 0.05, 0.6), ("一家", 0.65, 0.4), ("企业", 1.05, 0.4), ("负责人", 1.45, 0.6),
    ("告诉", 2.05, 0.4), ("记者", 2.45, 0.4), ("订单", 2.85, 0.4), ("多", 3.25, 0.2),
    ("了", 3.45, 0.2), ("近", 3.65, 0.2), ("三成", 3.85, 0.4), ("。", 4.25, 0.2),
)  # fmt: skip


@pytest.mark.parametrize(
    ("seconds", "words", "problem"),
    [
        (4.7, WHOLE, None),
        (4.45 - DECODER_SLACK_S + 0.001, WHOLE, None),  # the last word ends 4.45 s in
        (4.45 - DECODER_SLACK_S - 0.01, WHOLE, "inside the last word"),
        (3.0, WHOLE[:7], "“多了近三成” was never reached"),
        (4.7, [], "no word boundaries"),
        (1.5, boundaries(("港区内一家企业负责人告诉记者订单多了近三成", 0.05, 1.4)), "implausible"),
        (12.0, WHOLE, "implausible"),
    ],
    ids=[
        "whole",
        "within-slack",
        "cut-in-last-word",
        "cut-before-last-word",
        "no-boundaries",
        "too-fast",
        "too-slow",
    ],
)
def test_completeness(seconds: float, words: list[WordBoundary], problem: str | None) -> None:
    found = completeness_problem(SENTENCE, seconds, words)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@pytest.mark.parametrize(
    ("text", "units"),
    [("今天天气很好", 6), ("GDP增长", 5), ("iPhone", 3), ("Microsoft公司", 5), ("2025年", 5), ("，。“”", 0)],
)
def test_speech_units(text: str, units: int) -> None:
    assert speech_units(text) == units


@pytest.mark.parametrize(
    ("text", "seconds", "rate_factor", "ok"),
    [
        ("今天天气很好适合散步", 2.0, 1.0, True),
        ("今天天气很好适合散步", 2.6, 1.0, True),  # 4 a second with 0.1 s of silence
        ("今天天气很好适合散步", 1.2, 1.0, False),
        ("今天天气很好适合散步", 4.5, 1.0, False),
        ("今天天气很好适合散步", 4.5, 0.82, True),  # the elder profile's -18%
        ("字" * 52, 4.78, 1.0, False),  # the half sentence: 10.9 a second
        ("字" * 52, 10.7, 1.0, True),
        ("好", 0.4, 1.0, True),
    ],
)
def test_plausibility_band(text: str, seconds: float, rate_factor: float, ok: bool) -> None:
    assert plausible(text, seconds, rate_factor) is ok
