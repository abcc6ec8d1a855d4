"""Set the fixture stories (tests/fixtures/printed/stories.toml) into four newspaper pages.

Each page is typeset by a different tool, in different fonts and column counts, so the
layout reader is tested on more than one producer: reportlab (4 columns, AR PL UMing and
WenQuanYi Zen Hei), fpdf2 (3 columns, Noto Serif and Sans CJK), typst (5 columns, Noto CJK
and AR PL UKai) and Chromium's print to PDF (6 columns, CSS grid and multi-column). Every
page has a lead story spanning columns above others, kickers, two-line headlines, a box
of briefs, a captioned photo, an ad box and a 下转/上接 jump. Next to each PDF goes its
truth: each item's title and first and last sentence.

Needs, besides the project: ``pip install reportlab fpdf2 typst``, Debian's fonts-noto-cjk,
fonts-wqy-zenhei, fonts-wqy-microhei, fonts-arphic-ukai/uming and chromium. The PDFs are
committed (generated files), so the tests need none of this. Run from the repository root:
``python scripts/make_printed_fixtures.py`` (``--encrypted-only``: just the locked PDF).
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path("tests/fixtures/printed")
STORIES = tomllib.loads((HERE / "stories.toml").read_text("utf-8"))
_CLOSING = set("，。、；：！？”’）》")
_SENTENCE = re.compile(r"[^。！？]*[。！？]”?")


def by_id(kind: str, ident: str) -> dict:
    return next(item for item in STORIES[kind] if item["id"] == ident)


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def dated(text: str) -> str:
    """A paragraph without its 本报讯 dateline, as the cleaner speaks it."""
    return re.sub(r"^本报讯\s*", "", text)


@dataclass
class Piece:
    """One element of a page: a story, its continuation, briefs, a photo or an ad."""

    kind: str
    ident: str
    col: int
    span: int
    part: str = "whole"  # whole, first (ends with 下转) or rest (opens with 上接)
    jump_page: int = 0  # the page the first part continues on, or the rest came from


@dataclass
class Page:
    name: str
    tool: str
    width: float
    height: float
    columns: int
    body: float
    rows: list[list[Piece]]
    number: int
    fonts: dict[str, str] = field(default_factory=dict)


def story_paragraphs(piece: Piece) -> list[str]:
    story = by_id("story", piece.ident)
    paragraphs = list(story["paragraphs"])
    split = STORIES["jump"]["split_after"]
    if piece.part == "first":
        return [*paragraphs[:split], f"（下转第{piece.jump_page}版）"]
    if piece.part == "rest":
        return [f"（上接第{piece.jump_page}版）", *paragraphs[split:]]
    return paragraphs


def truth_items(page: Page) -> list[dict]:
    """What the reader must find on the page: titles, first and last sentences, briefs."""
    items = []
    for row in page.rows:
        for piece in row:
            if piece.kind == "story":
                story = by_id("story", piece.ident)
                paragraphs = [p for p in story_paragraphs(piece) if not re.match(r"^（(?:上接|下转)", p)]
                items.append(
                    {
                        "kind": "story",
                        "id": piece.ident,
                        "part": piece.part,
                        "title": "".join(story["title"]),
                        "kicker": story.get("kicker", ""),
                        "first": sentences(dated(paragraphs[0]))[0],
                        "last": sentences(paragraphs[-1])[-1],
                        "whole_last": sentences(story["paragraphs"][-1])[-1],
                    }
                )
            elif piece.kind == "briefs":
                for text in by_id("briefs", piece.ident)["items"]:
                    items.append({"kind": "brief", "id": piece.ident, "first": sentences(text)[0]})
            elif piece.kind == "photo":
                photo = by_id("photo", piece.ident)
                items.append(
                    {
                        "kind": "photo",
                        "id": piece.ident,
                        "title": photo["title"],
                        "first": sentences(photo["caption"])[0],
                        "last": sentences(photo["caption"])[-1],
                    }
                )
    return items


def furniture(page: Page) -> list[str]:
    """Text that must never be spoken: masthead, header and ads."""
    ads = [
        line
        for row in page.rows
        for p in row
        if p.kind == "advert"
        for line in by_id("advert", p.ident)["lines"]
    ]
    return [STORIES["paper"], "责任编辑", *ads]


# ---- a simple typesetter for the tools that only place text (reportlab, fpdf2) ----------


@dataclass
class Placed:
    text: str
    x: float
    y: float  # top of the line
    size: float
    font: str


@dataclass
class Sheet:
    lines: list[Placed] = field(default_factory=list)
    frames: list[tuple[float, float, float, float]] = field(default_factory=list)
    pictures: list[tuple[float, float, float, float]] = field(default_factory=list)


def wrap(text: str, chars: int, indent: int = 2) -> list[str]:
    """Break a paragraph into lines of ``chars`` characters; closing marks never start a line."""
    lines, rest, width = [], text, chars - indent
    while rest:
        cut = min(width, len(rest))
        while cut < len(rest) and rest[cut] in _CLOSING:
            cut += 1
        lines.append(("\u3000" * indent if len(lines) == 0 else "") + rest[:cut])
        rest, width, indent = rest[cut:], chars, 0
    return lines


def title_lines(lines: list[str], width: float, size: float) -> list[str]:
    out = []
    for line in lines:
        per = max(1, int(width // size))
        out += [line[i : i + per] for i in range(0, len(line), per)]
    return out


def set_page(page: Page) -> Sheet:
    """Place every piece of the page: rows of pieces, each over its span of columns."""
    sheet = Sheet()
    margin, gutter, body = 30.0, page.body * 1.5, page.body
    column = (page.width - 2 * margin - gutter * (page.columns - 1)) / page.columns
    leading = body * 1.55
    header = body * 1.2
    sheet.lines.append(Placed(STORIES["paper"], margin, 12, header * 1.6, "head"))
    sheet.lines.append(
        Placed(f"第{page.number}版 要闻  2025年4月18日 星期五", page.width / 2 - 60, 14, header, "body")
    )
    sheet.lines.append(
        Placed("责任编辑：林晓 版式：陈默", page.width - margin - 12 * header, 14, header, "body")
    )
    y = 60.0
    for row in page.rows:
        bottom = y
        for piece in row:
            x = margin + piece.col * (column + gutter)
            width = piece.span * column + (piece.span - 1) * gutter
            end = _place(sheet, page, piece, x, y, width, column, gutter, leading)
            bottom = max(bottom, end)
        y = bottom + body * 2.2
    return sheet


def _flow(
    sheet: Sheet,
    text_lines: list[list[str]],
    x: float,
    y: float,
    span: int,
    column: float,
    gutter: float,
    leading: float,
    size: float,
) -> float:
    """Flow paragraphs' lines evenly through ``span`` columns from height ``y``; return the bottom."""
    flat = [line for para in text_lines for line in para]
    per = math.ceil(len(flat) / span)
    for index, line in enumerate(flat):
        col, row = divmod(index, per)
        sheet.lines.append(Placed(line, x + col * (column + gutter), y + row * leading, size, "body"))
    return y + per * leading


