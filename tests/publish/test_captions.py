"""Tests for audiopaper.publish.captions: printed words, short lines, time shared by spoken length."""

from __future__ import annotations

import itertools

import pytest

from audiopaper.audio.timeline import Cue
from audiopaper.publish.captions import LINE_CHARS, split_cue, split_lines, transcript_vtt


@pytest.mark.parametrize(
    ("text", "lines"),
    [("短句。", ["短句。"]),
     ("咨询电话0573-85120000，欢迎来电。", ["咨询电话0573-85120000，", "欢迎来电。"]),
     ("今年以来，全区共发放消费券一千二百万元，带动消费增长百分之十。",
      ["今年以来，全区共发放消费券一千二", "百万元，带动消费增长百分之十。"]),
     ("增长12.6%，高于全省平均水平。", ["增长12.6%，高于全省平均水平。"]),
     ("第3篇，春季植树正当时 千余名志愿者添新绿。", ["第3篇，春季植树正当时", "千余名志愿者添新绿。"])],
)  # fmt: skip
def test_lines_are_short_balanced_and_keep_numbers_whole(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines
    assert "".join(lines) == text.replace(" ", "")  # a space where a line breaks is dropped


def test_long_sentence_becomes_cues_of_two_lines_timed_by_spoken_length() -> None:
    text = "一" * 30 + "，" + "2" * 9 + "，" + "三" * 30 + "。"
    cues = split_cue(
        Cue(text, "spoken", start_s=10.0, end_s=20.0), lambda piece: len(piece) * (3 if "2" in piece else 1)
    )
    assert all(len(c.text.split("\n")) <= 2 for c in cues)
    assert all(len(line) <= LINE_CHARS for c in cues for line in c.text.split("\n"))
    assert "".join(c.text.replace("\n", "") for c in cues) == text
    assert cues[0].start_s == 10.0 and cues[-1].end_s == 20.0
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(cues))
    # Worked out by hand: 31 characters; 9 digits, a comma and 26 characters, counted three
    # times as one piece (108); 5 characters. 144 units share the 10 s.
    assert [c.text.replace("\n", "") for c in cues] == [
        "一" * 30 + "，",
        "2" * 9 + "，" + "三" * 26,
        "三" * 4 + "。",
    ]
    assert [c.end_s - c.start_s for c in cues] == pytest.approx([10 * 31 / 144, 10 * 108 / 144, 10 * 5 / 144])


def test_vtt_shows_printed_digits_not_the_spoken_form() -> None:
    cue = Cue("热线0573-85120000。", "热线零五七三，八五幺二，零零零零。", start_s=1.0, end_s=4.0)
    vtt = transcript_vtt([cue], weigh=len)
    assert vtt == "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n热线0573-85120000。\n"
