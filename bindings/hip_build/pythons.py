"""The CPythons a build targets: found on this machine, each with a venv holding the build requirements."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from hip_bindgen import debian

from . import project

VENVS = project.ROOT / "build" / "venvs"


def current() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def find(versions=None) -> dict[str, str]:
    """CPython interpreters on this machine, by 'X.Y' (default: the supported range, plus this one)."""
    found = {current(): sys.executable}
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for v in versions or project.pythons():
        if v in found:
            continue
        # pyenv's real interpreters before PATH, whose pyenv shims fail for inactive versions
        cands = sorted(pyenv.glob(f"{v}.*/bin/python{v}"), reverse=True) + [shutil.which(f"python{v}")]
        for c in cands:
            if c and os.access(c, os.X_OK) and subprocess.run(
                    [str(c), "-c", "import venv"], capture_output=True).returncode == 0:
                found[v] = str(c)
                break
    return dict(sorted(found.items(), key=lambda kv: int(kv[0].split(".")[1])))


def version_of(interpreter: str) -> str:
    """'X.Y' of an interpreter."""
    if interpreter == sys.executable:
        return current()
    out = subprocess.run([interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip()


def with_abi3(found: dict[str, str]) -> dict[str, str]:
    """``found`` plus the abi3 build, made by the newest of them (from 3.11, the limited API it needs)."""
    from .wheel import ABI3, ABI3_FROM

    able = [v for v in found if tuple(map(int, v.split("."))) >= tuple(map(int, ABI3_FROM.split(".")))]
    return {**found, ABI3: found[able[-1]]} if able else dict(found)


def build_python(version: str, interpreter: str) -> str:
    """An interpreter with the build requirements: a cached venv per Python (requirements-dev's pins)."""
    if interpreter == sys.executable:
        return interpreter   # .venv: made from requirements-dev.txt by ./dev
    reqs = project.build_requirements()
    venv = VENVS / f"cp{version.replace('.', '')}"
    py, ready = venv / "bin" / "python", venv / ".ready"
    venv.parent.mkdir(parents=True, exist_ok=True)
    # two releases for one Python build side by side: one makes the venv, the other waits;
    # a venv left half-made by an interrupted run, or made for other pins, is made again
    with debian.file_lock(venv.parent / f".{venv.name}.lock"):
        if not ready.exists() or ready.read_text() != "\n".join(reqs):
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", *reqs],
                           check=True)
            ready.write_text("\n".join(reqs))
    return str(py)
