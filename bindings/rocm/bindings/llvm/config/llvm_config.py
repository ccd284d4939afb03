"""``rocm.bindings.llvm.config.llvm_config``: the version of the LLVM the release's comgr runs on,
under the names of LLVM's ``llvm-config.h`` that AMD's module of this name has.

AMD's module holds the constants of the ``llvm-config.h`` its wheel was built with.  Here the
answer is the machine's: the ``libLLVM`` that loading this wheel's comgr (``hip.amd_comgr``)
mapped into the process, asked with ``LLVMGetVersion`` (LLVM 16 on); an older one (bookworm's
LLVM 15) by ``clang_getClangVersion`` of the libclang of the same major.  That is the LLVM whose
bitcode comgr reads and writes, which is what numba-hip keys its device-library cache on.
Platform facts (``LLVM_ON_UNIX``, the triples) are those of an x86_64 Linux build, the only
platform this wheel exists for.  ImportError when no LLVM is found, naming what was looked for.
"""
from __future__ import annotations

import ctypes
import os
import re

from hip import amd_comgr as _comgr  # noqa: F401  (loading comgr maps its libLLVM)

__all__ = ["LLVM_VERSION_MAJOR", "LLVM_VERSION_MINOR", "LLVM_VERSION_PATCH", "LLVM_VERSION_STRING",
           "LLVM_DEFAULT_TARGET_TRIPLE", "LLVM_HOST_TRIPLE", "LLVM_ON_UNIX", "LLVM_LIBRARY_FILE", "has_symbol"]


def _mapped_llvm() -> str:
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split(None, 5)[-1].strip()
            if os.path.basename(path).startswith("libLLVM") and ".so" in path:
                return path
    raise ImportError("rocm.bindings.llvm.config.llvm_config: no libLLVM is mapped after loading comgr "
                      "(hip.amd_comgr); this comgr is not linked to a shared LLVM")


def _version(path: str) -> tuple:
    lib = ctypes.CDLL(path)
    if hasattr(lib, "LLVMGetVersion"):
        v = (ctypes.c_uint * 3)()
        lib.LLVMGetVersion(ctypes.byref(v, 0), ctypes.byref(v, 4), ctypes.byref(v, 8))
        return tuple(v)
    major = re.search(r"libLLVM[-.]?(?:so\.)?(\d+)", os.path.basename(path))
    if major:   # Debian's libclang-N of the same LLVM states the full version in its own words
        for name in (f"libclang-{major.group(1)}.so.{major.group(1)}", f"libclang-{major.group(1)}.so.1"):
            try:
                clang = ctypes.CDLL(name)
            except OSError:
                continue

            class _CXString(ctypes.Structure):
                _fields_ = [("data", ctypes.c_void_p), ("flags", ctypes.c_uint)]
            clang.clang_getClangVersion.restype = _CXString
            clang.clang_getCString.restype = ctypes.c_char_p
            clang.clang_getCString.argtypes = [_CXString]
            s = clang.clang_getClangVersion()
            text = clang.clang_getCString(s).decode()
            clang.clang_disposeString.argtypes = [_CXString]
            clang.clang_disposeString(s)
            m = re.search(r"version (\d+)\.(\d+)\.(\d+)", text)
            if m:
                return tuple(int(x) for x in m.groups())
    raise ImportError(f"rocm.bindings.llvm.config.llvm_config: {path} has no LLVMGetVersion (LLVM < 16) and no "
                      "libclang of its major states the version")


def has_symbol(name) -> bool:
    """Whether this module defines ``name`` (AMD's module answers the same question)."""
    name = name.decode() if isinstance(name, (bytes, bytearray)) else name
    return name in __all__


LLVM_LIBRARY_FILE: str = os.path.realpath(_mapped_llvm())
LLVM_VERSION_MAJOR, LLVM_VERSION_MINOR, LLVM_VERSION_PATCH = _version(LLVM_LIBRARY_FILE)
LLVM_VERSION_STRING: str = f"{LLVM_VERSION_MAJOR}.{LLVM_VERSION_MINOR}.{LLVM_VERSION_PATCH}"
LLVM_DEFAULT_TARGET_TRIPLE = LLVM_HOST_TRIPLE = "x86_64-pc-linux-gnu"
LLVM_ON_UNIX = 1
