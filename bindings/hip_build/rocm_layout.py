"""The files of a wheel's ``rocm`` package: AMD's HIP Python 10.x layout over its ``hip`` package.

Hand-written, the same in every wheel (``bindings/rocm/``): ``rocm.version``, ``rocm.bindings``
(its ``__init__`` checks for AMD's distributions in the same directory), ``rocm.bindings.util``
(``types``, ``paths``), ``rocm.bindings.hiprtc_pyext``, Cython's package markers and ``py.typed``;
the compiler layer: ``rocm.comgr`` (over ``hip.amd_comgr``; its import fails as that one does in a
wheel without comgr), ``rocm.bindings.llvm.config.llvm_config``, ``rocm.bindings.clang.cindex``.

Made per release here: for ``hip``, ``hiprtc`` and each ROCm library module the release has, the
alias ``rocm/bindings/<m>.py`` (the module object ``hip.<m>`` itself, put in ``sys.modules``),
its stub ``<m>.pyi`` (``hip.<m>``'s, re-exported) and its cimport API ``cy<m>.pxd`` (``hip.c<m>``'s
declarations, cimported whole); for each library of ``libemit.KNOWN`` the release lacks, an alias
whose import raises ``hip``'s ImportError naming the libraries the wheel has; LLVM-C
(``hip.llvm_c``) as AMD's ``rocm.bindings.llvm.c.*`` package instead (llvm_layout.py).
"""
from __future__ import annotations

from pathlib import Path

from hip_bindgen import capi, libemit

from . import llvm_layout

ROCM = Path(__file__).resolve().parents[1] / "rocm"
STATIC_FILES = ("__init__.pxd", "py.typed", "version.py",
                "bindings/__init__.py", "bindings/__init__.pxd", "bindings/py.typed",
                "bindings/hiprtc_pyext.py", "bindings/hiprtc_pyext.pyi",
                "bindings/util/__init__.py", "bindings/util/__init__.pxd", "bindings/util/paths.py",
                "bindings/util/types.py", "bindings/util/types.pyi", "bindings/util/types.pxd",
                # the compiler layer numba-hip imports: comgr's Python API over hip.amd_comgr, the
                # version of comgr's LLVM, libclang's binding under AMD's name (docs/libraries.md)
                "comgr/__init__.py", "comgr/core.py", "comgr/compile.py", "comgr/metadata.py",
                "comgr/disassemble.py", "comgr/hiprtc_header.py",
                "bindings/llvm/config/__init__.py", "bindings/llvm/config/llvm_config.py",
                "bindings/clang/__init__.py", "bindings/clang/cindex.py")

ALIAS = '''\
"""``rocm.bindings.{m}``: AMD's HIP Python 10.x name of ``hip.{m}``, the same module object."""
import sys

from hip import {m}

sys.modules[__name__] = {m}
'''

MISSING = '''\
"""``rocm.bindings.{m}``: this wheel's release has no {m} module; importing it raises the
ImportError of ``from hip import {m}``, which names the library modules the wheel has."""
import sys

from hip import {m}

sys.modules[__name__] = {m}
'''

STUB = "from hip.{m} import *\n"

CIMPORT = '''\
# `from rocm.bindings cimport cy{m}`: AMD's HIP Python 10.x name of this wheel's cimport API
# `hip.{c}` (the same declarations, calling through the table of the loaded hip.{m} module).
from hip.{c} cimport *
'''


def rocm_layout_files(manifest: dict) -> dict[str, str]:
    """Path in the wheel (``rocm/bindings/hip.py`` ...) -> text, for ``manifest``'s release."""
    files = {f"rocm/{name}": (ROCM / name).read_text() for name in STATIC_FILES}
    libs = sorted(set(manifest.get("libraries", {})) - {"llvm_c"})   # LLVM-C: AMD's llvm/c/ package
    for m in ("hip", "hiprtc", *libs):
        c = "chip" if m == "hip" else "chiprtc" if m == "hiprtc" else capi.pxd_name(m)
        files[f"rocm/bindings/{m}.py"] = ALIAS.format(m=m)
        files[f"rocm/bindings/{m}.pyi"] = STUB.format(m=m)
        files[f"rocm/bindings/cy{m}.pxd"] = CIMPORT.format(m=m, c=c)
    for m in sorted(set(libemit.KNOWN) - set(libs) - {"llvm_c"}):
        files[f"rocm/bindings/{m}.py"] = MISSING.format(m=m)
    if "llvm_c" in manifest.get("libraries", {}):
        files.update(llvm_layout.files(manifest["libraries"]["llvm_c"]))
        # rocm.bindings.llvm is shared with llvm.config (comgr's helper package): one marker
        files.setdefault("rocm/bindings/llvm/__init__.py", llvm_layout.PACKAGE.format(
            sub="", version=manifest["libraries"]["llvm_c"]["library"]["version"]))
    return files
