"""Shared fixtures: project paths, a fake engine, the standard profile, small pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from audiopaper.profiles import Profile, load_profile
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.engine import Engine
from audiopaper.voice.fake import FakeEngine
from audiopaper.voice.scheduler import Synthesizer

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE_PAGE = PROJECT / "examples" / "page-2025-03-14.md"
SHARED = Path(os.environ.get("AUDIOPAPER_SHARED", PROJECT.parent / "shared"))
if not SHARED.is_dir():
    SHARED = Path("/work/shared")  # where a clone outside the workspace can still find it
SAMPLE_PAGE = SHARED / "samples" / "000_3724ce12bd541468.txt"


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own sentence cache: nothing leaks between tests or from the user."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("AUDIOPAPER_CACHE_DIR", str(directory))
    return directory


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


@pytest.fixture
def write_page(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a page of our own into tmp_path and return its path."""

    def write(text: str, name: str = "page.md", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
