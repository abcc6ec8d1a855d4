"""Tests for audiopaper.text.line_roles: each role's rule as a table of lines of our own."""

from __future__ import annotations

import pytest

from audiopaper.text.line_roles import (
    DATELINE,
    LineRole,
    context_free_role,
    fold_full_width,
    is_heading_like,
    is_kicker,
    split_photo_credit,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("增长９７．８１％", "增长97.81%"),
        ("９００ｇ／罐", "900g/罐"),
        ("Ｘ－３７Ｂ飞行器", "X-37B飞行器"),
        ("他说：“好！”（完）", "他说：“好！”（完）"),
        ("今天，天气好；明天？", "今天，天气好；明天？"),
        ("　　段首缩进", "段首缩进"),
        ("北京　上海", "北京，上海"),
        ("１～３月", "1～3月"),
    ],
)
def test_fold_full_width(raw: str, folded: str) -> None:
    assert fold_full_width(raw) == folded


def test_ideographic_space_in_a_headline_stays_a_space() -> None:
    assert fold_full_width("老街　新貌", pause=" ") == "老街 新貌"


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("来源：江城日报 发布时间：2024-05-20", LineRole.FURNITURE),
        ("发布人：江城在线", LineRole.FURNITURE),
        ("责任编辑：李六", LineRole.FURNITURE),
        ("[字体：大 中 小] [打印] [关闭]", LineRole.FURNITURE),
        ("您的位置：首页 → 校园动态", LineRole.FURNITURE),
        ("江 城 日 报 版 权 所 有", LineRole.FURNITURE),
        ("上一篇 下一篇", LineRole.FURNITURE),
        ("（消息来源：江城晚报 编发：吴七）", LineRole.SOURCE_CREDIT),
        ("（来源：湿地公园管理处）", LineRole.SOURCE_CREDIT),
        ("晨报记者 林一 校对 王三", LineRole.SOURCE_CREDIT),
        ("$(document).ready(function() {", LineRole.MARKUP),
        ("INSERT INTO posts VALUES (1, '标题');", LineRole.MARKUP),
        ("&lt;p&gt;&lt;b&gt;举报&lt;/b&gt;", LineRole.MARKUP),
        ("周一 18 9 3", LineRole.FIGURES),
        ("东城区 45 21 46.7%", LineRole.FIGURES),
        ("600519 1688.00 +1.25%", LineRole.FIGURES),
        ("图为观鸟爱好者在湖边架起望远镜。", LineRole.CAPTION),
        ("市民在夜市品尝小吃。（吴桐 摄）", LineRole.CAPTION),
        (
            "时间：下午三点，地点在文化站，欢迎居民参加这次讲座，现场还有专家答疑和免费体检，名额有限先到先得。",
            LineRole.BODY,
        ),
        ("今年一季度新开工加装电梯128台，已有56台投入使用。", LineRole.BODY),
        ("记者了解到，首晚客流超过8000人次。", LineRole.BODY),
    ],
)
def test_context_free_roles(line: str, role: LineRole) -> None:
    assert context_free_role(line) is role


@pytest.mark.parametrize(
    ("line", "heading", "kicker"),
    [
        ("饭菜价格实惠", True, False),
        ("——专家提醒——", True, True),
        ("举报", True, True),
        ("“囤地”“抢粮”增加调控难度", True, False),
        ("近年来,港区围绕优化", False, False),
        ("这是一个完整的句子。", False, False),
        ("这是一行很长的没有标点的文字它超过了二十四个字所以是被分栏切断的正文", False, False),
    ],
)
def test_heading_like_and_kicker(line: str, heading: bool, kicker: bool) -> None:
    assert is_heading_like(line) is heading
    assert (heading and is_kicker(line)) is kicker


@pytest.mark.parametrize(
    ("text", "word", "credits", "reporter"),
    [
        ("本报讯（记者 王一）近日开会。", "本报讯", "记者 王一", None),
        ("晨报讯（记者 林一 通讯员 周二）3月5日上午", "晨报讯", "记者 林一 通讯员 周二", None),
        ("新华社广州1月21日电（记者郑天虹）广东省", "新华社广州1月21日电", "记者郑天虹", None),
        ("本报讯 记者何青报道：5月19日", "本报讯", None, "记者何青"),
        ("信息时报讯 高校开学", "信息时报讯", None, None),
    ],
)
def test_datelines(text: str, word: str, credits: str | None, reporter: str | None) -> None:
    match = DATELINE.match(text)
    assert match is not None
    assert (match.group("word"), match.group("credits"), match.group("reporter")) == (word, credits, reporter)


@pytest.mark.parametrize(
    ("caption", "words", "credit"),
    [
        ("市民在夜市品尝小吃。（吴桐 摄）", "市民在夜市品尝小吃。", "（吴桐 摄）"),
        ("图为湖边的白鹭 孙五 摄", "图为湖边的白鹭", "孙五 摄"),
        ("图为湖边的白鹭。", "图为湖边的白鹭。", ""),
    ],
)
def test_photo_credit_split(caption: str, words: str, credit: str) -> None:
    assert split_photo_credit(caption) == (words, credit)
