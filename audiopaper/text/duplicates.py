"""Duplicates: text printed twice is spoken once.

Three kinds, from printed pages and web pages: a paragraph printed in two articles (kept
where its wording fits), a run of 32 Chinese characters repeated anywhere in the edition
(a garbled partial copy), and a sentence or caption repeated back to back in a paragraph.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.draft import Draft
from audiopaper.text.line_roles import CJK

DUPLICATE_RUN_CHARS = 32
"""A run of this many Chinese characters seen twice on a page is a print duplicate, not style."""

COPY_OVERLAP = 0.8
"""Two paragraphs sharing this share of the shorter one's 32-character runs are copies."""

COPY_LENGTH_SLACK = 1.25
"""A copy is dropped for the other only if it is at most this much longer (in runs)."""

MIN_REPEAT_HAN = 4
"""A back-to-back repeat must hold this many Chinese characters (shorter is style: 好好好)."""

_CJK_CHAR = re.compile(r"[" + CJK + r"]")
_SENTENCE = re.compile(r"[^。！？!?；;]*(?:[。！？!?；;]+[”’」』）)]*|$)")


def cjk_only(text: str) -> str:
    """The Chinese characters of ``text``, in order."""
    return "".join(_CJK_CHAR.findall(text))


def _bigrams(text: str) -> set[str]:
    chars = cjk_only(text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def fit(text: str, context: Iterable[str]) -> float:
    """How well ``text`` fits ``context``: share of its character bigrams found there."""
    grams = _bigrams(text)
    if not grams:
        return 0.0
    pool: set[str] = set()
    for other in context:
        pool |= _bigrams(other)
    return len(grams & pool) / len(grams)


def _shingles(text: str) -> set[str]:
    """The text's runs of DUPLICATE_RUN_CHARS Chinese characters."""
    chars = cjk_only(text)
    k = DUPLICATE_RUN_CHARS
    return {chars[i : i + k] for i in range(len(chars) - k + 1)}


def _candidate_pairs(drafts: list[Draft]) -> tuple[dict[int, set[str]], set[tuple[int, int, int, int]]]:
    """Paragraph pairs in different articles that share a 32-character run, from an index of runs.

    A run found in many places pairs each place with the first and with the one before it,
    not with every other: a page repeating one paragraph n times costs n pairs, not n².
    """
    shingles: dict[int, set[str]] = {}
    owners: dict[str, list[tuple[int, int]]] = {}
    for d_index, draft in enumerate(drafts):
        for p_index, para in enumerate(draft.paragraphs):
            runs = _shingles(para)
            shingles[id(para)] = runs
            for run in runs:
                places = owners.setdefault(run, [])
                if not places or places[-1] != (d_index, p_index):
                    places.append((d_index, p_index))
    pairs: set[tuple[int, int, int, int]] = set()
    for places in owners.values():
        if len(places) > 1:
            linked = (
                [(a, b) for a in places for b in places]
                if len(places) <= 3
                else [
                    *((places[0], b) for b in places[1:]),
                    *itertools.pairwise(places),
                ]
            )
            for first, second in linked:
                if first[0] < second[0]:
                    pairs.add((*first, *second))
    return shingles, pairs


def place_duplicate_paragraphs(drafts: list[Draft], changes: list[Change]) -> None:
    """Where a paragraph is printed in two articles, keep one copy, where its content fits.

    Copies need not be identical (one may be cut short by a column break); they are
    copies when most of the shorter one's 32-character runs appear in the other. The copy
    kept is the one whose article's other paragraphs and title share most of its wording.
    """
    if len(drafts) < 2:
        return  # copies are looked for between articles; one article has none to place
    shingles, pairs = _candidate_pairs(drafts)
    removed: set[tuple[int, int]] = set()
    for d_a, p_a, d_b, p_b in sorted(pairs):
        if (d_a, p_a) in removed or (d_b, p_b) in removed:
            continue
        draft, other = drafts[d_a], drafts[d_b]
        para, copy = draft.paragraphs[p_a], other.paragraphs[p_b]
        mine, theirs = shingles[id(para)], shingles[id(copy)]
        if len(mine & theirs) < COPY_OVERLAP * min(len(mine), len(theirs)):
            continue
        here = fit(para, [p for i, p in enumerate(draft.paragraphs) if i != p_a] + [draft.title or ""])
        there = fit(copy, [p for i, p in enumerate(other.paragraphs) if i != p_b] + [other.title or ""])
        # Never drop the longer copy for a much shorter one: its extra text would be lost.
        # Such partial copies are left to remove_repeated_runs.
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
                ChangeKind.DUPLICATE_REMOVED,
                f"paragraph “{para[:16]}…” printed twice; kept in “{kept_in}”",
                para,
            )
        )
    for d_index, draft in enumerate(drafts):
        draft.keep({i for i in range(len(draft.paragraphs)) if (d_index, i) not in removed})


