"""为 wéi or wèi, decided from the words around it.

On news text, most of the offline front end's polyphone errors were 为 meaning "be, as"
(作为, 成为, 视为, 被评为; wéi) read wèi; pypinyin reads 为 alone as wèi whatever follows.
No library we can ship decides it better (g2pW needs a BERT model; research/mandarin.md),
so these rules, written by hand with their word lists as data (``polyphones.toml``), look
at the segmented words and the characters on either side:

* a word with a fixed reading (为了 wèi, 作为 wéi) keeps it;
* after 分别/评/称 … or before 期/止/宜 … it is wéi; after 将/积极/我们 … it is wèi;
* at the head of a clause it is wèi (为进一步提高 …);
* before a number (面积为三点五平方公里) it is wéi;
* before one word that ends the clause or comes before 的 (以此为契机，以…为主导的) it is wéi;
* otherwise it keeps pypinyin's reading.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audiopaper.errors import ProfileError
from audiopaper.profiles import string_list

POLYPHONES_FILE = Path(__file__).with_name("polyphones.toml")
"""The word lists, shipped inside the package."""

NUMBER_CHARS = "零〇一二三四五六七八九十百千万亿两几负百分之千"
"""Characters a spoken number starts with (numbers reach the front end in characters)."""


@dataclass(frozen=True)
class WeiLists:
    """The word lists of ``polyphones.toml`` for 为."""

    wei2_words: frozenset[str]
    """Segmented words in which 为 is wéi."""

    wei4_words: frozenset[str]
    """Segmented words in which 为 is wèi."""

    wei2_after: tuple[str, ...]
    """What right before 为 makes it wéi (分别为)."""

    wei2_before: tuple[str, ...]
    """What right after 为 makes it wéi (为期)."""

    wei4_after: tuple[str, ...]
    """What right before 为 makes it wèi (将为, 积极为)."""

    wei4_verbs: tuple[str, ...]
    """Verbs after 为 that make it wèi even after 以 (以行动为群众办实事)."""

    not_yi_words: frozenset[str]
    """Segmented words with 以 in which it is not the preposition of 以X为Y (所以, 以来)."""


def parse_polyphones(text: str, source: str) -> WeiLists:
    """Parse the lists; a mistake names the file and the list."""
    try:
        table = tomllib.loads(text).get("wei", {})
        keys = (
            "wei2_words",
            "wei4_words",
            "wei2_after",
            "wei2_before",
            "wei4_after",
            "wei4_verbs",
            "not_yi_words",
        )
        lists = {key: string_list(table, key) for key in keys}
    except (tomllib.TOMLDecodeError, AttributeError, ValueError) as error:
        raise ProfileError(f"{source}: invalid polyphone lists: {error}") from error
    return WeiLists(
        wei2_words=frozenset(lists["wei2_words"]),
        wei4_words=frozenset(lists["wei4_words"]),
        wei2_after=lists["wei2_after"],
        wei2_before=lists["wei2_before"],
        wei4_after=lists["wei4_after"],
        wei4_verbs=lists["wei4_verbs"],
        not_yi_words=frozenset(lists["not_yi_words"]),
    )


@lru_cache(maxsize=1)
def wei_lists() -> WeiLists:
    """The shipped lists, read once per process."""
    return parse_polyphones(POLYPHONES_FILE.read_text(encoding="utf-8"), str(POLYPHONES_FILE))


def _wei_tone(words: Sequence[str], word_index: int, offset: int, lists: WeiLists) -> str | None:
    """wéi ("2"), wèi ("4"), or None to keep pypinyin's reading of one 为."""
    word = words[word_index]
    if word in lists.wei2_words:
        return "2"
    if word in lists.wei4_words:
        return "4"
    before = "".join(words[:word_index]) + word[:offset]
    after = word[offset + 1 :] + "".join(words[word_index + 1 :])
    if after.startswith(lists.wei2_before):
        return "2"
    if not before:
        return "4"  # the head of a clause: 为进一步提高…
    as_copula = max((len(w) for w in lists.wei2_after if before.endswith(w)), default=0)
    as_for = max((len(w) for w in lists.wei4_after if before.endswith(w)), default=0)
    if as_copula or as_for:
        return "2" if as_copula > as_for else "4"  # the longer word decides: 切实为 is wèi, 实为 wéi
    if not after or after[:1] in tuple(NUMBER_CHARS):
        return "2"  # 主题为“…”, 面积为三点五平方公里
    with_yi = any("以" in w and w not in lists.not_yi_words for w in words[:word_index])
    if with_yi and not any(verb in after for verb in lists.wei4_verbs):
        return "2"  # 以屋顶为纸, 以租金为主要收入
    rest = words[word_index + 1 :] if offset == len(word) - 1 else []
    if len(rest) == 1 or (len(rest) >= 2 and rest[1] == "的"):
        return "2"  # 以此为契机 / 为主导的: 为 before the clause's last word
    return None


def read_wei(words: Sequence[str], syllables: list[str], keep: frozenset[int] = frozenset()) -> list[str]:
    """The syllables of a run of Chinese characters with every 为 read wéi or wèi from context.

    ``words`` are the run's words, ``syllables`` one per character; positions in ``keep``
    (lexicon words) are left as they are.
    """
    lists = wei_lists()
    result = list(syllables)
    start = 0
    for word_index, word in enumerate(words):
        for offset, char in enumerate(word):
            if char == "为" and start + offset not in keep:
                tone = _wei_tone(words, word_index, offset, lists)
                if tone is not None:
                    result[start + offset] = "wei" + tone
        start += len(word)
    return result
