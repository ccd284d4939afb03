"""The ``hip-python-interop`` wheel of a release: the CUDA layer (``cuda.bindings.driver`` ...).

Its own distribution, as AMD ships it, because a ``cuda`` package must be something a user asks
for: it shares the import name ``cuda`` with NVIDIA's ``cuda-python``/``cuda-bindings``.  It is
pure Python (every name is an object of ``hip.hip``), one ``py3-none-any`` wheel per release,
with the version of that release's ``hip-python`` wheels and ``Requires-Dist: hip-python==<it>``:
the layer's names come from that release's headers and hipify table, so only that pair is right.

The wheel is written directly (``purewheel.py``): nothing to compile, byte for byte the same for
the same inputs.
"""
from __future__ import annotations

from pathlib import Path

from hip_bindgen import cudalayer, hipify
from hip_python_select.distributions import INTEROP as NAME

from . import project, purewheel

DIST = NAME.replace("-", "_")


def _metadata(version: str, hip: str, hipify_version: str) -> str:
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\n"
            f"Summary: CUDA Python names (cuda.bindings.driver, runtime, nvrtc) on HIP {hip}, "
            f"from hipify-perl {hipify_version} table\n"
            f"Requires-Python: {project.requires_python()}\n"
            f"Requires-Dist: hip-python=={version}\n"
            "License: MIT\nClassifier: Operating System :: POSIX :: Linux\n\n"
            f"CUDA names bound to the objects of hip-python {version} (HIP {hip}). It installs a "
            "`cuda` package: do not install it beside NVIDIA's cuda-python/cuda-bindings "
            "(use another environment); it refuses to import where it finds their files.\n")


def files(manifest: dict, version: str, table: dict, hipify_version: str) -> dict:
    """``{path in the wheel: bytes}`` including the dist-info (RECORD last)."""
    hip = manifest["hip_version"]["string"]
    out = {k: v.encode() for k, v in sorted(cudalayer.render(manifest, table, hipify_version, version).items())}
    out["cuda/bindings/py.typed"] = b""
    return purewheel.with_dist_info(out, DIST, version, _metadata(version, hip, hipify_version), "interop", "cuda\n")


def build(manifest: dict, version: str, out_dir: Path, release: str | None = None) -> Path:
    """Write the interop wheel of ``manifest``'s release into ``out_dir``; returns its path."""
    release = release or manifest["hip_version"]["string"]
    content = files(manifest, version, hipify.table(release), hipify.version(release))
    return purewheel.write(out_dir / f"{DIST}-{version}-py3-none-any.whl", content)
