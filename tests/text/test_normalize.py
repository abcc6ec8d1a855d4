"""Golden tests for audiopaper.text.normalize: what a presenter says for each token.

Every pair was written for this project and checked by ear and eye, not generated blindly:
years digit by digit, cardinals with measure words, phone numbers grouped with 幺, ranges
with 到, 零下 for temperatures, 每 for per-unit slashes, letters spelled for the offline voice.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from audiopaper.errors import ProfileError
from audiopaper.text.lexicon import LEXICON_FILE, load_lexicon, parse_lexicon
from audiopaper.text.normalize import normalize, pre_normalize, read_digits, spell_latin, spelled_words

GOLDEN_FILE = Path(__file__).with_name("golden_pairs.tsv")
LEXICON = load_lexicon(Path(__file__).parents[2] / "voices" / LEXICON_FILE)
RULES_AT_LEAST_THREE = (
    "two-er", "two-liang", "year-title", "year-brackets", "year-range", "date-range",
    "em-dash-range", "place", "code", "per-unit", "money-per", "spacing", "acronym", "lexicon",
    "spelled", "fullwidth", "hotline", "yuan", "pressure", "temperature",
)  # fmt: skip


def _golden() -> list[tuple[str, str, str]]:
    rows = []
    for line in GOLDEN_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rule, text, spoken = line.split("\t")
            rows.append((rule, text, spoken))
    return rows


GOLDEN = _golden()


@pytest.mark.parametrize(("rule", "text", "spoken"), GOLDEN)
def test_golden_for_the_offline_voice(rule: str, text: str, spoken: str) -> None:
    assert normalize(text, spell_letters=True, lexicon=LEXICON) == spoken, rule


def test_golden_table_is_large_and_clean() -> None:
    assert len(GOLDEN) >= 200
    counts = Counter(rule for rule, _, _ in GOLDEN)
    for rule in RULES_AT_LEAST_THREE:
        assert counts[rule] >= 3, rule
    assert len({text for _, text, _ in GOLDEN}) == len(GOLDEN), "a printed text appears twice"
    for _, _, spoken in GOLDEN:
        assert not re.search(r"[0-9A-Za-z]", spoken), spoken
        assert not re.search(r"[!-/:-@\[-`{-~]", spoken), spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("5G基站", "五G基站"),
        ("下载APP", "下载APP"),
        ("PM2.5浓度", "PM二点五浓度"),
        ("将在 Netflix 上线", "将在Netflix上线"),
        ("据WHO统计", "据WHO统计"),
        ("在Netflix and Spotify上", "在Netflix and Spotify上"),
        ("iPhone 15发布", "iPhone 十五发布"),
    ],
)
def test_latin_words_go_through_as_written_for_a_voice_that_reads_english(text: str, spoken: str) -> None:
    assert normalize(text, spell_letters=False, lexicon=LEXICON) == spoken


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        ("-5℃", "零下5℃"),
        ("¥3.8亿元", "3.8亿元"),
        ("¥120", "120元"),
        ("3—5月", "3到5月"),
        ("2万元/平方米", "2万元每平方米"),
        ("1,200元", "1200元"),
        ("2025-03-14", "2025年3月14日"),
        ("２０１１－０８－２３", "2011年8月23日"),
        ("高达 9000 万", "高达9000万"),
        ("620—2路", "六二零杠二路"),
        ("1994年—2001年", "1994年到2001年"),
        ("10mg/kg", "10毫克每千克"),
        ("20元/人/天", "每人每天20元"),
        ("7月2日", "7月二日"),
        ("2包", "两包"),
    ],
)
def test_pre_rules(text: str, rewritten: str) -> None:
    assert pre_normalize(text) == rewritten


def test_read_digits_and_spell_latin() -> None:
    assert read_digits("110") == "幺幺零"
    assert read_digits("2025", phone=False) == "二零二五"
    assert spell_latin("APP和pm") == "诶批批和批艾姆"
    assert spell_latin("Z") == "泽德"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("将在Netflix和Spotify上线，GDP增长5%", ("Spotify",)),
        ("重5kg，时速80km/h，PM2.5", ()),
        ("Keep和keep都要拼读，Keep只列一次", ("Keep", "keep")),
        ("全长3公里", ()),
    ],
)
def test_spelled_words_are_the_ones_an_editor_should_add(text: str, words: tuple[str, ...]) -> None:
    assert spelled_words(text, LEXICON) == words


def test_capitalised_lexicon_words_match_only_in_capitals() -> None:
    lexicon = parse_lexicon('[latin]\n"WHO" = { say = "世卫组织" }\n"Netflix" = { say = "奈飞" }', "test")
    assert normalize("WHO说who", spell_letters=True, lexicon=lexicon) == "世卫组织说达布留艾尺欧"
    assert normalize("netflix", spell_letters=True, lexicon=lexicon) == "奈飞"
    assert lexicon.find("据WHO统计") == ("WHO",)


@pytest.mark.parametrize(
    "entry",
    ['"奈飞" = { say = "奈飞" }', '"Netflix" = { say = "Netflix" }', '"Netflix" = { pinyin = "nai4 fei1" }'],
)
def test_bad_latin_entries_are_refused(entry: str) -> None:
    with pytest.raises(ProfileError, match="invalid lexicon"):
        parse_lexicon(f"[latin]\n{entry}", "test.toml")


def test_the_shipped_lexicon_reads_letter_names_right() -> None:
    entry = next(e for e in LEXICON.entries if e.word == "艾勒")
    assert entry.pinyin == ("ai4", "le4")
