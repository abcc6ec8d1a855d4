"""Changes: what cleaning dropped or changed, for the editor's proof (nothing goes silently)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ChangeKind(Enum):
    """Kinds of repair the cleaner reports."""

    JOINED = "joined"
    DUPLICATE_REMOVED = "duplicate removed"
    SPLIT = "split"
    REATTACHED = "re-attached"
    UNTITLED = "untitled"
    DROPPED = "dropped"
    MARKUP = "markup or code"
    FURNITURE = "web furniture"
    SOURCE_CREDIT = "source credit"
    FIGURES = "figures"
    PHOTO_CREDIT = "photo credit"
    REPEATED_SENTENCE = "repeated sentence"
    FOLDED = "full-width folded"
    DATELINE = "dateline"
    PAGE_FURNITURE = "page furniture"
    ADVERT = "advertisement"
    JUMP = "continued on another page"
    REPAIRED = "repaired characters"
    TITLE_ONLY = "title only"
    ORIGINAL_NAME = "original name"
    READING = "reading"


@dataclass(frozen=True)
class Change:
    """One repair the cleaner made, for the editor's proof."""

    kind: ChangeKind
    """What was done."""

    detail: str
    """A short human description, quoting the text involved."""

    text: str = ""
    """The whole text dropped or changed, when ``detail`` quotes only its start."""


def merge_table_rows(changes: list[Change]) -> list[Change]:
    """Rows of figures dropped one after another are one table: one proof line, all its text."""
    merged: list[Change] = []
    rows: list[Change] = []

    def flush() -> None:
        if len(rows) == 1:
            merged.append(rows[0])
        elif rows:
            first, last = rows[0].detail.split(":")[0], rows[-1].detail.split(":")[0]
            text = "\n".join(row.text for row in rows)
            merged.append(Change(ChangeKind.FIGURES, f"table of {len(rows)} rows, {first} to {last}", text))
        rows.clear()

    for change in changes:
        if (
            change.kind is ChangeKind.FIGURES
            and change.detail.startswith("line ")
            and "digits" not in change.detail
        ):
            rows.append(change)
            continue
        flush()
        merged.append(change)
    flush()
    return merged
