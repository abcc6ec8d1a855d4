"""Speech: shape cleaned articles into the sentences an engine will speak.

Each paragraph is split into sentences after 。！？；… (closing quotes and brackets stay
with their sentence), fragments are merged, over-long sentences are cut at commas outside
quotations, and every sentence is normalized for speech (see :mod:`audiopaper.text.normalize`).
The resulting :class:`Script` is exactly what will be sent to the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from audiopaper.text.clean import Article
from audiopaper.text.lexicon import EMPTY_LEXICON, Lexicon
from audiopaper.text.limits import check_sentences
from audiopaper.text.normalize import normalize

MIN_SENTENCE_CHARS = 8
"""Sentences shorter than this are merged into a neighbour: alone they sound clipped."""

DEFAULT_MAX_SENTENCE_CHARS = 60
"""Sentences longer than this are cut at a comma; engines may declare a lower limit."""

_CLOSERS = "”’」』）》)\"'"
_SENTENCE = re.compile(
    r"[^。！？；!?;…]*(?:…+|[。！？；!?;]+)[" + re.escape(_CLOSERS) + r"]*|[^。！？；!?;…]+$"
)
_OPENING_QUOTES = "“‘「『（《("
_CLOSING_QUOTES = "”’」』）》)"
_SOFT_BREAKS = "，、："


@dataclass(frozen=True)
class SpeechOptions:
    """How the speech stage shapes text for one engine."""

    spell_letters: bool
    """Spell Latin letters in Chinese (for a voice with no English phones)."""

    target_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS
    """Cut sentences longer than this many characters at commas outside quotations."""

    engine_limit_chars: int = 100
    """The engine's hard limit on a spoken sentence; quotations are cut too to respect it."""

    respell: bool = False
    """Apply the lexicon's respellings (for engines that take text only)."""

    lexicon: Lexicon = EMPTY_LEXICON
    """Words to say a particular way."""

    repeat_key_facts: bool = False
    """Repeat, after the article, sentences with a phone number, date or address to act on."""

    def __post_init__(self) -> None:
        if self.target_sentence_chars < 2 * MIN_SENTENCE_CHARS:
            raise ValueError(
                f"target_sentence_chars must be at least {2 * MIN_SENTENCE_CHARS}, "
                f"got {self.target_sentence_chars}"
            )
        if self.engine_limit_chars < self.target_sentence_chars:
            raise ValueError("engine_limit_chars must not be below target_sentence_chars")


@dataclass(frozen=True)
class Sentence:
    """One sentence as displayed and as spoken."""

    text: str
    """The sentence as printed (cleaned display text)."""

    spoken: str
    """The sentence exactly as sent to the engine."""

    paragraph: int
    """0-based index of the paragraph the sentence belongs to."""

    lexicon: tuple[str, ...] = ()
    """Lexicon words this sentence contains (their pronunciation comes from the lexicon)."""


@dataclass(frozen=True)
class ArticleScript:
    """What will be spoken for one article."""

    article: Article
    """The cleaned article."""

    title_spoken: str
    """The headline as sent to the engine (two-line headlines become one phrase)."""

    sentences: tuple[Sentence, ...]
    """Body sentences in reading order."""


