"""Jumps: a story continued on another page (下转第5版 … 上接第1版) read as one article.

A printed story that does not fit its page ends with ``（下转第5版）``; page 5 picks it up
under ``（上接第1版）``, most often under its title again or a shortened one. When both
pages are given, in either order (or both in one PDF), the continuation's text moves to
where the jump line stood and the repeated title goes, each listed in the proof. A jump
whose other half is missing is left as printed, its jump line dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.layout import rules
from audiopaper.text.page import Block, BlockKind, Page


@dataclass(frozen=True)
class _Part:
    page: int
    """Index of the page in the list given."""

    start: int
    """Index of the story's first block (its first headline)."""

    end: int
    """Index after the story's last block."""

    title: str
    """The story's headline blocks, joined."""

    marker: int
    """Index of the block holding the jump line."""


def _stories(blocks: Sequence[Block]) -> list[tuple[int, int]]:
    """(start, end) of each run that opens with headline blocks."""
    starts = [
        i
        for i, block in enumerate(blocks)
        if block.kind is BlockKind.HEADLINE and (i == 0 or blocks[i - 1].kind is not BlockKind.HEADLINE)
    ]
    return list(zip(starts, [*starts[1:], len(blocks)], strict=True)) if starts else []


def _parts(pages: Sequence[Page], patterns: Sequence[re.Pattern[str]]) -> list[_Part]:
    found = []
    for number, page in enumerate(pages):
        for start, end in _stories(page.blocks):
            for index in range(start, end):
                block = page.blocks[index]
                if block.kind is not BlockKind.HEADLINE and any(p.search(block.text) for p in patterns):
                    heads = [b.text for b in page.blocks[start:end] if b.kind is BlockKind.HEADLINE]
                    found.append(_Part(number, start, end, "".join(heads).replace(" ", ""), index))
                    break
    return found


def _shared(a: str, b: str) -> int:
    """Characters two titles share (a continuation repeats the title, or part of it)."""
    return len(set(a) & set(b))


def _strip(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    for pattern in patterns:
        text = pattern.sub("", text)
    return text.strip()


def join_jumps(pages: Sequence[Page]) -> tuple[list[Page], list[Change]]:
    """Pages with every continued story joined to its first part; the proof lines for it."""
    jump_to, jump_from = rules().jump_to, rules().jump_from
    firsts, rests = _parts(pages, jump_to), _parts(pages, jump_from)
    blocks = [list(page.blocks) for page in pages]
    changes: list[Change] = []
    moves: list[tuple[_Part, _Part]] = []
    for first in firsts:
        others = [r for r in rests if (r.page, r.start) != (first.page, first.start)]
        best = max(others, key=lambda r: _shared(first.title, r.title), default=None)
        if best is None or _shared(first.title, best.title) < 2:
            continue
        rests.remove(best)
        moves.append((first, best))
    # the continuation's text: its blocks after the headlines, without the 上接 line
    taken: dict[tuple[int, int], list[Block]] = {}
    for first, rest in moves:
        body = [b for b in pages[rest.page].blocks[rest.start : rest.end] if b.kind is not BlockKind.HEADLINE]
        text = [replace(b, text=_strip(b.text, jump_from)) for b in body]
        taken[(first.page, first.marker)] = [b for b in text if b.text]
        changes.append(
            Change(ChangeKind.JUMP, f"“{rest.title}” on {pages[rest.page].source} joined to “{first.title}”")
        )
    for first, _ in moves:
        line = blocks[first.page][first.marker]
        blocks[first.page][first.marker] = replace(line, text=_strip(line.text, jump_to))
    # remove the continuations (from the back, so indices stay right), then insert them
    for _, rest in sorted(moves, key=lambda m: (m[1].page, m[1].start), reverse=True):
        del blocks[rest.page][rest.start : rest.end]
    for (number, marker), body in sorted(taken.items(), reverse=True):
        index = _find(blocks[number], pages[number].blocks[marker])
        blocks[number][index + 1 : index + 1] = body
    for number, kept in enumerate(blocks):  # jump lines whose other half was not given
        for index, block in enumerate(kept):
            plain = (
                block.text if block.kind is BlockKind.HEADLINE else _strip(block.text, (*jump_to, *jump_from))
            )
            if plain != block.text:
                source = pages[number].source
                changes.append(
                    Change(ChangeKind.JUMP, f"{source}: jump line, its other page not given", block.text)
                )
                kept[index] = replace(block, text=plain)
        kept[:] = [b for b in kept if b.text or b.kind is BlockKind.HEADLINE]
    return [replace(page, blocks=tuple(kept)) for page, kept in zip(pages, blocks, strict=True)], changes


def _find(blocks: list[Block], original: Block) -> int:
    """Where the block that held a jump line is now (its line number is unique on its page)."""
    return next(i for i, b in enumerate(blocks) if b.line == original.line and b.kind is original.kind)
