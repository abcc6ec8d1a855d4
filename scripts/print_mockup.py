"""Draw docs/images/print-mockup.png: a printed page with the print kit's codes beside its stories.

    python scripts/print_mockup.py OUT_DIR DATE [docs/images/print-mockup.png]

OUT_DIR must hold the edition of DATE with its print/ folder (``audiopaper print-kit``).
The page is a sketch for the layout desk: the masthead with the standing latest/ code, each
story's headline and opening lines from edition.json, and its code in the column beside it.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.print_kit import PRINT_DIR, cjk_font_path, wrap

PAGE_PX = (1240, 1754)  # A4 at 150 dpi
MARGIN_PX = 70
CODE_PX = 190


def main() -> None:
    out_dir, day = Path(sys.argv[1]), date.fromisoformat(sys.argv[2])
    target = Path(sys.argv[3]) if len(sys.argv) > 3 else Path("docs/images/print-mockup.png")
    edition = out_dir / "editions" / day.isoformat()
    manifest = EditionManifest.read(edition / "edition.json")
    font_path = cjk_font_path()
    if font_path is None:
        sys.exit("no Chinese font found (install fonts-noto-cjk)")

    def font(size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(font_path, size)

    page = Image.new("RGB", PAGE_PX, (250, 248, 240))
    draw = ImageDraw.Draw(page)
    draw.text((MARGIN_PX, 50), manifest.paper, fill=(150, 20, 20), font=font(96))
    draw.text((MARGIN_PX, 170), f"{day.year}年{day.month}月{day.day}日", fill=(40, 40, 40), font=font(30))
    latest = Image.open(edition / PRINT_DIR / "latest.png").convert("RGB")
    latest.thumbnail((CODE_PX, CODE_PX + 120))
    page.paste(latest, (PAGE_PX[0] - MARGIN_PX - latest.width, 30))
    rule = max(240, 30 + latest.height + 15)
    draw.line((MARGIN_PX, rule, PAGE_PX[0] - MARGIN_PX, rule), fill=(150, 20, 20), width=6)
    y = rule + 30
    column = PAGE_PX[0] - 2 * MARGIN_PX - CODE_PX - 40
    for article in manifest.articles:
        code = Image.open(edition / PRINT_DIR / f"article-{article.index:02d}.png").convert("RGB")
        code.thumbnail((CODE_PX, CODE_PX + 150))
        top = y
        for line in wrap(article.title, column / 44, 2):
            draw.text((MARGIN_PX, y), line, fill=(20, 20, 20), font=font(44))
            y += 60
        body = "".join(s.text for s in article.sentences)
        for line in wrap(body, column / 24, 6):
            draw.text((MARGIN_PX, y + 8), line, fill=(70, 70, 70), font=font(24))
            y += 36
        page.paste(code, (PAGE_PX[0] - MARGIN_PX - code.width, top))
        y = max(y, top + code.height) + 40
        draw.line((MARGIN_PX, y - 20, PAGE_PX[0] - MARGIN_PX, y - 20), fill=(180, 180, 170), width=2)
        if y > PAGE_PX[1] - 200:
            break
    target.parent.mkdir(parents=True, exist_ok=True)
    page.quantize(colors=48).save(target, optimize=True)  # a sketch: 48 colours keep it small
    print(target)


if __name__ == "__main__":
    main()
