"""Clean: repair the print and extraction damage of a page and find its articles.

Works like a copy editor on the blocks ingest found: strips markup and print furniture,
makes ASCII punctuation inside Chinese text full-width, turns ``■记者 …`` lines into
bylines, starts a new article where a byline or ``本报讯`` appears mid-article, re-attaches
an orphan headline to the headless article it fits, joins paragraphs cut by a column break,
removes text printed twice, and treats a captioned photo as a short article of its own.
Every line gets its role (:mod:`audiopaper.text.line_roles`) before any join: markup, web
furniture, source credits and rows of figures are dropped; captions, sub-heads and kickers
stay their own sentences. Everything it drops or changes is recorded as a :class:`Change`
so an editor can audit it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from audiopaper.errors import NoArticlesError
from audiopaper.text.changes import Change, ChangeKind, merge_table_rows
from audiopaper.text.draft import (
    Draft,
    is_prose,
    join_column_breaks,
    made_title,
    mark_subheads,
    place_byline,
    read_repeated_paragraphs_once,
)
from audiopaper.text.duplicates import (
    fit,
    place_duplicate_paragraphs,
    read_once,
    remove_repeated_runs,
)
from audiopaper.text.furniture import drop_furniture_blocks, furniture_rules
from audiopaper.text.jumps import join_jumps
from audiopaper.text.latin import drop_bracketed_originals
from audiopaper.text.limits import check_articles, check_edition_chars
from audiopaper.text.line_roles import (
    CJK,
    FOLDABLE_RUN,
    LineRole,
    context_free_role,
    cut_long_digit_runs,
    dropping_rule,
    fold_full_width,
    is_figures,
    is_table_header,
    long_digit_runs,
    markup_remnants,
    split_photo_credit,
    strip_markup_remnants,
)
from audiopaper.text.page import Block, BlockKind, Page
from audiopaper.text.repair import has_cjk, parse_byline, repair_inline, repair_title, split_dateline

_LOGGER = logging.getLogger(__name__)

ROLE_LINE_MAX_CHARS = 200
"""Bylines, credits and furniture are short lines; longer lines skip those checks (a 4 MiB
line would otherwise be repaired three times)."""

ONE_ARTICLE_FORMS = frozenset({"html", "wechat"})
"""Forms that hold one article even when it prints no headline (the title is made)."""

_MID_DATELINE = re.compile(r"(?<=[。！？”])\s*(?=本报讯)")
_MARKED_ROLES = {BlockKind.CAPTION: LineRole.CAPTION, BlockKind.SUBHEAD: LineRole.SUBHEAD}
"""Roles a page's form marks on a block, kept unless the line is furniture, a credit or code."""
_DROPPED_ROLES = {
    LineRole.MARKUP: ChangeKind.MARKUP,
    LineRole.FURNITURE: ChangeKind.FURNITURE,
    LineRole.SOURCE_CREDIT: ChangeKind.SOURCE_CREDIT,
    LineRole.FIGURES: ChangeKind.FIGURES,
}


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


def _note_folded(page: Page, changes: list[Change]) -> None:
    """One proof line per page listing the full-width runs folded to ASCII (１２％ → 12%)."""
    runs = sorted({m.group(0) for b in page.blocks for m in FOLDABLE_RUN.finditer(b.text)})
    if runs:
        folded = "、".join(f"{run}→{fold_full_width(run, pause=' ')}" for run in runs[:12])
        more = f" and {len(runs) - 12} more" if len(runs) > 12 else ""
        changes.append(Change(ChangeKind.FOLDED, f"{page.source}: {folded}{more}"))


def _read_line(block: Block, changes: list[Change]) -> tuple[str, LineRole] | None:
    """Repair one text block and decide its role; dropped roles are recorded and give ``None``."""
    raw = block.text
    for remnant in markup_remnants(raw):
        changes.append(Change(ChangeKind.MARKUP, f"line {block.line}: “{remnant}”", remnant))
    folded, marks = furniture_rules().cut_marks(fold_full_width(strip_markup_remnants(raw)))
    for rule, mark in marks:
        changes.append(Change(ChangeKind.FURNITURE, f"line {block.line} ({rule}): “{mark}”", mark))
    text = repair_inline(folded)
    if not text:
        return None
    # Roles read spaces (记者 某某 校对 某某, 人 民 网); lines that long are never such roles.
    spaced = repair_inline(folded, keep_spaces=True) if len(folded) <= ROLE_LINE_MAX_CHARS else text
    if block.kind is BlockKind.TABLE_ROW:
        role = LineRole.FIGURES
    elif block.kind is BlockKind.CODE:
        role = LineRole.MARKUP
    elif block.kind in _MARKED_ROLES:  # a caption or sub-head may still be furniture (图源见水印)
        role = context_free_role(spaced)
        role = _MARKED_ROLES[block.kind] if role is LineRole.BODY else role
    else:
        role = context_free_role(spaced)
    if role in _DROPPED_ROLES:
        rule = dropping_rule(spaced) if role in (LineRole.FURNITURE, LineRole.SOURCE_CREDIT) else ""
        where = f"line {block.line} ({rule})" if rule else f"line {block.line}"
        changes.append(Change(_DROPPED_ROLES[role], f"{where}: “{text}”", text))
        return None
    for run in long_digit_runs(text):
        changes.append(Change(ChangeKind.FIGURES, f"line {block.line}: {len(run)} digits “{run[:24]}…”", run))
    text = cut_long_digit_runs(text)
    text, originals = drop_bracketed_originals(text)
    for original in originals:
        changes.append(
            Change(ChangeKind.ORIGINAL_NAME, f"line {block.line}: “（{original}）” not read", original)
        )
    text, repeats = read_once(text)
    for repeat in repeats:
        changes.append(
            Change(ChangeKind.REPEATED_SENTENCE, f"line {block.line}: “{repeat}” read once", repeat)
        )
    if role is LineRole.CAPTION:
        text, credit = split_photo_credit(text)
        if credit:
            changes.append(Change(ChangeKind.PHOTO_CREDIT, f"line {block.line}: “{credit}”", credit))
    return (text, role) if text else None


