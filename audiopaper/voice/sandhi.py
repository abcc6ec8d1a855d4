"""Tone sandhi of 一 and 不 on the whole sentence, as a presenter says them.

pypinyin changes tones only inside the words it is given, so 不对, 他不去, 一天 keep their
citation tones, and its rule for 一 before a fourth tone never fires. These rules see the
next syllable across word boundaries. They follow the rules PaddleSpeech documents in its
``tone_sandhi.py`` (一 and 不 by the next tone; 不 neutral in A不A and in V不C; 一 in number
strings and ordinals keeps yī), rewritten here for our segmentation and with the lists as
data (``sandhi.toml``): 一 from a digit (一点五, 十一, 一九九八), an ordinal (第一, 周一, 一号线)
or a date (一月一日) keeps yī. The third-tone rule stays pypinyin's, inside words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audiopaper.profiles import WordLists

SANDHI_FILE = Path(__file__).with_name("sandhi.toml")
"""The word lists, shipped inside the package."""

DIGIT_CHARS = "零〇一二三四五六七八九"
"""Characters that are digits when they stand next to 一 (一九九八, 三一五)."""

_UNITS_BEFORE_TEN = "百千万亿零"
_TIME_AFTER_DECIMAL = ("分", "刻")


SANDHI_LISTS = {
    "yi": ("counting_words", "ordinal_before", "ordinal_after", "measure_words", "first_tone_words",
           "final_words"),
    "bu": ("neutral_words", "full_tone_words"),
}  # fmt: skip
"""The lists of ``sandhi.toml`` by table; the file says what each holds."""


def parse_sandhi(text: str, source: str) -> WordLists:
    """Parse the sandhi lists; a mistake names the file and the list."""
    return WordLists.parse(text, source, SANDHI_LISTS, "sandhi lists")


@lru_cache(maxsize=1)
def sandhi_lists() -> WordLists:
    """The shipped lists, read once per process."""
    return parse_sandhi(SANDHI_FILE.read_text(encoding="utf-8"), str(SANDHI_FILE))


@dataclass(frozen=True)
class _Place:
    """One 一 or 不 in a run of Chinese characters, with what is around it."""

    run: str
    index: int
    word: str
    word_start: int
    next_word: str

    @property
    def before(self) -> str:
        return self.run[: self.index]

    @property
    def after(self) -> str:
        return self.run[self.index + 1 :]


def _is_number_digit(place: _Place) -> bool:
    """一 as a digit: next to another digit, after 十, or before 点 and a digit (一点五)."""
    before, after = place.before, place.after
    if (before and before[-1] in DIGIT_CHARS) or after[:1] in tuple(DIGIT_CHARS):
        return True
    if before.endswith("点") and before[-2:-1] in tuple(DIGIT_CHARS + "十百千万"):
        return True  # a decimal digit: 十点一亿
    if before.endswith("十") or (before[-1:] in tuple(_UNITS_BEFORE_TEN) and after.startswith("十")):
        return True
    if after.startswith("点") and after[1:2] in tuple(DIGIT_CHARS):
        digits = after[1:].lstrip(DIGIT_CHARS + "十")
        return not digits.startswith(_TIME_AFTER_DECIMAL)  # 一点三十分 is a time: yì diǎn
    return False


def _counts(place: _Place, lists: WordLists) -> bool:
    """True where 一 counts a measure word after it: in its own word (一次), or as the next word."""
    inside = place.index + 1 < place.word_start + len(place.word)
    following = place.word[place.index - place.word_start + 1 :] if inside else place.next_word
    measure_words = lists.words("yi", "measure_words")
    return following.startswith(measure_words) and (inside or following in measure_words)


def _yi_keeps_first_tone(place: _Place, lists: WordLists) -> bool:
    """True where 一 is a digit, an ordinal, a day or a date, or ends a word such as 统一."""
    if place.word in lists.words("yi", "first_tone_words") or not place.after or _is_number_digit(place):
        return True
    counts = _counts(place, lists)
    if place.before[-1:] and place.before[-1:] + "一" in lists.words("yi", "final_words") and not counts:
        return True  # 统一 inside a longer word: 统一组织 is tǒng yī
    ordinal = place.before.endswith(lists.words("yi", "ordinal_before"))
    if place.before.endswith("第") or (ordinal and not counts):
        return True
    if place.after.startswith(lists.words("yi", "ordinal_after")) or (
        place.before.endswith("月") and place.after[:1] in "日号"
    ):
        return True
    word_final = place.index == place.word_start + len(place.word) - 1 and len(place.word) > 1
    return word_final and not counts and place.word[:-1] not in lists.words("yi", "counting_words")


def _yi_tone(place: _Place, next_tone: str, lists: WordLists) -> str:
    if _yi_keeps_first_tone(place, lists):
        return "1"
    if place.before[-1:] == place.after[:1]:
        return "5"  # 看一看, 想一想
    return "2" if next_tone == "4" else "4"


def _bu_tone(place: _Place, next_tone: str, lists: WordLists) -> str:
    if not place.after:
        return "4"
    if place.word in lists.words("bu", "neutral_words") or place.before[-1:] == place.after[:1]:
        return "5"  # 对不起; A不A: 是不是, 好不好
    middle = len(place.word) == 3 and place.index == place.word_start + 1
    if middle and place.word not in lists.words("bu", "full_tone_words"):
        return "5"  # a potential complement: 看不清, 来不及
    return "2" if next_tone == "4" else "4"


def apply_sandhi(
    words: Sequence[str],
    syllables: list[str],
    citation: Callable[[str], str],
    keep: frozenset[int] = frozenset(),
) -> list[str]:
    """The syllables of a run of Chinese characters with the tones of 一 and 不 set.

    ``words`` are the run's words (jieba); ``syllables`` one per character as pypinyin gave
    them; ``citation`` gives a character's own syllable, for a next syllable in the neutral
    tone; positions in ``keep`` (lexicon words) are left as the lexicon says.
    """
    lists = sandhi_lists()
    run = "".join(words)
    result = list(syllables)
    start = 0
    for position, word in enumerate(words):
        next_word = words[position + 1] if position + 1 < len(words) else ""
        for offset, char in enumerate(word):
            index = start + offset
            if char not in "一不" or index in keep:
                continue
            next_tone = syllables[index + 1][-1] if index + 1 < len(run) else ""
            if next_tone == "5":
                next_tone = citation(run[index + 1])[-1]
            place = _Place(run, index, word, start, next_word)
            tone = _yi_tone(place, next_tone, lists) if char == "一" else _bu_tone(place, next_tone, lists)
            result[index] = ("yi" if char == "一" else "bu") + tone
        start += len(word)
    return result
