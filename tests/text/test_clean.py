"""Tests for audiopaper.text.clean: each kind of print damage, on small pages of our own."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audiopaper.errors import NoArticlesError
from audiopaper.text.clean import ChangeKind, clean_pages, parse_byline, repair_inline, split_dateline
from audiopaper.text.ingest import Page, read_page, split_blocks
from tests.conftest import WritePage


def clean_text(text: str, *, lead_first: bool = True):  # type: ignore[no-untyped-def]
    return clean_pages([Page("test", "utf-8", split_blocks(text))], lead_first=lead_first)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("近日,港区召开会议", "近日，港区召开会议"),
        ("他说:好的", "他说：好的"),
        ("真的吗?是的!", "真的吗？是的！"),
        ("甲;乙", "甲；乙"),
        ("集装箱(空箱)的物流量", "集装箱（空箱）的物流量"),
        ("属于C<sub>2</sub>产业链", "属于C2产业链"),
        ("面积2.1万m<sup>2</sup>", "面积2.1万m²"),
        ("<b>加粗</b>文字", "加粗文字"),
        ("■本报讯 近日", "本报讯近日"),
        ("小区 物业 管理", "小区物业管理"),
        ("时间8:30开始", "时间8:30开始"),
        ("共1,200人", "共1,200人"),
        ("A&amp;B公司", "A&B公司"),
        ("版本(v2)", "版本(v2)"),
    ],
)
def test_repair_inline(raw: str, expected: str) -> None:
    assert repair_inline(raw) == expected


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("记者 王一 通讯员 李二", "记者 王一 通讯员 李二"),
        ("本报记者 张三", "本报记者 张三"),
        ("摄影 记者 赵四 通讯员 钱五", "摄影 记者 赵四 通讯员 钱五"),
        ("记者了解到，今年以来", None),
        ("记者从港区获悉，今年一季度外贸增长。", None),
        ("本报讯 近日", None),
    ],
)
def test_parse_byline(line: str, byline: str | None) -> None:
    assert parse_byline(line) == byline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本报讯 近日，镇里开会。", (True, None, "近日，镇里开会。")),
        (
            "本报讯（记者 王一 通讯员 李二）近日开会。",
            (True, "记者 王一 通讯员 李二", "近日开会。"),
        ),
        ("本报讯(记者 王一)近日开会。", (True, "记者 王一", "近日开会。")),
        ("近日，镇里开会。", (False, None, "近日，镇里开会。")),
    ],
)
def test_split_dateline(text: str, expected: tuple[bool, str | None, str]) -> None:
    assert split_dateline(text) == expected


def test_articles_titles_bylines_and_dateline() -> None:
    result = clean_text(
        "## 河边 新修步道\n\n■记者 王一 通讯员 李二\n\n本报讯 近日,河边新修了一条步道。\n\n居民都说好。\n"
    )
    (article,) = result.articles
    assert article.title == "河边 新修步道"
    assert article.byline == "记者 王一 通讯员 李二"
    assert article.paragraphs == ("近日，河边新修了一条步道。", "居民都说好。")


def test_column_break_is_joined() -> None:
    result = clean_text("## 标题\n\n本报讯 镇里今年新建了三座\n\n口袋公园，方便居民休闲。\n")
    assert result.articles[0].paragraphs == ("镇里今年新建了三座口袋公园，方便居民休闲。",)
    assert any(c.kind is ChangeKind.JOINED for c in result.changes)


def test_lead_story_first_unless_source_order() -> None:
    page = "## 二版消息\n\n正文一。\n\n# 头条消息\n\n正文二。\n"
    assert [a.title for a in clean_text(page).articles] == ["头条消息", "二版消息"]
    assert [a.title for a in clean_text(page, lead_first=False).articles] == [
        "二版消息",
        "头条消息",
    ]


def test_photo_item_is_its_own_short_article() -> None:
    result = clean_text(
        "## 桃花 盛开\n\n春风里，湖边的桃花开了，引来不少市民拍照。\n\n■摄影 记者 赵四\n\n## 下一条\n\n正文。\n"
    )
    photo = result.articles[0]
    assert photo.is_photo
    assert photo.byline == "摄影 记者 赵四"
    assert photo.paragraphs == ("春风里，湖边的桃花开了，引来不少市民拍照。",)


REPEATED = "社区志愿服务队每周都会上门看望独居老人，帮他们打扫卫生、检查水电燃气是否安全。"


def test_byline_mid_article_starts_new_article_and_orphan_headline_is_reattached() -> None:
    page = (
        "## 菜市场改造完成\n\n■记者 王一\n\n本报讯 老菜市场改造完成，摊位整齐，地面干净，买菜的居民多了起来。\n\n"
        "■记者 李二 通讯员 周三\n\n本报讯 新成立的志愿服务队走进独居老人家中，送去关心和帮助。\n\n"
        f"{REPEATED}\n\n"
        "## 志愿服务队 走进独居老人家\n"
    )
    result = clean_text(page)
    assert [a.title for a in result.articles] == ["菜市场改造完成", "志愿服务队 走进独居老人家"]
    assert result.articles[1].byline == "记者 李二 通讯员 周三"
    kinds = {c.kind for c in result.changes}
    assert {ChangeKind.SPLIT, ChangeKind.REATTACHED} <= kinds


def test_paragraph_printed_in_wrong_article_is_kept_where_it_fits() -> None:
    page = (
        "## 新建口袋公园\n\n本报讯 镇里新建口袋公园三座，公园里种了樱花和桂花，傍晚散步的人很多。\n\n"
        f"{REPEATED}\n\n公园还设置了儿童游乐区，孩子们玩得很开心，公园很热闹。\n\n"
        "## 志愿服务 暖了老人心\n\n本报讯 志愿服务队成立一年来，服务独居老人两百多人次。\n\n"
        f"{REPEATED}\n\n老人们说，有志愿者上门看望，心里踏实多了。\n"
    )
    result = clean_text(page)
    park, volunteers = result.articles
    assert REPEATED not in "".join(park.paragraphs)
    assert "".join(volunteers.paragraphs).count(REPEATED) == 1


def test_partial_repeat_of_32_chars_is_removed_but_short_repeats_stay() -> None:
    office = "青梅镇社会治理综合服务中心"  # 13 characters: a name, rightly repeated
    page = (
        f"## 标题\n\n本报讯 {office}今天开放。{REPEATED}\n\n"
        f"居民可以到{office}咨询。另外，{REPEATED[:40]}\n\n最后一段。\n"
    )
    result = clean_text(page)
    text = "".join(result.articles[0].paragraphs)
    assert text.count(office) == 2
    assert text.count(REPEATED[:32]) == 1
    assert any(c.kind is ChangeKind.DUPLICATE_REMOVED for c in result.changes)


@pytest.mark.parametrize("page", ["", "只有正文，没有标题。\n", "## 只有标题\n"])
def test_pages_without_articles_are_refused(page: str) -> None:
    with pytest.raises(NoArticlesError, match="no articles"):
        clean_text(page)


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("#■本报讯记者通讯员 \n，。,:()<>sub/近日港区居民“”0123456789C")),
        max_size=400,
    )
)
def test_cleaner_never_crashes(text: str) -> None:
    try:
        result = clean_text(text)
    except NoArticlesError:
        return
    for article in result.articles:
        assert article.title
        assert all(p.strip() for p in article.paragraphs)
        assert all("<sub>" not in p for p in article.paragraphs)


SAMPLE_TITLES_SHA256 = "4f02456015baf425cb452aa0f9a8198d24adb2ab7daea30816716fa8802c889c"
"""The sample page's eight headlines, joined by newlines in the cleaner's order (lead story first):
an exact check that does not copy the paper's text into the repository."""


