"""Printed page: a newspaper page as a PDF or a scan, read by its layout into blocks.

A page PDF from the layout desk (方正, InDesign) has a text layer: its glyphs are read
through pypdfium2 (:mod:`audiopaper.text.pdf_text`). A scan (PNG, JPEG, TIFF) or a PDF page
whose text layer is missing or garbled goes through OCR (:mod:`audiopaper.text.ocr_page`,
the optional ``ocr`` extra). Either way the lines go through the same layout
reading (:mod:`audiopaper.text.layout`), so every form hands the cleaner the same blocks.
Untrusted files are read in a bounded child process (:mod:`audiopaper.text.bounded`).

Limits, each form its own (a page PDF is 1–5 MB, a 200 dpi colour scan of a broadsheet
10–30 MB, where a text page is a few kilobytes): see the constants below and docs/pdf.md.
"""

from __future__ import annotations

import logging

from audiopaper.errors import InputError
from audiopaper.text.bounded import run_bounded
from audiopaper.text.changes import Change
from audiopaper.text.layout import read_layout
from audiopaper.text.page import Block, Page
from audiopaper.text.page_lines import PageLines

_LOGGER = logging.getLogger(__name__)

MAX_PDF_BYTES = 64 * 2**20
"""A PDF file of at most 64 MiB: an edition of page PDFs (1–5 MB each) fits."""

MAX_SCAN_BYTES = 64 * 2**20
"""A scanned image of at most 64 MiB (a 200 dpi colour broadsheet scan is 10–30 MB)."""

MAX_PDF_PAGES = 64
"""At most this many pages in one PDF (a county paper prints 4–48 a day)."""

TEXT_SECONDS = 60.0
"""Reading one PDF's text layer (all its pages) may take at most this long (0.1–0.3 s a page)."""

TEXT_MEMORY_BYTES = 1024 * 2**20
"""Reading a PDF's text layer may take at most 1 GiB more address space."""

MIN_TEXT_CHARS = 40
"""A PDF page with fewer characters in its text layer than this is taken as an image page."""

GARBLED_SHARE = 0.2
"""A text layer with more than this share of unreadable characters (private-use glyphs,
U+FFFD, controls) is garbled: the page is read through OCR instead."""

_COMMON_HAN = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
)
"""The most frequent Chinese characters: real Chinese prose is a quarter of them or more."""

COMMON_HAN_MIN_SHARE = 0.05
"""Chinese text with fewer common characters than this share is garbled (a broken font map)."""

SCAN_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
"""PNG, JPEG and TIFF files: scans of a printed page."""


def is_printed_page(data: bytes) -> bool:
    """True for the bytes of a PDF or a scanned image: forms read by their layout."""
    return data.startswith((b"%PDF", *SCAN_SIGNATURES))


def size_limit(head: bytes) -> int:
    """The byte limit for a file starting with ``head`` (PDF and scans have their own)."""
    return MAX_SCAN_BYTES if head.startswith(SCAN_SIGNATURES) else MAX_PDF_BYTES


def garbled(text: str) -> bool:
    """True when a page's text layer is not readable text (broken font maps or glyph codes)."""
    if not text:
        return True
    bad = sum(1 for ch in text if 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd" or ord(ch) < 32)
    if bad > GARBLED_SHARE * len(text):
        return True
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    return len(han) >= 200 and sum(1 for ch in han if ch in _COMMON_HAN) < COMMON_HAN_MIN_SHARE * len(han)


def _read_text_layers(data: bytes, source: str) -> list[PageLines | int]:
    """Each page's lines, or its number where the text layer is missing or garbled (runs in the child)."""
    from audiopaper.text.pdf_text import open_pdf, page_lines

    pdf = open_pdf(data, source)
    try:
        count = len(pdf)
        if count == 0:
            raise InputError(f"{source}: the PDF has no pages")
        if count > MAX_PDF_PAGES:
            raise InputError(
                f"{source}: {count} pages is more than a newspaper edition (limit {MAX_PDF_PAGES}); "
                "give the pages as separate files"
            )
        pages: list[PageLines | int] = []
        for index in range(count):
            lines = page_lines(pdf[index], index + 1)
            text = "".join(line.text for line in lines.lines).replace(" ", "")
            pages.append(index + 1 if len(text) < MIN_TEXT_CHARS or garbled(text) else lines)
        return pages
    finally:
        pdf.close()


def _blocks(readings: list[PageLines], source: str) -> Page:
    blocks: list[Block] = []
    dropped: list[Change] = []
    for lines in readings:
        reading = read_layout(lines, first_line=len(blocks) + 1)
        blocks.extend(reading.blocks)
        dropped.extend(reading.dropped)
    if not blocks:
        raise InputError(f"{source}: no text found on the page")
    return Page(source=source, encoding="pdf", blocks=tuple(blocks), form="pdf", notes=tuple(dropped))


def read_printed_page(data: bytes, source: str) -> Page:
    """Read a page PDF (text layer, else OCR) or a scanned image into blocks."""
    from audiopaper.text import ocr_page

    if data.startswith(SCAN_SIGNATURES):
        page = _blocks(ocr_page.read_scan(data, source), source)
        return Page(page.source, "ocr", page.blocks, "scan", page.notes)
    layers = run_bounded(
        _read_text_layers, (data, source), source=source, memory_bytes=TEXT_MEMORY_BYTES, seconds=TEXT_SECONDS
    )
    missing = [item for item in layers if isinstance(item, int)]
    if missing:
        _LOGGER.info("%s: pages %s have no usable text layer; reading them through OCR", source, missing)
        found = dict(zip(missing, ocr_page.read_pdf_pages(data, source, missing), strict=True))
        layers = [found[item] if isinstance(item, int) else item for item in layers]
    return _blocks([item for item in layers if not isinstance(item, int)], source)
