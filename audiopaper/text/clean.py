# long: 503 lines of one copy editor's rules; to be split by line role with the input forms (issue 15)
"""Clean: repair the print and extraction damage of a page and find its articles.

Works like a copy editor on the blocks ingest found: strips markup and print furniture,
makes ASCII punctuation inside Chinese text full-width, turns ``■记者 …`` lines into
bylines, starts a new article where a byline or ``本报讯`` appears mid-article, re-attaches
an orphan headline to the headless article it fits, joins paragraphs cut by a column break,
removes text printed twice, and treats a captioned photo as a short article of its own.
Everything it changes is recorded as a :class:`Change` so an editor can audit it.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from audiopaper.errors import NoArticlesError
from audiopaper.text.ingest import BlockKind, Page

_LOGGER = logging.getLogger(__name__)

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Character class body for Chinese ideographs."""

CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
"""Character class body for full-width and Chinese punctuation (incl. “”‘’—…·)."""

DUPLICATE_RUN_CHARS = 32
"""A run of this many Chinese characters seen twice on a page is a print duplicate, not style."""

PHOTO_CAPTION_MAX_CHARS = 400
"""A credited photo item's caption is short; longer text under a 摄影 credit is an article."""

_SENTENCE_END = "。！？!?…；;”’」』"
"""A paragraph ending in none of these was cut by a column break and continues below."""

_FURNITURE = re.compile(r"[■□◆◇●○▲△★☆▼▽◎]+")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_SUP = re.compile(r"<sup>\s*([^<>]*?)\s*</sup>", re.IGNORECASE)
_SUB = re.compile(r"<sub>\s*([^<>]*?)\s*</sub>", re.IGNORECASE)
_SUPERSCRIPTS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_BYLINE = re.compile(
    r"^(?:本报)?(?:特约)?(?:记者|通讯员|摄影|摄|图|文|实习生|见习记者|编辑)[\s:：]*[" + CJK + r"]"
)
_BYLINE_WORDS = re.compile(r"(?:本报)?(?:记者|通讯员|摄影|实习生|见习记者|特约记者|编辑)")
_DATELINE = re.compile(r"^本报讯\s*(?:[（(]([^（）()]{1,60})[）)])?\s*")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[" + CJK + CJK_PUNCT + r"])[ \t\u3000]+(?=[" + CJK + CJK_PUNCT + r"])")
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_ASCII_PUNCT_NEAR_CJK = re.compile(
    r"(?<=[" + CJK + CJK_PUNCT + r"])\s*([,:;?!])\s*|\s*([,:;?!])\s*(?=[" + CJK + r"“‘《])"
)
_PARENS = re.compile(r"\(([^()]*)\)")
_CJK_CHAR = re.compile(r"[" + CJK + r"]")


class ChangeKind(Enum):
    """Kinds of repair the cleaner reports."""

    JOINED = "joined"
    DUPLICATE_REMOVED = "duplicate removed"
    SPLIT = "split"
    REATTACHED = "re-attached"
    UNTITLED = "untitled"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Change:
    """One repair the cleaner made, for the editor's proof."""

    kind: ChangeKind
    """What was done."""

    detail: str
    """A short human description, quoting the text involved."""


@dataclass(frozen=True)
class Article:
    """One cleaned article, ready for the speech stage."""

    title: str
    """The headline as displayed; a space separates the lines of a two-line headline."""

    byline: str | None
    """Reporter credits such as ``记者 高洁 通讯员 苏燕``; ``None`` when the page gives none."""

    paragraphs: tuple[str, ...]
    """Cleaned body paragraphs (display text, full-width punctuation, no markup)."""

    is_photo: bool = False
    """True for a captioned photo item (a short caption under a 摄影 credit)."""

    source: str = ""
    """The page the article came from."""

    lead: bool = False
    """True for the page's lead story (its headline is a level-1 ``#``)."""


@dataclass(frozen=True)
class CleanResult:
    """The articles of one or more pages and what cleaning changed."""

    articles: tuple[Article, ...]
    """Articles in edition order."""

    changes: tuple[Change, ...]
    """Every repair made, in the order made."""


