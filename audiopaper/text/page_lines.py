"""Page lines: the printed lines of a page as boxes, the record both the text layer and OCR give.

A printed page read from a PDF's text layer or through OCR comes to the layout stage as the
same thing: lines of text with their box on the page, their type size and whether they are
set bold, plus the page's pictures and ruled boxes. Coordinates are in points from the
page's top-left corner, y growing downwards, whatever the source used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in points from the top-left corner (y grows downwards)."""

    x0: float
    """Left edge."""

    top: float
    """Top edge."""

    x1: float
    """Right edge."""

    bottom: float
    """Bottom edge."""

    @property
    def width(self) -> float:
        """Width in points."""
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        """Height in points."""
        return self.bottom - self.top

    def overlap_x(self, other: Box) -> float:
        """Width of the horizontal overlap of two boxes (0 when apart)."""
        return max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))

    def overlap_y(self, other: Box) -> float:
        """Height of the vertical overlap of two boxes (0 when apart)."""
        return max(0.0, min(self.bottom, other.bottom) - max(self.top, other.top))

    def union(self, other: Box) -> Box:
        """The smallest box holding both."""
        return Box(
            min(self.x0, other.x0),
            min(self.top, other.top),
            max(self.x1, other.x1),
            max(self.bottom, other.bottom),
        )

    def contains(self, other: Box, slack: float = 0.0) -> bool:
        """True when ``other`` lies inside this box, ``slack`` points of tolerance on each side."""
        return (
            other.x0 >= self.x0 - slack
            and other.x1 <= self.x1 + slack
            and other.top >= self.top - slack
            and other.bottom <= self.bottom + slack
        )


@dataclass(frozen=True)
class Line:
    """One printed line: a run of characters on one baseline, in one type size."""

    text: str
    """The characters in reading order; a visible gap between them is one space."""

    box: Box
    """Where the line is printed."""

    size: float
    """Type size in points (the text matrix's scale; for OCR the box's height)."""

    bold: bool
    """True when most of its characters are set in a bold or black face (黑体, 粗宋…)."""


@dataclass(frozen=True)
class PageLines:
    """Everything the layout stage needs to know about one printed page."""

    width: float
    """Page width in points."""

    height: float
    """Page height in points."""

    lines: tuple[Line, ...]
    """The page's printed lines, in no particular order."""

    pictures: tuple[Box, ...] = ()
    """Where photos and other images are printed."""

    frames: tuple[Box, ...] = ()
    """Ruled rectangles (boxes around briefs, ads, notices), from the page's drawn paths."""

    number: int = 1
    """1-based page number inside its file, for messages."""

    vertical: bool = False
    """True for a page set vertically: columns of characters read top to bottom, right to left."""


def turned(page: PageLines) -> PageLines:
    """A vertically set page turned a quarter so its columns read as rows, the rightmost first.

    Each line's text is already in reading order (top to bottom); only the boxes move.
    """

    def turn(box: Box) -> Box:
        return Box(box.top, page.width - box.x1, box.bottom, page.width - box.x0)

    lines = tuple(Line(line.text, turn(line.box), line.size, line.bold) for line in page.lines)
    return PageLines(
        page.height,
        page.width,
        lines,
        tuple(map(turn, page.pictures)),
        tuple(map(turn, page.frames)),
        page.number,
    )
