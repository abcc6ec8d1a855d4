"""The command-line reference in docs/cli.md, generated from `audiopaper --help`.

docs/cli.md holds a cog block (https://nedbatchelder.com/code/cog/) that calls
:func:`reference`; `make docs` rewrites it, and tests/test_docs.py fails when the file and
the live `--help` differ. Typer's rich boxes depend on the terminal, so the help is
rendered with click's plain formatter at a fixed width: the same text on every machine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
import typer.core
from typer.testing import CliRunner

from audiopaper.cli import app

HELP_WIDTH_CHARS = 90
REGENERATE = "make docs"


@contextlib.contextmanager
def _plain_help() -> Iterator[None]:
    """Typer reads this switch at every --help; restore it so other callers keep rich output."""
    saved = typer.core.HAS_RICH
    typer.core.HAS_RICH = False
    try:
        yield
    finally:
        typer.core.HAS_RICH = saved


def command_names() -> list[str]:
    """Every subcommand, in the order `audiopaper --help` lists them."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return list(group.commands)


def help_text(*command: str) -> str:
    """`audiopaper [COMMAND] --help` as plain text."""
    with _plain_help():
        result = CliRunner().invoke(
            app, [*command, "--help"], prog_name="audiopaper", terminal_width=HELP_WIDTH_CHARS
        )
    if result.exit_code != 0:
        raise RuntimeError(f"audiopaper {' '.join(command)} --help failed: {result.output}")
    return result.output.rstrip() + "\n"


def reference() -> str:
    """The markdown between the cog markers: one section per command, its help in a block."""
    parts = ["## audiopaper\n\n```\n" + help_text() + "```\n"]
    parts += [f"## audiopaper {name}\n\n```\n{help_text(name)}```\n" for name in command_names()]
    return "\n".join(parts)
