"""``rocm.bindings.util.paths``: where a ROCm library is, as AMD's 10.x module of this name answers
it (Linux), found by this wheel's own search.

``get_library_path(shortname)`` takes a library's short name (``"amdhip64"``, ``"hiprtc"``,
``"hipblas"``, ``"clang"``, ``"LLVM"``) and returns a path as bytes, ready for ``dlopen``:

* for the libraries this wheel binds (HIP's, hiprtc's, and those of its ROCm library modules,
  ``hip._libraries``): the file ``import hip`` would open, by the loader's own order
  (``hip/_hipfacts.py``: ``HIP_PYTHON_LIB<NAME>_PATH``, ``$ROCM_PATH``/``$HIP_PATH``, the soname
  of the release's major through ``LD_LIBRARY_PATH``, the ld.so cache and the default directories);
  on HIP 5.x, where hiprtc lives inside ``libamdhip64``, ``"hiprtc"`` without a ``libhiprtc`` is
  the HIP runtime's file, as the loader uses it;
* for any other library (the LLVM toolchain that numba-hip asks for, ``amd_comgr`` ...): AMD's
  places, ``$ROCM_PATH`` / ``$ROCM_HOME`` / ``/opt/rocm`` (its ``llvm`` tree for ``LLVM`` and
  ``clang``, a versioned soname accepted); for ``LLVM`` and ``clang`` then Debian's: the LLVM the
  release's comgr runs on (``rocm.bindings.llvm.config.llvm_config``: its ``libLLVM`` file, and
  ``/usr/lib/llvm-N/lib/libclang-N.so.1`` of its major N, whose ``clang/N`` beside it is the
  resource directory); then the dynamic loader's directories;
* else the bare file name (``b"libclang.so"``), left to the dynamic loader, as AMD's does.

This wheel bundles no library, so ``bundled_location`` is looked in only when given.
``get_clang_resource_dir()`` is clang's resource directory beside that ``libclang``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from hip import _hipfacts

__all__ = ["get_library_path", "get_clang_resource_dir"]

_TOOLCHAIN = ("LLVM", "clang")


def _majors() -> dict:
    """Short name -> soname major of every library this wheel binds."""
    from hip import _libraries, _version
    hip_major = int(_version.HIP_VERSION_STRING.split(".")[0])
    majors = {"amdhip64": hip_major, "hiprtc": hip_major}
    for file_name, major, *_ in _libraries.LIBRARIES.values():
        majors[file_name] = major
    return majors


def _loader_search(shortname: str, major: int) -> Optional[str]:
    for path, _why in _hipfacts.candidates(shortname, major, os.environ):
        if os.sep in path:
            if os.path.exists(path):
                return path
        else:
            hit = _hipfacts.dynamic(path, os.environ)
            if hit:
                return hit[0]
    return None


def _rocm_root() -> str:
    return os.environ.get("ROCM_PATH") or os.environ.get("ROCM_HOME") or "/opt/rocm"


def _in(directory: Path, file_name: str) -> Optional[Path]:
    """``directory/file_name``, else its first versioned soname (``libclang.so.17``)."""
    exact = directory / file_name
    if exact.exists():
        return exact
    versioned = sorted(directory.glob(file_name + ".*"))
    return versioned[0] if versioned else None


def get_library_path(shortname: str, bundled_location: Optional[Path] = None) -> bytes:
    """The file of library ``shortname`` (``"amdhip64"``, ``"hipblas"``, ``"clang"`` ...) as bytes."""
    file_name = f"lib{shortname}.so"
    if bundled_location is not None and (Path(bundled_location) / file_name).exists():
        return os.fsencode(Path(bundled_location) / file_name)
    majors = _majors()
    if shortname in majors:
        found = _loader_search(shortname, majors[shortname])
        if found is None and shortname == "hiprtc":   # HIP 5.x: hiprtc is inside libamdhip64
            found = _loader_search("amdhip64", majors["amdhip64"])
        if found is not None:
            return os.fsencode(found)
    root = Path(_rocm_root())
    subdirs = ("llvm/lib", "lib/llvm/lib") if shortname in _TOOLCHAIN else ("lib",)
    for sub in subdirs:
        hit = _in(root / sub, file_name)
        if hit is not None:
            return os.fsencode(hit)
    if shortname in _TOOLCHAIN:
        found = _comgr_toolchain(shortname)
        if found is not None:
            return os.fsencode(found)
    hit = _hipfacts.dynamic(file_name, os.environ)
    if hit:
        return os.fsencode(hit[0])
    return os.fsencode(file_name)


def _comgr_toolchain(shortname: str) -> Optional[str]:
    """Debian's file of ``LLVM`` / ``clang`` for the LLVM this wheel's comgr runs on, else None."""
    try:
        from rocm.bindings.llvm.config import llvm_config
    except ImportError:   # a wheel without comgr, or a comgr without a shared LLVM
        return None
    if shortname == "LLVM":
        return llvm_config.LLVM_LIBRARY_FILE
    major = llvm_config.LLVM_VERSION_MAJOR
    lib = Path(f"/usr/lib/llvm-{major}/lib")
    for name in (f"libclang-{major}.so.1", "libclang.so.1", f"libclang-{major}.so.{major}"):
        if (lib / name).exists():
            return str(lib / name)
    hit = _hipfacts.dynamic(f"libclang-{major}.so.{major}", os.environ)
    return hit[0] if hit else None


def get_clang_resource_dir(libclang_file: Optional[str] = None) -> Optional[str]:
    """Clang's resource directory (``<dir>/clang/<version>``, what ``-resource-dir`` takes) of
    ``libclang_file`` (default: :func:`get_library_path`'s ``clang``), else the ROCm tree's."""
    if libclang_file is None:
        libclang_file = os.fsdecode(get_library_path("clang"))
    roots = []
    lib = Path(libclang_file)
    if lib.is_absolute() and lib.exists():   # beside the file named (Debian's llvm-N/lib), then its target
        roots += [lib.parent / "clang", lib.resolve().parent / "clang"]
    root = Path(_rocm_root())
    roots += [root / "llvm" / "lib" / "clang", root / "lib" / "llvm" / "lib" / "clang"]
    for r in roots:
        if r.is_dir():
            versions = sorted(p for p in r.iterdir() if p.is_dir())
            if versions:
                return str(versions[-1])
    return None
