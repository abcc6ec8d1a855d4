"""Measure main-content extractors on the development corpus's web pages.

    .venv/bin/python scripts/measure_extractors.py [--corpus ../shared/corpus]

For each HTML text with a gold file, each extractor (trafilatura, GeneralNewsExtractor,
readability-lxml) gives a body and a title. The body is scored on the gold's Han-only
clauses: ``kept`` is how many ``must_speak`` clauses it holds, ``furniture`` how many
``must_not_speak`` ones; the title is right when it equals a gold title (NFKC, no spaces).
Prints one row per text and extractor, then the totals, as a Markdown table (the figures
in docs/input-forms.md come from this); the last row is audiopaper's own choice between
them. gne is a dependency; readability-lxml is for this measurement only:
``pip install readability-lxml``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def han(text: str) -> str:
    return "".join(HAN.findall(text))


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def by_trafilatura(markup: str) -> tuple[str, str]:
    import trafilatura

    body = trafilatura.extract(markup, include_comments=False, include_tables=True, deduplicate=False)
    meta = trafilatura.extract_metadata(markup)
    return body or "", (meta.title if meta and meta.title else "")


def by_gne(markup: str) -> tuple[str, str]:
    from gne import GeneralNewsExtractor

    result: dict[str, Any] = GeneralNewsExtractor().extract(markup)
    return str(result.get("content") or ""), str(result.get("title") or "")


def by_readability(markup: str) -> tuple[str, str]:
    import lxml.html
    from readability import Document

    document = Document(markup)
    summary = document.summary(html_partial=True)
    body = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
    return body, document.short_title() or ""


def by_audiopaper(markup: str) -> tuple[str, str]:
    """What audiopaper reads: gne's region unless it misses the page's summary, our headline rule.

    WeChat pages are read from ``#js_content`` by audiopaper (wechat_page), not measured here.
    """
    import lxml.html

    from audiopaper.text.headline import find_headline
    from audiopaper.text.web_body import article_body

    tree = lxml.html.fromstring(markup)
    blocks, region, _ = article_body(markup, tree)
    return "\n".join(b.text for b in blocks), find_headline(tree, region) or ""


EXTRACTORS: dict[str, Callable[[str], tuple[str, str]]] = {
    "trafilatura": by_trafilatura,
    "gne": by_gne,
    "readability-lxml": by_readability,
    "audiopaper (gne, trafilatura when in doubt; headline rule)": by_audiopaper,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    args = parser.parse_args()
    totals = {name: [0, 0, 0, 0.0] for name in EXTRACTORS}  # kept, furniture, titles, seconds
    wanted = furniture_all = pages = 0
    print("| text | extractor | kept | furniture | title right | ms |")
    print("|---|---|---|---|---|---|")
    for gold_path in sorted((args.corpus / "gold").glob("*.json")):
        page = next(args.corpus.glob(gold_path.stem + ".*"))
        if page.suffix != ".html":
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        markup = page.read_bytes().decode("utf-8", errors="replace")
        pages += 1
        wanted += len(gold["must_speak"])
        furniture_all += len([s for s in gold["must_not_speak"] if han(s)])
        titles = {norm(t) for t in gold["titles"]}
        for name, extract in EXTRACTORS.items():
            start = time.perf_counter()
            try:
                body, title = extract(markup)
            except Exception as error:  # an extractor's crash is a result to report
                body, title = "", f"(error {type(error).__name__})"
            seconds = time.perf_counter() - start
            heard = han(body)
            kept = sum(1 for s in gold["must_speak"] if han(s) in heard)
            furniture = sum(1 for s in gold["must_not_speak"] if han(s) and han(s) in heard)
            right = norm(title) in titles
            row = totals[name]
            row[0] += kept
            row[1] += furniture
            row[2] += right
            row[3] += seconds
            print(
                f"| {page.name} | {name} | {kept}/{len(gold['must_speak'])} | {furniture} | "
                f"{'yes' if right else 'no: ' + title[:30]} | {seconds * 1000:.0f} |"
            )
    print()
    print("| extractor | body clauses kept | furniture clauses kept | titles right | total s |")
    print("|---|---|---|---|---|")
    for name, (kept, furniture, right, seconds) in totals.items():
        print(f"| {name} | {kept}/{wanted} | {furniture}/{furniture_all} | {right}/{pages} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
