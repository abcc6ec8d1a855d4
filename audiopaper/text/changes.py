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


@dataclass(frozen=True)
class Change:
    """One repair the cleaner made, for the editor's proof."""

    kind: ChangeKind
    """What was done."""

    detail: str
    """A short human description, quoting the text involved."""

    text: str = ""
    """The whole text dropped or changed, when ``detail`` quotes only its start."""
