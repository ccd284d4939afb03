"""Harness of the compatibility suite (imported by its tests; a conftest.py here would shadow
tests/conftest.py for modules that import from it): the 5.2.3 wheel on the real runtime and on the
recording null runtime (every call succeeds; what reached the C API is in a log)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import nullrt_recorder



class NullRunner:
    """Runs code in a venv against the recording null runtime; ``calls()`` reads the record."""

    def __init__(self, python: Path, lib: Path, log: Path, libraries: dict | None = None):
        self.python, self.lib, self.log = python, lib, log
        self.libraries = libraries or {}   # ROCm library module -> its null runtime

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH"))}
        env.update(LD_LIBRARY_PATH=str(self.lib.parent), HIP_PYTHON_LIBAMDHIP64_PATH=str(self.lib),
                   HIP_PYTHON_LIBHIPRTC_PATH=str(self.lib), HIP_PYTHON_NO_VERSION_CHECK="1",
                   NULLRT_LOG=str(self.log), **extra)
        for lib in self.libraries.values():   # HIP_PYTHON_LIBHIPFFT_PATH=.../libhipfft.so.0
            env[f"HIP_PYTHON_LIB{lib.name.split('.so')[0][3:].upper()}_PATH"] = str(lib)
        return env

    def proc(self, code: str, **extra) -> subprocess.CompletedProcess:
        self.log.write_text("")
        return subprocess.run([str(self.python), "-c", code], capture_output=True, text=True,
                              env=self.env(**extra), cwd="/")

    def calls(self, name: str | None = None):
        calls = nullrt_recorder.parse_log(self.log.read_text())
        return [c for c in calls if name is None or c[0] == name]


def wheel_manifests(python: Path) -> dict:
    """The API manifests the wheel installed for ``python`` carries: ``""`` for hip's (runtime and
    hiprtc), the library module's name for each ROCm library's (``_manifest_hipfft.json``)."""
    site = Path(subprocess.run([str(python), "-c", "import hip, os; print(os.path.dirname(hip.__file__))"],
                               capture_output=True, text=True, check=True,
                               env={"PATH": os.environ["PATH"]}).stdout.strip())
    return {p.stem[len("_manifest_"):]: json.loads(p.read_text()) for p in sorted(site.glob("_manifest*.json"))}


def null_runner(python: Path, tmp_path_factory) -> NullRunner:
    """Recording null runtimes built from the manifests of the wheel installed for ``python``:
    HIP's, and one per ROCm library module the wheel has (each named by its soname)."""
    manifests = wheel_manifests(python)
    d = tmp_path_factory.mktemp("nullrt")
    libraries = {name: nullrt_recorder.build(m, d) for name, m in manifests.items() if name}
    return NullRunner(python, nullrt_recorder.build(manifests[""], d), d / "calls.log", libraries)


@pytest.fixture(scope="session")
def null_523(venv_523, tmp_path_factory) -> NullRunner:
    return null_runner(venv_523, tmp_path_factory)


@pytest.fixture(scope="session")
def null_724(tmp_path_factory) -> NullRunner:
    """The 7.2.4 wheel (built once per session, as the stub tests also build it) on its null runtime:
    the hiprtc linker API (hiprtcLinkCreate & co.) came after 5.2.3."""
    from wheels_for_tests import build_wheel, make_venv
    venv = make_venv(tmp_path_factory.mktemp("venv") / "v724", build_wheel("7.2.4"))
    return null_runner(venv, tmp_path_factory)
