"""The module map in docs/development.md, generated from each module's docstring.

Every module of audiopaper opens with a docstring whose first line says what it owns;
this lists them, package by package in the order data flows, so the map never names a
module that is gone or misses a new one. `make docs` rewrites it (cog), and
tests/test_docs.py fails when it is stale.
"""

from __future__ import annotations

import ast
from pathlib import Path

import audiopaper

PACKAGE = Path(audiopaper.__file__).resolve().parent
FLOW_ORDER = ["text", "voice", "audio", "publish", "archive", "watch"]
"""Packages in the direction data flows; any other package follows, by name."""


def _summary(path: Path) -> str:
    """The first line of the module's docstring (empty when it has none)."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return (docstring or "").strip().split("\n")[0].replace("|", "\\|")


def _packages() -> list[Path]:
    found = sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))
    rank = {name: index for index, name in enumerate(FLOW_ORDER)}
    return sorted(found, key=lambda p: (rank.get(p.name, len(rank)), p.name))


def module_map() -> str:
    """A markdown table: each package's summary, then each of its modules with its summary."""
    rows = ["| module | what it owns |", "|---|---|"]
    for package in _packages():
        rows.append(f"| **`{package.name}/`** | {_summary(package / '__init__.py')} |")
        for module in sorted(package.glob("*.py")):
            if module.name != "__init__.py":
                rows.append(f"| `{package.name}/{module.name}` | {_summary(module)} |")
    rows.append("| **top level** | |")
    for module in sorted(PACKAGE.glob("*.py")):
        if module.name != "__init__.py":
            rows.append(f"| `{module.name}` | {_summary(module)} |")
    return "\n".join(rows) + "\n"
