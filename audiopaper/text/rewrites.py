"""Rewrites: ordered (pattern, replacement) rules, the form the text pre-passes are written in.

The normalizer's pre-pass (normalize.py, numbers.py, readings.py) and the stripping of
markdown marks are lists of regular-expression rewrites applied in order. Written as a table
of rows, each pattern stands next to what it becomes, and the order they run in is the
order they are read in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Replacement = str | Callable[[re.Match[str]], str]
"""What a match becomes: a template (``\\1`` for a group) or a function of the match."""

Rewrite = tuple[re.Pattern[str], Replacement]
"""One rule: every match of the pattern is replaced."""


def rewrites(*rows: tuple[str | re.Pattern[str], Replacement]) -> tuple[Rewrite, ...]:
    """A table of rules from (pattern, replacement) rows, patterns compiled once, order kept."""
    return tuple((re.compile(pattern), replacement) for pattern, replacement in rows)


def rewrite(text: str, rules: Iterable[Rewrite]) -> str:
    """``text`` with each rule applied in turn: all matches of one rule before the next rule."""
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text
