"""Which ``libamdhip64`` ``import hip`` will open, by the bindings' own search order.

The order (the same as ``hip._loader`` in the wheel; ``MAJOR`` is the wheel's HIP major):

1. ``HIP_PYTHON_LIBAMDHIP64_PATH``: that file;
2. ``$ROCM_PATH`` then ``$HIP_PATH``: ``lib``, ``lib64``, ``lib/x86_64-linux-gnu`` below them,
   ``libamdhip64.so.MAJOR`` then ``libamdhip64.so``;
3. ``libamdhip64.so.MAJOR`` through the dynamic loader (``LD_LIBRARY_PATH``, the ld.so cache,
   the default directories);
4. ``libamdhip64.so`` the same way.

Only ``stat`` calls and one ``ldconfig -p`` here: nothing is opened.
"""
from __future__ import annotations

import functools
import os
import subprocess
from typing import Dict, List, Mapping, NamedTuple, Optional

LIB = "libamdhip64"
ENV_VAR = "HIP_PYTHON_LIBAMDHIP64_PATH"
LIB_DIRS = ("lib", "lib64", "lib/x86_64-linux-gnu")
DEFAULT_DIRS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib")


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


def dynamic(name: str, env: Mapping, cache: Optional[Dict[str, List[str]]] = None) -> Optional[Hit]:
    """Where the dynamic loader finds ``name``; the ld.so cache is read only if LD_LIBRARY_PATH misses."""
    for d in (p for p in env.get("LD_LIBRARY_PATH", "").split(":") if p):
        path = os.path.join(d, name)
        if os.path.exists(path):
            return Hit(os.path.realpath(path), "LD_LIBRARY_PATH", name)
    for path in (ld_cache() if cache is None else cache).get(name, ()):
        if os.path.exists(path):
            return Hit(os.path.realpath(path), "ld.so cache", name)
    for d in DEFAULT_DIRS:
        path = os.path.join(d, name)
        if os.path.exists(path):
            return Hit(os.path.realpath(path), "default library directories", name)
    return None


def search(major: int, env: Mapping, cache: Optional[Dict[str, List[str]]] = None) -> tuple:
    """(the hit or None, misses): every step of the order, for a wheel of HIP ``major``."""
    misses: List[str] = []
    path = env.get(ENV_VAR)
    if path:
        if os.path.exists(path):
            return Hit(os.path.realpath(path), ENV_VAR, path), misses
        misses.append(f"{ENV_VAR}={path}: no such file")
    names = (f"{LIB}.so.{major}", f"{LIB}.so")
    for var in ("ROCM_PATH", "HIP_PATH"):
        root = env.get(var)
        if not root:
            continue
        for sub in LIB_DIRS:
            for name in names:
                p = os.path.join(root, sub, name)
                if os.path.exists(p):
                    return Hit(os.path.realpath(p), var, p), misses
        misses.append(f"{var}={root}: no {LIB}.so[.{major}] in {', '.join(LIB_DIRS)}")
    for name in names:
        hit = dynamic(name, env, cache)
        if hit:
            return hit, misses
        misses.append(f"{name}: not found by the dynamic loader")
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


def version_from_path(path: str) -> Optional[str]:
    """MAJOR.MINOR.PATCH of a real runtime file name (``libamdhip64.so.5.2.21153``)."""
    base = os.path.basename(path)
    if ".so." not in base:
        return None
    parts = base.split(".so.", 1)[1].split(".")
    if len(parts) >= 3 and all(p.isdigit() for p in parts[:3]):
        return ".".join(parts[:3])
    return None


def major_from_path(path: str) -> Optional[int]:
    base = os.path.basename(path)
    tail = base.split(".so.", 1)[1] if ".so." in base else ""
    head = tail.split(".")[0]
    return int(head) if head.isdigit() else None