def _covered_runs(chars: str, seen: set[str]) -> list[bool]:
    """Which of ``chars`` lie in a DUPLICATE_RUN_CHARS run already in ``seen`` (then add this text's runs)."""
    k = DUPLICATE_RUN_CHARS
    covered = [False] * len(chars)
    for start in range(len(chars) - k + 1):
        if chars[start : start + k] in seen:
            for j in range(start, start + k):
                covered[j] = True
    for start in range(len(chars) - k + 1):
        seen.add(chars[start : start + k])
    return covered


def _cut_covered(para: str, covered: list[bool], changes: list[Change]) -> str:
    """Remove the covered Chinese characters from ``para`` (with punctuation inside a cut run)."""
    cjk_index: dict[int, int] = {}
    for pos, ch in enumerate(para):
        if _CJK_CHAR.match(ch):
            cjk_index[pos] = len(cjk_index)
    next_cjk: list[int | None] = [None] * (len(para) + 1)  # the next Chinese character's position
    for pos in range(len(para) - 1, -1, -1):
        next_cjk[pos] = pos if pos in cjk_index else next_cjk[pos + 1]
    out: list[str] = []
    cut_from = None
    for pos, ch in enumerate(para):
        idx = cjk_index.get(pos)
        if idx is not None and covered[idx]:
            if cut_from is None:
                cut_from = pos
            continue
        if idx is None and cut_from is not None:
            nxt = next_cjk[pos + 1]  # punctuation or digits inside a removed run go with it
            if nxt is not None and covered[cjk_index[nxt]]:
                continue
        if cut_from is not None:
            changes.append(
                Change(ChangeKind.DUPLICATE_REMOVED, f"repeated text “{para[cut_from : cut_from + 16]}…”")
            )
            cut_from = None
        out.append(ch)
    if cut_from is not None:
        changes.append(
            Change(ChangeKind.DUPLICATE_REMOVED, f"repeated text “{para[cut_from : cut_from + 16]}…”")
        )
    text = re.sub(r"^[，、；：。]+", "", "".join(out))
    text = re.sub(r"([，、；：])[，、；：]+", r"\1", text)
    text = re.sub(r"[，、；：]+([。！？])", r"\1", text)
    return re.sub(r"([。！？])。+", r"\1", text)


def remove_repeated_runs(drafts: list[Draft], changes: list[Change]) -> None:
    """Delete any run of >= DUPLICATE_RUN_CHARS Chinese characters already printed earlier.

    Works on the Chinese characters only (punctuation and digits between them are carried
    along), so a garbled partial copy that differs only in punctuation is still caught.
    The first occurrence in edition order is kept.
    """
    seen: set[str] = set()
    for draft in drafts:
        kept: list[str] = []
        roles = []
        for para, role in zip(draft.paragraphs, draft.roles, strict=True):
            covered = _covered_runs(cjk_only(para), seen)
            text = _cut_covered(para, covered, changes) if any(covered) else para
            if text is para or cjk_only(text):
                kept.append(text)
                roles.append(role)
        draft.paragraphs, draft.roles = kept, roles


def read_once(text: str) -> tuple[str, list[str]]:
    """Drop a sentence repeated back to back in a paragraph; also a line printed twice over.

    Returns the text and the repeats removed. A caption printed twice on one line with no
    separator (``图为……图为……``) is caught as a line made of two equal halves.
    """
    removed: list[str] = []
    half = len(text) // 2
    if len(text) % 2 == 0 and text[:half] == text[half:] and len(cjk_only(text[:half])) >= MIN_REPEAT_HAN:
        return text[:half], [text[half:]]
    kept: list[str] = []
    for sentence in (m.group(0) for m in _SENTENCE.finditer(text)):
        if not sentence:
            continue
        if kept and sentence.strip() == kept[-1].strip() and len(cjk_only(sentence)) >= MIN_REPEAT_HAN:
            removed.append(sentence)
            continue
        kept.append(sentence)
    return ("".join(kept), removed) if removed else (text, removed)