def _text_blocks(page: Page) -> list[Block]:
    """The page's blocks, with a paragraph holding a second 本报讯 split before it, and tables marked.

    A table (rows marked by the page's form, or a header line over lines of figures) that
    holds a row of figures is dropped whole by the table rule; a table of words is read as
    text, row by row.
    """
    blocks: list[Block] = []
    for block in page.blocks:
        if block.kind is BlockKind.TEXT and "本报讯" in block.text[1:]:
            parts = [p for p in _MID_DATELINE.split(block.text) if p.strip()]
            blocks.extend(Block(block.kind, part, block.level, block.line) for part in parts)
        else:
            blocks.append(block)
    for index, block in enumerate(blocks[:-1]):
        if (
            block.kind is BlockKind.TEXT
            and is_table_header(block.text)
            and is_figures(blocks[index + 1].text)
        ):
            blocks[index] = Block(BlockKind.TABLE_ROW, block.text, 0, block.line)
    start = 0
    while start < len(blocks):
        end = start
        while end < len(blocks) and blocks[end].kind is BlockKind.TABLE_ROW:
            end += 1
        rows = blocks[start:end]
        if rows and not any(is_figures(fold_full_width(row.text)) for row in rows):
            blocks[start:end] = [Block(BlockKind.TEXT, row.text, 0, row.line) for row in rows]
        start = max(end, start + 1)
    return blocks


def _build_drafts(page: Page) -> tuple[list[Draft], list[Change]]:
    """Group a page's blocks into draft articles at headlines, bylines and datelines."""
    drafts: list[Draft] = []
    changes: list[Change] = list(page.notes)
    _note_folded(page, changes)
    current: Draft | None = None
    for block in drop_furniture_blocks(_text_blocks(page), changes):
        if block.kind is BlockKind.BRIEF:  # each brief of a 简讯 box is an untitled item of its own
            drafts.append(current := Draft(title=None, level=2, source=page.source))
        if block.kind is BlockKind.BYLINE:  # a byline the form names (a WeChat account)
            current = _give_byline(block.text, current, drafts, page.source)
            continue
        if block.kind is BlockKind.HEADLINE:
            title = repair_title(fold_full_width(strip_markup_remnants(block.text), pause=" "))
            if not title:
                continue
            if current is not None and not current.paragraphs and current.byline is None and current.title:
                # Two headline lines in a row (引题 + 主题) form one title.
                current.title = f"{current.title} {title}"
                current.level = min(current.level, block.level)
                continue
            current = Draft(title=title, level=block.level, source=page.source)
            drafts.append(current)
            continue
        line = _read_line(block, changes)
        if line is None:
            continue
        text, role = line
        short = len(block.text) <= ROLE_LINE_MAX_CHARS
        credited = short and block.kind is not BlockKind.CAPTION  # a caption's credit is not a byline
        byline = parse_byline(repair_title(fold_full_width(block.text, pause=" "))) if credited else None
        if byline is not None:
            current = place_byline(byline, block, current, drafts, changes, page.source)
            continue
        dated, credits, rest = split_dateline(text)
        if dated and credits and short:  # names keep their spaces: 记者 林一
            credits = split_dateline(repair_title(fold_full_width(block.text, pause=" ")))[1] or credits
        if dated:
            has_body = current is not None and LineRole.BODY in current.roles
            if current is None or current.has_dateline or (has_body and not current.is_photo):
                if current is not None:
                    changes.append(Change(ChangeKind.SPLIT, f"new article at 本报讯 (line {block.line})"))
                current = Draft(title=None, level=2, source=page.source)
                drafts.append(current)
            current.has_dateline = True
            if credits and current.byline is None:
                current.byline = credits
            dateline = text[: len(text) - len(rest)].strip()
            changes.append(Change(ChangeKind.DATELINE, f"line {block.line}: “{dateline}”", dateline))
            text = rest
            if not text:
                continue
        current = current or _untitled(page, text, role, drafts, changes)
        if current is not None:
            current.add(text, role)
    return drafts, merge_table_rows(changes)


