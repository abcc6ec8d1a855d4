"""Tests for audiopaper.text.script: sentence shaping and the spoken frame."""

from __future__ import annotations

from datetime import date

import pytest

from audiopaper.text.clean import Article
from audiopaper.text.lexicon import parse_lexicon
from audiopaper.text.script import (
    SpeechOptions,
    build_script,
    cut_long,
    edition_frame,
    hard_wrap,
    is_key_fact,
    shape_paragraph,
    speak_title,
    split_sentences,
)

OPTIONS = SpeechOptions(spell_letters=True)


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("今天开会。明天放假！", ["今天开会。", "明天放假！"]),
        ("他说：“我们明天出发。”大家都笑了。", ["他说：“我们明天出发。”", "大家都笑了。"]),
        ("真的吗？真的；好吧……最后一句", ["真的吗？", "真的；", "好吧……", "最后一句"]),
        ("没有句号的一段话", ["没有句号的一段话"]),
    ],
)
def test_split_sentences_keeps_closing_quotes(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_short_fragments_are_merged() -> None:
    assert shape_paragraph("好。今天我们召开全体会议。", 60) == ["好。今天我们召开全体会议。"]


def test_long_sentence_is_cut_at_commas_outside_quotes() -> None:
    sentence = "，".join(["社区工作人员上门走访了解情况"] * 6) + "。"
    pieces = cut_long(sentence, 40)
    assert "".join(pieces) == sentence
    assert all(len(p) <= 40 for p in pieces)
    assert all(p.endswith(("，", "。")) for p in pieces)


def test_quotation_is_never_cut() -> None:
    quote = "“" + "，".join(["大家一起努力把家园建设好"] * 6) + "。”"
    assert cut_long(quote, 30) == [quote]


def test_option_validation() -> None:
    with pytest.raises(ValueError, match="target_sentence_chars"):
        SpeechOptions(spell_letters=True, target_sentence_chars=5)
    with pytest.raises(ValueError, match="engine_limit_chars"):
        SpeechOptions(spell_letters=True, target_sentence_chars=60, engine_limit_chars=40)


def test_script_spoken_text_and_paragraph_index() -> None:
    article = Article(
        title="新闻 标题",
        byline=None,
        paragraphs=("今年共种树3500株。", "第2段来了，很长的一段话。"),
    )
    (item,) = build_script([article], OPTIONS).articles
    assert item.title_spoken == "新闻，标题"
    assert [(s.text, s.spoken, s.paragraph) for s in item.sentences] == [
        ("今年共种树3500株。", "今年共种树三千五百株。", 0),
        ("第2段来了，很长的一段话。", "第二段来了，很长的一段话。", 1),
    ]


def test_two_line_headline_is_one_spoken_title() -> None:
    assert speak_title("入选首批试点—— 港区：力推审核", OPTIONS) == "入选首批试点，港区：力推审核"


def test_edition_frame() -> None:
    frame = edition_frame(["甲新闻", "乙新闻"], paper="青梅日报", day=date(2025, 3, 14), options=OPTIONS)
    assert frame.intro == "欢迎收听青梅日报。今天是二零二五年三月十四日，星期五。本期共有两篇报道。"
    assert frame.toc == ("本期导读。", "第一篇，甲新闻。", "第二篇，乙新闻。")
    assert frame.announcements == ("第一篇", "第二篇")
    assert "青梅日报" in frame.outro


LEXICON = parse_lexicon(
    '[words]\n"乍浦" = { pinyin = "zha4 pu3", say = "炸普" }\n"嘉兴港" = { pinyin = "jia1 xing1 gang3" }\n',
    "test",
)


def test_lexicon_words_are_recorded_and_respelled_only_for_text_voices() -> None:
    article = Article(title="标题", byline=None, paragraphs=("嘉兴港区乍浦镇举行活动。",))
    offline = SpeechOptions(spell_letters=True, lexicon=LEXICON)
    (sentence,) = build_script([article], offline).articles[0].sentences
    assert sentence.spoken == "嘉兴港区乍浦镇举行活动。"
    assert sentence.lexicon == ("嘉兴港", "乍浦")
    text_voice = SpeechOptions(spell_letters=False, respell=True, lexicon=LEXICON)
    (sentence,) = build_script([article], text_voice).articles[0].sentences
    assert sentence.spoken == "嘉兴港区炸普镇举行活动。"


def test_engine_limit_is_never_exceeded_even_inside_quotations() -> None:
    quote = "“" + "，".join(["大家一起努力把家园建设好"] * 10) + "。”"
    options = SpeechOptions(spell_letters=True, target_sentence_chars=40, engine_limit_chars=50)
    article = Article(title="标题", byline=None, paragraphs=(quote, "二" * 120 + "。"))
    sentences = build_script([article], options).articles[0].sentences
    assert all(len(s.spoken) <= 50 for s in sentences)
    assert "".join(s.text for s in sentences) == quote + "二" * 120 + "。"


def test_hard_wrap_never_cuts_a_number() -> None:
    pieces = hard_wrap("共" + "1234567890" + "人" * 30, 20)
    assert "".join(pieces) == "共1234567890" + "人" * 30
    assert any("1234567890" in p for p in pieces)


@pytest.mark.parametrize(
    ("sentence", "key"),
    [
        ("有意报名的居民可拨打0573-85123456咨询。", True),
        ("咨询热线12345。", True),
        ("手机13912345678。", True),
        ("下一期将于4月9日开课。", True),
        ("报名截止到3月20日。", True),
        ("办理地点位于人民路18号。", True),
        ("3月8日，植树活动在公园举行。", False),
        ("今年共种树3500株。", False),
    ],
)
def test_key_facts(sentence: str, key: bool) -> None:
    assert is_key_fact(sentence) is key


def test_elder_profile_repeats_key_facts_after_the_article() -> None:
    article = Article(
        title="课堂开课",
        byline=None,
        paragraphs=("社区开设手机课堂。", "下一期将于4月9日开课，欢迎报名。", "课堂很受欢迎。"),
    )
    options = SpeechOptions(spell_letters=True, repeat_key_facts=True)
    sentences = build_script([article], options).articles[0].sentences
    assert [s.spoken for s in sentences[-1:]] == ["再说一遍：下一期将于四月九日开课，欢迎报名。"]
    assert sentences[-1].paragraph == 3
    plain = build_script([article], SpeechOptions(spell_letters=True)).articles[0].sentences
    assert len(plain) == len(sentences) - 1
