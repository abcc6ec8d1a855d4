"""Score a reading of a printed page against a hand-checked truth file (../shared/corpus/pdf).

Shared by the tests of the PDF and OCR readers and by ``scripts/bench_pdf.py``: an item is
found when an article has its title (and, for briefs, its text) and its body reads as the
truth's body in reading order, within a character error rate.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audiopaper.text.clean import Article
from tests.conftest import SHARED

SHARED_PDF = SHARED / "corpus" / "pdf"
"""The shared corpus of real pages (../shared/corpus/pdf from the repository root)."""

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "printed"
"""Our own typeset pages (scripts/make_printed_fixtures.py) and their truth files."""

SANMEN = SHARED_PDF / "sanmen_2011-05-24_p02.pdf"
SANMEN_TRUTH = SHARED_PDF / "sanmen_2011-05-24_p02.truth.json"

_QUOTES = str.maketrans("“”‘’（）", "\"\"''()")
_CREDIT = re.compile(r"[（(][\u4e00-\u9fff ]{2,14}[）)]$")
_DATELINE = re.compile(r"^本报讯[（(][^）)]*[）)]")


def norm(text: str) -> str:
    """Text compared without spaces, in NFKC (full-width ASCII folded), quotes made one kind."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTES)
    return re.sub(r"\s+", "", text)


def cer(truth: str, read: str) -> float:
    """Character error rate: edit distance over the truth's length."""
    if truth == read:
        return 0.0
    if not truth:
        return 1.0
    previous = list(range(len(read) + 1))
    for i, t in enumerate(truth, start=1):
        current = [i] + [0] * len(read)
        for j, r in enumerate(read, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (t != r))
        previous = current
    return previous[-1] / len(truth)


@dataclass(frozen=True)
class Score:
    """How many truth items a reading found, and the character error rate over their bodies."""

    found: list[str]
    missed: list[str]
    cer: float


def _body(article: Article) -> str:
    return norm("".join(article.paragraphs))


def score(articles: tuple[Article, ...], truth_file: Path, max_cer: float) -> Score:
    """Match each truth item to the read article with its title (or text, for briefs)."""
    truth = json.loads(truth_file.read_text("utf-8"))
    found: list[str] = []
    missed: list[str] = []
    errors, chars = 0.0, 0
    for item in truth["articles"]:
        if item["kind"] == "briefs":
            ok = True
            for text in item["items"]:
                want = norm(_CREDIT.sub("", text))  # the reporters become the brief's byline
                best = min(
                    (
                        cer(want, _body(a))
                        for a in articles
                        if abs(len(_body(a)) - len(want)) < 0.3 * len(want)
                    ),
                    default=1.0,
                )
                ok &= best <= max_cer
                errors, chars = errors + best * len(want), chars + len(want)
        else:
            title = norm(item["title"])
            want = norm(_DATELINE.sub("", item["body"]))
            candidates = [a for a in articles if cer(title, norm(a.title)) <= max(max_cer, 0.1)]
            best = min((cer(want, _body(a)) for a in candidates), default=1.0)
            ok = best <= max_cer
            errors, chars = errors + best * len(want), chars + len(want)
        (found if ok else missed).append(item["id"])
    return Score(found, missed, errors / max(chars, 1))


def fuzzy_in(part: str, whole: str, max_cer: float) -> bool:
    """True when ``whole`` holds ``part`` within a character error rate (OCR misreads a few)."""
    if part in whole:
        return True
    size = len(part)
    return any(cer(part, whole[i : i + size]) <= max_cer for i in range(max(1, len(whole) - size + 1)))


def truth(name: str) -> dict[str, Any]:
    """The truth file of one of our own fixture pages."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.truth.json").read_text("utf-8"))
    return data


def spoken(article: Article) -> str:
    """An article's title and text as compared (see :func:`norm`)."""
    return norm(article.title + "".join(article.paragraphs))


def find(articles: tuple[Article, ...], item: dict[str, Any], max_cer: float = 0.0) -> Article | None:
    """The article holding the item: by title, else (briefs) by its first sentence."""
    for article in articles:
        if item.get("title") and not fuzzy_in(norm(item["title"]), norm(article.title), max_cer):
            continue
        if fuzzy_in(norm(item["first"]), norm("".join(article.paragraphs)), max_cer):
            return article
    return None


def missing(
    articles: tuple[Article, ...], items: list[dict[str, Any]], *, joined: bool = False, max_cer: float = 0.0
) -> list[str]:
    """Items not found whole: title, first and last sentence inside the same article."""
    lost = []
    for item in items:
        article = find(articles, item, max_cer)
        last = item.get("whole_last" if joined else "last")
        body = norm("".join(article.paragraphs)) if article else ""
        if article is None or (last and not fuzzy_in(norm(last), body, max_cer)):
            lost.append(f"{item['kind']} {item.get('title') or item['first'][:12]}")
    return lost
