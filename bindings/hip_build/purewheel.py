"""Writing a pure-Python (``py3-none-any``) wheel directly: a zip with fixed timestamps.

Used by the wheels with nothing to compile (the CUDA layer, ``interop.py``; the metapackages of
AMD's names, ``amd_names.py``): byte for byte the same for the same inputs, no build backend.
"""
from __future__ import annotations

import base64
import hashlib
import time
import zipfile
from pathlib import Path

from . import project

WHEEL = "Wheel-Version: 1.0\nGenerator: hip_build.{}\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def with_dist_info(files: dict, dist: str, version: str, metadata: str, generator: str,
                   top_level: str | None = None) -> dict:
    """``files`` (path -> bytes) plus the dist-info: METADATA, WHEEL, top_level.txt, RECORD last."""
    out = dict(files)
    info = f"{dist}-{version}.dist-info"
    out[f"{info}/METADATA"] = metadata.encode()
    out[f"{info}/WHEEL"] = WHEEL.format(generator).encode()
    if top_level is not None:
        out[f"{info}/top_level.txt"] = top_level.encode()
    record = [_record_line(n, d) for n, d in out.items()] + [f"{info}/RECORD,,"]
    out[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    return out


def write(target: Path, content: dict) -> Path:
    """The zip of ``content`` at ``target`` (replaced whole: a reader never sees half a wheel)."""
    target.parent.mkdir(parents=True, exist_ok=True)
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
