"""Shared fixtures: project paths, a fake engine, the standard profile, small pages."""

from __future__ import annotations

import os
import shutil
import socketserver
import threading
from pathlib import Path
from typing import Protocol

import pytest
from typer.testing import Result

from audiopaper.profiles import Profile, load_profile
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.engine import Engine
from audiopaper.voice.fake import FakeEngine
from audiopaper.voice.scheduler import Synthesizer

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE_PAGE = PROJECT / "examples" / "page-2025-03-14.md"
SHARED = Path(os.environ.get("AUDIOPAPER_SHARED", PROJECT.parent / "shared"))
SAMPLE_PAGE = SHARED / "samples" / "000_3724ce12bd541468.txt"

CI_ENV = "AUDIOPAPER_CI"
"""Set by .ci/run: a missing oracle fails its tests instead of skipping them, and the costly
install checks (every dependency into a fresh virtualenv, a second Python) run."""


def under_ci() -> bool:
    return bool(os.environ.get(CI_ENV))


def oracle(*programs: str) -> pytest.MarkDecorator:
    """Mark a test checked by an outside program (a podcast client, a browser, ffprobe).

    Where none of ``programs`` is on PATH the test is skipped, except under .ci/run, where
    it fails: CI installs every oracle, so a missing one is a broken CI, not a pass.
    """
    return pytest.mark.oracle(*programs)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("oracle"):
        if not any(shutil.which(program) for program in mark.args):
            missing = " or ".join(mark.args)
            if under_ci():
                pytest.fail(f"{missing} is not installed; .ci/run needs every oracle", pytrace=False)
            pytest.skip(f"{missing} is not installed (.ci/run installs it)")


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own sentence cache: nothing leaks between tests or from the user."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("AUDIOPAPER_CACHE_DIR", str(directory))
    return directory


def assert_user_error(result: Result, message: str) -> None:
    """The command ended as a user error: exit code 1 from the CLI's own handler, and exactly
    one line on stderr, ``error: …`` containing ``message``.

    Under CliRunner an exception that escapes the command also gives exit code 1 and prints
    no traceback, so the exit code and the absence of "Traceback" prove nothing; the escaped
    exception is in ``result.exception`` and must be the SystemExit of a handled error.
    """
    assert isinstance(result.exception, SystemExit), f"escaped: {result.exception!r}\n{result.output}"
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]


def assert_handled_exit(result: Result, exit_code: int) -> None:
    """The command ended with ``exit_code`` and no exception escaped it (see assert_user_error)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == exit_code, result.output


SERVER_POLL_S = 0.05
"""How often a test's server looks for shutdown: the standard library's 0.5 s would add
half a second to every test that stops one."""


def serve_in_background(server: socketserver.BaseServer) -> threading.Thread:
    """Run ``server`` on a daemon thread; ``server.shutdown()`` then returns within SERVER_POLL_S."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SERVER_POLL_S}, daemon=True
    )
    thread.start()
    return thread


def fake_synthesizer(engine: Engine | None = None, cache_dir: Path | None = None) -> Synthesizer:
    """A synthesizer running ``engine`` (a FakeEngine by default) in this process."""
    return Synthesizer(ClipCache(cache_dir), engine=engine or FakeEngine(), jobs=1)


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def standard_profile() -> Profile:
    return load_profile("standard")


@pytest.fixture
def sample_page() -> Path:
    if not SAMPLE_PAGE.exists():
        pytest.skip("the shared sample page is not available here")
    return SAMPLE_PAGE


class WritePage(Protocol):
    """The ``write_page`` fixture: write ``text`` as ``name`` in ``encoding``, return its path."""

    def __call__(self, text: str, name: str = "page.md", encoding: str = "utf-8") -> Path: ...


@pytest.fixture
def write_page(tmp_path: Path) -> WritePage:
    """Write a page of our own into tmp_path and return its path."""

    def write(text: str, name: str = "page.md", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