def test_sample_page_cleans_to_eight_articles(sample_page: Path) -> None:
    result = clean_pages([read_page(sample_page)])
    titles = [a.title for a in result.articles]
    assert len(titles) == 8
    assert titles[0].startswith("入选首批国家级创新试点")
    safety = next(a for a in result.articles if "平安三率" in a.title)
    assert safety.title == "全方位 多角度 港区深入推进“平安三率”宣传工作"
    assert "".join(safety.paragraphs).count("“半小时”的志愿服务队") == 1
    logistics = next(a for a in result.articles if "六里桥" in a.title)
    assert "平安三率" not in "".join(logistics.paragraphs)
    everything = "".join(p for a in result.articles for p in a.paragraphs)
    assert "<sub>" not in everything and "■" not in everything and "本报讯" not in everything
    assert hashlib.sha256("\n".join(titles).encode()).hexdigest() == SAMPLE_TITLES_SHA256


def test_truncated_copy_in_the_wrong_article_is_removed_even_when_it_comes_first() -> None:
    long_paragraph = REPEATED + "志愿者还会陪老人聊天，读报纸，帮忙预约体检，遇到困难及时向社区反映。"
    cut_copy = long_paragraph[:-8]  # a column break cut the stray copy short
    page = (
        "## 新建口袋公园\n\n本报讯 镇里新建口袋公园三座，公园里种了樱花和桂花，傍晚散步的人很多。\n\n"
        f"{cut_copy}\n\n公园还设置了儿童游乐区，孩子们玩得很开心。\n\n"
        "## 志愿服务 暖了老人心\n\n本报讯 志愿服务队成立一年来，服务独居老人两百多人次。\n\n"
        f"{long_paragraph}\n\n老人们说，有志愿服务队上门看望，心里踏实多了。\n"
    )
    park, volunteers = clean_text(page).articles
    assert "志愿服务队每周" not in "".join(park.paragraphs)
    assert long_paragraph in volunteers.paragraphs


