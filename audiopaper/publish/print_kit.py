"""The print kit: 扫码听 QR codes and a sheet for the layout desk.

An elderly reader holds the printed paper, not a podcast app, and already scans WeChat QR
codes. So every edition can carry codes to print beside its stories: one for the edition's
listening page, one per article (the page opened at that article, ready to play on a
press), and one for ``latest/`` (a standing code for the masthead). Each comes as SVG (for
the layout program, captions as live text) and as 300 dpi PNG, with a caption
(扫码收听 · headline · duration), plus one sheet of them all as PNG and PDF.

QR codes are made by segno (pure Python, well kept, exact ISO/IEC 18004 output) with error
correction H (30% of the code may be lost): newsprint spreads ink and readers fold pages.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlparse
from xml.sax.saxutils import escape

from audiopaper.errors import OptionError
from audiopaper.publish.listening_page import LATEST_DIR
from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.outdir import EDITIONS_DIR, atomic_write_bytes, atomic_write_text

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

PRINT_DIR = "print"
"""The kit's folder inside an edition directory (DESIGN.md's output layout)."""

PRINT_DPI = 300
"""Resolution of the PNGs: what newspaper plate-making asks for."""

CODE_WIDTH_MM = 30.0
"""Printed width of one code with its quiet zone: small enough for a column, large enough
for an old phone's camera at reading distance."""

QUIET_ZONE_MODULES = 4
"""The quiet zone ISO/IEC 18004 asks for around a code."""

ERROR_CORRECTION = "h"
"""segno's error-correction level: H restores up to 30% of damaged modules."""

CAPTION_PT = 9.0
"""Caption size in points beside body text of 8–9 pt."""

CAPTION_LINE_EM = 9.0
"""Caption characters (em) to a line: a code's width (30 mm) at 9 pt (3.2 mm an em), with a margin."""

CAPTION_LEADING = 1.3
"""Caption line pitch in multiples of its size."""

CAPTION_FONTS = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
"""Font families the SVG asks for; the layout program substitutes its own Chinese sans."""

CAPTION_TITLE_LINES = 3
"""Lines of headline under a code; a longer headline is cut with …."""

SHEET_COLUMNS = 3
"""Codes per row on the layout desk's sheet."""

ARTICLE_ANCHOR = "article-{number}"
"""The listening page's fragment that selects an article (player.js reads it)."""

_MM_PER_INCH = 25.4
_PT_PER_INCH = 72.0

CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
"""Where common Chinese fonts live when fontconfig cannot be asked (macOS, Windows)."""


@dataclass(frozen=True)
class PrintCode:
    """One QR code of the kit."""

    name: str
    """File stem inside print/: ``edition``, ``latest`` or ``article-NN``."""

    url: str
    """The absolute URL the code holds."""

    title: str
    """What it plays: the edition's title, a headline, or the paper's name."""

    length: str
    """How long it plays (3分05秒), or 最新一期 for the standing code."""

    @property
    def caption(self) -> str:
        """The caption on one line: 扫码收听 · headline · duration."""
        return f"扫码收听 · {self.title} · {self.length}"

    def caption_lines(self) -> list[str]:
        """The caption as printed under a code one column wide: the call, the headline wrapped
        over at most CAPTION_TITLE_LINES lines (cut with … beyond them), and the length."""
        return ["扫码收听", *wrap(self.title, CAPTION_LINE_EM, CAPTION_TITLE_LINES), self.length]


def listening_time(seconds: float) -> str:
    """A length as a caption says it: 1分18秒 (4秒 under a minute)."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}分{rest:02d}秒" if minutes else f"{rest}秒"


def _em(char: str) -> float:
    """Width of a character in em: Han and full-width forms one, Latin and digits about half."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.55


LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%‰+\-]*|.", re.S)
"""A run of Latin letters and digits (12.6%, iPhone) is kept on one line; anything else is a unit."""


NO_LINE_START = frozenset("，。、；：？！”’）》」』】…·%")
"""Marks that Chinese typesetting never puts at the start of a line (they hang at the end)."""


