"""HIP Python bindings generated from one HIP release's headers.

``from hip import hip, hiprtc`` gives the runtime and runtime-compilation APIs of exactly
the HIP release this wheel was built for (``hip.HIP_VERSION_STRING``).  Importing
``hip.hip`` warns once (``HipVersionMismatchWarning``) when the runtime it will load is
another release; ``HIP_PYTHON_NO_VERSION_CHECK=1`` (a true value: 1, true, yes, on) silences that.

The version names of AMD's HIP Python are here too, with its meanings: ``HIP_VERSION``
(``major * 10_000_000 + minor * 100_000 + patch``), ``HIP_VERSION_NAME``
(``"5.2.21153"``, ``-githash`` appended when the headers carry one), ``HIP_VERSION_TUPLE``
(``(5, 2, 21153, githash)``), and ``ROCM_VERSION``/``ROCM_VERSION_NAME``/
``ROCM_VERSION_TUPLE`` for the ROCm release whose headers the wheel was generated from.
"""
from hip import _hipfacts, _version
from hip._loader import (HipFunctionNotFoundError, HipLibraryNotFoundError, HipVersionMismatchWarning,
                         RocmLibraryNotFoundError, RocmLibraryNotFoundWarning)

HIP_VERSION_STRING = _version.HIP_VERSION_STRING
VERSION = LONG_VERSION = __version__ = __long_version__ = _version.__version__
_hip = tuple(int(p) for p in HIP_VERSION_STRING.split("."))
HIP_VERSION = _version.HIP_VERSION_PACKED
HIP_VERSION_NAME = hip_version_name = HIP_VERSION_STRING + (f"-{_version.HIP_VERSION_GITHASH}"
                                                            if _version.HIP_VERSION_GITHASH else "")
HIP_VERSION_TUPLE = hip_version_tuple = (*_hip, _version.HIP_VERSION_GITHASH)
ROCM_VERSION_NAME = rocm_version_name = _version.ROCM_VERSION_NAME
ROCM_VERSION_TUPLE = rocm_version_tuple = tuple(int(p) for p in ROCM_VERSION_NAME.split("."))
ROCM_VERSION = _hipfacts.pack(*ROCM_VERSION_TUPLE[:3])
del _hip

__all__ = ["HIP_VERSION_STRING", "HipFunctionNotFoundError", "HipLibraryNotFoundError",
           "HipVersionMismatchWarning", "RocmLibraryNotFoundError", "RocmLibraryNotFoundWarning", "__version__", "VERSION", "LONG_VERSION",
           "HIP_VERSION", "HIP_VERSION_NAME", "HIP_VERSION_TUPLE", "hip_version_name", "hip_version_tuple",
           "ROCM_VERSION", "ROCM_VERSION_NAME", "ROCM_VERSION_TUPLE", "rocm_version_name",
           "rocm_version_tuple"]


def __getattr__(name):
    """``from hip import hipblas``: the library modules of this wheel import on first use and
    open their library then (a missing one is a ``RocmLibraryNotFoundWarning``, its calls raise);
    a library Debian has no build of for this HIP release is an ImportError that says so."""
    if name.startswith("_"):  # hip._libraries & co. are imported, never looked up here
        raise AttributeError(f"module 'hip' has no attribute {name!r}")
    import importlib
    _libraries = importlib.import_module("hip._libraries")
    if name in _libraries.LIBRARIES:
        return importlib.import_module(f"hip.{name}")
    if name in _libraries.KNOWN:
        raise ImportError(
            f"hip-python {__version__} (HIP {HIP_VERSION_STRING}, ROCm {ROCM_VERSION_NAME}) has no {name} "
            f"module: it binds the ROCm libraries Debian ships for that release "
            f"({', '.join(sorted(_libraries.LIBRARIES)) or 'none'}). Use the hip-python wheel of a ROCm "
            f"release that has {name} (hip-python-select install, on a machine with that ROCm).",
            name=f"hip.{name}")
    raise AttributeError(f"module 'hip' has no attribute {name!r}")
