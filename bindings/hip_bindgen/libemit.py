"""Emit the Cython module of a ROCm library (``hip.hipfft``, ``hip.roctx`` ...) from its manifest.

The module behaves as ``hip.hiprtc``: the same ``_runtime.pxi``, functions returning
``(result, *outs)``, enums/structs built lazily; HIP's own types come from ``hip.hip``.  Its
functions are table rows served by one dispatcher (``compact.py``, ``hip/_dispatch.pxi``).
``hip/_libraries.py`` tells the loader each library's file name, soname major and package.
"""
from __future__ import annotations

from . import compact

KNOWN = ("amd_comgr", "amdsmi", "hipblas", "hipblaslt", "hipfft", "hiprand", "hipsolver", "hipsparse", "hipsparselt", "llvm_c",
         "rccl", "roctx")


def generate(manifest: dict) -> dict[str, str]:
    """File name -> text: ``_api_<lib>.h`` and ``<lib>.pyx``, in the compact form (compact.py)."""
    lib = manifest["library"]
    name = lib["name"]
    doc = (f"{lib['title']} {lib['version']} API (headers declare {lib['header_version']}), "
           f"generated against HIP {manifest['hip_version']['string']}; loads {lib['soname']} "
           f"(Debian package {lib['package']}) on first call.")
    c = compact.Compact(manifest)
    text = c.module(name, f"_api_{name}.h", doc)
    text += (f"LIBRARY_VERSION = {lib['version']!r}\nLIBRARY_HEADER_VERSION = {lib['header_version']!r}\n"
             f"LIBRARY_SONAME = {lib['soname']!r}\n")
    return {f"_api_{name}.h": c.header(), f"{name}.pyx": text}


def libraries_py(manifests: dict[str, dict], hip: str) -> str:
    """``hip/_libraries.py``: what the wheel binds, and how the loader finds each library."""
    from .libraries import VERSION_CALLS
    rows = []
    # what each library's version call must answer: its headers' version, or (hipRAND) its backend's
    versions = {n: manifests[n]["library"].get("answers_version", manifests[n]["library"]["header_version"])
                for n in sorted(manifests)}
    calls = {n: VERSION_CALLS[n] for n in sorted(manifests) if n in VERSION_CALLS}
    for name in sorted(manifests):
        lib = manifests[name]["library"]
        base, major = lib["soname"].split(".so.")
        # libLLVM.so.22.1: LLVM's soname carries MAJOR.MINOR (the loader tries lib<name>.so.<major>)
        major = int(major) if major.isdigit() else major
        rows.append(f"    {name!r}: ({base[3:]!r}, {major!r}, {lib['title']!r}, {lib['version']!r}, "
                    f"{lib['package']!r}),")
    return ('"""Generated: the ROCm libraries this wheel binds (module -> file name, soname major, title,\n'
            'version, Debian package). Do not edit."""\n'
            f"HIP = {hip!r}\nLIBRARIES = {{\n" + "\n".join(rows) + "\n}\n"
            f"KNOWN = {KNOWN!r}\n"
            f"# what each library's headers declare, and how the loaded library tells its own version\n"
            f"HEADER_VERSIONS = {versions!r}\n"
            f"VERSION_CALLS = {calls!r}\n")
