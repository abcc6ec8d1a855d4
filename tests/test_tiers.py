"""The test suite's own rules: outside programs go through the oracle marker, which skips
on a developer's machine and fails under .ci/run (AUDIOPAPER_CI)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CI_ENV, oracle, pytest_runtest_setup

TESTS = Path(__file__).resolve().parent
MISSING = "no-such-oracle-program-audiopaper"


class MarkedItem:
    """Just enough of a pytest item for the oracle hook: its markers."""

    def __init__(self, *marks: pytest.MarkDecorator) -> None:
        self.marks = [mark.mark for mark in marks]

    def iter_markers(self, name: str) -> list[Any]:
        return [mark for mark in self.marks if mark.name == name]


def test_no_test_skips_on_a_missing_program_by_itself() -> None:
    """A bare skip-if-which would let CI pass silently when the program is missing."""
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"skipif\(\s*shutil\.which", line)
    ]
    assert offenders == [], "use @oracle(program) from tests/conftest.py instead"


def test_a_missing_oracle_skips_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CI_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=f"{MISSING} is not installed"):
        pytest_runtest_setup(MarkedItem(oracle(MISSING)))  # type: ignore[arg-type]


def test_a_missing_oracle_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CI_ENV, "1")
    with pytest.raises(
        pytest.fail.Exception, match=f"{MISSING} is not installed; .ci/run needs every oracle"
    ):
        pytest_runtest_setup(MarkedItem(oracle(MISSING)))  # type: ignore[arg-type]


def test_one_of_several_programs_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CI_ENV, "1")
    pytest_runtest_setup(MarkedItem(oracle(MISSING, "sh")))  # type: ignore[arg-type]
