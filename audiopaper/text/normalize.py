"""Text normalization for speech: what a Chinese news presenter would say for each token.

``wetext`` (WeTextProcessing's runtime with prebuilt grammars) does most of the work. The
rules here run in front of it for what it is measured to get wrong on news text (see
DESIGN.md and research/mandarin.md): phone numbers and hotlines, ISO dates, dash ranges,
negative temperatures, the ¥ sign, per-unit slashes, blood pressure, Latin units, codes
such as 551X, ‰ and +. A last pass spells what is left (Latin letters for a voice with no
English phones, stray digits) and removes ASCII punctuation, so that nothing reaches the
engine that it would drop or misread.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from audiopaper.memo import library_namespace, recall
from audiopaper.text.latin import spell_latin, words_to_spell
from audiopaper.text.lexicon import EMPTY_LEXICON, Lexicon
from audiopaper.text.numbers import (
    CODE_RULES,
    DATE_RULES,
    MEASURE_CHARS,
    PHONE_DIGITS,
    PLACE_AND_UNIT_RULES,
    PLAIN_DIGITS,
    TWO_RULES,
    fold_fullwidth,
    join_spaced,
)
from audiopaper.text.readings import context_rules, reading_lists
from audiopaper.text.rewrites import Rewrite, rewrite, rewrites

__all__ = ["normalize", "pre_normalize", "read_digits", "spell_latin", "spelled_words"]

UNITS: tuple[tuple[str, str], ...] = reading_lists().units
"""Latin unit symbols after a number, longest first, and how they are read (readings.toml)."""

_UNIT = r"(?<=[\d²³万亿])\s*(" + "|".join(re.escape(u) for u, _ in UNITS) + r")(?![A-Za-z])"
_UNIT_NAMES = dict(UNITS)
_SUPERSCRIPT_UNITS = {"²": "平方", "³": "立方"}

_HOTLINE_CONTEXT = "热线|电话|拨打|致电|报警|急救|求助|咨询|投诉|举报|服务台|号码"
_SERVICE_NUMBER = (
    r"(?<![\d.])(1[0-2]\d{3}|9[56]\d{3}|400\d{7}|800\d{7})(?![\d.])(?!\s*[" + MEASURE_CHARS + r"%‰])"
)
_PER_UNIT = (
    r"/(?=(?:平方|立方)?(?:米|公里|千米|厘米|克|千克|公斤|吨|人|户|亩|天|日|小时|年|月"
    r"|次|件|台|升|毫升|微克|秒|分钟|度|个|张|套|平方米))"
)
_DIGIT_RUN = re.compile(r"\d+")
_DASH_IN_LATIN_WORD = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")

ASCII_PUNCTUATION_SPOKEN = {
    ",": "，", ";": "；", "!": "！", "?": "？", ":": "：", "(": "（", ")": "）",
    "+": "加", "&": "和", "=": "等于", "~": "到", "/": "，", "%": "百分号", "#": "井号",
    "@": "艾特", "*": "星号", '"': "", "'": "", "[": "（", "]": "）", "<": "", ">": "",
    "{": "", "}": "", "|": "，", "\\": "", "^": "", "_": "", "`": "", "$": "美元",
    "-": "，", ".": "。",
}  # fmt: skip
"""What to do with ASCII punctuation that survives wetext: a Chinese mark, a word, or nothing."""


class _Normalizer(Protocol):
    def normalize(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def _wetext() -> _Normalizer:
    """Load wetext's Chinese TN grammars once per process (about 0.4 s)."""
    from wetext import Normalizer

    normalizer: _Normalizer = Normalizer(lang="zh", operator="tn")
    return normalizer


def _wetext_reading(text: str) -> str:
    """wetext's reading of ``text``, remembered between renders (audiopaper.memo)."""
    return recall(library_namespace("wetext-zh-tn", "wetext"), text, lambda key: _wetext().normalize(key))


def read_digits(digits: str, *, phone: bool = True) -> str:
    """Digit by digit: 12345 → 幺二三四五 (or 一二三四五 with ``phone=False``)."""
    return digits.translate(PHONE_DIGITS if phone else PLAIN_DIGITS)


def _mobile(m: re.Match[str]) -> str:
    """A mobile (3-4-4) or 400/800 service number, group by group with short pauses."""
    return "，".join(read_digits(group) for group in m.groups())


def _landline(m: re.Match[str]) -> str:
    area, number = m.groups()
    middle = len(number) // 2
    return "，".join(read_digits(part) for part in (area, number[:middle], number[middle:]))


def _cardinal(number: str) -> str:
    return _wetext_reading(number)


