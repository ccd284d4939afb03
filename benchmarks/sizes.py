"""Sizes: our wheel per release against AMD's hip and hiprtc extension modules.

Ours: the wheel file, what it installs (sum of its members, uncompressed) and the two
extension modules ``hip`` + ``hiprtc`` (already stripped by the build).  AMD's wheel bundles
every ROCm library's bindings, so only its HIP and hiprtc modules are compared: the Python
modules ``hip``/``hiprtc``, the Cython-level ``chip``/``chiprtc`` they need, and the helpers
``_hip_helpers``/``_hiprtc_helpers``/``_util/*`` they import -- as shipped and stripped.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from _common import wheel_listing

AMD_CORE = re.compile(r"^hip/c?hip(rtc)?\.cpython[^/]*\.so$")
AMD_SUPPORT = re.compile(r"^hip/(_hip_helpers|_hiprtc_helpers|_util/[^/]+)\.cpython[^/]*\.so$")
OURS_CORE = re.compile(r"^hip/hip(rtc)?\.cpython[^/]*\.so$")


def ours(release: str, whl: Path) -> dict:
    files = wheel_listing(whl)
    core = {n: s for n, s in files.items() if OURS_CORE.match(n)}
    return {"release": release, "wheel": whl.name, "wheel_bytes": whl.stat().st_size,
            "installed_bytes": sum(files.values()), "modules_bytes": sum(core.values()),
            "modules": core}


def _stripped_size(data: bytes) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "m.so"
        p.write_bytes(data)
        subprocess.run(["strip", "--strip-all", str(p)], check=True)
        return p.stat().st_size


def _has_debug_info(data: bytes) -> bool:
    return b".debug_info" in data


def amd(whl: Path) -> dict:
    out = {"version": whl.name.split("-")[1], "wheel": whl.name, "wheel_bytes": whl.stat().st_size,
           "installed_bytes": sum(wheel_listing(whl).values()), "modules": {}}
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if AMD_CORE.match(name) or AMD_SUPPORT.match(name):
                data = z.read(name)
                out["modules"][name] = {"bytes": len(data), "stripped_bytes": _stripped_size(data),
                                        "debug_info": _has_debug_info(data),
                                        "core": bool(AMD_CORE.match(name))}
    mods = out["modules"].values()
    out["core_bytes"] = sum(m["bytes"] for m in mods if m["core"])
    out["core_stripped_bytes"] = sum(m["stripped_bytes"] for m in mods if m["core"])
    out["with_support_bytes"] = sum(m["bytes"] for m in mods)
    out["with_support_stripped_bytes"] = sum(m["stripped_bytes"] for m in mods)
    return out


if __name__ == "__main__":
    import sys

    from _common import amd_wheel, dump
    print(dump(amd(Path(sys.argv[1]) if len(sys.argv) > 1 else amd_wheel())))
    assert shutil.which("strip")
