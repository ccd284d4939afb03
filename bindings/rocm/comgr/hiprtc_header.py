"""The hiprtc runtime header (``HIPRTC_RUNTIME_HEADER``): the declarations hiprtc puts before every
source it compiles (device ``malloc``/``free``, the ``__ocml_*`` math entry points and their
wrappers), read from the installed ``libhiprtc-builtins`` of the machine, as hiprtc itself reads
it, so that it is the text of the HIP runtime this wheel is paired with.

The library exports it as two data symbols, ``__hipRTC_header`` (the characters) and
``__hipRTC_header_size``; they are internal to hiprtc, so ``HIP_PYTHON_HIPRTC_RUNTIME_HEADER``
(a file) overrides them (AMD's variable).  Read once, on first use.
"""
from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Optional

__all__ = ["get_hiprtc_runtime_header", "get_hiprtc_runtime_header_origin", "find_builtins_library"]

HEADER_SYMBOL = "__hipRTC_header"
HEADER_SIZE_SYMBOL = "__hipRTC_header_size"
HEADER_PATH_ENV_VAR = "HIP_PYTHON_HIPRTC_RUNTIME_HEADER"
_cached: Optional[tuple] = None


def find_builtins_library() -> Optional[Path]:
    """The ``libhiprtc-builtins`` file of this wheel's HIP major, else None."""
    from hip import _hipfacts, _version
    from rocm.bindings.util import paths

    found = os.fsdecode(paths.get_library_path("hiprtc-builtins"))
    if os.path.isabs(found) and os.path.isfile(found):
        return Path(found)
    major = _version.HIP_VERSION_STRING.split(".")[0]   # Debian ships only the soname without -dev
    hit = _hipfacts.dynamic(f"libhiprtc-builtins.so.{major}", os.environ)
    return Path(hit[0]) if hit else None


def _read(library: Path) -> Optional[str]:
    try:
        lib = ctypes.CDLL(str(library))
        size = ctypes.c_size_t.in_dll(lib, HEADER_SIZE_SYMBOL).value
        first = ctypes.c_char.in_dll(lib, HEADER_SYMBOL)   # the array itself, not a pointer to it
    except (OSError, ValueError):
        return None
    return ctypes.string_at(ctypes.addressof(first), size).decode("utf-8").replace("\r\n", "\n")


def _resolve() -> tuple:
    global _cached
    if _cached is None:
        override = os.environ.get(HEADER_PATH_ENV_VAR)
        if override:
            _cached = (Path(override).read_text(encoding="utf-8").replace("\r\n", "\n"), override)
            return _cached
        library = find_builtins_library()
        if library is None:
            raise RuntimeError("no libhiprtc-builtins found (it holds the hiprtc runtime header compiling HIP "
                               "source needs; Debian: the hiprtc package of the HIP runtime); set "
                               f"{HEADER_PATH_ENV_VAR} to a file with the header instead")
        text = _read(library)
        if text is None:
            raise RuntimeError(f"{library} does not load or export {HEADER_SYMBOL}/{HEADER_SIZE_SYMBOL}; set "
                               f"{HEADER_PATH_ENV_VAR} to a file with the header instead")
        _cached = (text, str(library))
    return _cached


def get_hiprtc_runtime_header() -> str:
    return _resolve()[0]


def get_hiprtc_runtime_header_origin() -> str:
    """The file the header text was read from."""
    return _resolve()[1]
