"""numba-hip, AMD's numba backend, installed from our index on HIP 7.2.4's real runtime (issue 25).

``pip install numba-hip`` with our index, PyPI as the extra index and the constraints
``hip-python-select constraints`` prints installs our wheels of the release under AMD's names
(``rocm-bindings-hip``/``-compiler`` metapackages, ``hip-python-interop``, ``hip-python``), never
AMD's 10.x from PyPI, which pip takes without the constraints; numba, llvmlite, numpy and
numba-hip itself come from PyPI (pinned; resolved from PyPI, installed from the project's
download cache of PyPI's files), libclang too (our ``rocm-bindings-compiler`` requires it).
Then every ``rocm``/``cuda``/``clang`` import numba-hip's sources make is tried in the suite's
Python: every one works (``rocm.comgr``, ``rocm.bindings.llvm.config``,
``rocm.bindings.clang.cindex`` and the LLVM-C modules ``rocm.bindings.llvm.c.*`` included),
``import numba.hip`` works, and numba-hip compiles a Python kernel for gfx90a to a code object
without a GPU (:func:`check_gpu_free_compile`; docs/compatibility.md, "numba-hip").  :data:`LLVM_C`
off would assert instead the exact stop at the LLVM-C bindings (:data:`NEXT_MISSING`), as before
they were built.  Needs root, as every
test here.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
import numba_hip_cell as nh  # noqa: E402
from hip_python_select import distributions  # noqa: E402
from wheels_for_tests import library_wheel  # noqa: E402

RELEASE = "7.2.4"    # numba-hip 0.2.1 requires rocm-bindings-hip>=7.2.3: the one release it accepts
# The LLVM-C bindings (rocm.bindings.llvm.c.*, generated per release from the suite's llvm-N-dev)
# are in the wheel: import numba.hip must work and a kernel must compile (check_gpu_free_compile).
LLVM_C = True
COMPILER = ("rocm.bindings.llvm.c",)   # what may fail while LLVM_C is off, and only that
# where import numba.hip stops while LLVM_C is off: numba-hip's first import of the LLVM-C API
NEXT_MISSING = ("ModuleNotFoundError: No module named 'rocm.bindings.llvm.c'", "numba/hip/util/llvmutils.py:36:")
# names numba-hip reads from cuda.bindings.runtime that AMD's superset has and our CUDA layer lacks
# (docs/compatibility.md): none since the CUDA layer has CUdevice, CUdeviceptr, CUstreamCallback;
# a new gap fails the test
RUNTIME_GAPS: set = set()
PYPI_FILES = "https://files.pythonhosted.org/"


@pytest.fixture(scope="module")
def cell():
    if os.geteuid() != 0:
        pytest.fail("needs root (chroot, mount overlay): run './dev test --all' as root, as CI does", pytrace=False)
    # experimental's Python is 3.14: the abi3 wheel; with every library module of the release
    # (comgr's among them), the one the library cells build
    return nh.run(RELEASE, library_wheel(RELEASE, python="abi3"))


def _compiler(module: str) -> bool:
    return any(module == c or module.startswith(c + ".") for c in COMPILER)


@pytest.mark.parametrize("what", ["resolved", "installed"])
def test_install_takes_our_wheels_under_amds_names(cell, what):
    step = cell["steps"]["resolve" if what == "resolved" else "install"]
    assert step["returncode"] == 0, step["stdout"][-3000:] + step["stderr"][-3000:]
    ours = {n: d for n, d in cell[what].items() if n in distributions.PINNED}
    # numba-hip's own requirements by AMD's names, and the hip-python they require
    assert set(ours) == {"hip-python", "hip-python-interop", "rocm-bindings-hip", "rocm-bindings-compiler"}
    versions = {d["version"] for d in ours.values()}
    assert len(versions) == 1 and versions.pop().startswith("7.2.53211."), ours
    assert all(d["url"].startswith(f"file://{nh.IN_ROOT}/wheels/") for d in ours.values()), ours
    # every constraint line is one range, the release's
    assert cell["constraints"] == [f"{n}>=7.2.53211.0,<7.2.53212" for n in distributions.PINNED]


def test_numba_and_llvmlite_come_from_pypi(cell):
    pins = dict(p.split("==") for p in nh.PYPI_PINS)
    resolved = {n: d for n, d in cell["resolved"].items() if n not in distributions.PINNED}
    installed = {n: d for n, d in cell["installed"].items() if n not in distributions.PINNED}
    assert {n: d["version"] for n, d in resolved.items()} == pins
    assert all(d["url"].startswith(PYPI_FILES) for d in resolved.values()), resolved
    # installed from the project's cache of PyPI's files: the very files PyPI serves
    assert all(d["url"].startswith(f"file://{nh.IN_ROOT}/pypi/") for d in installed.values()), installed
    assert {n: (d["version"], d["sha256"]) for n, d in installed.items()} == \
        {n: (d["version"], d["sha256"]) for n, d in resolved.items()}


def test_without_the_constraints_pip_takes_amds_newest_bindings(cell):
    """Why the constraints: PyPI's rocm-bindings-* (AMD's, for its newest ROCm) outrank ours."""
    free = cell["free"]
    assert cell["steps"]["resolve without constraints"]["returncode"] == 0
    for name in ("rocm-bindings-hip", "rocm-bindings-compiler", "hip-python-interop"):
        assert not free[name]["version"].startswith("7.2.53211."), free[name]
        assert free[name]["url"].startswith("https://files.pythonhosted.org/"), free[name]


def test_numba_hips_imports_of_our_bindings_work(cell):
    probe = cell["probe"]
    assert probe is not None, cell["steps"]["probe"]["stderr"][-3000:]
    modules = probe["modules"]
    # the bindings this project builds, by the names numba-hip imports them under
    # (from rocm.bindings import hip, hiprtc, hiprtc_pyext: a name missing there is in names_missing)
    for mod in ("rocm.bindings", "rocm.bindings.hip", "rocm.bindings.hiprtc_pyext", "rocm.bindings.util.types",
                "rocm.bindings.util.paths", "rocm.version", "cuda.bindings.runtime", "rocm",
                "rocm.bindings.clang.cindex", "rocm.bindings.llvm.config.llvm_config"):
        assert modules.get(mod) == "ok", (mod, modules.get(mod))
    failed = {m: why for m, why in modules.items() if why != "ok"}
    assert all(_compiler(m) for m in failed) and (not failed or not LLVM_C), failed
    missing = probe["names_missing"]
    # every comgr function numba-hip calls (rocm.comgr.*, HIPRTC_RUNTIME_HEADER read from the
    # suite's libhiprtc-builtins), every cindex name, the llvm_config names: none missing
    assert set(missing) <= {"cuda.bindings.runtime"}, missing
    assert set(missing.get("cuda.bindings.runtime", [])) <= RUNTIME_GAPS, missing


def test_numba_hip_imports_and_compiles_a_kernel_without_a_gpu(cell):
    """Off: the exact next missing piece, so anything else breaking fails loudly.  On: the whole
    of numba-hip's GPU-free compile (:func:`check_gpu_free_compile`)."""
    if LLVM_C:
        check_gpu_free_compile(cell)
        return
    probe = cell["probe"]
    assert (probe["import numba.hip"], probe["import numba.hip at"][:len(NEXT_MISSING[1])]) == NEXT_MISSING, probe
    assert cell["compile"] is None


def check_gpu_free_compile(cell):
    """``import numba.hip`` works and numba-hip compiles a Python kernel for gfx90a to a code
    object on the suite's comgr, without a GPU (numba_hip_cell.COMPILE)."""
    probe = cell["probe"]
    assert probe["import numba.hip"] == "ok", probe
    assert {m: w for m, w in probe["modules"].items() if w != "ok"} == {}, probe["modules"]
    assert probe["names_missing"] == ({"cuda.bindings.runtime": sorted(RUNTIME_GAPS)} if RUNTIME_GAPS else {}), \
        probe["names_missing"]
    c = cell["compile"]
    assert c is not None, cell["steps"]["compile"]["stderr"][-3000:]
    assert (c["bitcode"], c["elf"], c["target"]) == ("4243c0de", "7f454c46", "amdgcn-amd-amdhsa--gfx90a"), c
    assert len(c["kernels"]) == 1 and "hip_python_kernel" in c["kernels"][0], c
