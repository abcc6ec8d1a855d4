"""Ingest: read a page's bytes, find its form and encoding, and split it into blocks.

A newsroom has its pages in several forms: markdown extracted from the printed page (``#``
headlines), plain text, saved web pages (one article, or an e-paper article page) and Word
files. The form is found from the content, with the file's extension as a hint: a ``.html``
file with no tags is still read as text, and a ``.txt`` file holding a web page as HTML.
Text comes in UTF-8 (with or without BOM) or GB18030, or in the charset a web page declares.
Ingest only decodes and splits; repairing damage is the clean stage's job.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path

from audiopaper.errors import InputError
from audiopaper.text.docx_page import docx_blocks
from audiopaper.text.html_page import declared_charset, html_blocks, looks_like_html
from audiopaper.text.page import Block, BlockKind, Page
from audiopaper.text.plain_page import markdown_blocks, page_blocks

_LOGGER = logging.getLogger(__name__)

MAX_PAGE_BYTES = 4 * 1024 * 1024
"""Pages larger than this (4 MiB) are refused: a day's page is a few tens of kilobytes, and
a bigger file is almost certainly not one page (split it into pages)."""

_CONTROL_RATIO_LIMIT = 0.01
"""Share of C0 control characters (other than whitespace) above which bytes count as binary."""

HTML_EXTENSIONS = frozenset({".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"})
"""Extensions that hint at a saved web page (the content still decides)."""

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF file; copy its text into a .txt file or export the article as HTML"),
    (b"\xd0\xcf\x11\xe0", "an old Word .doc (or other Office) file; save it as .docx"),
    (b"{\\rtf", "an RTF file; save it as .docx or .txt"),
    (b"\x89PNG", "a binary image file, not a text page"),
    (b"\xff\xd8\xff", "a binary image file, not a text page"),
)

_SQL_DUMP = re.compile(
    r"^\s*(?:INSERT INTO|CREATE TABLE|DROP TABLE IF EXISTS)\b", re.MULTILINE | re.IGNORECASE
)

split_blocks = markdown_blocks
"""Split markdown page text into blocks (kept under its old name for callers)."""


def decode_page_bytes(data: bytes, source: str, *, declared: str | None = None) -> tuple[str, str]:
    """Decode a page's bytes: the declared charset if any, else UTF-8 (with or without BOM), else GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Chinese newsroom systems export.
    Returns the text and the name of the encoding used. Binary data is refused.
    """
    if not data.strip():
        raise InputError(f"{source}: the page is empty; give a page with at least one article")
    if b"\x00" in data:
        raise InputError(f"{source}: this looks like a binary file, not a text page")
    encodings = ["utf-8-sig", "gb18030"]
    if declared and declared not in ("utf-8", "utf8") and not data.startswith(b"\xef\xbb\xbf"):
        encodings.insert(0, declared)
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v")
        if controls > _CONTROL_RATIO_LIMIT * len(text):
            raise InputError(f"{source}: this looks like a binary file, not a text page")
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise InputError(f"{source}: cannot decode the page as UTF-8 or GB18030; save it as UTF-8 and try again")


def _refuse_binary(data: bytes, source: str, suffix: str) -> None:
    """Refuse known binary formats by their signature, with what to do instead."""
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise InputError(f"{source}: this is {what}")
    if suffix == ".docx":
        raise InputError(
            f"{source}: is not a Word .docx file (not a zip archive); open it in Word and save it as .docx"
        )


def parse_page(data: bytes, source: str, suffix: str = "") -> Page:
    """Find the form of a page's bytes (content first, extension as a hint) and split it."""
    suffix = suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile as error:
            raise InputError(f"{source}: a damaged zip or .docx file; save it again") from error
        if "word/document.xml" not in names:
            raise InputError(
                f"{source}: a zip archive that is not a Word .docx file; give .docx, .html or .txt"
            )
        return Page(source=source, encoding="docx", blocks=docx_blocks(data, source), form="docx")
    _refuse_binary(data, source, suffix)
    hinted = suffix in HTML_EXTENSIONS
    text, encoding = decode_page_bytes(data, source, declared=declared_charset(data))
    if looks_like_html(text, hinted=hinted):
        blocks, form, notes = html_blocks(text, source)
        return Page(source=source, encoding=encoding, blocks=blocks, form=form, notes=notes)
    if _SQL_DUMP.search(text[:65536]):
        raise InputError(
            f"{source}: a database dump (SQL), not a page; "
            "export the articles from the CMS as text, HTML or .docx"
        )
    blocks, form = page_blocks(text)
    return Page(source=source, encoding=encoding, blocks=blocks, form=form)


def read_page(path: Path) -> Page:
    """Read one page file and split it into blocks, whatever its form."""
    source = str(path)
    if not path.exists():
        raise InputError(f"{source}: no such file; check the path of the page")
    if path.is_dir():
        raise InputError(f"{source}: is a directory; give the page files inside it")
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise InputError(f"{source}: {size} bytes is too large for a page (limit {MAX_PAGE_BYTES})")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{source}: cannot read the page ({error.strerror})") from error
    page = parse_page(data, source, path.suffix)
    _LOGGER.debug("read %s as %s, %s (%d bytes)", source, page.form, page.encoding, len(data))
    return page


__all__ = ["Block", "BlockKind", "Page", "decode_page_bytes", "parse_page", "read_page", "split_blocks"]
