"""Tests for audiopaper.voice.phrasing: sentences cut into model-sized chunks."""

from __future__ import annotations

import pytest

from audiopaper.voice.phrasing import chunk_phrases, split_phrases


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


def test_chunks_join_phrases_up_to_the_limit_and_cut_long_runs_between_words() -> None:
    phrases = [("今天", 0.16), ("天气很好", 0.16), ("我们去公园散步", 0.0)]  # 2 + 4 + 7 characters
    assert chunk_phrases(phrases, max_chars=8) == [("今天，天气很好", 0.16), ("我们去公园散步", 0.0)]
    long_run = [("社区工作人员上门走访了解情况并帮助解决困难", 0.0)]
    words = ["社区", "工作人员", "上门", "走访", "了解情况", "并", "帮助", "解决困难"]
    pieces = chunk_phrases(long_run, max_chars=10, words=lambda run: words)
    assert "".join(p for p, _ in pieces).replace("，", "") == long_run[0][0]
    assert all(len(p) <= 10 for p, _ in pieces)