def wrap(text: str, width_em: float, max_lines: int) -> list[str]:
    """``text`` broken into lines of at most ``width_em`` em, at most ``max_lines`` of them.

    Chinese breaks between any two characters, never before a closing mark (it may hang past
    the width) nor inside a number or a Latin word (unless it is longer than a line); the
    last line is cut with … if more is left.
    """
    lines: list[str] = []
    line = ""
    for token in LATIN_RUN.findall(text):
        for piece in [token] if _width(token) <= width_em else list(token):
            if line and _width(line + piece) > width_em and piece not in NO_LINE_START:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _width(last) + 1 > width_em:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def _width(text: str) -> float:
    return sum(map(_em, text))


@dataclass(frozen=True)
class PrintKit:
    """What ``print-kit`` wrote for one edition."""

    directory: Path
    """The edition's print/ folder."""

    codes: tuple[PrintCode, ...]
    """Every code, in sheet order: the edition, each article, latest/."""

    files: tuple[Path, ...]
    """Every file written (without a Chinese font the PNG and PDF codes have no captions; a
    warning says so)."""


def public_base(base_url: str) -> str:
    """The base URL codes may carry: absolute http(s) and not this machine, or an OptionError.

    A printed code lives for years in archives and cannot be corrected, so a loopback or
    relative address is refused rather than printed.
    """
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise OptionError(f"--base-url {base_url!r} must be an absolute http(s) URL for printed codes")
    host = (parsed.hostname or "").lower()
    if host in ("localhost", "0.0.0.0", "::1") or host.startswith("127."):
        raise OptionError(
            f"printed codes need the edition's public address: give --base-url https://… (not {base_url})"
        )
    return base_url if base_url.endswith("/") else base_url + "/"


def kit_codes(manifest: EditionManifest, base_url: str) -> tuple[PrintCode, ...]:
    """The codes for one edition: its page, each article at its anchor, and latest/."""
    base = public_base(base_url)
    page = urljoin(base, f"{EDITIONS_DIR}/{manifest.date.isoformat()}/index.html")
    codes = [PrintCode("edition", page, manifest.title, listening_time(manifest.duration))]
    for article in manifest.articles:
        anchor = ARTICLE_ANCHOR.format(number=article.index)
        codes.append(
            PrintCode(
                f"article-{article.index:02d}",
                f"{page}#{anchor}",
                article.title,
                listening_time(article.end_s - article.start_s),
            )
        )
    latest = urljoin(base, f"{LATEST_DIR}/")
    codes.append(PrintCode("latest", latest, manifest.paper, "最新一期"))
    return tuple(codes)


def _px(mm: float) -> int:
    return round(mm / _MM_PER_INCH * PRINT_DPI)


def _module_px(url: str) -> int:
    """Pixels per module at 300 dpi so the code with its quiet zone is about CODE_WIDTH_MM wide."""
    import segno

    side = segno.make(url, error=ERROR_CORRECTION, micro=False).symbol_size(border=QUIET_ZONE_MODULES)[0]
    return max(4, round(_px(CODE_WIDTH_MM) / side))


def code_svg(code: PrintCode) -> str:
    """The code as SVG in millimetres, its caption as text below (editable in a layout program)."""
    import segno

    qr = segno.make(code.url, error=ERROR_CORRECTION, micro=False)
    side = qr.symbol_size(border=QUIET_ZONE_MODULES)[0]
    module_mm = CODE_WIDTH_MM / side
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", border=QUIET_ZONE_MODULES, xmldecl=False, svgns=False, nl=False)
    path = buffer.getvalue().decode("ascii")
    path = path[path.index("<path") : path.rindex("</svg>")]
    caption_mm = CAPTION_PT / _PT_PER_INCH * _MM_PER_INCH
    lines = code.caption_lines()
    height = CODE_WIDTH_MM + caption_mm * (CAPTION_LEADING * len(lines) + 0.5)
    texts = "".join(
        f'<tspan x="{CODE_WIDTH_MM / 2:g}" y="{CODE_WIDTH_MM + caption_mm * CAPTION_LEADING * (n + 1):.2f}">'
        f"{escape(line)}</tspan>"
        for n, line in enumerate(lines)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CODE_WIDTH_MM:g}mm" height="{height:.2f}mm" '
        f'viewBox="0 0 {CODE_WIDTH_MM:g} {height:.2f}">\n'
        f"<title>{escape(code.caption)}</title>\n"
        '<rect width="100%" height="100%" fill="#fff"/>\n'
        f'<g transform="scale({module_mm:.5f})">{path}</g>\n'
        f'<text font-size="{caption_mm:.2f}" text-anchor="middle" '
        f'font-family="{CAPTION_FONTS}">{texts}</text>\n'
        "</svg>\n"
    )