@dataclass
class _Draft:
    """An article being assembled from blocks (mutable while cleaning one page)."""

    title: str | None
    level: int
    byline: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    has_dateline: bool = False
    is_photo: bool = False
    source: str = ""


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
    text = "".join(ch for ch in text if ch in "\t" or ch.isprintable())
    text = _ASCII_PUNCT_NEAR_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)
    text = _PARENS.sub(lambda m: f"（{m.group(1)}）" if has_cjk(m.group(1)) else m.group(0), text)
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
    """Split a leading ``本报讯`` (with optional ``（记者 … 通讯员 …）``) off a paragraph.

    Returns whether a dateline was there, the credits it carried, and the remaining text.
    """
    match = _DATELINE.match(text)
    if not match:
        return False, None, text
    credits = match.group(1)
    if credits and not _BYLINE_WORDS.search(credits):
        return True, None, text[len("本报讯") :].strip()
    byline = re.sub(r"\s+", " ", credits.strip()) if credits else None
    return True, byline, text[match.end() :].strip()


def _cjk_only(text: str) -> str:
    return "".join(_CJK_CHAR.findall(text))


def _bigrams(text: str) -> set[str]:
    chars = _cjk_only(text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def _fit(text: str, context: Iterable[str]) -> float:
    """How well ``text`` fits ``context``: share of its character bigrams found there."""
    grams = _bigrams(text)
    if not grams:
        return 0.0
    pool: set[str] = set()
    for other in context:
        pool |= _bigrams(other)
    return len(grams & pool) / len(grams)


def _build_drafts(page: Page) -> tuple[list[_Draft], list[Change]]:
    """Group a page's blocks into draft articles at headlines, bylines and datelines."""
    drafts: list[_Draft] = []
    changes: list[Change] = []
    current: _Draft | None = None
    for block in page.blocks:
        if block.kind is BlockKind.HEADLINE:
            title = repair_title(block.text)
            if not title:
                continue
            if current is not None and not current.paragraphs and current.byline is None and current.title:
                # Two headline lines in a row (引题 + 主题) form one title.
                current.title = f"{current.title} {title}"
                current.level = min(current.level, block.level)
                continue
            current = _Draft(title=title, level=block.level, source=page.source)
            drafts.append(current)
            continue
        text = repair_inline(block.text)
        if not text:
            continue
        byline = parse_byline(repair_title(block.text))
        if byline is not None:
            is_photo_credit = byline.startswith(("摄影", "摄", "图")) or "摄影" in byline
            if current is None:
                current = _Draft(title=None, level=2, byline=byline, source=page.source)
                drafts.append(current)
            elif is_photo_credit and current.paragraphs and current.byline is None:
                current.byline = byline
                current.is_photo = sum(len(p) for p in current.paragraphs) <= PHOTO_CAPTION_MAX_CHARS
            elif current.paragraphs or current.byline is not None:
                changes.append(
                    Change(ChangeKind.SPLIT, f"new article at byline “{byline}” (line {block.line})")
                )
                current = _Draft(title=None, level=2, byline=byline, source=page.source)
                drafts.append(current)
            else:
                current.byline = byline
            continue
        dated, credits, rest = split_dateline(text)
        if dated:
            if current is None or current.has_dateline or (current.paragraphs and not current.is_photo):
                if current is not None:
                    changes.append(Change(ChangeKind.SPLIT, f"new article at 本报讯 (line {block.line})"))
                current = _Draft(title=None, level=2, source=page.source)
                drafts.append(current)
            current.has_dateline = True
            if credits and current.byline is None:
                current.byline = credits
            text = rest
            if not text:
                continue
        if current is None:
            changes.append(Change(ChangeKind.DROPPED, f"text before the first headline: “{text[:20]}…”"))
            continue
        current.paragraphs.append(text)
    return drafts, changes


def _attach_orphans(drafts: list[_Draft], changes: list[Change]) -> list[_Draft]:
    """Give each headless article the orphan headline (a title with no body) that fits it best."""
    orphans = [d for d in drafts if d.title and not d.paragraphs]
    headless = [d for d in drafts if d.title is None and d.paragraphs]
    for orphan in orphans:
        assert orphan.title is not None
        if not headless:
            continue
        best = max(headless, key=lambda d: _fit(orphan.title or "", d.paragraphs))
        if _fit(orphan.title, best.paragraphs) == 0.0:
            continue
        best.title = orphan.title
        best.level = orphan.level
        headless.remove(best)
        drafts.remove(orphan)
        changes.append(Change(ChangeKind.REATTACHED, f"headline “{orphan.title}” joined to its article"))
    for orphan in [d for d in drafts if d.title and not d.paragraphs]:
        drafts.remove(orphan)
        changes.append(Change(ChangeKind.DROPPED, f"headline with no text: “{orphan.title}”"))
    for draft in [d for d in drafts if d.title is None and not d.paragraphs]:
        drafts.remove(draft)  # a lone byline or 本报讯 with nothing under it
    for draft in drafts:
        if draft.title is None:
            first = re.split(r"[，。！？；：,]", draft.paragraphs[0])[0]
            draft.title = first[:24]
            changes.append(Change(ChangeKind.UNTITLED, f"article without headline titled “{draft.title}”"))
    return drafts


def _shingles(text: str) -> set[str]:
    """The text's runs of DUPLICATE_RUN_CHARS Chinese characters."""
    chars = _cjk_only(text)
    k = DUPLICATE_RUN_CHARS
    return {chars[i : i + k] for i in range(len(chars) - k + 1)}


COPY_OVERLAP = 0.8
"""Two paragraphs sharing this share of the shorter one's 32-character runs are copies."""

COPY_LENGTH_SLACK = 1.25
"""A copy is dropped for the other only if it is at most this much longer (in runs)."""


def _place_duplicate_paragraphs(drafts: list[_Draft], changes: list[Change]) -> None:
    """Where a paragraph is printed in two articles, keep one copy, where its content fits.

    Copies need not be identical (one may be cut short by a column break); they are
    copies when most of the shorter one's 32-character runs appear in the other. The copy
    kept is the one whose article's other paragraphs and title share most of its wording.
    Candidate pairs come from an index of runs, so a long page costs little more than a
    short one.
    """
    shingles: dict[int, set[str]] = {}
    owners: dict[str, list[tuple[int, int]]] = {}
    for d_index, draft in enumerate(drafts):
        for p_index, para in enumerate(draft.paragraphs):
            runs = _shingles(para)
            shingles[id(para)] = runs
            for run in runs:
                owners.setdefault(run, []).append((d_index, p_index))
    pairs: set[tuple[int, int, int, int]] = set()
    for places in owners.values():
        if len(places) > 1:
            for first in places:
                for second in places:
                    if first[0] < second[0]:
                        pairs.add((*first, *second))
    removed: set[tuple[int, int]] = set()
    for d_a, p_a, d_b, p_b in sorted(pairs):
        if (d_a, p_a) in removed or (d_b, p_b) in removed:
            continue
        draft, other = drafts[d_a], drafts[d_b]
        para, copy = draft.paragraphs[p_a], other.paragraphs[p_b]
        mine, theirs = shingles[id(para)], shingles[id(copy)]
        if len(mine & theirs) < COPY_OVERLAP * min(len(mine), len(theirs)):
            continue
        here = _fit(para, [p for i, p in enumerate(draft.paragraphs) if i != p_a] + [draft.title or ""])
        there = _fit(copy, [p for i, p in enumerate(other.paragraphs) if i != p_b] + [other.title or ""])
        # Never drop the longer copy for a much shorter one: its extra text would be lost.
        # Such partial copies are left to _remove_repeated_runs.
        if here >= there and len(theirs) <= COPY_LENGTH_SLACK * len(mine):
            removed.add((d_b, p_b))
            kept_in = draft.title
        elif here < there and len(mine) <= COPY_LENGTH_SLACK * len(theirs):
            removed.add((d_a, p_a))
            kept_in = other.title
        else:
            continue
        changes.append(
            Change(
                ChangeKind.DUPLICATE_REMOVED, f"paragraph “{para[:16]}…” printed twice; kept in “{kept_in}”"
            )
        )
    for d_index, draft in enumerate(drafts):
        draft.paragraphs = [p for i, p in enumerate(draft.paragraphs) if (d_index, i) not in removed]


def _ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in _SENTENCE_END


def _join_column_breaks(paragraphs: Sequence[str], changes: list[Change]) -> list[str]:
    """Join a paragraph that stops mid-sentence with the one after it."""
    joined: list[str] = []
    for para in paragraphs:
        if joined and not _ends_sentence(joined[-1]):
            changes.append(Change(ChangeKind.JOINED, f"“…{joined[-1][-8:]}” + “{para[:8]}…”"))
            joined[-1] = joined[-1] + para
        else:
            joined.append(para)
    return joined


def _remove_repeated_runs(drafts: list[_Draft], changes: list[Change]) -> None:
    """Delete any run of >= DUPLICATE_RUN_CHARS Chinese characters already printed earlier.

    Works on the Chinese characters only (punctuation and digits between them are carried
    along), so a garbled partial copy that differs only in punctuation is still caught.
    The first occurrence in edition order is kept.
    """
    seen: set[str] = set()
    k = DUPLICATE_RUN_CHARS
    for draft in drafts:
        kept: list[str] = []
        for para in draft.paragraphs:
            positions = [i for i, ch in enumerate(para) if _CJK_CHAR.match(ch)]
            chars = "".join(para[i] for i in positions)
            covered = [False] * len(chars)
            for start in range(len(chars) - k + 1):
                if chars[start : start + k] in seen:
                    for j in range(start, start + k):
                        covered[j] = True
            for start in range(len(chars) - k + 1):
                seen.add(chars[start : start + k])
            if not any(covered):
                kept.append(para)
                continue
            out: list[str] = []
            cut_from = None
            cjk_index = {pos: idx for idx, pos in enumerate(positions)}
            for pos, ch in enumerate(para):
                idx = cjk_index.get(pos)
                if idx is not None and covered[idx]:
                    if cut_from is None:
                        cut_from = pos
                    continue
                if idx is None and cut_from is not None:
                    # punctuation or digits inside a removed run go with it
                    nxt = next((q for q in range(pos + 1, len(para)) if q in cjk_index), None)
                    if nxt is not None and covered[cjk_index[nxt]]:
                        continue
                if cut_from is not None:
                    changes.append(
                        Change(
                            ChangeKind.DUPLICATE_REMOVED,
                            f"repeated text “{para[cut_from : cut_from + 16]}…”",
                        )
                    )
                    cut_from = None
                out.append(ch)
            if cut_from is not None:
                changes.append(
                    Change(
                        ChangeKind.DUPLICATE_REMOVED,
                        f"repeated text “{para[cut_from : cut_from + 16]}…”",
                    )
                )
            text = re.sub(r"^[，、；：。]+", "", "".join(out))
            text = re.sub(r"([，、；：])[，、；：]+", r"\1", text)
            text = re.sub(r"[，、；：]+([。！？])", r"\1", text)
            if _cjk_only(text):
                kept.append(text)
        draft.paragraphs = kept


def _finish(drafts: list[_Draft], changes: list[Change]) -> list[Article]:
    """Turn drafts into articles, dropping any left without text."""
    articles = []
    for draft in drafts:
        if not draft.paragraphs:
            changes.append(Change(ChangeKind.DROPPED, f"article “{draft.title}” has no text left"))
            continue
        articles.append(
            Article(
                title=draft.title or "",
                byline=draft.byline,
                paragraphs=tuple(draft.paragraphs),
                is_photo=draft.is_photo,
                source=draft.source,
                lead=draft.level == 1,
            )
        )
    return articles


def clean_pages(pages: Sequence[Page], *, lead_first: bool = True) -> CleanResult:
    """Clean several pages into one edition's articles, in the given page order.

    Articles are found page by page (a headline never belongs to another page), but text
    printed twice is looked for across the whole edition: nothing is spoken twice. With
    ``lead_first`` each page's lead story (a ``#`` headline) moves to the front of that
    page's articles, as a presenter would open with it.
    """
    changes: list[Change] = []
    drafts: list[_Draft] = []
    for page in pages:
        found, page_changes = _build_drafts(page)
        changes.extend(page_changes)
        found = _attach_orphans(found, changes)
        if lead_first:
            found = [d for d in found if d.level == 1] + [d for d in found if d.level != 1]
        drafts.extend(found)
    _place_duplicate_paragraphs(drafts, changes)
    for draft in drafts:
        draft.paragraphs = _join_column_breaks(draft.paragraphs, changes)
    _remove_repeated_runs(drafts, changes)
    articles = _finish(drafts, changes)
    if not articles:
        names = ", ".join(p.source for p in pages)
        raise NoArticlesError(
            f"{names}: no articles found; a page needs a '#' or '##' headline with text under it"
        )
    for article in articles:
        _LOGGER.debug("article %r: %d paragraphs", article.title, len(article.paragraphs))
    return CleanResult(articles=tuple(articles), changes=tuple(changes))


__all__ = [
    "Article",
    "Change",
    "ChangeKind",
    "CleanResult",
    "clean_pages",
    "parse_byline",
    "repair_inline",
]
