"""The docs agree with the code: docs/cli.md holds the live `--help`, the README stays short."""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import cli_help  # noqa: E402  (scripts/ is not a package; cog imports it the same way)

README_MAX_LINES = 160
TOPIC_PAGES = [
    "input-forms",
    "output",
    "listening-page",
    "podcasts",
    "engines",
    "archive",
    "nightly",
    "reliability",
    "development",
    "measurements",
    "cli",
]


GENERATED_PAGES = sorted(
    path.relative_to(ROOT).as_posix()
    for path in (ROOT / "docs").glob("*.md")
    if "[[[cog" in path.read_text(encoding="utf-8")
)
"""Pages with cog blocks (the command-line reference, the module map): cog rewrites them."""


def test_the_generated_pages_include_the_command_line_reference() -> None:
    assert "docs/cli.md" in GENERATED_PAGES


@pytest.mark.parametrize("page", GENERATED_PAGES)
def test_generated_docs_match_the_code(page: str) -> None:
    """What cog would write now is what the page holds; else the page describes old code."""
    from cogapp import Cog

    on_disk = (ROOT / page).read_text(encoding="utf-8")
    fresh = Cog().process_string(on_disk, page)
    if fresh != on_disk:
        diff = "".join(
            difflib.unified_diff(
                on_disk.splitlines(keepends=True), fresh.splitlines(keepends=True), page, "generated now"
            )
        )
        pytest.fail(f"{page} is out of date with the code; run `{cli_help.REGENERATE}`\n{diff}")


def test_every_command_is_in_the_reference() -> None:
    reference = cli_help.reference()
    for name in cli_help.command_names():
        assert f"## audiopaper {name}\n" in reference
        assert f"Usage: audiopaper {name} " in reference


def test_readme_is_short_and_keeps_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_MAX_LINES
    assert "make demo" in readme
    assert "make test" in readme


@pytest.mark.parametrize("page", TOPIC_PAGES)
def test_readme_links_every_topic_page(page: str) -> None:
    assert (ROOT / "docs" / f"{page}.md").is_file()
    assert f"docs/{page}.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_relative_links_in_docs_resolve() -> None:
    """A link to another page (and heading) in the repository names one that exists."""
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target, anchor in re.findall(
            r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", page.read_text(encoding="utf-8")
        ):
            if "://" in target or target.startswith("mailto:"):
                continue
            linked = page.parent / target if target else page
            if not linked.exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
            elif anchor and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.MULTILINE)
                if anchor not in {_anchor(h) for h in headings}:
                    broken.append(f"{page.relative_to(ROOT)} -> {target}#{anchor}")
    assert broken == []


def test_install_commands_work_from_a_clone() -> None:
    """audiopaper is not on a package index: `pip install 'audiopaper[x]'` cannot work."""
    pages = [
        ROOT / "README.md",
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "audiopaper").rglob("*.py")),
    ]
    wrong = [
        page.relative_to(ROOT).as_posix()
        for page in pages
        if "install 'audiopaper[" in page.read_text(encoding="utf-8")
    ]
    assert wrong == [], "write pip install '.[extra]' (from a clone)"
