"""Line roles: what one line of a page is, decided before any line is joined to another.

Newsroom text in every form (printed-page markdown, plain text, saved web pages, Word files)
carries lines that are not body text: photo captions, sub-heads, kickers, source credits,
datelines, bylines, web furniture (来源：, [打印], breadcrumbs), leftover markup or code, and
tables of figures. A line without end punctuation is joined to the next one only when it is
body text cut by a column break; every other role keeps its line apart (or drops it, with a
line in the proof). Full-width ASCII is folded here too, before normalization sees it.

The patterns are hand-written because no library knows Chinese newsroom conventions; they
come from real pages studied for issue 15 (see README, "Input forms").
"""

from __future__ import annotations

import re
from enum import Enum

from audiopaper.text.furniture import furniture_rules

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Character class body for Chinese ideographs."""

SUBHEAD_MAX_CHARS = 24
"""A sub-head or kicker is at most this many characters; a longer unpunctuated line is cut text."""

MAX_DIGIT_RUN = 24
"""Digit runs longer than this (an ID number has 18, a bank card 19) are figures, not words."""

FIGURE_SHARE = 0.5
"""A line whose characters are at least this share digits, signs and spaces is a row of figures."""

MIN_FIGURES_PER_ROW = 3
"""A row of figures holds at least this many numbers."""

_KEEP_FULL_WIDTH = set("！＂＇（），：；？～")
"""Full-width marks that are Chinese punctuation in Chinese text: left as they are."""

FULL_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEEP_FULL_WIDTH}
"""U+FF01–FF5E (full-width ASCII) to ASCII, except Chinese punctuation: the one table for
cleaning (:func:`fold_full_width`) and for normalization (``numbers.fold_fullwidth``)."""

FOLDABLE_RUN = re.compile("[" + "".join(re.escape(chr(code)) for code in FULL_WIDTH_FOLD) + "]+")
"""A run of full-width ASCII that :func:`fold_full_width` turns into ASCII."""

_FULL_WIDTH_ANY = re.compile("[\uff01-\uff5e\u3000]")
_IDEOGRAPHIC_SPACE_INSIDE = re.compile(r"(?<=[" + CJK + r"A-Za-z0-9])\u3000+(?=[" + CJK + r"A-Za-z0-9])")


DATELINE = re.compile(
    r"^(?P<word>本报讯|[" + CJK + r"]{1,8}(?:报|网|台|社)讯"
    r"|(?:新华社|中新社|新华网|中新网|人民网|央视网|[" + CJK + r"]{2,6}(?:报|网|社|台))[" + CJK + r"]{0,8}?"
    r"\d{1,2}月\d{1,2}日(?:电|讯))"
    r"\s*(?:[（(](?P<credits>[^（）()]{1,60})[）)])?"
    r"\s*(?:(?P<reporter>(?:本报)?记者\s*[" + CJK + r"][" + CJK + r" ]{0,10}?)\s*报道\s*[:：])?\s*"
)
"""A dateline opening a lead: ``本报讯（记者 …）``, ``信息时报讯``, ``新华社广州1月21日电（记者…）``,
``本报讯 记者某某报道：``. Other papers' datelines are split off like our own."""


class LineRole(Enum):
    """What a line of a page is, as far as its words tell."""

    BODY = "body"
    SUBHEAD = "sub-head"
    KICKER = "kicker"
    CAPTION = "caption"
    SOURCE_CREDIT = "source credit"
    FURNITURE = "web furniture"
    MARKUP = "markup or code"
    FIGURES = "figures"


def fold_full_width(text: str, *, pause: str = "，") -> str:
    """Fold full-width ASCII (１２％Ｘ－) to ASCII and make an inner U+3000 a pause.

    Chinese punctuation that shares the full-width block (，：；！？（）) is left alone.
    An ideographic space between words becomes ``pause`` (a comma in body text, a space in
    headlines, where the title speaker turns spaces into pauses); at a line's ends it goes.
    """
    if not _FULL_WIDTH_ANY.search(text):
        return text
    text = text.translate(FULL_WIDTH_FOLD)
    text = _IDEOGRAPHIC_SPACE_INSIDE.sub(pause, text)
    return text.replace("\u3000", " ").strip()


_MARKUP_REMNANT = re.compile(
    r"<%[\s\S]*?%>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|</?[a-z]+:[A-Za-z]+(?:\s[^<>]*)?/?>|<!DOCTYPE[^>]*>",
    re.IGNORECASE,
)
"""Template directives (JSP/ASP ``<% %>``), comments, ``<c:import>``/``<asp:…>`` tags."""

_CODE = re.compile(
    r"function\s*\(|\$\(|document\.\w|window\.\w|\bvar\s+\w+\s*=|=>|^\s*[{}()\[\];]+\s*$|[{};]\s*$"
    r"|^\s*(?:INSERT\s+INTO|CREATE\s+TABLE|SELECT\s|import\s|def\s|class\s|return\s)"
    r"|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&lt;|&gt;|\\r\\n",
)
"""Code that is not prose: scripts, SQL, escaped markup, tags left whole."""

_CAPTION = re.compile(r"^(?:图为|上图|下图|左图|右图|图片为|图片来源|（资料图|\(资料图|资料图片)")
_SENTENCE_END = "。！？!?…；;”’」』"
_INNER_PAUSE = re.compile(r"[，,；;。！？]")
_NUMBER = re.compile(r"[-+−]?\d+(?:[.,:/]\d+)*%?")
_LONG_DIGITS = re.compile(r"\d{" + str(MAX_DIGIT_RUN + 1) + r",}")
_FIGURE_CHARS = set("0123456789.,:;/%+-−~|—·×() \t\u3000")


