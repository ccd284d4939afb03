"""Which ``libamdhip64`` ``import hip`` will open, by the bindings' own search order.

The order is written once, in ``hip/_hipfacts.py`` of the wheel, of which ``_hipfacts.py`` here
is a byte-identical copy (the resolver installs without the bindings); ``MAJOR`` is the wheel's HIP major:

1. ``HIP_PYTHON_LIBAMDHIP64_PATH``: that file;
2. ``$ROCM_PATH`` then ``$HIP_PATH``: ``lib``, ``lib64``, ``lib/x86_64-linux-gnu`` below them,
   ``libamdhip64.so.MAJOR`` then ``libamdhip64.so``;
3. ``libamdhip64.so.MAJOR`` through the dynamic loader (``LD_LIBRARY_PATH``, the ld.so cache's
   directories from ``/etc/ld.so.conf``, the default directories);
4. ``libamdhip64.so`` the same way.

Only ``stat`` calls (and one ``ldconfig -p`` to list every library, :func:`all_libraries`): nothing is opened.
"""
from __future__ import annotations

import functools
import os
import subprocess
from typing import Dict, List, Mapping, NamedTuple, Optional

from . import _hipfacts

LIB = "libamdhip64"
ENV_VAR = _hipfacts.env_var("amdhip64")
LIB_DIRS = _hipfacts.LIB_DIRS
DEFAULT_DIRS = _hipfacts.DEFAULT_DIRS


class Hit(NamedTuple):
    path: str          # the file (symlinks resolved)
    found_via: str     # HIP_PYTHON_LIBAMDHIP64_PATH, ROCM_PATH, HIP_PATH, LD_LIBRARY_PATH, ld.so cache, ...
    name: str          # the name searched for (libamdhip64.so.5 / libamdhip64.so / a path)


@functools.lru_cache(maxsize=1)
def ld_cache() -> Dict[str, List[str]]:
    """soname -> paths, from ``ldconfig -p`` (empty when ldconfig is missing); once per process."""
    out: Dict[str, List[str]] = {}
    for exe in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            text = subprocess.run([exe, "-p"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        for line in text.splitlines():
            name, sep, path = line.strip().partition(" => ")
            if sep and "x86-64" in name:
                out.setdefault(name.split(" (", 1)[0], []).append(path.strip())
        return out
    return out


def dynamic(name: str, env: Mapping) -> Optional[Hit]:
    """Where the dynamic loader finds ``name`` (hip._hipfacts.dynamic: the wheel's own rule)."""
    hit = _hipfacts.dynamic(name, env)
    return Hit(hit[0], hit[1], name) if hit else None


def search(major: int, env: Mapping) -> tuple:
    """(the hit or None, misses): every step of the wheel's order (``_hipfacts.candidates``).

    A file named by ``HIP_PYTHON_LIBAMDHIP64_PATH`` is the answer or nothing: the wheel
    refuses it rather than falling through to another library."""
    misses: List[str] = []
    found_roots = set()
    for path, why in _hipfacts.candidates(LIB[3:], major, env):
        if why == ENV_VAR:
            if os.path.isfile(path):
                return Hit(os.path.realpath(path), why, path), misses
            return None, [f"{ENV_VAR}={path}: no such file ('import hip' stops there, it never falls through)"]
        if os.sep in path:
            found_roots.add(why)
            return Hit(os.path.realpath(path), why, path), misses
        for var in ("ROCM_PATH", "HIP_PATH"):
            if env.get(var) and var not in found_roots:
                found_roots.add(var)
                misses.append(f"{var}={env[var]}: no {LIB}.so[.{major}] in {', '.join(LIB_DIRS)}")
        hit = dynamic(path, env)
        if hit:
            return hit, misses
        misses.append(f"{path}: not found by the dynamic loader")
    return None, misses


def all_libraries(env: Mapping, roots, cache: Dict[str, List[str]]) -> Dict[str, List[str]]:
    """Every distinct ``libamdhip64`` file on the machine we can see -> how it was found."""
    dirs = [(os.path.join(r, sub), via) for r, via in roots for sub in LIB_DIRS]
    dirs += [(d, "LD_LIBRARY_PATH") for d in env.get("LD_LIBRARY_PATH", "").split(":") if d]
    dirs += [(d, "default library directories") for d in DEFAULT_DIRS]
    found: Dict[str, List[str]] = {}
    for d, via in dirs:
        try:
            names = [e.name for e in os.scandir(d) if e.name.startswith(LIB + ".so")]
        except OSError:
            continue
        for n in names:
            real = os.path.realpath(os.path.join(d, n))
            if os.path.isfile(real) and via not in found.setdefault(real, []):
                found[real].append(via)
    for name, paths in cache.items():
        if name.startswith(LIB + ".so"):
            for p in paths:
                real = os.path.realpath(p)
                if os.path.isfile(real) and "ld.so cache" not in found.setdefault(real, []):
                    found[real].append("ld.so cache")
    return found


version_from_path = _hipfacts.version_from_path


def major_from_path(path: str) -> Optional[int]:
    base = os.path.basename(path)
    tail = base.split(".so.", 1)[1] if ".so." in base else ""
    head = tail.split(".")[0]
    return int(head) if head.isdigit() else None
