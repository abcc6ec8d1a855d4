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


def _opens_with_headline(lines: list[Line], body: float, heading: Heading) -> bool:
    """True when a side's first line in reading order (topmost at its left edge) is a headline."""
    left = min(line.box.x0 for line in lines)
    edge = [line for line in lines if line.box.x0 <= left + 2 * body]
    return heading(min(edge, key=lambda line: line.box.top))


def _column_cut(items: list[Item], body: float, heading: Heading) -> float | None:
    """The widest gutter through a region that parts whole stories, else the widest of all.

    A gutter parts whole stories when both its sides open with a headline (their first line
    in reading order), or neither holds one. A side that opens with text and holds a
    headline further down is a story's last columns beside the next story.
    """
    x0, x1 = min(i.box.x0 for i in items), max(i.box.x1 for i in items)
    widest = None
    for start, end in _gaps([(i.box.x0, i.box.x1) for i in items], x0, x1):
        if end - start < COLUMN_GUTTER_EMS * body:
            break
        cut = (start + end) / 2
        sides = [
            [i.line for i in items if i.line is not None and (i.box.x1 <= cut) == left]
            for left in (True, False)
        ]
        holds = [any(heading(line) for line in side) for side in sides]
        if not any(holds) or all(side and _opens_with_headline(side, body, heading) for side in sides):
            return cut
        widest = cut if widest is None else widest
    return widest


def _parts_a_headline(items: list[Item], cut: float, heading: Heading) -> bool:
    """True when a band would part a headline from the story under it.

    A headline is parted from its story when the first line under it lies below the band:
    a row of side-by-side headlines over their stories, or a briefs heading beside the
    end of other columns' stories. A gutter parts such a region first.
    """
    lines = [i.line for i in items if i.line is not None]
    for line in lines:
        if not heading(line) or line.box.bottom > cut:
            continue
        under = [
            o
            for o in lines
            if o.box.top >= line.box.bottom - 1 and o.box.overlap_x(line.box) > 0 and o is not line
        ]
        first = min(under, key=lambda o: o.box.top, default=None)
        if first is not None and first.box.top >= cut:
            return True
    return False


def _row_cuts(items: list[Item], body: float) -> list[float]:
    """Whitespace bands right across a region, widest first; under or over a picture a thin one will do."""
    top, bottom = min(i.box.top for i in items), max(i.box.bottom for i in items)
    cuts = []
    for start, end in _gaps([(i.box.top, i.box.bottom) for i in items], top, bottom):
        near_picture = any(
            i.line is None and (abs(i.box.bottom - start) < 1 or abs(i.box.top - end) < 1) for i in items
        )
        if end - start >= (PICTURE_GAP_EMS if near_picture else ROW_GAP_EMS) * body:
            cuts.append((start + end) / 2)
    return cuts


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

    A band right across goes first (the widest that parts no headline from its story):
    stories are stacked in bands, and a band never cuts a story in two. Where every band
    would part a headline from its story (a row of side-by-side headlines), a gutter goes
    first. With ``once`` only the first cut is made and the two
    halves come back uncut.
    """
    if len(items) <= 1:
        yield items
        return
    rows = _row_cuts(items, body)
    column = _column_cut(items, body, heading)
    whole = [cut for cut in rows if not _parts_a_headline(items, cut, heading)]
    row = whole[0] if whole else (rows[0] if rows and column is None else None)
    if row is None and column is None:
        row = _headline_cut(items, body, heading)
    if row is not None:
        halves = [i for i in items if i.box.bottom <= row], [i for i in items if i.box.bottom > row]
    elif column is not None:
        halves = [i for i in items if i.box.x1 <= column], [i for i in items if i.box.x1 > column]
    else:
        yield items
        return
    if not halves[0] or not halves[1]:
        yield items
        return
    for half in halves:
        yield from ([half] if once else xy_cut(half, body, heading))
