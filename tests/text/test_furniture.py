"""Furniture rules (furniture.toml): each kind of furniture real pages print, and sentences left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.furniture import FurnitureRulesError, drop_furniture_blocks, furniture_rules, parse_rules
from audiopaper.text.page import Block, BlockKind

LINES = [
    ("字号 默认 大 超大", "interface string"),
    ("字号：大 中 小", "source, date or staff line"),
    ("加载更多", "interface string"),
    ("【打印】【关闭】", "interface string"),
    ("阅读数(15878）", "interface string"),
    ("扫一扫在手机打开当前页", "interface string"),
    ("上一篇：全市春耕生产全面展开", "interface string"),
    ("首页 > 时政新闻 > 江门七旬阿婆接来电称其涉黑被骗上百万！", "breadcrumb"),
    ("编辑：赵七　责编：陈八　审核：林九", "source, date or staff line"),
    ("责任编辑： 尹十", "source, date or staff line"),
    ("+1责任编辑：尹十", "source, date or staff line"),
    ("出品︱江城网融媒体中心", "source, date or staff line"),
    ("监制丨王一 策划丨李二", "source, date or staff line"),
    ("审核 林九", "source, date or staff line"),
    ("本文来源：证券市场周刊", "source, date or staff line"),
    ("原标题：视界丨这个地方为何让老外说“了不得”？", "original headline"),
    ("本作品为“科普天地”原创，转载时务请注明出处。", "copyright notice"),
    ("版权作品，请勿转载", "copyright notice"),
    ("請加入成為本報的月費訂戶，長期支持我們的工作。", "subscription appeal"),
    ("长按二维码关注我们", "subscription appeal"),
    ("人 民 网 版 权 所 有", "letter-spaced words"),
    ("题：积极因素不断增多 外贸向好态势进一步巩固", "restated headline"),
    ("关键字： LPR", "source, date or staff line"),
    ("审读：崔向升", "source, date or staff line"),
    ("审 读：崔向升", "source, date or staff line"),
    ("总监制：邹 明", "source, date or staff line"),
    ("文/栗思", "source, date or staff line"),
    ("进入【新浪财经股吧】讨论", "interface string"),
]

SENTENCES = [
    "时间：下午三点，地点在市民广场，欢迎市民参加。",
    "编辑部的同事们连夜赶稿，终于在凌晨完成了改版。",
    "首页设计简洁明了，读者反映很好。",
    "他加入成为志愿者已经十年了，今年又被评为优秀志愿者。",
    "相关新闻报道称，今年的灯会吸引了十万游客。",
    "会议要求，各街道要为志愿者提供场地和培训。",
]


@pytest.mark.parametrize(("line", "rule"), LINES)
def test_furniture_lines_are_named_by_their_rule(line: str, rule: str) -> None:
    assert furniture_rules().line_rule(line) == rule


@pytest.mark.parametrize("sentence", SENTENCES)
def test_article_sentences_are_not_furniture(sentence: str) -> None:
    rules = furniture_rules()
    assert rules.line_rule(sentence) is None
    assert rules.block_rule(sentence) is None
    assert rules.credit(sentence) is None


@pytest.mark.parametrize(
    ("header", "rule"),
    [
        ("其他人也在看", "recommendation list"),
        ("你可能還想看", "recommendation list"),
        ("推荐阅读：河西交警：九月起整治电动车违法行为", "recommendation list"),
        ("理论新闻精选：", "recommendation list"),
        ("相关推荐", "recommendation list"),
        ("新闻评论", "comments"),
        ("最热评论", "comments"),
        ("最新评论(12)", "comments"),
        ("為什麼顯示這個廣告？", "feedback panel"),
    ],
)
def test_block_headers(header: str, rule: str) -> None:
    assert furniture_rules().block_rule(header) == rule


@pytest.mark.parametrize(
    ("line", "before", "credit"),
    [
        ("城市摄影队 周斌 摄", "", "城市摄影队 周斌 摄"),
        ("雨游黄鹤楼照样开心。城市摄影队 周斌 摄", "雨游黄鹤楼照样开心。", "城市摄影队 周斌 摄"),
        ("十月四日，旅游专列开往襄阳。通讯员刘娟 摄", "十月四日，旅游专列开往襄阳。", "通讯员刘娟 摄"),
        ("灯光版《清明上河图》（王一 摄）", "灯光版《清明上河图》", "（王一 摄）"),
        ("故宫博物院供图", "", "故宫博物院供图"),
        ("共享充电宝。视觉中国 资料", "共享充电宝。", "视觉中国 资料"),
        ("图片来源：视觉中国", "", "图片来源：视觉中国"),
        ("摄影/张艳", "", "摄影/张艳"),
        ("图片均来自网络", "", "图片均来自网络"),
        ("（总台央视记者 奚丹霓 张赛）", "", "（总台央视记者 奚丹霓 张赛）"),
        ("新华社记者邹多为、唐诗凝、丁乐", "", "新华社记者邹多为、唐诗凝、丁乐"),
        ("澎湃新闻记者 段彦超 廖艳", "", "澎湃新闻记者 段彦超 廖艳"),
        ("（来源：人民日报）", "", "（来源：人民日报）"),
        ("《光明日报》（2024年05月20日 03版）", "", "《光明日报》（2024年05月20日 03版）"),
        ("2005年8月25日（来源：上海证券报）", "", "2005年8月25日（来源：上海证券报）"),
    ],
)
def test_credits_are_found_whole_or_at_a_captions_end(line: str, before: str, credit: str) -> None:
    found = furniture_rules().credit(line)
    assert found is not None
    assert found[1:] == (before, credit)


def test_link_marks_are_cut_from_inside_a_line() -> None:
    text, cut = furniture_rules().cut_marks("谢娜(微博)和张杰(微信号：dazuozone)亮相，更多见【详细】")
    assert text == "谢娜和张杰亮相，更多见"
    assert [mark for _, mark in cut] == ["(微博)", "(微信号：dazuozone)", "【详细】"]
    assert furniture_rules().cut_marks("（编辑：小何）返回搜狐，查看更多") == (
        "（编辑：小何）",
        [("interface string", "返回搜狐，查看更多")],
    )


def test_a_recommendation_block_is_dropped_to_the_next_headline_in_one_proof_line() -> None:
    blocks = [
        Block(BlockKind.HEADLINE, "港队接力夺铜牌", 2, 1),
        Block(BlockKind.TEXT, "港队今天夺得铜牌。", 0, 2),
        Block(BlockKind.TEXT, "其他人也在看", 0, 3),
        Block(BlockKind.TEXT, "天文台表示，低压槽会带来狂风骤雨。", 0, 4),
        Block(BlockKind.TEXT, "政府宣布下月起调整票价。", 0, 5),
        Block(BlockKind.HEADLINE, "第二篇", 2, 6),
        Block(BlockKind.TEXT, "第二篇的正文。", 0, 7),
    ]
    changes: list[Change] = []
    kept = drop_furniture_blocks(blocks, changes)
    assert [b.line for b in kept] == [1, 2, 6, 7]
    assert [(c.kind, c.detail) for c in changes] == [
        (ChangeKind.FURNITURE, "line 3 (recommendation list): “其他人也在看” and the 2 lines after it")
    ]
    assert "政府宣布下月起调整票价。" in changes[0].text


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"rule": [{"name": "x", "kind": "page", "patterns": ["a"]}]}, "needs a name, a kind"),
        ({"rule": [{"name": "x", "kind": "line", "patterns": ["(unclosed"]}]}, "is not a regular expression"),
        ({"rule": {"name": "x"}}, "must be an array"),
    ],
)
def test_broken_rules_are_refused_with_what_is_wrong(document: dict[str, object], message: str) -> None:
    with pytest.raises(FurnitureRulesError, match=message):
        parse_rules(document, "furniture.toml")


def test_an_editor_can_add_a_rule_without_code(tmp_path: Path) -> None:
    rules_file = tmp_path / "furniture.toml"
    rules_file.write_text(
        "[[rule]]\nname = 'house slogan'\nkind = 'line'\npatterns = ['^江城网，江城人的网$']\n"
    )
    assert furniture_rules(rules_file).line_rule("江城网，江城人的网") is None  # a sentence: not by default
    rules_file.write_text(rules_file.read_text() + "sentences = true\n")
    furniture_rules.cache_clear()
    assert furniture_rules(rules_file).line_rule("江城网，江城人的网") == "house slogan"
    furniture_rules.cache_clear()
