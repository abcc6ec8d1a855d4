"""The editor's proof: what will be spoken, and everything cleaning dropped or changed.

``audiopaper script`` prints it; ``script --json`` prints :func:`script_document`, whose
layout DESIGN.md fixes for tools outside the project.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audiopaper.text.clean import CleanResult
from audiopaper.text.lexicon import Lexicon
from audiopaper.text.normalize import spelled_words
from audiopaper.text.readings import undecided_readings
from audiopaper.text.script import Script


def script_document(script: Script) -> dict[str, Any]:
    """``{"articles": [{"title", "byline", "paragraphs", "spoken"}]}`` (DESIGN.md)."""
    return {
        "articles": [
            {
                "title": item.article.title,
                "byline": item.article.byline,
                "paragraphs": list(item.article.paragraphs),
                "spoken": [s.spoken for s in item.sentences],
            }
            for item in script.articles
        ]
    }


def proof_lines(
    script: Script, cleaning: CleanResult, lexicon: Lexicon, recorded: Mapping[int, str] | None = None
) -> list[str]:
    """The proof as lines: each article's spoken form, then the cleaner's change list.

    ``recorded`` maps an article number to the recording that stands in for its synthesis.
    """
    lines: list[str] = []
    recorded = recorded or {}
    for number, item in enumerate(script.articles, start=1):
        mark = f"  [录音：{recorded[number]}，不合成 (recorded)]" if number in recorded else ""
        lines.append(
            f"{number}. {item.article.title}" + ("（图片新闻）" if item.article.is_photo else "") + mark
        )
        lines.append(f"   {item.article.byline or '（无署名）'}")
        lines.append(f"   标题朗读：{item.title_spoken}")
        for sentence in item.sentences:
            used = f"  [词典：{'、'.join(sentence.lexicon)}]" if sentence.lexicon else ""
            lines.append(f"   - {sentence.spoken}{used}")
        texts = [item.article.title, *(s.text for s in item.sentences)]
        spelled = dict.fromkeys(word for text in texts for word in spelled_words(text, lexicon))
        lines.extend(f"   spelled: {word} — add it to voices/lexicon.toml" for word in spelled)
        undecided = dict.fromkeys(item for text in texts for item in undecided_readings(text))
        lines.extend(f"   undecided: {item}" for item in undecided)
        lines.append("")
    if recorded:
        lines.append(
            "录音稿 (recorded articles): " + "、".join(f"{n}. {recorded[n]}" for n in sorted(recorded))
        )
        lines.append("")
    if cleaning.changes:
        lines.append("清理记录 (what cleaning changed):")
        for change in cleaning.changes:
            lines.append(f"   [{change.kind.value}] {change.detail}")
            if change.text and change.text not in change.detail:
                # the whole text: nothing goes unlisted
                lines.extend(f"      | {line}" for line in change.text.splitlines())
    return lines