@cache
def cjk_font_path() -> str | None:
    """A font file that has Chinese glyphs, from fontconfig or the usual places; None if none."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(
                [fc_match, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).is_file() and not found.endswith((".pcf.gz", ".pfb")):
            return found
    return next((path for path in CJK_FONT_CANDIDATES if Path(path).is_file()), None)


def code_image(code: PrintCode, font_path: str | None) -> Image:
    """The code and its caption as a 300 dpi greyscale Pillow image (caption left out without a font)."""
    import segno
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    qr = segno.make(code.url, error=ERROR_CORRECTION, micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=_module_px(code.url), border=QUIET_ZONE_MODULES, dpi=PRINT_DPI)
    symbol = PILImage.open(io.BytesIO(buffer.getvalue())).convert("L")
    if font_path is None:
        return symbol
    size_px = round(CAPTION_PT / _PT_PER_INCH * PRINT_DPI)
    font = ImageFont.truetype(font_path, size_px)
    lines = code.caption_lines()
    pitch = round(size_px * CAPTION_LEADING)
    image = PILImage.new("L", (symbol.width, symbol.height + pitch * len(lines) + size_px // 2), 255)
    image.paste(symbol, (0, 0))
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        y = symbol.height + pitch * number + pitch / 2
        draw.text((symbol.width / 2, y), line, fill=0, font=font, anchor="mm")
    return image


def _png_bytes(image: Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(PRINT_DPI, PRINT_DPI), optimize=True)
    return buffer.getvalue()


def sheet_image(images: list[Image]) -> Image:
    """Every code on one white sheet, SHEET_COLUMNS to a row, 5 mm apart."""
    from PIL import Image as PILImage

    gap = _px(5.0)
    cell_w = max(image.width for image in images)
    cell_h = max(image.height for image in images)
    rows = -(-len(images) // SHEET_COLUMNS)
    sheet = PILImage.new("L", (gap + SHEET_COLUMNS * (cell_w + gap), gap + rows * (cell_h + gap)), 255)
    for number, image in enumerate(images):
        row, column = divmod(number, SHEET_COLUMNS)
        sheet.paste(image, (gap + column * (cell_w + gap), gap + row * (cell_h + gap)))
    return sheet


def write_print_kit(edition_dir: Path, manifest: EditionManifest, base_url: str) -> PrintKit:
    """Write ``edition_dir``'s print/ folder: SVG and PNG per code, sheet.png and sheet.pdf.

    Each file is replaced atomically; a kit made again for the same edition and address has
    the same SVG and PNG bytes.
    """
    codes = kit_codes(manifest, base_url)
    directory = edition_dir / PRINT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    font_path = cjk_font_path()
    if font_path is None:
        log.warning("no Chinese font found: the PNG and PDF codes have no captions (install fonts-noto-cjk)")
    files: list[Path] = []
    images: list[Image] = []
    for code in codes:
        atomic_write_text(directory / f"{code.name}.svg", code_svg(code))
        image = code_image(code, font_path)
        atomic_write_bytes(directory / f"{code.name}.png", _png_bytes(image))
        files += [directory / f"{code.name}.svg", directory / f"{code.name}.png"]
        images.append(image)
    sheet = sheet_image(images)
    atomic_write_bytes(directory / "sheet.png", _png_bytes(sheet))
    pdf = io.BytesIO()
    sheet.save(pdf, format="PDF", resolution=PRINT_DPI)
    atomic_write_bytes(directory / "sheet.pdf", pdf.getvalue())
    files += [directory / "sheet.png", directory / "sheet.pdf"]
    return PrintKit(directory, codes, tuple(files))
