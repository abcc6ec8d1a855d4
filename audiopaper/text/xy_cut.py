"""XY cut: the reading order of a printed page's lines and pictures.

A region is split at the widest gutter that runs through it from top to bottom (columns,
side-by-side stories), else at a whitespace band that runs right across it (between
stories, under a headline), until each piece is one column of text, a headline or a
picture. Newspaper pages are set on such a grid (Manhattan layouts), so the pieces come out
as an editor reads them: each headline, then its columns left to right. Written here: the
classic recursive XY cut (Nagy and Seth, 1984) is a few lines, and the rules about which
cut to trust come from newspaper typesetting, which no library knows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from audiopaper.text.page_lines import Box, Line

COLUMN_GUTTER_EMS = 0.4
"""A gap at least this many body ems wide, from top to bottom of a region, divides columns."""

ROW_GAP_EMS = 0.8
"""A gap at least this many body ems high, right across a region, divides stories or parts."""

PICTURE_GAP_EMS = 0.25
"""Under or over a picture a band this many ems high is enough (a caption sits close)."""

Heading = Callable[[Line], bool]
"""Tells a headline line from a body line."""


@dataclass
class Item:
    """A line or a picture placed on the page, as the XY cut sees it."""

    box: Box
    line: Line | None = None


def _gaps(spans: list[tuple[float, float]], low: float, high: float) -> list[tuple[float, float]]:
    """Free intervals between ``low`` and ``high`` not covered by any span, widest first."""
    free, edge = [], low
    for start, end in sorted(spans):
        if start > edge:
            free.append((edge, start))
        edge = max(edge, end)
    return sorted(free, key=lambda gap: gap[0] - gap[1])


def _column_cut(items: list[Item], body: float, heading: Heading) -> tuple[float, bool] | None:
    """The widest gutter through a region, and whether it can be trusted to part stories.

    It can when both sides open with a headline (their topmost line), or neither holds one.
    A side with no headline beside one with a headline, or a side that opens with text and
    holds a headline further down, is a story's last columns beside the next story: a band
    across must part them first.
    """
    x0, x1 = min(i.box.x0 for i in items), max(i.box.x1 for i in items)
    for start, end in _gaps([(i.box.x0, i.box.x1) for i in items], x0, x1):
        if end - start < COLUMN_GUTTER_EMS * body:
            break
        cut = (start + end) / 2
        opens, holds = [], []
        for left in (True, False):
            side = sorted(
                (i.line for i in items if i.line is not None and (i.box.x1 <= cut) == left),
                key=lambda ln: ln.box.top,
            )
            holds.append(any(heading(line) for line in side))
            opens.append(bool(side) and heading(side[0]))
        return cut, all(opens) or not any(holds)
    return None


def _row_cut(items: list[Item], body: float) -> float | None:
    """The widest whitespace band right across a region; under or over a picture a thin one will do."""
    top, bottom = min(i.box.top for i in items), max(i.box.bottom for i in items)
    for start, end in _gaps([(i.box.top, i.box.bottom) for i in items], top, bottom):
        near_picture = any(
            i.line is None and (abs(i.box.bottom - start) < 1 or abs(i.box.top - end) < 1) for i in items
        )
        if end - start >= (PICTURE_GAP_EMS if near_picture else ROW_GAP_EMS) * body:
            return (start + end) / 2
    return None


def _headline_cut(items: list[Item], body: float, heading: Heading) -> float | None:
    """Where a region's headline ends and its text begins, when no whitespace band divides them.

    OCR pads a big headline's box, so the band under it can be thinner than a row gap.
    """
    lines = sorted((i.line for i in items if i.line is not None), key=lambda ln: ln.box.top)
    heads = [heading(line) for line in lines]
    if all(heads) or not any(heads):
        return None
    if heads[0]:
        run = lines[: heads.index(False)]
        cut = max(line.box.bottom for line in run)
        return cut if any(ln.box.top >= cut - 0.5 * body for ln in lines[len(run) :]) else None
    first = lines[heads.index(True)]
    above = [ln for ln in lines if ln.box.bottom <= first.box.top + 0.5 * body]
    return max(ln.box.bottom for ln in above) if above else None


def xy_cut(items: list[Item], body: float, heading: Heading, *, once: bool = False) -> Iterator[list[Item]]:
    """The page's items in reading order, one region (column, headline, picture) at a time.

    A gutter with a story's headline on one side only is a story's last columns beside the
    next story's headline: a band across goes first there. With ``once`` only the first
    cut is made and the two halves come back uncut.
    """
    if len(items) <= 1:
        yield items
        return
    column = _column_cut(items, body, heading)
    row = None if column and column[1] else _row_cut(items, body)
    if row is None and column is None:
        row = _headline_cut(items, body, heading)
    if row is not None:
        halves = [i for i in items if i.box.bottom <= row], [i for i in items if i.box.bottom > row]
    elif column is not None:
        halves = [i for i in items if i.box.x1 <= column[0]], [i for i in items if i.box.x1 > column[0]]
    else:
        yield items
        return
    if not halves[0] or not halves[1]:
        yield items
        return
    for half in halves:
        yield from ([half] if once else xy_cut(half, body, heading))
