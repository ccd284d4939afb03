"""Where a release's headers come from: the pinned Debian packages, or any installed ROCm tree."""
from __future__ import annotations

from pathlib import Path

from . import debian, parse
from .releases import Release


def include_dir(release: "str | Release | None" = None, rocm_path: str | None = None) -> Path:
    """The include dir holding ``hip/hip_runtime_api.h``; the version is read from it, never assumed."""
    if rocm_path:
        root = Path(rocm_path)
        for cand in (root / "include", root):
            if (cand / "hip" / "hip_runtime_api.h").exists():
                return cand
        raise parse.ParseError(f"{rocm_path} has no include/hip/hip_runtime_api.h: "
                               "is it a ROCm installation (e.g. /opt/rocm-6.2.4)?")
    if release is None:
        raise ValueError("name a release (--hip) or a ROCm tree (--rocm-path)")
    return debian.headers(release) / "include"
