"""The distribution names of one HIP release's bindings: the one home of the set and its pins.

``hip-python`` is the real wheel (every module, one owner of each file); ``hip-python-interop``
is the CUDA layer; AMD's 10.x names (``rocm-bindings-*``, its split of the same modules into
several wheels) are, here, metapackages: a ``py3-none-any`` wheel with no files of its own that
requires ``hip-python`` of exactly its version (``hip_build/amd_names.py`` writes them).  So a
requirement written against AMD's names (numba-hip's ``rocm-bindings-hip>=7.2.3``) resolves to
the wheel of the machine's release.  All of them carry the version of the release's
``hip-python`` wheel, so one version range (``resolve.constraint``) pins the whole set.
"""
from __future__ import annotations

from typing import List

MAIN = "hip-python"
INTEROP = "hip-python-interop"

# AMD's distribution names (its 10.x METADATA) -> what AMD's wheel of that name holds, which ours
# stands for: the Summary of our metapackage.  None of AMD's requires hip-python-interop, so none
# of ours does: each requires hip-python alone.
AMD_NAMES = {
    "rocm-bindings-core": "the shared runtime support (rocm.bindings.util, rocm.version)",
    "rocm-bindings-hip": "the HIP runtime and HIPRTC (rocm.bindings.hip, hiprtc, hiprtc_pyext)",
    "rocm-bindings-libraries": "the math libraries (hipBLAS, hipSOLVER, hipRAND, hipFFT, hipSPARSE ...)",
    "rocm-bindings-compiler": "the compiler bindings (amd_comgr)",
    "rocm-bindings-systems": "the system libraries (RCCL, ROCTX, amd-smi)",
}

# every name ``constraints`` pins and the index of a release carries, the real wheel first
PINNED = (MAIN, INTEROP, *AMD_NAMES)


def pin(name: str, version: str) -> str:
    """The requirement naming exactly one release's wheel of ``name``."""
    return f"{name}=={version}"


def pins(version: str, names=tuple(AMD_NAMES)) -> List[str]:
    return [pin(n, version) for n in names]
