"""AMD's pytest harness for its examples, by mechanism, on the 5.2.3 wheel.

AMD's HIP Python ships ``examples/test_examples.py``; the versions shipped with its hip-python
releases (2023-2024) do, at collection time, ``from hip import ROCM_VERSION_TUPLE`` (to leave
out the device-printf examples on ROCm 5.5), probe ``from cuda import cuda`` (the CUDA interop
examples are collected only when that imports), and then parametrize one test per example path
(``"0_Basic_Usage/hip_stream.py"``, ...) whose body is ``runpy.run_path(<examples dir>/<path>)``:
each example runs in-process as a module named ``"<run_path>"``, and any exception it raises
fails its test.  The later harness (2025) instead imports ``rocm.version`` and
``rocm.bindings.hip``, the modules of AMD's separate ``rocm-bindings`` distribution, and probes
``cuda.bindings.runtime``; it also reads ``props.gcnArchName`` from ``hipGetDeviceProperties(0)``
and ``hip.ROCM_VERSION`` at collection time.

This test writes an examples tree of our own (our example scripts in AMD's user style, under
AMD's file names) with a harness of our own doing the same, and runs pytest *inside the venv of
the wheel* (pytest is lent to it from the suite's own environment): collection must succeed,
every example must pass on the null runtime, and on the real 5.2.3 runtime (no GPU here) an
example may fail only with the runtime's "no device" error.
"""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from compat_harness import null_523  # noqa: F401  (fixture)
from test_amd_style import HEAD, NO_DEVICE, SCRIPTS

# example path (AMD's file names) -> our script of that kind (test_amd_style.SCRIPTS)
EXAMPLES = {
    "0_Basic_Usage/hip_deviceattributes.py": "device_attributes",
    "0_Basic_Usage/hip_deviceproperties.py": "device_properties",
    "0_Basic_Usage/hip_python_device_array.py": "device_array",
    "0_Basic_Usage/hip_stream.py": "stream",
    "0_Basic_Usage/hip_events.py": "events",
    "0_Basic_Usage/hip_host_memory.py": "host_memory",
    "0_Basic_Usage/hiprtc_launch_kernel_args.py": "launch_with_args",
    "0_Basic_Usage/hiprtc_launch_kernel_no_args.py": "hiprtc_compile",
    "0_Basic_Usage/hip_stream_cu_mask.py": "cu_mask_lists",
    "2_Advanced/version_names.py": "gpu_free_api",
}
GPU_FREE = {"hiprtc_compile", "gpu_free_api"}

# Our harness: the mechanism of AMD's, written for this test.
HARNESS = '''
import os, runpy
import pytest
from hip import ROCM_VERSION_TUPLE           # 2024 harness: at collection
import hip
from hip import hip as hiprt
_, props = hiprt.hipGetDeviceProperties(0)   # 2025 harness: the GPU generation, at collection
gpugen = props.gcnArchName.decode("utf-8").split(":")[0]
assert isinstance(hip.ROCM_VERSION, int)     # compared with rocm.version's in 2025
device_printf_works = ROCM_VERSION_TUPLE[0:2] != (5, 5)
try:
    from cuda import cuda                     # hip-python-as-cuda is a separate distribution
    del cuda
    have_hip_python_as_cuda = True
except ImportError:
    have_hip_python_as_cuda = False
assert not have_hip_python_as_cuda
python_examples = %(examples)r

@pytest.mark.parametrize("example", python_examples)
def test_python_examples(example):
    runpy.run_path(os.path.join(os.path.dirname(__file__), example))
'''


def lend_pytest(to: Path) -> Path:
    """A directory holding only pytest and its dependencies (links into this environment)."""
    import importlib
    to.mkdir(exist_ok=True)
    for name in ("pytest", "_pytest", "py", "pluggy", "iniconfig", "packaging", "pygments"):
        src = Path(importlib.import_module(name).__file__)
        src = src.parent if src.name == "__init__.py" else src
        link = to / src.name
        if not link.exists():
            link.symlink_to(src)
    return to


def write_examples(root: Path) -> Path:
    for path, name in EXAMPLES.items():
        f = root / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(HEAD + SCRIPTS[name])
    (root / "test_examples.py").write_text(HARNESS % {"examples": sorted(EXAMPLES)})
    return root


def pytest_examples(python: Path, env: dict, tmp: Path, root: Path) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the harness written at ``root`` with pytest inside the wheel's venv (pytest lent to it):
    the process, and per example None (passed) or (failure message, short traceback)."""
    env = dict(env, PYTHONPATH=str(lend_pytest(tmp / "lent")), PYTHONDONTWRITEBYTECODE="1")
    junit = tmp / "junit.xml"
    p = subprocess.run([str(python), "-m", "pytest", "-p", "no:cacheprovider", "-q", str(root),
                        f"--junitxml={junit}", "-o", "junit_family=xunit2", "--tb=short"],
                       capture_output=True, text=True, env=env, cwd=str(tmp))
    results = {}
    if junit.exists():
        for case in ET.parse(junit).iter("testcase"):
            example = case.get("name").split("[", 1)[1].rstrip("]")
            bad = case.find("failure") if case.find("failure") is not None else case.find("error")
            results[example] = None if bad is None else (bad.get("message") or "", bad.text or "")
    return p, results


def run_harness(python: Path, env: dict, tmp: Path) -> tuple[subprocess.CompletedProcess, dict]:
    p, results = pytest_examples(python, env, tmp, write_examples(tmp / "examples"))
    return p, {e: None if r is None else r[0] for e, r in results.items()}


def test_the_harness_collects_and_every_example_runs_on_the_null_runtime(null_523, tmp_path):
    p, results = run_harness(null_523.python, null_523.env(), tmp_path)
    assert set(results) == set(EXAMPLES), p.stdout[-3000:] + p.stderr[-3000:]
    assert {e: m for e, m in results.items() if m is not None} == {}, p.stdout[-4000:]
    # the examples really ran: the recorder saw each one's calls
    names = {n for n, _ in null_523.calls()}
    assert {"hipModuleLaunchKernel", "hipExtStreamGetCUMask", "hipHostMalloc", "hipEventElapsedTime"} <= names


def test_on_the_real_runtime_the_harness_collects_and_only_no_device_stops_an_example(run_523, tmp_path):
    p, results = run_harness(run_523.python, run_523.env(), tmp_path)
    assert set(results) == set(EXAMPLES), p.stdout[-3000:] + p.stderr[-2000:]
    for example, message in results.items():
        if EXAMPLES[example] in GPU_FREE:
            assert message is None, (example, p.stdout[-3000:])
        elif message is not None:
            assert message.startswith("RuntimeError: ") and message[len("RuntimeError: "):] in NO_DEVICE, (
                example, message, p.stdout[-3000:])
    stopped = sorted(e for e, m in results.items() if m is not None)
    assert stopped, "no example needed the device: the real-runtime run proves nothing"