def _place(
    sheet: Sheet,
    page: Page,
    piece: Piece,
    x: float,
    y: float,
    width: float,
    column: float,
    gutter: float,
    leading: float,
) -> float:
    body = page.body
    chars = int(column // body)
    if piece.kind == "story":
        story = by_id("story", piece.ident)
        if story.get("kicker") and piece.part != "rest":
            sheet.lines.append(Placed(story["kicker"], x, y, body * 1.6, "kicker"))
            y += body * 2.3
        size = body * (3.2 if piece.span >= 3 else 2.2)
        for line in title_lines(story["title"], width, size):
            sheet.lines.append(Placed(line, x, y, size, "head"))
            y += size * 1.2
        y += body * 0.8
        paragraphs = story_paragraphs(piece)
        text = [[story["byline"]]] if piece.part != "rest" else []
        text += [wrap(p, chars) for p in paragraphs]
        return _flow(sheet, text, x, y, piece.span, column, gutter, leading, body)
    if piece.kind == "briefs":
        briefs = by_id("briefs", piece.ident)
        top = y
        sheet.lines.append(
            Placed(briefs["heading"], x + width / 2 - body * 1.5, y + body * 0.6, body * 1.8, "head")
        )
        y += body * 3.2
        inner = int((width - body * 1.2) // body)
        bottom = _flow(
            sheet,
            [wrap(t, inner) for t in briefs["items"]],
            x + body * 0.6,
            y,
            1,
            width,
            gutter,
            leading,
            body,
        )
        sheet.frames.append((x, top, width, bottom - top + body * 0.6))
        return bottom + body * 0.6
    if piece.kind == "photo":
        photo = by_id("photo", piece.ident)
        height = width * 0.62
        sheet.pictures.append((x, y, width, height))
        sheet.lines.append(
            Placed(
                photo["credit"],
                x + width - len(photo["credit"]) * body * 0.8 - 4,
                y + height - body * 1.3,
                body * 0.8,
                "body",
            )
        )
        y += height + body * 0.8
        sheet.lines.append(Placed(photo["title"], x, y, body * 1.8, "head"))
        y += body * 2.6
        return _flow(
            sheet, [wrap(photo["caption"], int(width // body))], x, y, 1, width, gutter, leading, body
        )
    advert = by_id("advert", piece.ident)
    top = y
    y += body
    for number, line in enumerate(advert["lines"]):
        size = body * (2.0 if number == 0 else 1.1)
        sheet.lines.append(Placed(line, x + body, y, size, "head" if number == 0 else "body"))
        y += size * 1.6
    sheet.frames.append((x, top, width, y - top + body))
    return y + body


def photo_image(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:120, 0:180]
    scene = 90 + 60 * np.sin(xx / (9 + seed)) * np.cos(yy / 13) + 40 * (yy > 70)
    colour = np.stack([scene, scene * 0.9 + 20, scene * 0.7 + 30], axis=-1) + rng.normal(0, 3, (120, 180, 3))
    Image.fromarray(np.clip(colour, 0, 255).astype("uint8")).save(path)
    return path


def render_reportlab(page: Page, sheet: Sheet, out: Path, tmp: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    for key, (path, index) in page.fonts.items():
        pdfmetrics.registerFont(TTFont(f"rl-{key}", path, subfontIndex=index))
    pdf = canvas.Canvas(str(out), pagesize=(page.width, page.height), invariant=1)
    pdf.setTitle(page.name)
    for number, (x, y, w, h) in enumerate(sheet.pictures):
        pdf.drawImage(str(photo_image(tmp / f"p{number}.png", number)), x, page.height - y - h, w, h)
    for x, y, w, h in sheet.frames:
        pdf.rect(x, page.height - y - h, w, h)
    for line in sheet.lines:
        pdf.setFont(f"rl-{line.font}", line.size)
        pdf.drawString(line.x, page.height - line.y - line.size * 0.88, line.text)
    pdf.showPage()
    pdf.save()


def render_fpdf(page: Page, sheet: Sheet, out: Path, tmp: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(page.width, page.height))
    pdf.set_creation_date(__import__("datetime").datetime(2025, 4, 18))
    pdf.add_page()
    for key, (path, index) in page.fonts.items():
        pdf.add_font(f"f{key}", fname=path, collection_font_number=index)
    for number, (x, y, w, h) in enumerate(sheet.pictures):
        pdf.image(str(photo_image(tmp / f"p{number}.png", number + 7)), x, y, w, h)
    for x, y, w, h in sheet.frames:
        pdf.rect(x, y, w, h)
    for line in sheet.lines:
        pdf.set_font(f"f{line.font}", size=line.size)
        pdf.text(line.x, line.y + line.size * 0.88, line.text)
    pdf.output(str(out))


# ---- tools that set the text themselves: typst and Chromium -----------------------------


def _markup_story(piece: Piece, story: dict, typst: bool) -> str:
    paragraphs = story_paragraphs(piece)
    kicker = story.get("kicker") if piece.part != "rest" else None
    title = ("\\\n" if typst else "<br>").join(story["title"])  # a two-line headline breaks as set
    byline = story["byline"] if piece.part != "rest" else None
    if typst:
        parts = []
        if kicker:
            parts.append(f'#text(font: "AR PL UKai CN", size: 14pt)[{kicker}]\\')
        parts.append(
            f'#text(font: "Noto Sans CJK SC", weight: "bold", size: {30 if piece.span >= 3 else 20}pt)[{title}]'
        )
        body = ([byline] if byline else []) + paragraphs
        text = "\n\n".join(("#h(2em)" if i else "") + p for i, p in enumerate(body))
        parts.append(f"#columns({piece.span}, gutter: 12pt)[{text}]")
        return "\n\n".join(parts)
    head = f'<div class="kicker">{kicker}</div>' if kicker else ""
    body = "".join(f"<p>{p}</p>" for p in ([byline] if byline else []) + paragraphs)
    size = "big" if piece.span >= 3 else "mid"
    return f'{head}<h2 class="{size}">{title}</h2><div class="cols" style="column-count:{piece.span}">{body}</div>'


def _markup(piece: Piece, typst: bool, image: Path) -> str:
    if piece.kind == "story":
        return _markup_story(piece, by_id("story", piece.ident), typst)
    if piece.kind == "briefs":
        briefs = by_id("briefs", piece.ident)
        if typst:
            items = "\n\n".join("#h(2em)" + t for t in briefs["items"])
            return f"#rect(width: 100%, inset: 8pt)[#align(center)[#text(size: 18pt)[{briefs['heading']}]]\n\n{items}]"
        items = "".join(f"<p>{t}</p>" for t in briefs["items"])
        return f'<div class="box"><h3>{briefs["heading"]}</h3>{items}</div>'
    if piece.kind == "photo":
        photo = by_id("photo", piece.ident)
        if typst:
            return (
                f'#image("{image.name}", width: 100%)\n#align(right)[#text(size: 7pt)[{photo["credit"]}]]\n\n'
                f'#text(font: "Noto Sans CJK SC", weight: "bold", size: 16pt)[{photo["title"]}]\n\n{photo["caption"]}'
            )
        return (
            f'<img src="{image.name}"><div class="credit">{photo["credit"]}</div>'
            f'<h3>{photo["title"]}</h3><p class="cap">{photo["caption"]}</p>'
        )
    lines = by_id("advert", piece.ident)["lines"]
    if typst:
        first, rest = lines[0], "\\\n".join(lines[1:])
        return (
            f'#rect(width: 100%, inset: 10pt)[#text(font: "Noto Sans CJK SC", size: 20pt)[{first}]\\\n{rest}]'
        )
    return (
        f'<div class="box ad"><div class="adhead">{lines[0]}</div>'
        + "".join(f"<div>{ln}</div>" for ln in lines[1:])
        + "</div>"
    )


def render_typst(page: Page, out: Path, tmp: Path) -> None:
    import typst

    image = photo_image(tmp / "photo.png", 3)
    cells = []
    for row in page.rows:
        for piece in row:
            cells.append(f"grid.cell(colspan: {piece.span}, x: {piece.col})[{_markup(piece, True, image)}]")
    source = f"""#set page(width: {page.width}pt, height: {page.height}pt, margin: 30pt,
  header: [#text(font: "Noto Sans CJK SC", size: 26pt, weight: "bold")[{STORIES["paper"]}] #h(1fr) 第{page.number}版 要闻 2025年4月18日 星期五 #h(1fr) 责任编辑：林晓])
#set text(font: ("Noto Serif CJK SC"), size: {page.body}pt, lang: "zh")
#set par(justify: true, leading: 0.6em, spacing: 0.6em)
#grid(columns: {page.columns}, column-gutter: 14pt, row-gutter: 22pt,
{", ".join(cells)})
"""
    (tmp / "page.typ").write_text(source, "utf-8")
    out.write_bytes(typst.compile(str(tmp / "page.typ")))


def render_chromium(page: Page, out: Path, tmp: Path) -> None:
    image = photo_image(tmp / "photo.png", 5)
    cells = []
    for row in page.rows:
        for piece in row:
            cells.append(
                f'<section style="grid-column:{piece.col + 1} / span {piece.span}">{_markup(piece, False, image)}</section>'
            )
    html = f"""<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>
@page {{ size: {page.width}pt {page.height}pt; margin: 30pt; }}
body {{ font-family: "WenQuanYi Micro Hei"; font-size: {page.body}pt; margin: 0; }}
header {{ display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #000; margin-bottom: 16pt; }}
header .paper {{ font: bold 28pt "Noto Sans CJK SC"; }}
main {{ display: grid; grid-template-columns: repeat({page.columns}, 1fr); column-gap: 14pt; row-gap: 22pt; align-items: start; }}
h2 {{ font-family: "Noto Sans CJK SC"; margin: 4pt 0 8pt; line-height: 1.2; }} h2.big {{ font-size: 32pt; }} h2.mid {{ font-size: 20pt; }}
h3 {{ font: bold 16pt "Noto Sans CJK SC"; margin: 6pt 0; text-align: center; }}
.kicker {{ font: 13pt "AR PL UKai CN"; }}
.cols {{ column-gap: 14pt; }} p {{ text-indent: 2em; margin: 0; line-height: 1.55; text-align: justify; }}
.box {{ border: 1px solid #000; padding: 8pt; }} .adhead {{ font: bold 20pt "Noto Sans CJK SC"; }}
img {{ width: 100%; display: block; }} .credit {{ text-align: right; font-size: 7pt; }} .cap {{ text-indent: 0; }}
</style><body><header><span class="paper">{STORIES["paper"]}</span><span>第{page.number}版 要闻 2025年4月18日 星期五</span><span>责任编辑：林晓</span></header>
<main>{"".join(cells)}</main></body></html>"""
    (tmp / "page.html").write_text(html, "utf-8")
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            (tmp / "page.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
UKAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

PAGES = [
    Page(
        "reportlab-4col",
        "reportlab",
        842,
        1191,
        4,
        9.5,
        [
            [Piece("story", "bridge", 0, 3, "first", 2), Piece("advert", "ad1", 3, 1)],
            [
                Piece("story", "market", 0, 2),
                Piece("story", "library", 2, 1),
                Piece("briefs", "briefs1", 3, 1),
            ],
            [Piece("photo", "photo1", 0, 1), Piece("story", "rice", 1, 2), Piece("story", "clinic", 3, 1)],
            [Piece("story", "school", 0, 2), Piece("story", "fire", 2, 2)],
        ],
        1,
        {"body": (UMING, 0), "head": (WQY, 0), "kicker": (UKAI, 0)},
    ),
    Page(
        "fpdf2-3col",
        "fpdf2",
        595,
        842,
        3,
        8.5,
        [
            [Piece("story", "bridge", 0, 2, "rest", 1), Piece("story", "tea", 2, 1)],
            [Piece("story", "river", 0, 3)],
            [Piece("briefs", "briefs2", 0, 1), Piece("story", "bus", 1, 1), Piece("photo", "photo2", 2, 1)],
            [Piece("story", "museum", 0, 2), Piece("advert", "ad2", 2, 1)],
        ],
        2,
        {"body": (SERIF, 2), "head": (SANS_BOLD, 2), "kicker": (UKAI, 0)},
    ),
    Page(
        "typst-5col",
        "typst",
        1000,
        1400,
        5,
        10,
        [
            [Piece("story", "river", 0, 3, "first", 4), Piece("story", "orchard", 3, 2)],
            [Piece("story", "fire", 0, 2), Piece("photo", "photo1", 2, 1), Piece("briefs", "briefs1", 3, 2)],
            [Piece("story", "museum", 0, 2), Piece("story", "rice", 2, 2), Piece("advert", "ad1", 4, 1)],
            [Piece("story", "tea", 0, 3), Piece("story", "clinic", 3, 2)],
        ],
        3,
    ),
    Page(
        "chromium-6col",
        "chromium",
        1190,
        1684,
        6,
        10,
        [
            [Piece("story", "river", 0, 3, "rest", 3), Piece("story", "market", 3, 3)],
            [Piece("story", "bridge", 0, 4), Piece("briefs", "briefs2", 4, 2)],
            [Piece("photo", "photo2", 0, 2), Piece("story", "bus", 2, 2), Piece("story", "library", 4, 2)],
            [Piece("story", "school", 0, 3), Piece("advert", "ad2", 3, 1), Piece("story", "orchard", 4, 2)],
        ],
        4,
    ),
]


PHOTOS = {"fpdf2-3col": 150, "reportlab-4col": 130}
"""Pages also shot like a phone photo of newsprint, and the resolution they are rendered at."""


def degrade(pdf: Path, dpi: int, seed: int) -> Image.Image:
    """The page as a phone photo of newsprint: yellowed, unevenly lit, grainy, soft, askew."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    document = pdfium.PdfDocument(str(pdf))
    page = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    document.close()
    rng = np.random.default_rng(seed)
    pixels = np.asarray(page, dtype=float) / 255.0
    height, width = pixels.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width]
    light = 0.93 - 0.12 * ((xx / width - 0.3) ** 2 + (yy / height - 0.4) ** 2)  # a lamp off to one side
    paper = np.array([0.96, 0.90, 0.74])  # newsprint yellowed with age
    ink = np.array([0.16, 0.15, 0.14])
    shot = (paper * pixels + ink * (1 - pixels)) * light[..., None] + rng.normal(0, 0.035, pixels.shape)
    image = Image.fromarray((np.clip(shot, 0, 1) * 255).astype("uint8"))
    image = image.filter(ImageFilter.GaussianBlur(0.9))
    return image.rotate(
        1.4 if seed % 2 else -1.1, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(70, 62, 55)
    )


def encrypted(out: Path) -> None:
    """A one-page PDF that opens only with a password (for the refusal test)."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(out), encrypt=StandardEncryption("secret", canPrint=0), invariant=1)
    pdf.drawString(72, 720, "locked page")
    pdf.showPage()
    pdf.save()


def main() -> None:
    encrypted(HERE / "encrypted.pdf")
    renderers: dict[str, Callable[[Page, Path, Path], None]] = {
        "reportlab": lambda p, o, t: render_reportlab(p, set_page(p), o, t),
        "fpdf2": lambda p, o, t: render_fpdf(p, set_page(p), o, t),
        "typst": render_typst,
        "chromium": render_chromium,
    }
    for page in [] if "--encrypted-only" in sys.argv else PAGES:
        with tempfile.TemporaryDirectory() as tmp:
            out = HERE / f"{page.name}.pdf"
            renderers[page.tool](page, out, Path(tmp))
        truth = {
            "tool": page.tool,
            "columns": page.columns,
            "page": page.number,
            "items": truth_items(page),
            "never_spoken": furniture(page),
        }
        (HERE / f"{page.name}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", "utf-8"
        )
        print(out, out.stat().st_size)
        if page.name in PHOTOS:
            photo = HERE / f"{page.name}-photo.jpg"
            degrade(out, PHOTOS[page.name], page.number).save(photo, quality=72, dpi=(PHOTOS[page.name],) * 2)
            print(photo, photo.stat().st_size)


if __name__ == "__main__":
    main()
