"""OCR page: a scanned page, or a PDF page without a text layer, read through rapidocr.

rapidocr 3.x (Apache-2.0) runs PP-OCR's detection and recognition models on onnxruntime,
which the offline voice already needs; its models ship inside the wheel, so nothing is
downloaded. On the 新三门 page rendered at 200 dpi it misreads about 1% of characters;
with its default image-size limit (the longer side shrunk to 2,000 px) 27%, so the limit is
raised here to the page's own size. Tesseract with Debian's chi_sim misread 40% and merged
neighbouring columns. It is an optional extra (``pip install '.[ocr]'`` from a clone): without
it such a page is refused in one line that says so.

OCR gives one box per printed line; its height stands for the type size, so the layout
reading that follows (:mod:`audiopaper.text.layout`) is the one a PDF's text layer gets.
A page set vertically (columns of characters read top to bottom, right to left, as old and
Hong Kong papers are) is recognised by its tall boxes and read in that order.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.bounded import run_bounded
from audiopaper.text.page_lines import Box, Line, PageLines

_LOGGER = logging.getLogger(__name__)

INSTALL_HINT = "pip install '.[ocr]' in audiopaper's source folder, or pip install rapidocr"
"""How to add the OCR extra, for the refusal message."""

OCR_DPI = 200
"""PDF pages without a text layer are rendered at this resolution for OCR (1.2% CER on the
新三门 page; 150 dpi loses the 8 pt body type's strokes)."""

MAX_SCAN_PIXELS = 60_000_000
"""A scan or rendered page of at most 60 megapixels (a broadsheet at 200 dpi is about 25);
larger pages are rendered at a lower resolution, larger scans refused."""

OCR_SECONDS_PER_PAGE = 240.0
"""OCR of one page may take at most this long (26–40 s on this 2-core machine)."""

OCR_MEMORY_BYTES = 3 * 1024 * 2**20
"""OCR may take at most 3 GiB more address space (onnxruntime reserves more than it uses;
the resident peak measured is under 1.5 GB, see docs/measurements.md)."""

MIN_SCORE = 0.5
"""Recognised lines below this confidence are left out (rapidocr's own default)."""

VERTICAL_SHARE = 0.6
"""A page whose text boxes are mostly (this share) taller than wide is set vertically."""

BOX_SIZE_SHARE = 0.92
"""A horizontal line's box is this much taller than its type size (ascenders, padding)."""


def available() -> bool:
    """True when the OCR extra (rapidocr) is installed."""
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def _require(source: str) -> None:
    if not available():
        raise InputError(
            f"{source}: this page has no text layer and needs OCR; install it with {INSTALL_HINT}"
        )


@cache
def _engine() -> Any:
    from rapidocr import RapidOCR

    # max_side_len: rapidocr shrinks the page's longer side to this before detection; a page
    # of 8 pt type needs its full 200 dpi resolution (its default of 2,000 px gives 27% CER)
    return RapidOCR(params={"Global.max_side_len": 12_000, "Global.log_level": "error"})


def _lines(image: Any, points_per_pixel: float, number: int) -> PageLines:
    """OCR one page image (a PIL image) into page lines, in points."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB"))
    result = _engine()(rgb)
    boxes = [] if result.boxes is None else result.boxes
    kept = [
        (np.asarray(quad, dtype=float), str(text).strip())
        for quad, text, score in zip(boxes, result.txts or (), result.scores or (), strict=False)
        if float(score) >= MIN_SCORE and str(text).strip()
    ]
    turn = _skew([quad for quad, _ in kept])
    found: list[tuple[Box, str]] = []
    for quad, text in kept:
        points = quad @ turn.T * points_per_pixel  # a page photographed askew, set straight
        xs, ys = points[:, 0], points[:, 1]
        found.append((Box(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), text))
    vertical = sum(1 for box, _ in found if box.height > 1.5 * box.width) > VERTICAL_SHARE * max(
        len(found), 1
    )
    lines = [_vertical_line(box, text) if vertical else _line(box, text) for box, text in found]
    width, height = image.size
    return PageLines(
        width * points_per_pixel, height * points_per_pixel, tuple(lines), number=number, vertical=vertical
    )


def _skew(quads: list[Any]) -> Any:
    """The rotation that sets a skewed page straight: minus the median slant of its long lines.

    A phone photo of a page is seldom square to it; a line box tilted by 1.5° over 400 px
    gains 10 px of height, which would make body lines look like headlines.
    """
    import numpy as np

    angles = [
        float(np.arctan2(q[1][1] - q[0][1], q[1][0] - q[0][0]))
        for q in quads
        if np.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]) > 3 * np.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1])
    ]
    angle = -float(np.median(angles)) if angles else 0.0
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def _line(box: Box, text: str) -> Line:
    return Line(text, box, round(box.height * BOX_SIZE_SHARE, 1), False)


def _vertical_line(box: Box, text: str) -> Line:
    return Line(text, box, round(box.width * BOX_SIZE_SHARE, 1), False)


def _ocr_images(images: list[Any], points_per_pixel: list[float], numbers: list[int]) -> list[PageLines]:
    return [
        _lines(image, scale, number)
        for image, scale, number in zip(images, points_per_pixel, numbers, strict=True)
    ]


def _open_scan(data: bytes, source: str) -> Any:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_SCAN_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_SCAN_PIXELS:
            raise InputError(
                f"{source}: the scan is {image.width}×{image.height} px, "
                f"more than {MAX_SCAN_PIXELS:,} pixels; scan at 200–300 dpi"
            )
        image.load()
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError) as error:
        raise InputError(f"{source}: a damaged or oversized image ({error}); scan the page again") from error
    return image


def _read_scan_here(data: bytes, source: str) -> list[PageLines]:
    image = _open_scan(data, source)
    dpi = image.info.get("dpi", (OCR_DPI, OCR_DPI))[0] or OCR_DPI
    return _ocr_images([image], [72.0 / float(dpi)], [1])


def read_scan(data: bytes, source: str) -> list[PageLines]:
    """OCR a scanned page (PNG, JPEG, TIFF) into page lines."""
    _require(source)
    return list(
        run_bounded(
            _read_scan_here,
            (data, source),
            source=source,
            memory_bytes=OCR_MEMORY_BYTES,
            seconds=OCR_SECONDS_PER_PAGE,
        )
    )


def render_page(pdf: Any, index: int, dpi: float = OCR_DPI) -> tuple[Any, float]:
    """Render one PDF page for OCR at ``dpi`` (lower for a page too big); the image and points per pixel."""
    page = pdf[index]
    width, height = page.get_size()
    scale = dpi / 72.0
    if width * height * scale * scale > MAX_SCAN_PIXELS:
        scale = (MAX_SCAN_PIXELS / (width * height)) ** 0.5
    image = page.render(scale=scale, grayscale=False).to_pil()
    return image, 1.0 / scale


def _read_pdf_pages_here(data: bytes, source: str, numbers: list[int]) -> list[PageLines]:
    from audiopaper.text.pdf_text import open_pdf

    pdf = open_pdf(data, source)
    try:
        rendered = [render_page(pdf, number - 1) for number in numbers]
    finally:
        pdf.close()
    return _ocr_images([image for image, _ in rendered], [scale for _, scale in rendered], numbers)


def read_pdf_pages(data: bytes, source: str, numbers: list[int]) -> list[PageLines]:
    """OCR the PDF pages ``numbers`` (1-based), which have no usable text layer."""
    _require(source)
    return list(
        run_bounded(
            _read_pdf_pages_here,
            (data, source, numbers),
            source=source,
            memory_bytes=OCR_MEMORY_BYTES,
            seconds=OCR_SECONDS_PER_PAGE * len(numbers),
        )
    )
