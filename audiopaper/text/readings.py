"""Readings decided from context: scores, model names, named dates and numbers, service numbers.

A presenter reads 2-2 as 二比二 after 总比分 and as 二到二 nowhere; 东风-41 as 东风四十一
(the dash is not 负); 波音737 as 七三七; 5·12 as 五一二; 拨打110 as 幺幺零. wetext reads each
number from its own few characters, so these rules, written by hand because no TN library
decides them from the sentence (research/mandarin.md), run before it. Their word lists are
data (``readings.toml`` next to this module) that editors extend. A pair or number these
rules cannot decide keeps today's reading and is listed by :func:`undecided_readings`, so
``audiopaper script`` can show it to the editor.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audiopaper.errors import ProfileError
from audiopaper.profiles import WordLists, string_list
from audiopaper.text.numbers import HAN, MEASURE_CHARS, PHONE_DIGITS, PLAIN_DIGITS
from audiopaper.text.rewrites import Rewrite, rewrite

READINGS_FILE = Path(__file__).with_name("readings.toml")
"""The context word lists, shipped inside the package."""

_TENS = "零一二三四五六七八九"
_AFTER_COUNT = f"(?:[{MEASURE_CHARS}年月日周%‰℃°毫厘公立微纳兆吉瓦伏赫焦帕]|平方)"
"""What after a number makes it a count or an amount (so a range, never a score or a name)."""


READING_LISTS = {
    "scores": ("cues", "after_cues", "time_cues"),
    "designations": ("chinese_prefixes", "type_words", "brands", "place_words"),
    "named_numbers": ("date_dots", "date_cues"),
    "service_numbers": ("numbers", "cues"),
}
"""The plain word lists of ``readings.toml`` by table; the file says what each holds."""


@dataclass(frozen=True)
class ReadingLists:
    """What ``readings.toml`` holds: its word lists, and the two tables that are not plain lists."""

    lists: WordLists
    """The lists READING_LISTS names (score cues, model prefixes and brands, date marks…)."""

    names: tuple[tuple[str, tuple[str, ...]], ...]
    """Numbers that are names, each with the words after it that show it (618大促)."""

    units: tuple[tuple[str, str], ...]
    """Unit symbols after a number and their spoken names, longest symbol first."""

    def words(self, table: str, name: str) -> tuple[str, ...]:
        """One word list: ``words("scores", "cues")``."""
        return self.lists.words(table, name)


def parse_readings(text: str, source: str) -> ReadingLists:
    """Parse the reading lists; a mistake names the file and the list."""
    lists = WordLists.parse(text, source, READING_LISTS, "reading lists")
    try:
        doc = tomllib.loads(text)
        named = doc.get("named_numbers", {}).get("names", [])
        names = tuple((str(n["number"]), string_list(n, "cues")) for n in named)
        units = tuple(
            sorted(((str(k), str(v)) for k, v in doc.get("units", {}).items()), key=lambda u: -len(u[0]))
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ProfileError(f"{source}: invalid reading lists: {error}") from error
    return ReadingLists(lists, names, units)


@lru_cache(maxsize=1)
def reading_lists() -> ReadingLists:
    """The shipped reading lists, read once per process."""
    return parse_readings(READINGS_FILE.read_text(encoding="utf-8"), str(READINGS_FILE))


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def model_number(digits: str) -> str:
    """A number inside a model name, as presenters say it.

    Two digits or fewer are a number (20 → 二十); three or more are read digit by digit
    (737 → 七三七), except round hundreds and thousands (AG600 → 六百, 737-800 → 八百);
    a leading zero keeps every digit (03 → 零三).
    """
    if digits.startswith("0") or len(digits) > 4:
        return digits.translate(PLAIN_DIGITS)
    if len(digits) <= 2:
        tens, ones = divmod(int(digits), 10)
        head = "" if tens == 0 else ("十" if tens == 1 else _TENS[tens] + "十")
        return head + (_TENS[ones] if ones or not tens else "")
    if digits[1:] == "0" * (len(digits) - 1):
        return _TENS[int(digits[0])] + ("百" if len(digits) == 3 else "千")
    return digits.translate(PLAIN_DIGITS)


def _sentence_has(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _score_or_range(m: re.Match[str]) -> str:
    """2-2 → 2比2 in a sentence about a match; anything else is left as printed."""
    first, mark, second = m.group(1), m.group(2), m.group(3)
    lists = reading_lists()
    after = m.string[m.end() : m.end() + 6]
    if re.match(r"\s*" + _AFTER_COUNT, after):  # 3-5人, 18-25℃: a range of counts
        return m.group(0) if mark in ":：" else f"{first}到{second}"
    strong = after.lstrip().startswith(lists.words("scores", "after_cues"))
    clock = len(second) == 2 and int(first) <= 24 and int(second) <= 59
    if mark in ":：" and clock and not strong:
        before = m.string[max(0, m.start() - 4) : m.start()]
        time_cues = lists.words("scores", "time_cues")
        if not re.search("以|局|盘|比分|战成|打成", before) or after.lstrip().startswith(time_cues):
            return m.group(0)  # 19:30 is a time even in a sports story
    if strong or _sentence_has(m.string, lists.words("scores", "cues")):
        return f"{_score_number(first)}比{_score_number(second)}"
    return m.group(0)


def _score_number(digits: str) -> str:
    """One side of a score in words (112 → 一百一十二): wetext would read 112 or 110 with 幺."""
    return hundreds(digits) if len(digits) == 3 else model_number(str(int(digits)))


def _named_date(m: re.Match[str]) -> str:
    return (m.group(1) + m.group(2)).translate(PLAIN_DIGITS)


def hundreds(digits: str) -> str:
    """A three-digit count in words: 110 → 一百一十, 105 → 一百零五, 120 → 一百二十."""
    h, t, o = (int(d) for d in digits)
    tail = (_TENS[t] + "十" if t else ("零" if o else "")) + (_TENS[o] if o else "")
    return _TENS[h] + "百" + tail


def _service_number(m: re.Match[str]) -> str:
    """110, 120, 12306 … with 幺 when a cue word is in the same clause.

    Before a measure word or a unit (110千伏, 120Hz) it is a count: wetext reads 110, 119
    and 120 with 幺 wherever they stand, so a three-digit count is written out here.
    """
    lists = reading_lists()
    number, unit = m.group(1), m.group(2)
    if unit:
        return (hundreds(number) if len(number) == 3 else number) + dict(lists.units)[unit.strip()]
    if re.match(r"\s*" + _AFTER_COUNT, m.string[m.end() :]):
        return hundreds(number) if len(number) == 3 else number
    clause_start = max(m.string.rfind(p, 0, m.start()) for p in "，。；！？,;") + 1
    if _sentence_has(m.string[clause_start : m.end() + 8], lists.words("service_numbers", "cues")):
        return number.translate(PHONE_DIGITS)
    return number


def _latin_model(m: re.Match[str]) -> str:
    """F-35 → F35, GPT-4 → GPT4, A6L kept whole: letters then the model number, no 负 or 杠."""
    return m.group(1) + model_number(m.group(2)) + m.group(3)


def _brand_model(m: re.Match[str]) -> str:
    """波音737-800 → 波音七三七八百; 小米14 → 小米十四."""
    parts = re.split(r"[-－–—]", m.group(2))
    return m.group(1) + "".join(model_number(p) for p in parts)


_DASH = "[-－–—]"
_NOT_COUNT = rf"(?![\d.])(?!\s*{_AFTER_COUNT})"
_PAIR = r"(?<![\dA-Za-z.:：\-－–—])(\d{1,3})\s*([-－–—:：])\s*(\d{1,3})(?![\d.:：\-－–—])"


def _any(words: tuple[str, ...]) -> str:
    """A lookahead for any of ``words``, after optional spaces."""
    return rf"(?=\s*(?:{_alternatives(words)}))"


def _name_rules(lists: ReadingLists) -> list[Rewrite]:
    """Named dates (5·12, 3.15晚会) and named numbers (618大促), digit by digit."""
    month = r"(?<![\d.])(1[0-2]|0?[1-9])"
    day = r"(3[01]|[12]\d|0?[1-9])(?![\d.])"
    dots = "".join(re.escape(d) for d in lists.words("named_numbers", "date_dots"))
    date_cues = _any(lists.words("named_numbers", "date_cues"))
    names = "|".join(re.escape(number) + _any(cues) for number, cues in lists.names)
    return [
        (re.compile(rf"{month}[{dots}]{day}"), _named_date),
        (re.compile(rf"{month}\.{day}{date_cues}"), _named_date),
        (re.compile(rf"(?<![\d.])(?:{names})(?![\d.])"), lambda m: m.group(0).translate(PLAIN_DIGITS)),
    ]


def _model_rules(lists: ReadingLists) -> list[Rewrite]:
    """Model names: 东风-41, 鹞-3战机, F-35 (not A-1地块), A6L, 波音737, 055型."""
    places = rf"(?!\s*(?:{_alternatives(lists.words('designations', 'place_words'))}))"
    prefixes = _alternatives(lists.words("designations", "chinese_prefixes"))
    types = _any(lists.words("designations", "type_words"))
    brands = _alternatives(lists.words("designations", "brands"))
    return [
        (
            re.compile(rf"({prefixes}){_DASH}(\d{{1,4}})([A-Za-z]{{0,3}}){_NOT_COUNT}"),
            _latin_model,
        ),
        (
            re.compile(rf"(?<=[{HAN}]){_DASH}()(\d{{1,4}})([A-Za-z]{{0,3}}){types}"),
            _latin_model,
        ),
        (
            re.compile(
                rf"(?<![A-Za-z\d])([A-Za-z]{{1,6}}){_DASH}(\d{{1,4}})([A-Za-z]{{0,3}})(?![A-Za-z\d.\-－]){places}"
            ),
            _latin_model,
        ),
        (
            re.compile(r"(?<![A-Za-z\d])([A-Za-z]{1,4})(\d{1,4})([A-Za-z]{0,4})(?![A-Za-z\d.\-－·])(?!次)"),
            _latin_model,
        ),
        (
            re.compile(rf"({brands})\s*(\d{{1,4}}(?:{_DASH}\d{{1,4}})?){_NOT_COUNT}"),
            _brand_model,
        ),
        (re.compile(rf"(?<![\d.A-Za-z])()(0\d+|\d{{3,4}})(){types}"), _latin_model),
    ]


@lru_cache(maxsize=1)
def context_rules() -> tuple[Rewrite, ...]:
    """The rules, compiled once from the lists, in the order they must run.

    Names first (5·12 is no decimal), then model names (before their dash can be a range
    or a minus), then pairs (score or range), then service numbers, whose counts (90-120分钟)
    the pair rule has already set apart.
    """
    lists = reading_lists()
    units = _alternatives(tuple(symbol for symbol, _ in lists.units))
    service_numbers = _alternatives(lists.words("service_numbers", "numbers"))
    service = rf"(?<![\d.])({service_numbers})(?![\d.])(\s*(?:{units})(?![A-Za-z]))?"
    return (
        *_name_rules(lists),
        *_model_rules(lists),
        (re.compile(_PAIR), _score_or_range),
        (re.compile(service), _service_number),
    )


def apply_context_rules(text: str) -> str:
    """Rewrite the scores, model names, named dates and service numbers of ``text``."""
    return rewrite(text, context_rules())


_DASH_PAIR = re.compile(r"(?<![\dA-Za-z.:：\-－–—])(\d{1,3})\s*[-－–]\s*(\d{1,3})(?![\d.:：\-－–—])")
_HAN_DASH_NUMBER = re.compile(rf"(?<=[{HAN}])[-－–](\d{{1,4}})(?![\d.])")


def undecided_readings(text: str) -> tuple[str, ...]:
    """Items of ``text`` whose reading the rules could not decide, each with what is said.

    A number pair with no match word and no measure word (read as a range, 到), a dash
    between Chinese and a number that is no known model (read 负), and a named or service
    number with none of its cue words (read as a number).
    """
    rewritten = apply_context_rules(text)
    found: list[str] = []
    for m in _DASH_PAIR.finditer(rewritten):
        if not re.match(r"\s*" + _AFTER_COUNT, rewritten[m.end() :]):
            found.append(f"{m.group(0)}（读作“到”；比分请写成“{m.group(1)}比{m.group(2)}”）")
    for m in _HAN_DASH_NUMBER.finditer(rewritten):
        found.append(
            f"{rewritten[max(0, m.start() - 2) : m.end()]}（读作“负”；型号请在 readings.toml 加前缀）"
        )
    lists = reading_lists()
    numbers = (
        *(n for n, _ in lists.names),
        *(n for n in lists.words("service_numbers", "numbers") if len(n) == 3),
    )
    for m in re.finditer(rf"(?<![\d.])({_alternatives(numbers)}){_NOT_COUNT}", rewritten):
        found.append(f"{m.group(1)}（名称、号码还是数目未定；请在 readings.toml 加提示词）")
    return tuple(dict.fromkeys(found))
