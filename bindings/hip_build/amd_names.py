"""AMD's distribution names (``rocm-bindings-*``) as metapackages of a release's ``hip-python``.

AMD's 10.x splits the bindings into ``rocm-bindings-core/-hip/-libraries/-compiler/-systems``
and publishes them for its newest ROCm only, so ``pip install numba-hip`` (which requires
``rocm-bindings-hip>=7.2.3`` ...) pulls bindings of another release than the machine's.  Here
each of those names is a wheel with no files of its own (only its dist-info) that requires
``hip-python==<its own version>``: the version of the release's hip-python wheel, which holds
every module.  So a requirement written against AMD's names, with the release's constraints
(``hip-python-select constraints``), resolves to the release's real wheel.

Metapackages rather than a split of the files: one owner of each file (a file in two
distributions is deleted by uninstalling either), one build of the modules, one version rule
(docs/compatibility.md, "AMD's distribution names").  The names and their summaries live in
``hip_python_select.distributions``; the wheels are written by ``purewheel`` (deterministic).
"""
from __future__ import annotations

from pathlib import Path
from typing import List

from hip_python_select.distributions import AMD_NAMES, MAIN

from . import project, purewheel

# What an AMD name needs beyond hip-python: rocm.bindings.clang.cindex is PyPI's libclang binding
# (clang.cindex), which AMD's rocm-bindings-compiler carries a copy of and this project takes as
# a dependency instead; numba-hip's install pulls it through this name.
EXTRA_REQUIRES = {"rocm-bindings-compiler": ("libclang",)}


def _metadata(name: str, version: str, hip: str) -> str:
    return (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            f"Summary: AMD's distribution name for {AMD_NAMES[name]}: requires {MAIN} {version} (HIP {hip}), "
            "which holds them\n"
            f"Requires-Python: {project.requires_python()}\n"
            f"Requires-Dist: {MAIN}=={version}\n"
            + "".join(f"Requires-Dist: {r}\n" for r in EXTRA_REQUIRES.get(name, ())) +
            "License: MIT\nClassifier: Operating System :: POSIX :: Linux\n\n"
            f"A metapackage: it installs no file. Its one dependency, {MAIN} {version}, is the wheel of "
            f"HIP {hip} with every module; this name exists so that what requires AMD's name resolves "
            "to the release's own wheel.\n")


def files(name: str, version: str, hip: str) -> dict:
    """``{path in the wheel: bytes}`` of ``name``'s metapackage: the dist-info only."""
    return purewheel.with_dist_info({}, name.replace("-", "_"), version, _metadata(name, version, hip), "amd_names")


def build(version: str, hip: str, out_dir: Path) -> List[Path]:
    """Write every AMD name's metapackage of the release (``version``: its hip-python's) into ``out_dir``."""
    return [purewheel.write(out_dir / f"{name.replace('-', '_')}-{version}-py3-none-any.whl",
                            files(name, version, hip)) for name in AMD_NAMES]
