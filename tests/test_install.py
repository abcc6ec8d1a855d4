"""The package as users install it: a wheel in a fresh virtualenv, run from another directory.

Everything the program reads (profiles, lexicon, the voice's models) must come from the
installed package, not from this checkout. One test uses this interpreter; another uses a
second Python version where the machine has one (pyenv keeps several), and skips cleanly
where none is found.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.11", "3.12", "3.13")

PAGE = "## 河边新修步道\n\n本报讯 河边新修了一条步道，全长三公里，晚上散步的人多了。\n"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(directory),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = directory.glob("audiopaper-*.whl")
    return built


def candidates(version: str) -> list[str]:
    """Where a Python of ``version`` may be: on PATH, or among pyenv's versions (whose PATH
    shims refuse versions that are not selected)."""
    found = [path for path in [shutil.which(f"python{version}")] if path]
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found += [str(path) for path in sorted(root.glob(f"{version}.*/bin/python{version}"))]
    return found


def other_python() -> str | None:
    """An interpreter of another supported minor version than this one, if the machine has one."""
    mine = f"{sys.version_info.major}.{sys.version_info.minor}"
    for version in SUPPORTED:
        if version == mine:
            continue
        for found in candidates(version):
            probe = subprocess.run([found, "-c", "import sys"], capture_output=True)
            if probe.returncode == 0:
                return found
    return None


def install_and_run(python: str, wheel: Path, work: Path) -> None:
    venv = work / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], capture_output=True, text=True
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    elsewhere = work / "elsewhere"  # no voices/ here, and not the checkout
    elsewhere.mkdir()
    (elsewhere / "page.md").write_text(PAGE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUDIOPAPER_VOICES")}
    env["AUDIOPAPER_CACHE_DIR"] = str(work / "cache")
    program = str(venv / "bin" / "audiopaper")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([program, *args], cwd=elsewhere, env=env, capture_output=True, text=True)

    voices = run("voices")
    assert voices.returncode == 0, voices.stderr
    assert "standard" in voices.stdout and "elder" in voices.stdout
    rendered = run(
        "render", "page.md", "--date", "2025-03-14", "--out", "out", "--engine", "offline", "--jobs", "1"
    )
    assert rendered.returncode == 0, rendered.stderr
    mp3 = Path(elsewhere / rendered.stdout.strip())
    assert mp3.is_file() and mp3.stat().st_size > 10_000


def test_wheel_installs_and_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    install_and_run(sys.executable, wheel, tmp_path)


def test_wheel_installs_on_a_second_python(wheel: Path, tmp_path: Path) -> None:
    python = other_python()
    if python is None:
        pytest.skip(f"no second Python of {', '.join(SUPPORTED)} on this machine")
    install_and_run(python, wheel, tmp_path)
