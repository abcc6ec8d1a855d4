"""PDF text layer: one page's glyphs read through pypdfium2 and set into lines.

pypdfium2 (PDFium, BSD/Apache) reads every glyph with its origin, font and transformation
and sets the 新三门 page's 4,377 glyphs into lines in 0.16 s; pdfplumber (pdfminer, pure
Python) takes 0.33–0.42 s for the character boxes alone, and PyMuPDF is AGPL (docs/pdf.md).
Founder's PDFGenerator sets every glyph at font size 1 and scales it through the text
matrix, so PDFium reports size 1.0: the true size is the font size times the matrix's scale.

Glyphs become lines here by hand because PDFium's own text order follows the content
stream, which reads straight across columns on some pages: a glyph joins the line before
it when it stands on the same baseline, in about the same size, close to its right.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
from dataclasses import dataclass
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.page_lines import Box, Line, PageLines

LINE_GAP_EMS = 0.9
"""Two advance cells further apart than this many ems on one baseline belong to different
lines: columns are set at least an em apart, justified text spaces glyphs by under half one."""

SPACE_GAP_EMS = 0.3
"""A gap wider than this many ems inside a line is a space (记者 陈晓辉 通讯员 吴敏杰)."""

OVERLAP_EMS = 1.05
"""A glyph may start this many ems before the previous one's cell ends: squeezed punctuation
(``：“`` set in one em) puts two glyphs at nearly the same place."""

REPEAT_EMS = 0.15
"""The same glyph printed again within this many ems is one glyph (fake bold by overprinting)."""

_HALF_WIDTH_EMS = 0.5
"""The assumed advance of an ASCII or half-width glyph, in ems."""

_OPENING_MARKS = frozenset("“‘（《「『【〔〈")
"""Opening marks: their ink is in the right half of the em (a hanging quote juts into the gutter)."""

_CLOSING_MARKS = frozenset("”’）》」』】〕〉。，、；：！？")
"""Closing marks: their ink is in the left half of the em."""

SIZE_TOLERANCE = 0.12
"""Glyphs whose sizes differ by more than this share are set in different lines."""

BOLD_WEIGHT = 600
"""A font weight at or above this is bold."""

_BOLD_NAME = re.compile(r"bold|black|heavy|demi|semibold|hei|黑|^[A-Z]{0,3}HT|DH|CS[JK]?-|粗", re.IGNORECASE)
"""Font names of bold faces: Latin weight words, 黑体 (Hei, HT), 大黑 (DH), 粗宋 (CS)."""

_PAGEOBJ_IMAGE = 3
_PAGEOBJ_PATH = 2
MIN_FRAME_POINTS = 24.0
"""A drawn path at least this wide and high is a frame around a box of text, not a rule."""


@dataclass
class _Glyph:
    char: str
    box: Box
    size: float
    bold: bool


def _font_bold(raw: Any, textpage: Any, index: int, buffer: Any) -> bool:
    flags = ctypes.c_int()
    length = raw.FPDFText_GetFontInfo(textpage, index, buffer, len(buffer), ctypes.byref(flags))
    name = buffer.value.decode("utf-8", "replace") if length else ""
    weight = raw.FPDFText_GetFontWeight(textpage, index)
    return weight >= BOLD_WEIGHT or bool(flags.value & (1 << 18)) or bool(_BOLD_NAME.search(name))


def _glyphs(page: Any, height: float) -> list[_Glyph]:
    """Every visible glyph of a page with its box (top-left origin), true size and weight."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        buffer = ctypes.create_string_buffer(128)
        matrix = raw.FS_MATRIX()
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        glyphs: list[_Glyph] = []
        bold_by_font: dict[bytes, bool] = {}
        for index in range(raw.FPDFText_CountChars(handle)):
            code = raw.FPDFText_GetUnicode(handle, index)
            if code <= 32 or raw.FPDFText_IsGenerated(handle, index) == 1 or 0xD800 <= code < 0xE000:
                continue
            char = chr(code)
            if char.isspace() or not char.isprintable():
                continue
            raw.FPDFText_GetCharOrigin(handle, index, ctypes.byref(origin_x), ctypes.byref(origin_y))
            raw.FPDFText_GetMatrix(handle, index, matrix)
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            size = raw.FPDFText_GetFontSize(handle, index) * (scale or 1.0)
            if size <= 0:
                continue
            flags = ctypes.c_int()
            raw.FPDFText_GetFontInfo(handle, index, buffer, len(buffer), ctypes.byref(flags))
            key = buffer.value + bytes([flags.value & 0xFF])
            if key not in bold_by_font:
                bold_by_font[key] = _font_bold(raw, handle, index, buffer)
            # PDFium gives no advance widths; a glyph's cell is taken to be an em wide, half
            # one for ASCII, which is what CJK type sets (squeezed punctuation overlaps it)
            advance = size * (_HALF_WIDTH_EMS if char.isascii() or 0xFF61 <= code <= 0xFFDC else 1.0)
            baseline = height - origin_y.value
            left = origin_x.value + (size / 2 if char in _OPENING_MARKS else 0.0)
            right = origin_x.value + (size / 2 if char in _CLOSING_MARKS else advance)
            box = Box(left, baseline - size, right, baseline)
            glyphs.append(_Glyph(char, box, size, bold_by_font[key]))
        return glyphs
    finally:
        textpage.close()


