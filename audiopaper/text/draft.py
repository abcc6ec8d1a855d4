"""Draft: an article being assembled from a page's blocks, mutable while one page is cleaned."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.line_roles import (
    CJK,
    SUBHEAD_MAX_CHARS,
    LineRole,
    ends_sentence,
    is_heading_like,
    is_kicker,
)
from audiopaper.text.page import Block

_BRACKETED = re.compile(r"^[（(][^（）()]+[）)]$")
"""A paragraph wholly in brackets: a passage note or credit, never cut mid-sentence."""

_LABEL = re.compile(r"^[" + CJK + r"]{2,4}[:：]")
"""A kicker label opening a line: 综述：, 特写：, 短评：."""


@dataclass
class Draft:
    """An article being assembled from blocks (mutable while cleaning one page)."""

    title: str | None
    """The headline, or ``None`` until one is found or made."""

    level: int
    """Headline level (1 is the page's lead story)."""

    byline: str | None = None
    """Reporter credits, if the page gives them."""

    paragraphs: list[str] = field(default_factory=list)
    """Body paragraphs so far (display text)."""

    roles: list[LineRole] = field(default_factory=list)
    """The role of each paragraph (body, sub-head, kicker, caption), parallel to ``paragraphs``."""

    has_dateline: bool = False
    """A dateline (本报讯…) opened this article."""

    is_photo: bool = False
    """A captioned photo item (a short caption under a 摄影 credit)."""

    source: str = ""
    """The page the article came from."""

    def add(self, text: str, role: LineRole = LineRole.BODY) -> None:
        """Append a paragraph with its role."""
        self.paragraphs.append(text)
        self.roles.append(role)

    def keep(self, indexes: set[int]) -> None:
        """Keep only the paragraphs at ``indexes`` (with their roles)."""
        self.paragraphs = [p for i, p in enumerate(self.paragraphs) if i in indexes]
        self.roles = [r for i, r in enumerate(self.roles) if i in indexes]


def mark_subheads(draft: Draft) -> None:
    """Find sub-heads and kickers: short unpunctuated lines standing between sentences.

    A line is one when it follows a finished sentence (or another sub-head, kicker or
    caption) and text follows it; a line ending in ``——`` or opening with a label
    (``综述：``, ``特写：``) is one wherever it stands. Otherwise a short unpunctuated first
    paragraph is not one: that is text cut by a column break.
    """
    paragraphs, roles = draft.paragraphs, draft.roles
    for index, para in enumerate(paragraphs):
        if roles[index] is not LineRole.BODY or not is_heading_like(para):
            continue
        after_sentence = index > 0 and (
            roles[index - 1] is not LineRole.BODY or ends_sentence(paragraphs[index - 1])
        )
        if para.endswith("——") or _LABEL.match(para) or (after_sentence and index + 1 < len(paragraphs)):
            roles[index] = LineRole.KICKER if is_kicker(para) else LineRole.SUBHEAD


def join_column_breaks(draft: Draft, changes: list[Change]) -> None:
    """Join body text that stops mid-sentence with the body text after it (a column break).

    Only body text joins: a sub-head, kicker or caption keeps its line and is read as a
    sentence of its own; so does a note wholly in brackets (（…会议通过）), which is complete.
    """
    paragraphs: list[str] = []
    roles: list[LineRole] = []
    for para, role in zip(draft.paragraphs, draft.roles, strict=True):
        if (
            paragraphs
            and roles[-1] is LineRole.BODY
            and role is LineRole.BODY
            and not ends_sentence(paragraphs[-1])
            and not _BRACKETED.match(paragraphs[-1])
        ):
            changes.append(Change(ChangeKind.JOINED, f"“…{paragraphs[-1][-8:]}” + “{para[:8]}…”"))
            paragraphs[-1] = paragraphs[-1] + para
        else:
            paragraphs.append(para)
            roles.append(role)
    draft.paragraphs, draft.roles = paragraphs, roles


def read_repeated_paragraphs_once(draft: Draft, changes: list[Change]) -> None:
    """A paragraph printed twice in a row is read once; so is a caption or sub-head printed again.

    A photo gallery repeats one caption under several photos (二月十八日，北京故宫午门调试灯光。);
    body text printed again further on is left to the run-level check in ``duplicates``.
    """
    keep: set[int] = set()
    seen: set[str] = set()
    for i, (para, role) in enumerate(zip(draft.paragraphs, draft.roles, strict=True)):
        again = i > 0 and para == draft.paragraphs[i - 1]
        if again or (role is not LineRole.BODY and para in seen):
            detail = f"“{para[:16]}…” printed twice {'in a row' if again else 'in the article'}"
            changes.append(Change(ChangeKind.REPEATED_SENTENCE, detail, para))
        else:
            keep.add(i)
        seen.add(para)
    draft.keep(keep)


MADE_TITLE_MIN_CHARS = 6
"""A made title skips leading clauses shorter than this (``1月21日下午``): they name no subject."""

_TIME_ONLY = re.compile(
    r"^[\d年月日号时点分秒前后上下午晚早中凌晨夜今昨明当天周星期一二三四五六七八九十零]+$"
)

MADE_TITLE_MAX_CHARS = 24
"""A title made from the first clause is cut to this many characters."""


def made_title(paragraph: str) -> str:
    """A title for an untitled article: its first clause of at least MADE_TITLE_MIN_CHARS characters."""
    clauses = [c for c in re.split(r"[，。！？；：,]", paragraph) if c.strip()]
    named = [c for c in clauses if len(c) >= MADE_TITLE_MIN_CHARS and not _TIME_ONLY.match(c)]
    first = named[0] if named else (clauses[0] if clauses else paragraph)
    return first.strip()[:MADE_TITLE_MAX_CHARS]


PHOTO_CAPTION_MAX_CHARS = 400
"""A credited photo item's caption is short; longer text under a 摄影 credit is an article."""


def is_prose(text: str, role: LineRole) -> bool:
    """Body text that is an article's, not a section heading or kicker above the headlines."""
    return role is LineRole.BODY and (ends_sentence(text) or len(text) > SUBHEAD_MAX_CHARS)


def place_byline(
    byline: str, block: Block, current: Draft | None, drafts: list[Draft], changes: list[Change], source: str
) -> Draft:
    """Give a byline to the current article, or start a new one at it; return the current draft."""
    is_photo_credit = byline.startswith(("摄影", "摄", "图")) or "摄影" in byline
    if current is None:
        current = Draft(title=None, level=2, byline=byline, source=source)
        drafts.append(current)
    elif is_photo_credit and current.paragraphs and current.byline is None:
        current.byline = byline
        current.is_photo = sum(len(p) for p in current.paragraphs) <= PHOTO_CAPTION_MAX_CHARS
    elif current.paragraphs or current.byline is not None:
        changes.append(Change(ChangeKind.SPLIT, f"new article at byline “{byline}” (line {block.line})"))
        current = Draft(title=None, level=2, byline=byline, source=source)
        drafts.append(current)
    else:
        current.byline = byline
    return current
