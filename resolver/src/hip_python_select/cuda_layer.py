"""``install --cuda``: the CUDA layer (``hip-python-interop``) of the release ``install`` picked.

The layer is a wheel of its own per release (``cuda.bindings.driver/runtime/nvrtc`` over
``hip.hip``), versioned exactly as that release's hip-python and requiring it, so the one version
``install`` chose names it; it comes from the same index or find-links location.

NVIDIA's ``cuda-python``/``cuda-bindings`` own the same ``cuda/bindings`` directory, and its
``nvidia-ml-py`` (or the older ``pynvml``) and ``nvtx`` the import names of the layer's ``pynvml``
and ``nvtx`` shims: pip would install one over the other without a word, and one's modules would
shadow the other's. So a target environment that has any of them is refused before anything
changes, with the way out (a venv of its own for HIP). The layer is installed after hip-python has been
switched and verified: a failure there leaves the new hip-python in place and says so.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from typing import List, Optional

from . import errors
from .distributions import INTEROP as DIST
# NVIDIA's distributions -> the import name they share with the layer (cuda-python is the
# metapackage of cuda-bindings; nvidia-ml-py installs pynvml.py, pynvml before 12 a pynvml package)
NVIDIA = {"cuda-bindings": "cuda.bindings", "cuda-python": "cuda.bindings", "nvidia-ml-py": "pynvml",
          "pynvml": "pynvml", "nvtx": "nvtx"}

_PROBE = ("import importlib.metadata as m, json\n"
          "found = {}\n"
          "for name in %r:\n"
          "    try:\n"
          "        found[name] = m.version(name)\n"
          "    except m.PackageNotFoundError:\n"
          "        pass\n"
          "print(json.dumps(found))\n")


def nvidia_installed(python: str, timeout: float = 60.0) -> dict:
    """NVIDIA's CUDA Python distributions installed in ``python``'s environment (name -> version)."""
    try:
        proc = subprocess.run([python, "-c", _PROBE % (tuple(NVIDIA),)], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        return json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return {}


def refuse_beside_nvidia(python: str, timeout: float = 60.0) -> None:
    """UsageError, before anything is installed, when NVIDIA's bindings share the environment."""
    found = nvidia_installed(python, timeout)
    if found:
        have = ", ".join(f"{n} {v}" for n, v in sorted(found.items()))
        names = " and ".join(sorted({NVIDIA[n] for n in found}))
        raise errors.UsageError(
            f"{python} has NVIDIA's {have}, which installs {names} too: {DIST} would silently "
            f"replace its files (or be shadowed by them). Install the HIP CUDA layer into a venv of its own "
            f"(python3 -m venv hip-venv; hip-python-select install --cuda --python hip-venv/bin/python ...), "
            f"or 'pip uninstall {' '.join(sorted(found))}' there first. Nothing was changed.")


def requirement(version: str) -> str:
    return f"{DIST}=={version}"


def command(python: str, version: str, use_uv: bool, passthrough: List[str],
            requirements: Optional[List[str]] = None) -> List[str]:
    """pip/uv installing the layer of ``version`` (or ``requirements``: the release's other
    distributions, ``install --amd-names``) from the same locations (``passthrough``); no
    dependencies: their one dependency is the hip-python ``install`` just put there."""
    reqs = requirements or [requirement(version)]
    if use_uv:
        uv = shutil.which("uv")
        if uv is None:
            raise errors.InstallFailed("--uv was asked for (or the environment is a uv one) but 'uv' is not on PATH")
        return [uv, "pip", "install", "--python", python, "--no-deps", *passthrough, *reqs]
    return [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps", *passthrough, *reqs]


def install(python: str, version: str, use_uv: bool, passthrough: List[str], timeout: float,
            pip_stdout: Optional[int] = None, requirements: Optional[List[str]] = None) -> None:
    reqs = requirements or [requirement(version)]
    cmd = command(python, version, use_uv, passthrough, reqs)
    try:
        code = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=pip_stdout, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        code = "a timeout"
    except OSError as e:
        code = str(e)
    if code != 0:
        raise errors.InstallFailed(
            f"hip-python {version} is installed, but installing {' '.join(reqs)} beside it failed "
            f"({code if not isinstance(code, int) else f'exit status {code}'}): does the index have it? "
            f"('./dev build' writes it beside the hip-python wheels). Run the same command again once it does.")