def markup_remnants(text: str) -> list[str]:
    """The template directives, comments and namespaced tags in a line, in order."""
    return [m.group(0) for m in _MARKUP_REMNANT.finditer(text)]


def strip_markup_remnants(text: str) -> str:
    """Remove template directives, comments and namespaced tags from a line."""
    return _MARKUP_REMNANT.sub("", text)


def is_code(text: str) -> bool:
    """True for a line of code or escaped markup with little Chinese prose in it."""
    if not _CODE.search(text):
        return False
    han = len(re.findall(r"[" + CJK + r"]", text))
    return han < 0.5 * len(text.replace(" ", ""))


def is_furniture(text: str) -> bool:
    """True for a web page's furniture line (a ``line`` rule of ``furniture.toml``)."""
    return furniture_rules().line_rule(text) is not None


def is_source_credit(text: str) -> bool:
    """True for a line that is only a credit (source, reporter or photo; ``furniture.toml``)."""
    credit = furniture_rules().credit(text)
    return credit is not None and not credit[1]


def is_caption(text: str) -> bool:
    """True for a photo caption: ``图为…``, ``（资料图）``, or a line ending in a photo credit."""
    if _CAPTION.search(text) is not None:
        return True
    credit = furniture_rules().credit(text)
    return credit is not None and bool(credit[1])


def split_photo_credit(text: str) -> tuple[str, str]:
    """Split a caption into its words and its trailing credit (may be empty)."""
    credit = furniture_rules().credit(text)
    if credit is None or not credit[1]:
        return text, ""
    return credit[1], credit[2]


def dropping_rule(text: str) -> str:
    """The name of the ``furniture.toml`` rule a furniture or credit line is dropped by."""
    rules = furniture_rules()
    credit = rules.credit(text)
    return rules.line_rule(text) or (credit[0] if credit else "")


def is_figures(text: str) -> bool:
    """True for a row of figures (a stock list, results table or weather grid line).

    Such a row has at least three numbers, no sentence end, and digits, signs and spaces
    make up at least half of it; read aloud it would be digits without meaning.
    """
    if any(mark in text for mark in "。！？"):
        return False  # prose: its long digit runs alone are cut (cut_long_digit_runs)
    if len(_NUMBER.findall(text)) < MIN_FIGURES_PER_ROW:
        return False
    return _figure_share(text) >= FIGURE_SHARE


def _figure_share(text: str) -> float:
    body = text.strip()
    if not body:
        return 0.0
    return sum(1 for ch in body if ch in _FIGURE_CHARS) / len(body)


TABLE_HEADER_MAX_TOKEN_CHARS = 6
"""A table header's cells are short words (星期 最高 最低)."""


def is_table_header(text: str) -> bool:
    """True for a header line of a table: three or more short words, no punctuation."""
    cells = text.split()
    return (
        len(cells) >= MIN_FIGURES_PER_ROW
        and all(len(cell) <= TABLE_HEADER_MAX_TOKEN_CHARS for cell in cells)
        and not _INNER_PAUSE.search(text)
    )


def long_digit_runs(text: str) -> list[str]:
    """Runs of more than MAX_DIGIT_RUN digits inside a line of prose."""
    return _LONG_DIGITS.findall(text)


def cut_long_digit_runs(text: str) -> str:
    """Remove runs of more than MAX_DIGIT_RUN digits (figures no listener can follow)."""
    return _LONG_DIGITS.sub("", text)


def ends_sentence(text: str) -> bool:
    """True when a line ends with sentence-final punctuation (or a closing quote)."""
    return text.rstrip()[-1:] in _SENTENCE_END


def is_heading_like(text: str) -> bool:
    """True for a short line with no end punctuation and no inner pause: a headline or sub-head.

    A kicker ending in ``——`` counts; so do headlines with spaces between phrases.
    """
    stripped = text.strip()
    if not stripped or len(stripped) > SUBHEAD_MAX_CHARS or ends_sentence(stripped):
        return False
    return (
        not _INNER_PAUSE.search(stripped.rstrip("—")) and re.search(r"[" + CJK + r"]", stripped) is not None
    )


def is_kicker(text: str) -> bool:
    """A kicker: a very short lead-in (``综述：``, ``举报``) or a line ending in ``——``."""
    stripped = text.strip()
    return stripped.endswith("——") or (len(stripped) <= 4 and not ends_sentence(stripped))


def context_free_role(text: str) -> LineRole:
    """The role a line has whatever stands around it (sub-heads need their neighbours)."""
    if is_code(text):
        return LineRole.MARKUP
    if is_source_credit(text):
        return LineRole.SOURCE_CREDIT
    if is_furniture(text):
        return LineRole.FURNITURE
    if is_figures(text):
        return LineRole.FIGURES
    if is_caption(text):
        return LineRole.CAPTION
    return LineRole.BODY


__all__ = [
    "DATELINE",
    "FOLDABLE_RUN",
    "LineRole",
    "context_free_role",
    "cut_long_digit_runs",
    "ends_sentence",
    "fold_full_width",
    "is_caption",
    "is_figures",
    "is_heading_like",
    "is_kicker",
    "is_table_header",
    "long_digit_runs",
    "markup_remnants",
    "split_photo_credit",
    "strip_markup_remnants",
]
