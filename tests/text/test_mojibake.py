"""Mojibake repairs: C1 controls back to cp1252 punctuation, byte-shifted GBK runs read again."""

from __future__ import annotations

import pytest

from audiopaper.text.mojibake import repair_c1_controls, repair_shifted_gbk


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说：\x93好。\x94", "他说：“好。”"),
        ("\x91单引号\x92与破折号\x97", "‘单引号’与破折号—"),
        ("没有控制字符。", "没有控制字符。"),
        ("无意义的\x81控制符", "无意义的控制符"),
    ],
)
def test_c1_controls_become_what_cp1252_meant(text: str, expected: str) -> None:
    assert repair_c1_controls(text)[0] == expected


def shifted(paragraph: str, lost: int) -> str:
    """A paragraph as a damaged GBK export decodes it: ``?`` + 0xA3, one trail byte lost."""
    data = b"?\xa3" + paragraph[:lost].encode("gbk") + paragraph[lost].encode("gbk")[:1] + b"?"
    return (data + paragraph[lost + 1 :].encode("gbk")).decode("gb18030")


def test_a_shifted_run_is_read_again_with_its_break() -> None:
    damaged = "第一段到此为止。" + shifted("市民们纷纷表示欢迎这项新措施。", 7)
    text, repairs = repair_shifted_gbk(damaged)
    assert text == "第一段到此为止。\n市民们纷纷表示迎这项新措施。"
    assert len(repairs) == 1


@pytest.mark.parametrize(
    "text",
    [
        "他问?Ｘ光片在哪里?医生说在桌上。",  # a real question mark before a full-width letter
        "真的吗?我不信?你再说一遍。",
        "没有问号的句子。",
    ],
)
def test_question_marks_in_good_text_are_left_alone(text: str) -> None:
    assert repair_shifted_gbk(text) == (text, [])