PRE_RULES: tuple[Rewrite, ...] = rewrites(
    (r"(?<=\d),(?=\d{3}(?!\d))", ""),  # thousands separators
    *context_rules(),
    *CODE_RULES,
    (r"(?<!\d)([48]00)[-—－ ]?(\d{3})[-—－ ]?(\d{4})(?!\d)", _mobile),  # 400/800 service lines
    (r"(?<!\d)(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)", _mobile),  # mobile numbers
    (r"(?<!\d)(0\d{2,3})[-—－ ]?(\d{7,8})(?!\d)", _landline),  # landlines
    (  # hotline after its word: 拨打热线12345
        r"(" + _HOTLINE_CONTEXT + r")([^\d，。；！？]{0,6}?)(\d{3,6})(?![\d.])",
        lambda m: m.group(1) + m.group(2) + read_digits(m.group(3)),
    ),
    (  # hotline before its word: 12345热线
        r"(?<![\d.])(\d{3,6})(" + _HOTLINE_CONTEXT + r")",
        lambda m: read_digits(m.group(1)) + m.group(2),
    ),
    (_SERVICE_NUMBER, lambda m: read_digits(m.group(1))),  # 12345, 95598
    (  # ISO dates
        r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)",
        lambda m: f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日",
    ),
    *DATE_RULES,
    (  # a range of years: 2023-2024赛季
        r"(?<!\d)(\d{4})\s*[—–~～\-－至到]+\s*(\d{4})(?=\s*(?:年|赛季|学年|财年))",
        lambda m: f"{read_digits(m.group(1), phone=False)}到{read_digits(m.group(2), phone=False)}",
    ),
    (  # a range of temperatures from below zero
        r"(?<![\d.])[-−](\d+(?:\.\d+)?)(?=\s*[~～至到—–]\s*-?\d+(?:\.\d+)?\s*(?:℃|°C|摄氏度))",
        r"零下\1",
    ),
    (r"(?<![\d.])[-−–](\d+(?:\.\d+)?)\s*(℃|°C|摄氏度|度)", r"零下\1\2"),  # a temperature below zero
    *PLACE_AND_UNIT_RULES,
    (_UNIT, lambda m: _UNIT_NAMES[m.group(1)]),  # Latin units: 5kg
    (  # blood pressure
        r"(\d{2,3})/(\d{2,3})\s*(?=毫米汞柱)",
        lambda m: f"{_cardinal(m.group(1))}，{_cardinal(m.group(2))}",
    ),
    (r"[¥￥]\s*(\d+(?:\.\d+)?)(万|亿)?(元)?", lambda m: f"{m.group(1)}{m.group(2) or ''}元"),  # ¥20
    (r"(\d+(?:\.\d+)?)‰", lambda m: f"千分之{_cardinal(m.group(1))}"),
    (  # codes: 551X, A320
        r"(?<![\dA-Za-z.])(\d{3,})(?=[A-Za-z])|(?<=[A-Za-z])(\d{3,})(?![\d.])",
        lambda m: read_digits(m.group(1) or m.group(2), phone=False),
    ),
    (r"第(\d+)(?![\d.])", lambda m: "第" + _cardinal(m.group(1))),  # ordinals
    (r"(\d+(?:\.\d+)?(?:%|‰|℃)?)\s*(?:[—–~～－]+|-(?=\d))\s*(?=-?\d)", r"\1到"),  # dash ranges
    (_PER_UNIT, "每"),  # 元/平方米
    (  # fractions
        r"(?<![\d/.])(\d+)/(\d+)(?![\d/.])",
        lambda m: f"{_cardinal(m.group(2))}分之{_cardinal(m.group(1))}",
    ),
    *TWO_RULES,
)
"""Rewrites applied before wetext, in order: (pattern, replacement)."""


def pre_normalize(text: str, latin: Lexicon | None = None) -> str:
    """Apply the rules wetext needs in front of it.

    With ``latin``, the Latin words it knows are replaced by their Chinese readings first,
    so that units among them (5000mAh) are read with their number.
    """
    text = join_spaced(fold_fullwidth(text))
    if latin is not None:
        text = join_spaced(latin.read_latin(text))  # iPhone 15 → 艾疯15: one phrase, no pause
    text = rewrite(text, PRE_RULES)
    for mark, word in _SUPERSCRIPT_UNITS.items():  # 2万平方米 from m² handled above; 米² is rare
        text = re.sub(rf"(米|公里|厘米){mark}", rf"{word}\1", text)
    return text.replace("²", "").replace("³", "")


def _final_pass(text: str, *, spell_letters: bool) -> str:
    """Spell anything left that an engine would skip or misread; drop ASCII punctuation."""
    text = _SPACE_BETWEEN_CJK.sub("，", text)  # before spelling: iPhone 十五 is one phrase
    text = _DIGIT_RUN.sub(lambda m: read_digits(m.group(0), phone=False), text)
    text = _DASH_IN_LATIN_WORD.sub(" ", text)  # Wi-Fi, UNI-K: one name, no pause
    if spell_letters:
        text = spell_latin(text)
    text = "".join(
        ASCII_PUNCTUATION_SPOKEN.get(ch, ch) if ch.isascii() and not ch.isalnum() and not ch.isspace() else ch
        for ch in text
    )
    text = re.sub(r"\s+", " " if not spell_letters else "", text).strip()
    text = re.sub(r"([，、；：])[，、；：]+", r"\1", text)
    return re.sub(r"^[，、；：。]+", "", text)


def normalize(text: str, *, spell_letters: bool, lexicon: Lexicon = EMPTY_LEXICON) -> str:
    """Turn display text into the words to speak (numbers, units, symbols read out).

    With ``spell_letters`` (a voice with no English phones) Latin words the lexicon knows
    are read as it says and the rest are spelled; otherwise they go through as written.
    """
    text = pre_normalize(text, lexicon if spell_letters else None)
    return _final_pass(_wetext_reading(text), spell_letters=spell_letters)


def spelled_words(text: str, lexicon: Lexicon = EMPTY_LEXICON) -> tuple[str, ...]:
    """Latin words of ``text`` that the offline voice will spell though they are not acronyms.

    Units after numbers and lexicon words are read first, so only the words an editor should
    add to ``voices/lexicon.toml`` are left (Netflix, not kg or GDP).
    """
    return words_to_spell(pre_normalize(text, lexicon))
