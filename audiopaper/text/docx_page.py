"""Word page: a ``.docx`` file read through python-docx.

Headlines are paragraphs in the Title or the top heading style the file uses; deeper
headings are sub-heads. A file with no heading styles marks headlines in bold: a bold
paragraph with no end punctuation is a headline when it opens the file, starts with a list
bullet (``·计算机…``: a file of several news items), or the next paragraph opens with a
dateline, a byline or a full date (``2018年5月4日，``); elsewhere it is a sub-head. A file
with no headline at all is one untitled article (the cleaner makes its title).
Caption-style paragraphs are captions; table rows become table rows (the cleaner treats
rows of figures by its rule). A package whose relationships point at parts it lacks (an
image saved as ``../NULL``) is repaired before python-docx reads it, which would otherwise
fail with a KeyError; the proof lists the links dropped.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.line_roles import DATELINE, ends_sentence, fold_full_width, is_heading_like
from audiopaper.text.page import Block, BlockKind

TITLE_LEVEL = 2
"""Level of a Word file's headlines (no story is marked as the lead)."""

_HEADING_LEVEL = re.compile(r"^(?:Heading|标题)\s*(\d)$")

BOLD_HEADLINE_MAX_CHARS = 40
"""A bold paragraph up to this long with no end punctuation can be a headline (a bold
headline may hold a comma: 参加360 IoT破解大奖赛夺冠，并获360 SRC致谢)."""

_BULLET = re.compile(r"^[·•●▪■◆‧・]\s*")
_DATED_LEAD = re.compile(r"^\s*(?:\d{4}|[一二〇零○][一二三四五六七八九〇零○]{3})年\d{1,2}月")
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _style_name(paragraph: Any) -> str:
    style = paragraph.style
    return str(style.name) if style is not None and style.name else ""


def _heading_level(paragraph: Any) -> int | None:
    """1 for the Title style, 1 + n for Heading n, None for other styles."""
    name = _style_name(paragraph)
    if name in ("Title", "标题"):
        return 1
    match = _HEADING_LEVEL.match(name)
    return 1 + int(match.group(1)) if match else None


def _is_bold_line(paragraph: Any) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    if not runs or not all(run.bold for run in runs):
        return False
    text = fold_full_width(paragraph.text).strip()
    return is_heading_like(text) or (
        len(text) <= BOLD_HEADLINE_MAX_CHARS and not ends_sentence(text) and "。" not in text
    )


def _items(document: Any) -> Iterator[Any]:
    """Paragraphs and tables in body order (python-docx lists them apart)."""
    yield from document.iter_inner_content()


def drop_dangling_relationships(data: bytes) -> tuple[bytes, list[str]]:
    """The package without relationships to parts it lacks; returns it and the targets dropped."""
    from lxml import etree

    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    dropped: list[str] = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repaired:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename.endswith(".rels"):
                root = etree.fromstring(content, parser)
                base = posixpath.dirname(posixpath.dirname(info.filename))
                for rel in root.findall(f"{{{_RELATIONSHIPS_NS}}}Relationship"):
                    target = rel.get("Target", "")
                    if rel.get("TargetMode") == "External":
                        continue
                    part = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
                    if posixpath.normpath(part) not in names:
                        dropped.append(target)
                        root.remove(rel)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            repaired.writestr(info, content)
    return out.getvalue(), dropped


MAX_XML_BYTES = 64 * 1024 * 1024
"""Uncompressed bytes of all the XML parts of a Word file (a 4 MiB .docx of text is about
40 MiB of XML); a zip bomb is refused before anything is inflated."""

MAX_COMPRESSION_RATIO = 200
"""Largest uncompressed/compressed ratio of one part over 1 MiB (Word's XML compresses
5-20 times; a run of one repeated paragraph 1000 times)."""

_RATIO_CHECKED_BYTES = 1024 * 1024
"""Parts smaller than this are not ratio-checked (tiny parts compress very well)."""


