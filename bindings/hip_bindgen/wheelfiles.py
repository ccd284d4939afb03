"""Every generated file of one release's wheel, composed in one place.

``hip_build.wheel.stage`` writes them beside the static package files, ``python -m hip_bindgen
generate`` writes them to a folder, and ``tests/bindgen`` compares them with its snapshots:
all three call ``files``.
"""
from __future__ import annotations

from . import capi, contract, emit, libemit, parse, stubs


def files(manifest: dict, version: str) -> dict[str, str]:
    """Path inside the ``hip`` package -> text, for ``manifest`` (its ``libraries`` included)."""
    out = emit.generate(manifest)              # _api.h, hip.pyx, hiprtc.pyx
    out.update(stubs.generate(manifest))       # typing: hip.pyi, hiprtc.pyi, py.typed
    out.update(capi.generate(manifest))        # cimport API: chip.pxd, chiprtc.pxd, _capi.h
    libs = manifest.get("libraries", {})
    for name, lm in sorted(libs.items()):      # hip.hipfft & co: module, header, stubs, manifest each
        # + its cimport API (capi.py): c<lib>.pxd (AMD's hip.chipblas ...), _capi_<lib>.h
        out.update({**libemit.generate(lm), **stubs.generate_library(lm), **capi.generate_library(lm)})
        out[f"_manifest_{name}.json"] = parse.dumps(lm)
    out["_libraries.py"] = libemit.libraries_py(libs, manifest["hip_version"]["string"])
    out["_manifest.json"] = parse.dumps({k: v for k, v in manifest.items() if k != "libraries"})
    out["_version.py"] = emit.version_py(manifest, version)
    out["_contract.pxi"] = contract.runtime_pxi()   # the contract's names, for _util/runtime.pyx
    return out
