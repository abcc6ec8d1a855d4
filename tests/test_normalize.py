"""Golden tests for audiopaper.normalize: what a presenter says for each token."""

from __future__ import annotations

import pytest

from audiopaper.normalize import normalize, pre_normalize, spell_latin


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("2025年度城乡居民医保", "二零二五年度城乡居民医保"),
        ("今年10月是第15个敬老月", "今年十月是第十五个敬老月"),
        ("第2篇", "第二篇"),
        ("项目总投资10.1亿元", "项目总投资十点一亿元"),
        ("占地面积349亩", "占地面积三百四十九亩"),
        ("集装箱吞吐量25万标箱", "集装箱吞吐量二十五万标箱"),
        ("同比增长12.6%", "同比增长百分之十二点六"),
        ("气温-5℃", "气温零下五摄氏度"),
        ("¥3.8亿元", "三点八亿元"),
        ("3—5月", "三到五月"),
        ("35微克/立方米", "三十五微克每立方米"),
        ("新增绿化面积约2.1万m²", "新增绿化面积约二点一万平方米"),
        ("上午8:30开始", "上午八点三十分开始"),
        ("拨打12345热线", "拨打幺二三四五热线"),
        ("C2产业链", "西二产业链"),
        ("GDP增长", "吉迪批增长"),
        ("全方位 多角度", "全方位，多角度"),
    ],
)
def test_normalize_for_the_offline_voice(text: str, spoken: str) -> None:
    assert normalize(text, spell_letters=True) == spoken


def test_letters_stay_for_a_voice_that_reads_english() -> None:
    assert normalize("5G基站", spell_letters=False) == "五G基站"


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        ("-5℃", "零下5℃"),
        ("¥3.8亿元", "3.8亿元"),
        ("¥120", "120元"),
        ("3—5月", "3到5月"),
        ("2万元/平方米", "2万元每平方米"),
    ],
)
def test_pre_rules(text: str, rewritten: str) -> None:
    assert pre_normalize(text) == rewritten


def test_spell_latin() -> None:
    assert spell_latin("APP和pm") == "诶批批和批艾姆"