def _untitled(
    page: Page, text: str, role: LineRole, drafts: list[Draft], changes: list[Change]
) -> Draft | None:
    """An untitled article for text before any headline, or None (the text is dropped, and listed).

    A web page with no headline is one article; plain text, Word files and items need no headline either,
    but a short line above the first headline there is a section heading, not an article.
    """
    if page.form in ONE_ARTICLE_FORMS:  # text before a web page's headline is the site's
        headless = not any(b.kind is BlockKind.HEADLINE for b in page.blocks)
    else:
        headless = page.form != "markdown" and is_prose(text, role)
    if headless:
        drafts.append(draft := Draft(title=None, level=2, source=page.source))  # its title is made later
        return draft
    changes.append(Change(ChangeKind.DROPPED, f"text before the first headline: “{text[:20]}…”", text))
    return None


def _give_byline(byline: str, current: Draft | None, drafts: list[Draft], source: str) -> Draft:
    """Give the current article a byline its page's form names; start an untitled one if none."""
    if current is None:
        current = Draft(title=None, level=2, byline=byline, source=source)
        drafts.append(current)
    elif current.byline is None:
        current.byline = byline
    return current


def _attach_orphans(drafts: list[Draft], changes: list[Change]) -> list[Draft]:
    """Give each headless article the orphan headline (a title with no body) that fits it best."""
    orphans = [d for d in drafts if d.title and not d.paragraphs]
    headless = [d for d in drafts if d.title is None and d.paragraphs]
    for orphan in orphans:
        assert orphan.title is not None
        if not headless:
            continue
        best = max(headless, key=lambda d: fit(orphan.title or "", d.paragraphs))
        if fit(orphan.title, best.paragraphs) == 0.0:
            continue
        best.title = orphan.title
        best.level = orphan.level
        headless.remove(best)
        drafts.remove(orphan)
        changes.append(Change(ChangeKind.REATTACHED, f"headline “{orphan.title}” joined to its article"))
    for orphan in [d for d in drafts if d.title and not d.paragraphs]:
        drafts.remove(orphan)
        changes.append(
            Change(ChangeKind.DROPPED, f"headline with no text: “{orphan.title}”", orphan.title or "")
        )
    for draft in [d for d in drafts if d.title is None and not d.paragraphs]:
        drafts.remove(draft)  # a lone byline or 本报讯 with nothing under it
    for draft in drafts:
        if draft.title is None:
            draft.title = made_title(draft.paragraphs[0])
            changes.append(
                Change(
                    ChangeKind.UNTITLED,
                    f"article without headline; title made from its first clause: “{draft.title}”",
                )
            )
    return drafts


def _finish(drafts: list[Draft], changes: list[Change]) -> list[Article]:
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
    page's articles, as a presenter would open with it. A story continued on another page
    given (下转/上接) is joined first (:mod:`audiopaper.text.jumps`).
    """
    what = ", ".join(p.source for p in pages)[:200]
    check_edition_chars(sum(len(b.text) for page in pages for b in page.blocks), what)  # before the work
    joined, changes = join_jumps(pages)
    drafts: list[Draft] = []
    for page in joined:
        found, page_changes = _build_drafts(page)
        changes.extend(page_changes)
        found = _attach_orphans(found, changes)
        if lead_first:
            found = [d for d in found if d.level == 1] + [d for d in found if d.level != 1]
        drafts.extend(found)
    place_duplicate_paragraphs(drafts, changes)
    for draft in drafts:
        mark_subheads(draft)
        join_column_breaks(draft, changes)
        read_repeated_paragraphs_once(draft, changes)
    remove_repeated_runs(drafts, changes)
    articles = _finish(drafts, changes)
    if not articles:
        names = ", ".join(p.source for p in pages)
        web = all(p.form in ONE_ARTICLE_FORMS or p.form == "epaper-article" for p in pages)
        hint = (
            "this web page holds no article text: save the article's own page"
            if web
            else "no articles found; a page needs a headline ('#' line, or a short line "
            "with no end punctuation) with article text under it"
        )
        raise NoArticlesError(f"{names}: {hint}")
    check_articles(articles, what)
    for article in articles:
        _LOGGER.debug("article %r: %d paragraphs", article.title, len(article.paragraphs))
    return CleanResult(articles=tuple(articles), changes=tuple(changes))


__all__ = [
    "CJK",
    "Article",
    "Change",
    "ChangeKind",
    "CleanResult",
    "clean_pages",
    "has_cjk",
    "parse_byline",
    "repair_inline",
    "repair_title",
    "split_dateline",
]
