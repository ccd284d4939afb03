"""A "null runtime": every function of an API manifest, doing nothing, as ``libamdhip64.so.5``.

Each function has its real prototype (from the manifest, through the generator's own C type
printer) and returns 0 at once -- a zeroed struct for struct returns, NULL for pointers; it
never writes its out-parameters.  Timing the bindings against it measures argument conversion
and result building alone, for signatures the real runtime would spend microseconds in.

    python benchmarks/nullrt.py MANIFEST.json OUTDIR    # prints the library's path
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from _common import ROOT, run

sys.path.insert(0, str(ROOT / "bindings"))


def c_source(manifest: dict) -> str:
    """The recording null runtime's generator with recording off: one generator for both."""
    sys.path.insert(0, str(ROOT / "tests" / "compat"))
    import nullrt_recorder

    return nullrt_recorder.c_source(manifest, record=False)


def build(manifest: dict, outdir: Path) -> Path:
    """Compile the null runtime into ``outdir``; returns ``outdir/libamdhip64.so.5``."""
    outdir.mkdir(parents=True, exist_ok=True)
    src = outdir / "nullrt.c"
    src.write_text(c_source(manifest))
    lib = outdir / f"libamdhip64.so.{manifest['hip_version']['major']}"
    run(["gcc", "-O1", "-shared", "-fPIC", "-fvisibility=hidden", "-w", "-o", lib, src])
    for alias in ("libamdhip64.so", "libhiprtc.so"):   # AMD's wheel dlopens the unversioned names
        link = outdir / alias
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(lib.name)
    return lib


if __name__ == "__main__":
    print(build(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2])))