@dataclass(frozen=True)
class Script:
    """What will be spoken for a whole edition."""

    articles: tuple[ArticleScript, ...]
    """Articles in edition order."""


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph after 。！？；… keeping closing quotes with their sentence.

    A sentence-ending mark inside a quotation that continues (“…吗？”他说) stays inside:
    the closing quote and what follows without punctuation are attached by the regex.
    """
    pieces = [m.group(0).strip() for m in _SENTENCE.finditer(paragraph)]
    return [p for p in pieces if p]


def _merge_short(pieces: list[str]) -> list[str]:
    merged: list[str] = []
    for piece in pieces:
        if merged and (len(piece) < MIN_SENTENCE_CHARS or len(merged[-1]) < MIN_SENTENCE_CHARS):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def cut_long(sentence: str, max_chars: int, *, inside_quotes: bool = False) -> list[str]:
    """Cut a sentence longer than ``max_chars`` at commas (，、：) outside quotations.

    Pieces are filled greedily up to ``max_chars``. Commas inside quotations are used only
    with ``inside_quotes`` (to meet an engine's hard limit). A sentence with no usable comma
    is left whole: a cut inside a number, a name or a lexicon word would be worse.
    """
    if len(sentence) <= max_chars:
        return [sentence]
    cut_points: list[int] = []
    depth = 0
    for index, char in enumerate(sentence):
        if char in _OPENING_QUOTES:
            depth += 1
        elif char in _CLOSING_QUOTES:
            depth = max(0, depth - 1)
        elif char in _SOFT_BREAKS and (depth == 0 or inside_quotes):
            cut_points.append(index + 1)
    pieces: list[str] = []
    start = 0
    last_ok = None
    for point in cut_points:
        if point - start > max_chars and last_ok is not None and last_ok > start:
            pieces.append(sentence[start:last_ok])
            start = last_ok
        last_ok = point
    if len(sentence) - start > max_chars and last_ok is not None and last_ok > start:
        pieces.append(sentence[start:last_ok])
        start = last_ok
    pieces.append(sentence[start:])
    return _merge_short([p for p in pieces if p])


def hard_wrap(text: str, max_chars: int) -> list[str]:
    """Last resort for a comma-less run over an engine's limit: cut between Chinese characters.

    Cuts fall between two Chinese characters, never inside a number or a Latin word.
    """
    pieces: list[str] = []
    start = 0  # cut by position: re-slicing the rest each time would cost quadratic time
    while len(text) - start > max_chars:
        cut = start + max_chars
        while cut > start + max_chars // 2 and not (
            re.match(r"[\u4e00-\u9fff]", text[cut - 1]) and re.match(r"[\u4e00-\u9fff]", text[cut])
        ):
            cut -= 1
        pieces.append(text[start:cut])
        start = cut
    return [*pieces, text[start:]] if start < len(text) else pieces


def shape_paragraph(paragraph: str, max_chars: int) -> list[str]:
    """Split, merge and cut one paragraph into display sentences."""
    sentences: list[str] = []
    for sentence in _merge_short(split_sentences(paragraph)):
        sentences.extend(cut_long(sentence, max_chars))
    return sentences


def speak_title(title: str, options: SpeechOptions) -> str:
    """The spoken form of a headline: its lines and phrases joined with short pauses.

    A space next to a number or a Latin word is not a pause (2024 杭州马拉松).
    """
    title = re.sub(
        r"\s*——\s*|(?<=[\u4e00-\u9fff，。！？”》）])\s+(?=[\u4e00-\u9fff“《（])", "，", title.strip()
    )
    return _speak(title, options)


def _speak(text: str, options: SpeechOptions) -> str:
    spoken = normalize(text, spell_letters=options.spell_letters, lexicon=options.lexicon)
    return options.lexicon.respell(spoken) if options.respell else spoken


OVERSIZE_FACTOR = 4
"""A sentence over this many times the engine's limit is cut before it is normalized."""


def _fit_to_engine(text: str, options: SpeechOptions) -> list[tuple[str, str]]:
    """(display, spoken) pieces of one shaped sentence, each within the engine's limit.

    Normalization lengthens text (2020 → 二零二零), so the limit is checked on the spoken
    form; an over-long sentence is cut inside quotations, then hard-wrapped.
    """
    if len(text) > OVERSIZE_FACTOR * options.engine_limit_chars:
        # Normalizing a huge unpunctuated run whole costs more than linear time (wetext and
        # the pre-rules are measured super-linear); cut it first at a guessed length.
        limit = options.engine_limit_chars // 2
    else:
        spoken = _speak(text, options)
        if len(spoken) <= options.engine_limit_chars:
            return [(text, spoken)]
        limit = options.engine_limit_chars * len(text) // max(len(spoken), 1)
    pieces = cut_long(text, max(limit, MIN_SENTENCE_CHARS), inside_quotes=True)
    if len(pieces) == 1:
        pieces = hard_wrap(text, max(limit, MIN_SENTENCE_CHARS))
    result: list[tuple[str, str]] = []
    for piece in pieces:
        result.extend(_fit_to_engine(piece, options) if piece != text else [(piece, _speak(piece, options))])
    return result


REPEAT_PREFIX = "再说一遍："
"""How a repeated key fact is introduced."""

MAX_REPEATS_PER_ARTICLE = 2
"""At most this many sentences are repeated after one article."""

_PHONE_OR_HOTLINE = re.compile(
    r"(?<!\d)(?:0\d{2,3}[-—－ ]?\d{7,8}|1[3-9]\d{9}|[48]00[-— ]?\d{3}[-— ]?\d{4})(?!\d)"
    r"|(?:热线|电话|拨打|致电)[^。；！？]{0,8}\d{3,}"
)
_DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d{1,2}:\d{2}")
_ACTION = re.compile(r"报名|咨询|开课|截止|开放|办理|领取|接种|前往|预约|登记|缴费|停水|停电|封闭|将于|届时")
_ADDRESS = re.compile(r"地址|地点|位于[^。；]{2,20}(?:路|街|巷|弄|号|村|社区)|\d+号")


def is_key_fact(text: str) -> bool:
    """True for a sentence that gives a phone number, or a date or address to act on."""
    if _PHONE_OR_HOTLINE.search(text):
        return True
    acts = _ACTION.search(text) is not None
    return acts and (_DATE.search(text) is not None or _ADDRESS.search(text) is not None)


def script_article(article: Article, options: SpeechOptions) -> ArticleScript:
    """Shape and normalize one article (with its key facts repeated, if asked)."""
    sentences = []
    for index, paragraph in enumerate(article.paragraphs):
        for shaped in shape_paragraph(paragraph, options.target_sentence_chars):
            for text, spoken in _fit_to_engine(shaped, options):
                if re.search(r"[\u4e00-\u9fff]", spoken):
                    sentences.append(Sentence(text, spoken, index, options.lexicon.find(text)))
    if options.repeat_key_facts:
        facts = [s for s in sentences if is_key_fact(s.text)][:MAX_REPEATS_PER_ARTICLE]
        repeat_paragraph = len(article.paragraphs)
        for fact in facts:
            sentences.append(
                Sentence(
                    REPEAT_PREFIX + fact.text,
                    _speak(REPEAT_PREFIX, options) + fact.spoken,
                    repeat_paragraph,
                    fact.lexicon,
                )
            )
    return ArticleScript(
        article=article,
        title_spoken=speak_title(article.title, options).strip() or UNSPEAKABLE_TITLE,
        sentences=tuple(sentences),
    )


UNSPEAKABLE_TITLE = "本篇报道"
"""Said for a headline with nothing speakable in it (only marks such as ``<<<``), so the
engine is never sent an empty line."""


def build_script(articles: Sequence[Article], options: SpeechOptions) -> Script:
    """Shape and normalize every article of an edition (at most MAX_SENTENCES sentences)."""
    scripts = tuple(script_article(a, options) for a in articles)
    check_sentences(
        sum(len(s.sentences) for s in scripts), ", ".join(sorted({a.source for a in articles}))[:200]
    )
    return Script(articles=scripts)


WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
"""Weekday names, Monday first (as ``date.weekday()`` counts)."""


@dataclass(frozen=True)
class Frame:
    """The spoken frame around an edition's articles: intro, table of contents, outro."""

    intro: str
    """Paper, date, weekday and number of articles."""

    toc: tuple[str, ...]
    """The 导读: a heading, then each article's number and title."""

    announcements: tuple[str, ...]
    """Per article, its number as announced before its title (第一篇)."""

    outro: str
    """The closing words."""


def edition_frame(titles_spoken: Sequence[str], *, paper: str, day: date, options: SpeechOptions) -> Frame:
    """The intro, table of contents and outro for ``titles_spoken``, as the engine is given them."""
    return _compose_frame(titles_spoken, paper=paper, day=day, say=lambda text: _speak(text, options))


def printed_frame(titles: Sequence[str], *, paper: str, day: date) -> Frame:
    """The same frame as a reader sees it (digits, printed titles), for captions and pages."""
    return _compose_frame(titles, paper=paper, day=day, say=lambda text: text)


def _compose_frame(titles: Sequence[str], *, paper: str, day: date, say: Callable[[str], str]) -> Frame:
    """The frame's wording, the one place it is written; ``say`` turns a printed line into what is
    heard (titles come already in the form wanted)."""
    count = len(titles)
    when = f"{day.year}年{day.month}月{day.day}日"
    announcements = tuple(say(f"第{i}篇") for i in range(1, count + 1))
    intro = say(f"欢迎收听{paper}。今天是{when}，{WEEKDAYS[day.weekday()]}。本期共有{count}篇报道。")
    toc = (
        say("本期导读。"),
        *(f"{announcement}，{title}。" for announcement, title in zip(announcements, titles, strict=True)),
    )
    outro = say(f"以上就是{paper}{when}的全部内容。感谢您的收听，我们明天再会。")
    return Frame(intro=intro, toc=toc, announcements=announcements, outro=outro)
