"""The show's square cover: a user's JPEG/PNG checked and installed, or one generated once."""

from __future__ import annotations

import io
from pathlib import Path

from audiopaper.errors import OptionError
from audiopaper.publish.outdir import atomic_write_bytes

COVER_SIZE_PX = 1400
"""Side of the generated square cover (Apple: 1400 to 3000 px)."""

COVER_MIN_PX, COVER_MAX_PX = 1400, 3000
"""Allowed sides of a configured cover."""


def generate_cover(size_px: int = COVER_SIZE_PX) -> bytes:
    """A square RGB PNG: a newspaper page with sound waves, in high-contrast colours.

    Drawn with Pillow (no font is needed, so it works on machines without Chinese fonts).
    """
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size_px, size_px), (16, 42, 84))
    draw = ImageDraw.Draw(image)
    unit = size_px / 14
    left, top, right, bottom = 2.2 * unit, 3 * unit, 8.4 * unit, 11 * unit
    draw.rounded_rectangle((left, top, right, bottom), radius=unit * 0.4, fill=(250, 246, 235))
    draw.rectangle(
        (left + 0.6 * unit, top + 0.7 * unit, right - 0.6 * unit, top + 2.0 * unit), fill=(178, 34, 34)
    )
    for row in range(7):
        y = top + 2.8 * unit + row * 0.95 * unit
        draw.rectangle(
            (left + 0.6 * unit, y, right - 0.6 * unit - (row % 3) * 0.6 * unit, y + 0.35 * unit),
            fill=(60, 60, 60),
        )
    center_y = (top + bottom) / 2
    for ring in range(3):
        radius = (1.6 + 1.3 * ring) * unit
        box = (right - radius, center_y - radius, right + radius, center_y + radius)
        draw.arc(box, start=-50, end=50, fill=(255, 196, 0), width=int(0.45 * unit))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def validate_cover(path: Path) -> str:
    """Check a configured cover (square, 1400–3000 px, RGB, JPEG or PNG); return its suffix."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height, mode, kind = image.width, image.height, image.mode, image.format
    except (OSError, UnidentifiedImageError) as error:
        raise OptionError(f"{path}: cannot read the cover image ({error})") from error
    if kind not in ("JPEG", "PNG"):
        raise OptionError(f"{path}: the cover must be JPEG or PNG, not {kind}")
    if width != height or not COVER_MIN_PX <= width <= COVER_MAX_PX:
        raise OptionError(f"{path}: the cover must be square, 1400 to 3000 px; it is {width}×{height}")
    if mode != "RGB":
        raise OptionError(f"{path}: the cover must be RGB (not {mode}); convert it and try again")
    return ".jpg" if kind == "JPEG" else ".png"


def install_cover(out_dir: Path, configured: Path | None = None) -> Path:
    """Put the show's cover into ``out_dir`` (a configured one, else keep or generate one)."""
    if configured is not None:
        suffix = validate_cover(configured)
        target = out_dir / f"cover{suffix}"
        atomic_write_bytes(target, configured.read_bytes())
        for other in (out_dir / "cover.jpg", out_dir / "cover.png"):
            if other != target:
                other.unlink(missing_ok=True)
        return target
    for existing in (out_dir / "cover.jpg", out_dir / "cover.png"):
        if existing.is_file():
            return existing
    target = out_dir / "cover.png"
    atomic_write_bytes(target, generate_cover())
    return target
