"""Emit the Cython module of a ROCm library (``hip.hipfft``, ``hip.roctx`` ...) from its manifest.

The module has the shape of ``hip.hiprtc``: the same ``_runtime.pxi``, functions returning
``(result, *outs)``, enums/structs built lazily; HIP's own types come from ``hip.hip``.
``hip/_libraries.py`` tells the loader each library's file name, soname major and package.
"""
from __future__ import annotations

from . import emit

KNOWN = ("hipblas", "hipfft", "hiprand", "hipsolver", "hipsparse", "rccl", "roctx")


def generate(manifest: dict) -> dict[str, str]:
    """File name -> text: ``_api_<lib>.h`` and ``<lib>.pyx``."""
    lib = manifest["library"]
    name = lib["name"]
    e = emit.Emitter(manifest)
    e.api_header = f"_api_{name}.h"
    e.module_doc = (f"{lib['title']} {lib['version']} API (headers declare {lib['header_version']}), "
                    f"generated against HIP {manifest['hip_version']['string']}; loads {lib['soname']} "
                    f"(Debian package {lib['package']}) on first call.")
    text = e.module(name)
    text += (f"LIBRARY_VERSION = {lib['version']!r}\nLIBRARY_HEADER_VERSION = {lib['header_version']!r}\n"
             f"LIBRARY_SONAME = {lib['soname']!r}\n")
    return {f"_api_{name}.h": e.header(), f"{name}.pyx": text}


def libraries_py(manifests: dict[str, dict], hip: str) -> str:
    """``hip/_libraries.py``: what the wheel binds, and how the loader finds each library."""
    rows = []
    for name in sorted(manifests):
        lib = manifests[name]["library"]
        base, major = lib["soname"].split(".so.")
        rows.append(f"    {name!r}: ({base[3:]!r}, {int(major)}, {lib['title']!r}, {lib['version']!r}, "
                    f"{lib['package']!r}),")
    return ('"""Generated: the ROCm libraries this wheel binds (module -> file name, soname major, title,\n'
            'version, Debian package). Do not edit."""\n'
            f"HIP = {hip!r}\nLIBRARIES = {{\n" + "\n".join(rows) + "\n}\n"
            f"KNOWN = {KNOWN!r}\n")
