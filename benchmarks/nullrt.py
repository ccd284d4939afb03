"""A "null runtime": every function of an API manifest, doing nothing, as ``libamdhip64.so.5``
(or, for a ROCm library's manifest, as that library's soname: ``libhipblas.so.2`` ...).

Each function has its real prototype (from the manifest, through the generator's own C type
printer) and returns 0 at once -- a zeroed struct for struct returns, NULL for pointers; it
never writes its out-parameters.  Timing the bindings against it measures argument conversion
and result building alone, for signatures the real runtime would spend microseconds in.
With ``strings``, a function returning ``const char*`` returns its own name, a static string,
as the real libraries' status-to-string functions (``hipblasStatusToString``) do.

    python benchmarks/nullrt.py MANIFEST.json OUTDIR    # prints the library's path
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from _common import run


def c_source(manifest: dict, strings: bool = False) -> str:
    """The recording null runtime's generator with recording off: one generator for both."""
    import nullrt_recorder

    src = nullrt_recorder.c_source(manifest, record=False)
    if not strings:
        return src
    from hip_bindgen import emit
    e = emit.Emitter(manifest)
    for name, f in manifest["functions"].items():
        ret = e.resolve(f["returns"])
        if ret["kind"] == "pointer" and e.resolve(ret["to"]).get("size") == 1:
            # the definition line (not the EXPORT declaration) of NAME: "... NAME(...) { return 0; }"
            src = re.sub(rf"^((?!EXPORT).*\b{name}\(.*\)) \{{ return 0; \}}$",
                         rf'\1 {{ return "{name}"; }}', src, count=1, flags=re.M)
    return src


def soname(manifest: dict) -> str:
    """The file the bindings open: the library's soname, or HIP's ``libamdhip64.so.MAJOR``."""
    lib = manifest.get("library")
    return lib["soname"] if lib else f"libamdhip64.so.{manifest['hip_version']['major']}"


def build(manifest: dict, outdir: Path, strings: bool = False) -> Path:
    """Compile the null runtime into ``outdir``; returns its path (``soname(manifest)`` there)."""
    outdir.mkdir(parents=True, exist_ok=True)
    src = outdir / "nullrt.c"
    src.write_text(c_source(manifest, strings))
    lib = outdir / soname(manifest)
    run(["gcc", "-O1", "-shared", "-fPIC", "-fvisibility=hidden", "-w", "-o", lib, src])
    if "library" in manifest:
        return lib
    for alias in ("libamdhip64.so", "libhiprtc.so"):   # AMD's wheel dlopens the unversioned names
        link = outdir / alias
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(lib.name)
    return lib


if __name__ == "__main__":
    print(build(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2])))