def _same_line(line: list[_Glyph], glyph: _Glyph) -> bool:
    last = line[-1]
    size = max(last.size, glyph.size)
    if abs(last.size - glyph.size) > SIZE_TOLERANCE * size:
        return False
    if abs(glyph.box.bottom - last.box.bottom) > 0.3 * size:
        return False
    gap = glyph.box.x0 - last.box.x1
    return -OVERLAP_EMS * size <= gap <= LINE_GAP_EMS * size


def _line_text(glyphs: list[_Glyph]) -> str:
    parts = [glyphs[0].char]
    for before, glyph in itertools.pairwise(glyphs):
        squeezed = before.char in _CLOSING_MARKS or glyph.char in _OPENING_MARKS
        if not squeezed and glyph.box.x0 - before.box.x1 > SPACE_GAP_EMS * glyph.size:
            parts.append(" ")
        parts.append(glyph.char)
    return "".join(parts)


def _to_line(glyphs: list[_Glyph]) -> Line:
    box = glyphs[0].box
    for glyph in glyphs[1:]:
        box = box.union(glyph.box)
    sizes = sorted(g.size for g in glyphs)
    bold = sum(1 for g in glyphs if g.bold) * 2 > len(glyphs)
    return Line(_line_text(glyphs), box, round(sizes[len(sizes) // 2], 2), bold)


def set_lines(glyphs: list[_Glyph]) -> list[Line]:
    """Set glyphs into lines: by baseline, size and distance, whatever the content-stream order."""
    lines: list[list[_Glyph]] = []
    by_baseline: dict[int, list[list[_Glyph]]] = {}  # lines by their baseline, in whole points
    for glyph in sorted(glyphs, key=lambda g: (g.box.x0, g.box.bottom)):
        reach = math.ceil(0.3 * glyph.size)
        baseline = round(glyph.box.bottom)
        candidates = (
            line for key in range(baseline - reach, baseline + reach + 1) for line in by_baseline.get(key, ())
        )
        line = next((line for line in candidates if _same_line(line, glyph)), None)
        if (
            line is not None
            and line[-1].char == glyph.char
            and glyph.box.x0 - line[-1].box.x0 < REPEAT_EMS * glyph.size
        ):
            continue
        if line is None:
            line = []
            lines.append(line)
            by_baseline.setdefault(baseline, []).append(line)
        line.append(glyph)
    return [_to_line(line) for line in lines]


def _objects(page: Any, height: float) -> tuple[list[Box], list[Box]]:
    """The page's pictures and its ruled frames (paths big enough to hold text)."""
    pictures: list[Box] = []
    frames: list[Box] = []
    for item in page.get_objects(max_depth=2):
        kind = item.type
        if kind not in (_PAGEOBJ_IMAGE, _PAGEOBJ_PATH):
            continue
        left, bottom, right, top = item.get_bounds()
        box = Box(left, height - top, right, height - bottom)
        if kind == _PAGEOBJ_IMAGE and box.width > 10 and box.height > 10:
            pictures.append(box)
        elif kind == _PAGEOBJ_PATH and box.width >= MIN_FRAME_POINTS and box.height >= MIN_FRAME_POINTS:
            frames.append(box)
    return pictures, frames


def page_lines(page: Any, number: int) -> PageLines:
    """The lines, pictures and frames of one pypdfium2 page."""
    width, height = page.get_size()
    lines = set_lines(_glyphs(page, height))
    pictures, frames = _objects(page, height)
    return PageLines(width, height, tuple(lines), tuple(pictures), tuple(frames), number)


def open_pdf(data: bytes, source: str) -> Any:
    """Open PDF bytes with pypdfium2; encrypted or damaged files give a one-line error."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise InputError(
                f"{source}: the PDF is encrypted with a password; save an unprotected copy and try again"
            ) from error
        raise InputError(f"{source}: a damaged or truncated PDF ({error}); export the page again") from error