def test_text_repeated_across_pages_is_spoken_once(write_page: WritePage) -> None:
    first = write_page(f"## 一版\n\n本报讯 {REPEATED}\n", "one.md")
    second = write_page(f"## 二版\n\n本报讯 今天的新闻。{REPEATED}还有别的内容。\n", "two.md")
    result = clean_pages([read_page(first), read_page(second)])
    assert [a.title for a in result.articles] == ["一版", "二版"]
    assert "".join(p for a in result.articles for p in a.paragraphs).count(REPEATED[:32]) == 1


def longest_repeated_run(texts: list[str]) -> int:
    """Length of the longest run of Chinese characters that occurs twice across ``texts``."""
    import re

    chars = "\u0000".join("".join(re.findall(r"[\u4e00-\u9fff]", t)) for t in texts)
    low, high = 0, len(chars)
    while low < high:  # binary search on the run length
        mid = (low + high + 1) // 2
        seen: set[str] = set()
        found = False
        for i in range(len(chars) - mid + 1):
            run = chars[i : i + mid]
            if "\u0000" in run:
                continue
            if run in seen:
                found = True
                break
            seen.add(run)
        low, high = (mid, high) if found else (low, mid - 1)
    return low


def test_sample_page_speaks_no_32_character_run_twice(sample_page: Path) -> None:
    result = clean_pages([read_page(sample_page)])
    paragraphs = [p for a in result.articles for p in a.paragraphs]
    assert longest_repeated_run(paragraphs) < 32
    assert longest_repeated_run(paragraphs) >= 20  # the office name printed twice, rightly, stays


@pytest.mark.parametrize(
    ("text", "kept", "removed"),
    [
        ("图为湖边的白鹭。图为湖边的白鹭。", "图为湖边的白鹭。", ["图为湖边的白鹭。"]),
        ("一名家长情绪激动一名家长情绪激动", "一名家长情绪激动", ["一名家长情绪激动"]),
        ("好好好好", "好好好好", []),
        ("他说好。他说好。", "他说好。他说好。", []),  # under four characters: style, not a repeat
        ("第一句话在这里。第二句话在这里。", "第一句话在这里。第二句话在这里。", []),
    ],
)
def test_back_to_back_repeat_read_once(text: str, kept: str, removed: list[str]) -> None:
    from audiopaper.text.duplicates import read_once

    assert read_once(text) == (kept, removed)


def test_plain_lines_between_sentences_are_not_joined_but_column_breaks_are() -> None:
    page = "## 标题\n\n本报讯 镇里新建了三座\n\n口袋公园，方便居民休闲。\n\n公园分区建设\n\n每座公园都有儿童区。\n"
    result = clean_text(page)
    assert result.articles[0].paragraphs == (
        "镇里新建了三座口袋公园，方便居民休闲。",
        "公园分区建设",
        "每座公园都有儿童区。",
    )


def test_long_digit_run_is_cut_and_listed() -> None:
    result = clean_text("## 标题\n\n本报讯 今天的数据是" + "7" * 500 + "，请注意。\n")
    assert result.articles[0].paragraphs == ("今天的数据是，请注意。",)
    (figures,) = [c for c in result.changes if c.kind is ChangeKind.FIGURES]
    assert figures.text == "7" * 500
