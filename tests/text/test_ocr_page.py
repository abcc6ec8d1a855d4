"""OCR of printed pages through rapidocr (the ``ocr`` extra): slow, so few and small."""

from __future__ import annotations

import pytest

from audiopaper.text import ocr_page
from audiopaper.text.clean import clean_pages
from audiopaper.text.pdf_text import open_pdf
from tests.text.printed_truth import (
    FIXTURES,
    SANMEN,
    SANMEN_TRUTH,
    fuzzy_in,
    missing,
    norm,
    score,
    spoken,
    truth,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ocr_page.available(), reason="the ocr extra (rapidocr) is not installed"),
]


@pytest.mark.skipif(not SANMEN.exists(), reason="../shared/corpus/pdf is not here")
def test_the_real_page_rendered_at_200_dpi_gives_at_least_nine_items() -> None:
    import io

    pdf = open_pdf(SANMEN.read_bytes(), "sanmen")
    image, _ = ocr_page.render_page(pdf, 0, dpi=200)
    pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(200, 200))
    from audiopaper.text.ingest import parse_page

    page = parse_page(buffer.getvalue(), "sanmen-200dpi.png")
    assert page.form == "scan"
    found = score(clean_pages([page]).articles, SANMEN_TRUTH, max_cer=0.05)
    assert len(found.found) >= 9, found


@pytest.mark.parametrize("name", ["fpdf2-3col", "reportlab-4col"])
def test_our_pages_shot_like_a_phone_photo_are_read_whole(name: str) -> None:
    """Yellowed, unevenly lit, grainy, blurred and 1–1.5° askew (scripts/make_printed_fixtures.py)."""
    from audiopaper.text.ingest import read_page

    result = clean_pages([read_page(FIXTURES / f"{name}-photo.jpg")])
    want = truth(name)
    assert missing(result.articles, want["items"], max_cer=0.15) == []
    said = "".join(spoken(a) for a in result.articles)
    assert [line for line in want["never_spoken"] if fuzzy_in(norm(line), said, 0.15)] == []


def test_a_pdf_page_without_text_layer_goes_through_ocr() -> None:
    """The top of one of our pages, saved as an image-only PDF (cropped: OCR is slow)."""
    import io

    from audiopaper.text.ingest import parse_page

    pdf = open_pdf((FIXTURES / "fpdf2-3col.pdf").read_bytes(), "fixture")
    image = pdf[0].render(scale=150 / 72).to_pil().convert("RGB")
    pdf.close()
    image = image.crop((0, 0, image.width, int(image.height * 0.42)))
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=150)
    page = parse_page(buffer.getvalue(), "image-only.pdf")
    assert page.form == "pdf"
    items = [i for i in truth("fpdf2-3col")["items"] if i.get("id") in ("bridge", "tea")]
    assert len(items) == 2
    assert missing(clean_pages([page]).articles, items, max_cer=0.15) == []
