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
    "reliability",
    "development",
    "measurements",
    "cli",
]


def _generated_part(text: str) -> str:
    """What cog wrote between the end of the cog code (`]]] -->`) and `<!-- [[[end]]] -->`."""
    start = text.index("]]] -->\n") + len("]]] -->\n")
    return text[start : text.index("<!-- [[[end]]] -->")]


def test_cli_reference_matches_help() -> None:
    on_disk = _generated_part((ROOT / "docs" / "cli.md").read_text(encoding="utf-8"))
    live = cli_help.reference()
    if on_disk != live:
        diff = "".join(
            difflib.unified_diff(
                on_disk.splitlines(keepends=True), live.splitlines(keepends=True), "docs/cli.md", "--help"
            )
        )
        pytest.fail(f"docs/cli.md differs from `audiopaper --help`; run `{cli_help.REGENERATE}`\n{diff}")


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
