"""Text normalization for speech: what a Chinese news presenter would say for each token.

``wetext`` (WeTextProcessing's runtime with prebuilt grammars) does most of the work;
the rules here run in front of it for what it is measured to get wrong on news text
(see DESIGN.md and research/mandarin.md), and after it to spell Latin letters for an
engine that has no English phones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

LETTER_NAMES = {
    "A": "诶", "B": "比", "C": "西", "D": "迪", "E": "伊", "F": "艾弗", "G": "吉",
    "H": "艾尺", "I": "艾", "J": "杰", "K": "开", "L": "艾勒", "M": "艾姆", "N": "恩",
    "O": "欧", "P": "批", "Q": "丘", "R": "阿尔", "S": "艾丝", "T": "提", "U": "优",
    "V": "维", "W": "达布留", "X": "艾克斯", "Y": "歪", "Z": "贼德",
}  # fmt: skip
"""Chinese names of Latin letters, as presenters spell acronyms (GDP → 吉迪批)."""

_UNIT_POWERS: tuple[tuple[str, str], ...] = (
    ("km²", "平方公里"),
    ("cm²", "平方厘米"),
    ("m²", "平方米"),
    ("m³", "立方米"),
    ("cm³", "立方厘米"),
)
_PER_UNIT = re.compile(
    r"/(?=(?:平方|立方)?(?:米|公里|千米|厘米|克|千克|公斤|吨|人|户|亩|天|小时|年|月|次|件|台|升|毫升|微克))"
)
_NEGATIVE_TEMPERATURE = re.compile(r"(?<![\d.])[-−–](\d+(?:\.\d+)?)\s*(℃|摄氏度|度)")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[—–~～－]+\s*(?=\d)")
_YUAN_SIGN = re.compile(r"[¥￥]\s*(\d+(?:\.\d+)?)(万|亿)?(元)?")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_LATIN_RUN = re.compile(r"[A-Za-z]+")


class _Normalizer(Protocol):
    def normalize(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def _wetext() -> _Normalizer:
    """Load wetext's Chinese TN grammars once per process (about 0.4 s)."""
    from wetext import Normalizer

    normalizer: _Normalizer = Normalizer(lang="zh", operator="tn")
    return normalizer


def _ordinal(match: re.Match[str]) -> str:
    """第2篇 is 第二篇, never 第两篇: an ordinal is read as a plain cardinal."""
    return "第" + _wetext().normalize(match.group(1))


def _yuan(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2) or ''}元"


PRE_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_NEGATIVE_TEMPERATURE, r"零下\1\2"),
    (re.compile(r"第(\d+)(?![\d.])"), _ordinal),
    (_YUAN_SIGN, _yuan),
    (_RANGE, r"\1到"),
    (_PER_UNIT, "每"),
)
"""Rewrites applied before wetext, in order: (pattern, replacement)."""


def pre_normalize(text: str) -> str:
    """Apply the rules wetext needs in front of it."""
    for unit, spoken in _UNIT_POWERS:
        text = text.replace(unit, spoken)
    for pattern, replacement in PRE_RULES:
        text = pattern.sub(replacement, text)
    return text


def spell_latin(text: str) -> str:
    """Spell Latin letters with their Chinese names, for a voice with no English phones."""
    return _LATIN_RUN.sub(lambda m: "".join(LETTER_NAMES[c] for c in m.group(0).upper()), text)


def normalize(text: str, *, spell_letters: bool) -> str:
    """Turn display text into the words to speak (numbers, units, symbols read out)."""
    spoken = _wetext().normalize(pre_normalize(text))
    spoken = _SPACE_BETWEEN_CJK.sub("，", spoken)
    if spell_letters:
        spoken = spell_latin(spoken)
    return spoken.strip()
