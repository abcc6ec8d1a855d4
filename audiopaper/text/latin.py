"""Latin letters in Chinese news: acronyms spelled, known words read, unknown words flagged.

The offline voice has no English phones, so every Latin word must reach it as Chinese
characters. An acronym (GDP, APP) is spelled with the letter names Mandarin speakers use;
a word the lexicon knows (Netflix → 奈飞, WHO → 世卫组织) is read as the lexicon says; any
other word is spelled too, but ``audiopaper script`` lists it so an editor can add it to
``voices/lexicon.toml``. A voice that reads English gets every Latin word as written.
"""

from __future__ import annotations

import re

LETTER_NAMES = {
    "A": "诶", "B": "比", "C": "西", "D": "迪", "E": "伊", "F": "艾弗", "G": "吉",
    "H": "艾尺", "I": "艾", "J": "杰", "K": "开", "L": "艾勒", "M": "艾姆", "N": "恩",
    "O": "欧", "P": "批", "Q": "丘", "R": "阿尔", "S": "艾丝", "T": "提", "U": "优",
    "V": "维", "W": "达布留", "X": "艾克斯", "Y": "歪", "Z": "泽德",
}  # fmt: skip
"""Chinese names of Latin letters, as presenters spell acronyms (GDP → 吉迪批).

Z is 泽德 (zed, as Chinese schools teach it), not the slang 贼德. pypinyin reads 勒 in 艾勒
as lēi; the lexicon gives 艾勒 as ài lè for the offline voice.
"""

ACRONYM = re.compile(r"^[A-Z]{1,5}$")
"""Capitals only, one to five: spelled letter by letter as presenters do (GDP, APP, 5G's G)."""

LATIN_RUN = re.compile(r"[A-Za-z]+")
"""A run of Latin letters: what is spelled when the lexicon does not know it."""


def spell_latin(text: str) -> str:
    """Spell Latin letters with their Chinese names, for a voice with no English phones."""
    return LATIN_RUN.sub(lambda m: "".join(LETTER_NAMES[c] for c in m.group(0).upper()), text)


def words_to_spell(text: str) -> tuple[str, ...]:
    """Latin words in ``text`` that are not acronyms, in order of first appearance.

    ``text`` should already have its units read and its lexicon words replaced; what is
    left would be spelled letter by letter, which is fine for GDP but not for Netflix.
    """
    seen: dict[str, None] = {}
    for match in LATIN_RUN.finditer(text):
        word = match.group(0)
        if not ACRONYM.match(word):
            seen.setdefault(word, None)
    return tuple(seen)


_BRACKETED_ORIGINAL = re.compile(
    r"(?<=[\u3400-\u9fff》”」』])\s*[（(]\s*(?=[^（）()]*[A-Za-z]{2})"
    r"([A-Za-z][A-Za-z0-9 .'’&·,\-]*[A-Za-z0-9.])\s*[）)]"
)
"""A Latin original in brackets after a Chinese name: 奥尔德林（Buzz Aldrin）, 《时报》（The Times）."""


def drop_bracketed_originals(text: str) -> tuple[str, list[str]]:
    """Remove the bracketed Latin original after a Chinese name, as a presenter reads only the name.

    News prints 巴兹·奥尔德林（Buzz Aldrin） for readers; heard, the original is a second
    name spelled letter by letter. Returns the text and the originals removed (for the proof).
    """
    removed: list[str] = []

    def drop(match: re.Match[str]) -> str:
        removed.append(match.group(1))
        return ""

    return _BRACKETED_ORIGINAL.sub(drop, text), removed
