"""The ``hip-python-interop`` wheel of a release: the CUDA layer (``cuda.bindings.driver`` ...),
and ``pynvml`` on AMD SMI and ``nvtx`` on roctx (``SHIMS``).

Its own distribution, as AMD ships it, because a ``cuda`` package must be something a user asks
for: it shares the import name ``cuda`` with NVIDIA's ``cuda-python``/``cuda-bindings``.  It is
pure Python (every name is an object of ``hip.hip``), one ``py3-none-any`` wheel per release,
with the version of that release's ``hip-python`` wheels and ``Requires-Dist: hip-python==<it>``:
the layer's names come from that release's headers and hipify table, so only that pair is right.
The shims are the same files in every release's wheel: on a release whose hip-python lacks the
module they answer through (bookworm's 5.2.3 has neither amdsmi nor roctx), importing one is an
ImportError that says so, rather than no module at all.

The wheel is written directly (a zip with fixed timestamps): nothing to compile, byte for byte
the same for the same inputs.
"""
from __future__ import annotations

import base64
import hashlib
import time
import zipfile
from pathlib import Path

from hip_bindgen import cudalayer, hipify

from . import project

NAME = "hip-python-interop"
# import name -> its source in hip_interop/ (shipped as <name>/__init__.py, _hip_foreign.py beside it)
SHIMS = {"pynvml": "pynvml_on_amdsmi.py", "nvtx": "nvtx_on_roctx.py"}
_SOURCES = cudalayer.LAYER_RUNTIME.parent
DIST = NAME.replace("-", "_")


def _metadata(version: str, hip: str, hipify_version: str) -> str:
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\n"
            f"Summary: CUDA Python names (cuda.bindings.driver, runtime, nvrtc; pynvml, nvtx) on HIP {hip}, "
            f"from hipify-perl {hipify_version} table\n"
            f"Requires-Python: {project.requires_python()}\n"
            f"Requires-Dist: hip-python=={version}\n"
            "License: MIT\nClassifier: Operating System :: POSIX :: Linux\n\n"
            f"CUDA names bound to the objects of hip-python {version} (HIP {hip}). It installs a "
            "`cuda` package, a `pynvml` (on AMD SMI) and an `nvtx` (on roctx): do not install it beside NVIDIA's "
            "cuda-python/cuda-bindings, nvidia-ml-py/pynvml or nvtx (use another environment); each package "
            "refuses to import where it finds their files.\n")


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def files(manifest: dict, version: str, table: dict, hipify_version: str) -> dict:
    """``{path in the wheel: bytes}`` including the dist-info (RECORD last)."""
    hip = manifest["hip_version"]["string"]
    out = {k: v.encode() for k, v in sorted(cudalayer.render(manifest, table, hipify_version, version).items())}
    out["cuda/bindings/py.typed"] = b""
    for name, source in SHIMS.items():
        out[f"{name}/__init__.py"] = (_SOURCES / source).read_bytes()
        out[f"{name}/_hip_foreign.py"] = (_SOURCES / "_hip_foreign.py").read_bytes()
    info = f"{DIST}-{version}.dist-info"
    out[f"{info}/METADATA"] = _metadata(version, hip, hipify_version).encode()
    out[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: hip_build.interop\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    out[f"{info}/top_level.txt"] = "".join(f"{n}\n" for n in sorted(["cuda", *SHIMS])).encode()
    record = [_record_line(n, d) for n, d in out.items()] + [f"{info}/RECORD,,"]
    out[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    return out


def build(manifest: dict, version: str, out_dir: Path, release: str | None = None) -> Path:
    """Write the interop wheel of ``manifest``'s release into ``out_dir``; returns its path."""
    release = release or manifest["hip_version"]["string"]
    content = files(manifest, version, hipify.table(release), hipify.version(release))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{DIST}-{version}-py3-none-any.whl"
    stamp = time.gmtime(max(int(project.source_date_epoch()), 315532800))[:6]   # zip's epoch is 1980
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in content.items():
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    tmp.replace(target)
    return target