def check_package(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse a package whose parts would inflate past MAX_XML_BYTES or MAX_COMPRESSION_RATIO.

    The sizes are the ones the zip declares; zipfile never inflates a part past its declared
    size, so they bound the memory reading it takes.
    """
    xml_bytes = 0
    for info in archive.infolist():
        if info.file_size > _RATIO_CHECKED_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            1, info.compress_size
        ):
            ratio = info.file_size // max(1, info.compress_size)
            raise InputError(
                f"{source}: part {info.filename[:60]} inflates {ratio} times (limit "
                f"{MAX_COMPRESSION_RATIO}); it is not a Word file as Word writes them"
            )
        if info.filename.endswith((".xml", ".rels")):
            xml_bytes += info.file_size
    if xml_bytes > MAX_XML_BYTES:
        raise InputError(
            f"{source}: {xml_bytes // 1024**2} MiB of text inside the Word file, over the "
            f"{MAX_XML_BYTES // 1024**2} MiB limit; split it into several files"
        )
    for name in ("word/document.xml", "[Content_Types].xml"):
        if name in archive.namelist() and b"<!DOCTYPE" in archive.read(name)[:4096].upper():
            raise InputError(
                f"{source}: {name} declares a DTD, which Word never writes; save it again in Word"
            )


def _open(data: bytes, source: str, repairs: list[Change]) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        check_package(zipfile.ZipFile(io.BytesIO(data)), source)
        return docx.Document(io.BytesIO(data))
    except KeyError:
        data, dropped = drop_dangling_relationships(data)
        if not dropped:
            raise InputError(
                f"{source}: is not a readable Word .docx file (a part is missing); "
                "open it in Word and save it again as .docx"
            ) from None
        repairs.append(
            Change(ChangeKind.REPAIRED, f"{source}: links to missing parts dropped: {', '.join(dropped)}")
        )
        return _open(data, source, repairs)
    except etree.XMLSyntaxError as error:  # malformed, nested past libxml2's 256 levels, entity loops
        raise InputError(
            f"{source}: damaged XML inside the Word file ({str(error)[:80]}); open it in Word, save it again"
        ) from error
    except (PackageNotFoundError, zipfile.BadZipFile, ValueError, EOFError, zlib.error) as error:
        raise InputError(
            f"{source}: is not a readable Word .docx file ({type(error).__name__}); "
            "open it in Word and save it again as .docx"
        ) from error


def docx_blocks(data: bytes, source: str, repairs: list[Change] | None = None) -> tuple[Block, ...]:
    """Blocks of a Word file in body order (what was repaired to read it goes to ``repairs``)."""
    from docx.table import Table

    document = _open(data, source, repairs if repairs is not None else [])
    items = list(_items(document))
    levels = [_heading_level(i) for i in items if not isinstance(i, Table)]
    top = min((level for level in levels if level is not None), default=None)
    blocks: list[Block] = []
    texts = ["" if isinstance(i, Table) else i.text.strip() for i in items]
    opening = next((i for i, t in enumerate(texts) if t), None)
    if opening is not None and _heading_level(items[opening]) is None and _is_bold_line(items[opening]):
        top = 0  # a bold title above the styled headings: they are its sub-heads
    for number, item in enumerate(items, start=1):
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each text once per row
                    if cell.text.strip() and (not cells or cells[-1] != cell.text.strip()):
                        cells.append(cell.text.strip())
                if cells:
                    blocks.append(Block(BlockKind.TABLE_ROW, " ".join(cells), 0, number))
            continue
        text = texts[number - 1]
        if not text:
            continue
        level = _heading_level(item)
        if level is not None:
            kind = BlockKind.HEADLINE if level == top else BlockKind.SUBHEAD
        elif _style_name(item).lower().startswith("caption") or _style_name(item) == "题注":
            kind = BlockKind.CAPTION
        elif (top is None or top == 0) and _is_bold_line(item):
            kind = BlockKind.HEADLINE if _opens_article(blocks, texts, number) else BlockKind.SUBHEAD
        else:
            kind = BlockKind.TEXT
        if kind is BlockKind.HEADLINE:
            text = _BULLET.sub("", text)
        blocks.append(Block(kind, text, TITLE_LEVEL if kind is BlockKind.HEADLINE else 0, number))
    return tuple(blocks)


def _opens_article(blocks: list[Block], texts: list[str], number: int) -> bool:
    """A bold line opens an article at the file's start, with a bullet, or before a lead.

    In a file of bulleted items only the bullet lines open one: a bold line above them is
    the section's heading.
    """
    if any(_BULLET.match(t) for t in texts):
        return _BULLET.match(texts[number - 1]) is not None
    if all(b.kind is BlockKind.HEADLINE for b in blocks):
        return True
    following = fold_full_width(next((t for t in texts[number:] if t), ""))
    return bool(DATELINE.match(following) or _DATED_LEAD.match(following)) or following.startswith(
        ("记者", "本报记者")
    )
