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

The wheel is written directly (``purewheel.py``): nothing to compile, byte for byte the same for
the same inputs.
"""
from __future__ import annotations

from pathlib import Path

from hip_bindgen import cudalayer, hipify, releases  # noqa: F401 (releases: in annotations)
from hip_python_select.distributions import INTEROP as NAME

from . import project, purewheel

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


def files(manifest: dict, version: str, table: dict, hipify_version: str) -> dict:
    """``{path in the wheel: bytes}`` including the dist-info (RECORD last)."""
    hip = manifest["hip_version"]["string"]
    out = {k: v.encode() for k, v in sorted(cudalayer.render(manifest, table, hipify_version, version).items())}
    out["cuda/bindings/py.typed"] = b""
    for name, source in SHIMS.items():
        out[f"{name}/__init__.py"] = (_SOURCES / source).read_bytes()
        out[f"{name}/_hip_foreign.py"] = (_SOURCES / "_hip_foreign.py").read_bytes()
    top_level = "".join(f"{n}\n" for n in sorted(["cuda", *SHIMS]))
    return purewheel.with_dist_info(out, DIST, version, _metadata(version, hip, hipify_version), "interop", top_level)


def build(manifest: dict, version: str, out_dir: Path, release: "str | releases.Release | None" = None) -> Path:
    """Write the interop wheel of ``manifest``'s release into ``out_dir``; returns its path."""
    release = release or manifest["hip_version"]["string"]
    content = files(manifest, version, hipify.table(release), hipify.version(release))
    return purewheel.write(out_dir / f"{DIST}-{version}-py3-none-any.whl", content)
