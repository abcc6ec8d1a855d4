"""Repair: one line's markup and punctuation damage, bylines and datelines.

Small pure functions the cleaner applies to every line: tags and entities go, ASCII
punctuation next to Chinese becomes full-width, print furniture (``■``) goes, and a credit
line or a leading dateline is recognised.
"""

from __future__ import annotations

import html
import re

from audiopaper.text.line_roles import CJK, DATELINE

CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
"""Character class body for full-width and Chinese punctuation (incl. “”‘’—…·)."""

_FURNITURE = re.compile(r"[■□◆◇●○▲△★☆▼▽◎]+")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_SUP = re.compile(r"<sup>\s*([^<>]*?)\s*</sup>", re.IGNORECASE)
_SUB = re.compile(r"<sub>\s*([^<>]*?)\s*</sub>", re.IGNORECASE)
_SUPERSCRIPTS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_BYLINE = re.compile(
    r"^(?:本报)?(?:特约)?(?:记者|通讯员|摄影|摄|图|文|实习生|见习记者|编辑)[\s:：]*[" + CJK + r"]"
)
_BYLINE_WORDS = re.compile(r"(?:本报)?(?:记者|通讯员|摄影|实习生|见习记者|特约记者|编辑)")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[" + CJK + CJK_PUNCT + r"])[ \t\u3000]+(?=[" + CJK + CJK_PUNCT + r"])")
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_ASCII_PUNCT_NEAR_CJK = re.compile(
    r"(?<=[" + CJK + CJK_PUNCT + r"])\s*([,:;?!])\s*|\s*([,:;?!])\s*(?=[" + CJK + r"“‘《])"
)
_PARENS = re.compile(r"\(([^()]*)\)")
_CJK_CHAR = re.compile(r"[" + CJK + r"]")
_FULL_STOP_AFTER_CJK = re.compile(r"(?<=[" + CJK + r"])\.(?=\s*$|[" + CJK + r"“])")


def has_cjk(text: str) -> bool:
    """True when ``text`` contains at least one Chinese ideograph."""
    return _CJK_CHAR.search(text) is not None


def repair_inline(text: str, *, keep_spaces: bool = False) -> str:
    """Repair one line's markup and punctuation damage, keeping its words.

    ``C<sub>2</sub>`` becomes ``C2``, ``m<sup>2</sup>`` becomes ``m²`` (the speech stage
    reads it as 平方米), other tags and print furniture (``■``) go, entities are decoded,
    and ASCII ``, : ; ? ! ( )`` next to Chinese become full-width. Spaces left between
    Chinese characters by line breaks are removed, unless ``keep_spaces`` (headlines and
    bylines, where a space separates phrases or names).
    """
    text = _SUP.sub(lambda m: m.group(1).translate(_SUPERSCRIPTS), text)
    text = _SUB.sub(lambda m: m.group(1), text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _TAG.sub("", text)  # entities may have hidden tags (&lt;b&gt;)
    text = _FURNITURE.sub(" ", text)
    if not text.isprintable():
        text = "".join(ch for ch in text if ch in "\t" or ch.isprintable())
    text = _ASCII_PUNCT_NEAR_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)
    text = _PARENS.sub(lambda m: f"（{m.group(1)}）" if has_cjk(m.group(1)) else m.group(0), text)
    text = _FULL_STOP_AFTER_CJK.sub("。", text)
    if not keep_spaces:
        text = _SPACE_BETWEEN_CJK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def repair_title(text: str) -> str:
    """Repair a headline or byline: like :func:`repair_inline`, but spaces between phrases stay."""
    return repair_inline(text, keep_spaces=True)


def parse_byline(text: str) -> str | None:
    """Return the credit line if ``text`` (already repaired) is a byline, else ``None``.

    A byline is short, names roles (记者, 通讯员, 摄影…) and has no sentence punctuation.
    """
    stripped = text.strip()
    if len(stripped) > 60 or re.search(r"[。！？，；]", stripped):
        return None
    if not _BYLINE.match(stripped):
        return None
    return re.sub(r"\s+", " ", stripped)


def split_dateline(text: str) -> tuple[bool, str | None, str]:
    """Split a leading dateline (``本报讯``, ``信息时报讯``, ``新华社某地某日电``) off a paragraph.

    Credits in brackets (``（记者 … 通讯员 …）``) or as ``记者某某报道：`` become the byline.
    Returns whether a dateline was there, the credits it carried, and the remaining text.
    """
    match = DATELINE.match(text)
    if not match:
        return False, None, text
    credits = match.group("credits") or match.group("reporter")
    if credits and not _BYLINE_WORDS.search(credits):
        return True, None, text[match.end("word") :].strip()
    if credits:
        credits = re.sub(r"\s*报道$", "", credits.strip())
    byline = re.sub(r"\s+", " ", credits) if credits else None
    return True, byline, text[match.end() :].strip()
