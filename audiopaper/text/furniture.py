"""Furniture: the rules, kept as data in ``furniture.toml``, for what a page prints around an article.

Recommendation lists and their headers (推荐阅读, 其他人也在看), interface strings (字号,
加载更多), source, date and staff lines (编辑/责编/审核), photo and reporter credits
(城市摄影队 周斌 摄, 故宫博物院供图, （总台央视记者 …）), inline link marks ((微博)),
subscription appeals and copyright notices are listed in ``furniture.toml`` next to this
module, so an editor adds a pattern without code. This module only loads and applies them;
the cleaner records every drop in the proof under the rule's name.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from audiopaper.errors import AudiopaperError
from audiopaper.text.changes import Change, ChangeKind
from audiopaper.text.page import Block, BlockKind

RULES_FILE = Path(__file__).with_name("furniture.toml")
"""The packaged rules (editors extend this file)."""

KINDS = frozenset({"line", "block", "mark", "credit"})
"""What a rule does with what it matches (see the head of ``furniture.toml``)."""

SHORT_LINE_CHARS = 60
"""A rule without ``sentences`` matches only lines up to this long (furniture lines are short)."""

SENTENCE_LINE_CHARS = 160
"""A rule with ``sentences`` still matches only lines up to this long: an article paragraph
longer than that is never one appeal or notice."""

_SENTENCE_MARKS = re.compile(r"[，。！？；]")


class FurnitureRulesError(AudiopaperError):
    """Raised when ``furniture.toml`` is not valid (an unknown kind, a broken pattern)."""


@dataclass(frozen=True)
class FurnitureRule:
    """One rule of ``furniture.toml``."""

    name: str
    """Shown in the proof next to what the rule dropped (``recommendation list``)."""

    kind: str
    """``line``, ``block``, ``mark`` or ``credit`` (see ``furniture.toml``)."""

    patterns: tuple[re.Pattern[str], ...]
    """Regular expressions searched in one line."""

    sentences: bool = False
    """Whether lines with sentence punctuation, or longer than SHORT_LINE_CHARS, may match."""

    def applies_to(self, line: str) -> bool:
        """Whether a line is of the length and punctuation this rule looks at."""
        if self.sentences:
            return len(line) <= SENTENCE_LINE_CHARS
        return len(line) <= SHORT_LINE_CHARS and not _SENTENCE_MARKS.search(line)

    def search(self, line: str) -> re.Match[str] | None:
        """The first match of any pattern in ``line`` (when the rule looks at such lines)."""
        if not self.applies_to(line):
            return None
        return next((m for m in (p.search(line) for p in self.patterns) if m), None)


@dataclass(frozen=True)
class Furniture:
    """All furniture rules, by what they do."""

    rules: tuple[FurnitureRule, ...]
    """In file order; the first rule that matches names the drop."""

    def _of(self, kind: str) -> Iterable[FurnitureRule]:
        return (rule for rule in self.rules if rule.kind == kind)

    def line_rule(self, line: str) -> str | None:
        """The name of the ``line`` rule that makes this line furniture, if any."""
        return next((r.name for r in self._of("line") if r.search(line)), None)

    def block_rule(self, line: str) -> str | None:
        """The name of the ``block`` rule whose header this line is, if any."""
        return next((r.name for r in self._of("block") if r.search(line.strip())), None)

    def credit(self, line: str) -> tuple[str, str, str] | None:
        """A credit ending the line: ``(rule name, text before it, the credit)``, or ``None``."""
        stripped = line.strip()
        for rule in self._of("credit"):
            match = rule.search(stripped)
            if match:
                return rule.name, stripped[: match.start()].rstrip(), match.group(0).strip()
        return None

    def cut_marks(self, line: str) -> tuple[str, list[tuple[str, str]]]:
        """The line without its inline marks, and each mark cut as ``(rule name, mark)``."""
        cut: list[tuple[str, str]] = []
        for rule in self._of("mark"):
            for pattern in rule.patterns:
                cut.extend((rule.name, m.group(0)) for m in pattern.finditer(line))
                line = pattern.sub("", line)
        return line, cut


def parse_rules(document: dict[str, object], source: str) -> Furniture:
    """Rules from a parsed ``furniture.toml``; a wrong entry is an error naming it."""
    entries = document.get("rule", [])
    if not isinstance(entries, list):
        raise FurnitureRulesError(f"{source}: 'rule' must be an array of [[rule]] tables")
    rules: list[FurnitureRule] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise FurnitureRulesError(f"{source}: rule {number} is not a table")
        name, kind, patterns = entry.get("name"), entry.get("kind"), entry.get("patterns")
        if not isinstance(name, str) or kind not in KINDS or not isinstance(patterns, list):
            raise FurnitureRulesError(
                f"{source}: rule {number} needs a name, a kind ({', '.join(sorted(KINDS))}) and patterns"
            )
        rules.append(
            FurnitureRule(
                name,
                str(kind),
                _compiled(patterns, f"{source}: rule {name!r}"),
                entry.get("sentences") is True,
            )
        )
    return Furniture(tuple(rules))


def _compiled(patterns: Sequence[object], where: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(str(pattern)))
        except re.error as error:
            raise FurnitureRulesError(
                f"{where}: pattern {pattern!r} is not a regular expression ({error})"
            ) from error
    return tuple(compiled)


@cache
def furniture_rules(path: Path = RULES_FILE) -> Furniture:
    """The rules in ``path`` (the packaged ``furniture.toml`` by default), loaded once."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise FurnitureRulesError(f"{path}: cannot read the furniture rules ({error})") from error
    return parse_rules(document, str(path))


def drop_furniture_blocks(blocks: Sequence[Block], changes: list[Change]) -> list[Block]:
    """The blocks without each ``block`` rule's block: its header and what follows, to the next headline.

    Each dropped block is one line in the proof, with all its text.
    """
    rules = furniture_rules()
    kept: list[Block] = []
    dropped: list[Block] = []
    name = ""

    def flush() -> None:
        if dropped:
            header, rest = dropped[0], len(dropped) - 1
            after = f" and the {rest} lines after it" if rest else ""
            text = "\n".join(b.text for b in dropped)
            changes.append(
                Change(ChangeKind.FURNITURE, f"line {header.line} ({name}): “{header.text}”{after}", text)
            )
            dropped.clear()

    for block in blocks:
        if block.kind is BlockKind.HEADLINE:
            flush()
        elif dropped:
            dropped.append(block)
            continue
        elif block.kind in (BlockKind.TEXT, BlockKind.SUBHEAD):
            found = rules.block_rule(block.text)
            if found:
                name = found
                dropped.append(block)
                continue
        kept.append(block)
    flush()
    return kept
