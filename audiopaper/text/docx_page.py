"""Word page: a ``.docx`` file read through python-docx.

Headlines are paragraphs in the Title or the top heading style the file uses; deeper
headings are sub-heads. A file with no heading styles marks headlines in bold: a short bold
line with no end punctuation is a headline when it opens the file or the next paragraph
opens with a dateline or byline, and a sub-head elsewhere. Caption-style paragraphs are
captions; table rows become table rows (the cleaner treats rows of figures by its rule).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.line_roles import DATELINE, fold_full_width, is_heading_like
from audiopaper.text.page import Block, BlockKind

TITLE_LEVEL = 2
"""Level of a Word file's headlines (no story is marked as the lead)."""

_HEADING_LEVEL = re.compile(r"^(?:Heading|标题)\s*(\d)$")


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
    return bool(runs) and all(run.bold for run in runs) and is_heading_like(fold_full_width(paragraph.text))


def _items(document: Any) -> Iterator[Any]:
    """Paragraphs and tables in body order (python-docx lists them apart)."""
    yield from document.iter_inner_content()


def _open(data: bytes, source: str) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(
            f"{source}: is not a readable Word .docx file ({type(error).__name__}); "
            "open it in Word and save it again as .docx"
        ) from error


def docx_blocks(data: bytes, source: str) -> tuple[Block, ...]:
    """Blocks of a Word file in body order."""
    from docx.table import Table

    document = _open(data, source)
    items = list(_items(document))
    levels = [_heading_level(i) for i in items if not isinstance(i, Table)]
    top = min((level for level in levels if level is not None), default=None)
    blocks: list[Block] = []
    texts = ["" if isinstance(i, Table) else i.text.strip() for i in items]
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
        elif top is None and _is_bold_line(item):
            kind = BlockKind.HEADLINE if _opens_article(blocks, texts, number) else BlockKind.SUBHEAD
        else:
            kind = BlockKind.TEXT
        blocks.append(Block(kind, text, TITLE_LEVEL if kind is BlockKind.HEADLINE else 0, number))
    return tuple(blocks)


def _opens_article(blocks: list[Block], texts: list[str], number: int) -> bool:
    """A bold line opens an article at the file's start or before a dateline or byline."""
    if all(b.kind is BlockKind.HEADLINE for b in blocks):
        return True
    following = next((t for t in texts[number:] if t), "")
    return bool(DATELINE.match(fold_full_width(following))) or following.startswith(("记者", "本报记者"))
