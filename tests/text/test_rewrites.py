"""Tests for text/rewrites.py: tables of (pattern, replacement) rules applied in order."""

from __future__ import annotations

import re

from audiopaper.text.rewrites import rewrite, rewrites


def test_rules_run_in_table_order_each_over_the_whole_text() -> None:
    """A later rule sees what an earlier one wrote: the order of the rows is the meaning."""
    rules = rewrites((r"a", "b"), (r"b", "c"))
    assert rewrite("ab ab", rules) == "cc cc"
    assert rewrite("ab ab", reversed(rules)) == "bc bc"


def test_rows_take_a_source_or_a_compiled_pattern_and_a_template_or_a_function() -> None:
    """A pattern another function also uses is passed compiled and kept as it is."""
    shared = re.compile(r"(\d+)元", re.IGNORECASE)
    rules = rewrites((shared, r"\1 yuan"), (r"(\w+)!", lambda m: m.group(1).upper()))
    assert rules[0][0] is shared
    assert rewrite("5元, go!", rules) == "5 yuan, GO"
