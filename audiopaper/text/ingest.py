"""Ingest: read a page's bytes, find its form and encoding, and split it into blocks.

A newsroom has its pages in several forms: markdown extracted from the printed page (``#``
headlines), markdown posts with front matter, plain text, saved web pages (one article, or
an e-paper article page), Word files, RSS/Atom feeds, JSON exports and news-corpus XML.
The form is found from the content, with the file's extension as a hint: a ``.html`` file
with no tags is still read as text, a ``.txt`` file holding a web page as HTML, a ``.js``
or ``.txt`` file holding JSON as JSON. Text comes in UTF-8 (with or without BOM) or
GB18030, or in the charset a web page declares. Ingest decodes and splits; damage only the
bytes show (C1 controls, byte-shifted GBK) is repaired here and listed in the page's
repairs, everything else is the clean stage's job.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import zipfile
from io import BytesIO
from pathlib import Path

from audiopaper.errors import InputError
from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.docx_page import docx_blocks
from audiopaper.text.dump_page import list_dump_blocks, looks_like_list_dump
from audiopaper.text.feed_page import feed_blocks, looks_like_feed
from audiopaper.text.front_matter import post_blocks, split_front_matter, strip_markdown_inline
from audiopaper.text.html_page import declared_charset, html_blocks, looks_like_html
from audiopaper.text.json_page import json_blocks, looks_like_json
from audiopaper.text.mojibake import repair_c1_controls, repair_shifted_gbk
from audiopaper.text.newsxml_page import looks_like_news_corpus, news_corpus_blocks
from audiopaper.text.page import Block, BlockKind, Page, PageFile
from audiopaper.text.plain_page import markdown_blocks, page_blocks
from audiopaper.text.printed_page import is_printed_page, read_printed_page, size_limit

_LOGGER = logging.getLogger(__name__)

MAX_PAGE_BYTES = 4 * 1024 * 1024
"""Text pages larger than this (4 MiB) are refused: a day's page is a few tens of kilobytes,
and a bigger file is almost certainly not one page (split it into pages). PDFs and scans
have their own limits (``printed_page.MAX_PDF_BYTES``, ``MAX_SCAN_BYTES``)."""

_CONTROL_RATIO_LIMIT = 0.01
"""Share of C0 control characters (other than whitespace) above which bytes count as binary.
C1 controls (U+0080–U+009F) do not count: they are cp1252 punctuation decoded as Latin-1,
and are repaired (:func:`audiopaper.text.mojibake.repair_c1_controls`)."""

HTML_EXTENSIONS = frozenset({".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"})
"""Extensions that hint at a saved web page (the content still decides)."""

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0", "an old Word .doc (or other Office) file; save it as .docx"),
    (b"{\\rtf", "an RTF file; save it as .docx or .txt"),
    (b"GIF8", "a GIF image; save the scan as PNG, JPEG or TIFF"),
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
        controls = sum(1 for ch in text if (ch < "\x20" or ch == "\x7f") and ch not in "\r\n\t\f\v")
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
    if is_printed_page(data):
        return read_printed_page(data, source)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile as error:
            raise InputError(f"{source}: a damaged zip or .docx file; save it again") from error
        if "word/document.xml" not in names:
            raise InputError(
                f"{source}: a zip archive that is not a Word .docx file; give .docx, .html or .txt"
            )
        repairs: list[Change] = []
        blocks = docx_blocks(data, source, repairs)
        return Page(source=source, encoding="docx", blocks=blocks, form="docx", notes=tuple(repairs))
    _refuse_binary(data, source, suffix)
    hinted = suffix in HTML_EXTENSIONS
    text, encoding = decode_page_bytes(data, source, declared=declared_charset(data))
    text, repairs = _repair_decoding(text, encoding, source)
    if looks_like_feed(text):
        return _page(source, encoding, feed_blocks(text, source, repairs), "feed", repairs)
    if looks_like_json(text):
        return _page(source, encoding, json_blocks(text, source, repairs), "json", repairs)
    if looks_like_list_dump(text):
        return _page(source, encoding, list_dump_blocks(text, repairs), "list-dump", repairs)
    if looks_like_news_corpus(text):
        return _page(source, encoding, news_corpus_blocks(text, repairs), "news-corpus", repairs)
    if looks_like_html(text, hinted=hinted):
        blocks, form, notes = html_blocks(text, source)
        repairs.extend(Change(ChangeKind.READING, f"{source}: {note}") for note in notes)
        return _page(source, encoding, blocks, form, repairs)
    if _SQL_DUMP.search(text[:65536]):
        raise InputError(
            f"{source}: a database dump (SQL), not a page; "
            "export the articles from the CMS as text, HTML or .docx"
        )
    post = split_front_matter(text)
    if post is not None:
        body = "\n".join(strip_markdown_inline(line) for line in post.body.splitlines())
        return _page(source, encoding, post_blocks(post, page_blocks(body)[0]), "post", repairs)
    blocks, form = page_blocks(text)
    return _page(source, encoding, blocks, form, repairs)


def _page(source: str, encoding: str, blocks: tuple[Block, ...], form: str, repairs: list[Change]) -> Page:
    return Page(source=source, encoding=encoding, blocks=blocks, form=form, notes=tuple(repairs))


def _repair_decoding(text: str, encoding: str, source: str) -> tuple[str, list[Change]]:
    """Undo what a wrong decoding upstream did to the text (C1 controls, shifted GBK); list it."""
    repairs: list[Change] = []
    text, controls = repair_c1_controls(text)
    if controls:
        repairs.append(
            Change(
                ChangeKind.REPAIRED, f"{source}: cp1252 characters read as C1 controls: {'、'.join(controls)}"
            )
        )
    if encoding == "gb18030":
        text, shifted = repair_shifted_gbk(text)
        for damaged, repaired in shifted:
            repairs.append(
                Change(
                    ChangeKind.REPAIRED,
                    f"byte-shifted GBK “{damaged[:16]}” read as “{repaired[:16]}” (one character lost)",
                    f"{damaged} → {repaired}",
                )
            )
    return text, repairs


def read_page_file(path: Path, name: str | None = None) -> PageFile:
    """A page file's bytes (``name``: how messages call it, default its path); one-line errors.

    Only a regular file is read, and never more than its form's limit plus one byte: a
    FIFO would block and ``/dev/zero`` never ends, and a file may grow while it is read.
    """
    source = name or str(path)
    if not path.exists():
        raise InputError(f"{source}: no such file; check the path of the page")
    if path.is_dir():
        raise InputError(f"{source}: is a directory; give the page files inside it")
    try:
        # O_NONBLOCK: opening a FIFO would otherwise wait for a writer before fstat could refuse it
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise InputError(
                    f"{source}: not a regular file (a device, pipe or socket); save the page to a file"
                )
            head = file.read(1024)
            limit = size_limit(head) if is_printed_page(head) else MAX_PAGE_BYTES
            data = head + file.read(max(0, limit + 1 - len(head)))
        if len(data) > limit:
            raise InputError(
                f"{source}: too large for a page (over {limit} bytes, the limit); split it into pages"
            )
        return PageFile(source, data)
    except OSError as error:
        raise InputError(f"{source}: cannot read the page ({error.strerror})") from error


def parse_page_file(page: PageFile) -> Page:
    """Split a page file's bytes into blocks, whatever its form."""
    parsed = parse_page(page.data, page.name, page.suffix)
    _LOGGER.debug("read %s as %s, %s (%d bytes)", page.name, parsed.form, parsed.encoding, len(page.data))
    return parsed


def read_page(path: Path) -> Page:
    """Read one page file and split it into blocks, whatever its form."""
    return parse_page_file(read_page_file(path))


__all__ = [
    "Block",
    "BlockKind",
    "Page",
    "PageFile",
    "decode_page_bytes",
    "parse_page",
    "parse_page_file",
    "read_page",
    "read_page_file",
    "split_blocks",
]
