"""Wheels and venvs for tests, built by the project's own build command (cached in build/)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_WHEELS = ROOT / "build" / "test-wheels"
# The wheels the library tests use: every ROCm library module of the release (tests/bindings/
# test_libraries.py, test_compact_dispatch.py); every other test builds hip and hiprtc only, which
# compiles in about half the time (README, "ROCm libraries").
LIBRARY_WHEELS = ROOT / "build" / "test-wheels-libraries"


# (release, python, libraries, out) -> the wheels built in this process: the sources cannot change
# during a test run, and asking the build command again costs a process and its cache check
# (~5 s for a release with libraries), paid by every fixture that asks
_built: dict = {}


def build_wheels(release: str, python: str = "current", libraries: str = "none", out: Path = TEST_WHEELS) -> list:
    """The wheels of ``release`` for ``python`` (``current``, ``abi3``, or a list such as
    ``3.11,abi3``: built in one run, so they share one version), by the project's own build command
    (``libraries``: which ROCm library modules they carry; a subset goes to its own ``out``)."""
    key = (release, python, libraries, Path(out))
    if key in _built and all(w.is_file() for w in _built[key]):
        return list(_built[key])
    results = out / f".results-{os.getpid()}-{release}-{python}.json"
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_matrix.py"), "--hip", release,
                           "--python", python, "--allow-dirty", "--out", str(out), "--json", str(results),
                           "--libraries", libraries],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    builds = json.loads(results.read_text())["results"]
    results.unlink()
    _built[key] = [Path(b["wheel"]) for b in builds]
    return list(_built[key])


def build_wheel(release: str, python: str = "current", libraries: str = "none", out: Path = TEST_WHEELS) -> Path:
    """The host-Python wheel of ``release`` (``python="abi3"``: its stable-ABI wheel)."""
    (wheel,) = build_wheels(release, python, libraries, out)
    return wheel


def library_wheel(release: str, python: str = "current") -> Path:
    """The host-Python wheel of ``release`` with all its ROCm library modules (built once, cached);
    ``python="abi3"``: its stable-ABI wheel (tests/matrix/test_library_cells.py, in the roots' Pythons)."""
    return build_wheel(release, python, libraries="all", out=LIBRARY_WHEELS)


def interop_wheel(wheel: Path) -> Path | None:
    """The hip-python-interop wheel the build wrote beside ``wheel`` (same version), if any."""
    layer = wheel.parent / f"hip_python_interop-{wheel.name.split('-')[1]}-py3-none-any.whl"
    return layer if layer.is_file() else None


def make_venv(path: Path, *wheels: Path, pip: bool = False) -> Path:
    """A fresh venv at ``path`` with ``wheels`` installed by pip; ``pip=True``: with its own pip,
    for a test that runs ``python -m pip`` in it.  Without, this suite's pip installs into it
    (``pip --python``): a venv's own pip costs ~4 s of CPU (ensurepip) and most never use it."""
    venv.EnvBuilder(with_pip=pip, clear=True).create(path)
    py = path / "bin" / "python"
    if wheels:
        installer = [str(py), "-m", "pip"] if pip else [sys.executable, "-m", "pip", "--python", str(py)]
        subprocess.run([*installer, "install", "-q", "--no-index", "--disable-pip-version-check",
                        *map(str, wheels)], check=True)
    return py


