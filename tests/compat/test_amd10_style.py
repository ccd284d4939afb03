"""Code written for AMD's HIP Python 10.x layout (``rocm.bindings``, ``rocm.version``), on the 5.2.3
wheel: our own scripts in the style of AMD's 10.x examples and harness.

AMD's 10.x example harness opens with ``from rocm.version import ROCM_VERSION_TUPLE, ROCM_VERSION``
and ``from rocm.bindings import hip as hiprt``, calls ``hiprt.hipGetDeviceProperties(0)`` at
collection to read ``props.gcnArchName``, and compares ``hip.ROCM_VERSION`` of the older layout's
package with ``rocm.version``'s; then each example runs in-process (``runpy.run_path``).  Our
harness does the same in the wheel's venv (pytest lent to it), with these examples: a hiprtc
compile, device arrays, a kernel launch with arguments, streams and events, and the ROCm library
modules (hipRAND, hipSPARSE: the ones Debian ships for 5.2.3, from ``library_scripts``, their
imports written the 10.x way), and a library 5.2.3 has no build of.

* on the recording null runtime, every example passes and the recorder shows what reached C;
* on the real 5.2.3 runtime (no GPU here), collection succeeds and an example stops only at the
  runtime's "no device" answer; the GPU-free ones pass.
"""
from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

import pytest

from compat_harness import null_runner
from library_scripts import NO_DEVICE, SCRIPTS as LIBRARY_SCRIPTS
from test_example_harness import pytest_examples
from wheels_for_tests import library_wheel, make_venv

HEAD = '''
import array, ctypes, math
from rocm.version import ROCM_VERSION_TUPLE, HIP_VERSION_TUPLE
from rocm.bindings import hip, hiprtc
from rocm.bindings.util.types import DeviceArray, Pointer


def hip_check(call_result):
    err = call_result[0]
    result = call_result[1:]
    if len(result) == 1:
        result = result[0]
    if isinstance(err, hip.hipError_t) and err != hip.hipError_t.hipSuccess:
        raise RuntimeError(f"{type(err).__name__}.{err.name} ({str(err)})")
    elif isinstance(err, hiprtc.hiprtcResult) and err != hiprtc.hiprtcResult.HIPRTC_SUCCESS:
        raise RuntimeError(f"{type(err).__name__}.{err.name} ({str(err)})")
    return result
'''

KERNEL = '''
source = b"""extern "C" __global__ void scale(float factor, int n, float* x) {
  int tid = threadIdx.x + blockIdx.x * blockDim.x;
  if (tid < n) x[tid] *= factor;
}"""
prog = hip_check(hiprtc.hiprtcCreateProgram(source, b"scale", 0, [], []))
cflags = [b"--offload-arch=gfx90a"]
err, = hiprtc.hiprtcCompileProgram(prog, len(cflags), cflags)
if err != hiprtc.hiprtcResult.HIPRTC_SUCCESS:
    log = bytearray(hip_check(hiprtc.hiprtcGetProgramLogSize(prog)))
    hip_check(hiprtc.hiprtcGetProgramLog(prog, log))
    raise RuntimeError(log.decode())
code = bytearray(hip_check(hiprtc.hiprtcGetCodeSize(prog)))
hip_check(hiprtc.hiprtcGetCode(prog, code))
'''

EXAMPLES = {
    # GPU-free: hiprtc compiles without a device
    "hip/hiprtc_compile.py": (True, KERNEL + '''
hip_check(hiprtc.hiprtcDestroyProgram(prog.createRef()))
print("ok")
'''),
    "hip/version_names.py": (True, '''
import hip as hip_compat                      # the older layout's package, as the harness probes it
from rocm.version import ROCM_VERSION, HIP_VERSION, HIP_VERSION_NAME, rocm_version_name
assert ROCM_VERSION_TUPLE == (5, 2, 3) and ROCM_VERSION == hip_compat.ROCM_VERSION == 50200003
assert HIP_VERSION_TUPLE[:3] == (5, 2, 21153) and HIP_VERSION == 50221153 and rocm_version_name == "5.2.3"
assert HIP_VERSION_NAME.startswith("5.2.21153") and hip.hipMalloc is hip_compat.hip.hipMalloc
print("ok")
'''),
    "hip/device_array.py": (False, '''
n = 60
x_h = array.array("f", [1.0] * n)
num_bytes = x_h.itemsize * n
x_d = hip_check(hip.hipMalloc(num_bytes)).configure(typestr="float32", shape=(3, 20))
assert isinstance(x_d, DeviceArray) and isinstance(x_d, Pointer)
hip_check(hip.hipMemcpy(x_d, x_h, num_bytes, hip.hipMemcpyKind.hipMemcpyHostToDevice))
for r in range(3):
    row = x_d[r, :]
    assert row.size == 20 and int(row) == int(x_d) + r * 80
    assert row.__cuda_array_interface__["typestr"] == "<f4" and row.__cuda_array_interface__["shape"] == (20,)
hip_check(hip.hipMemset(x_d[1, :], 0, 80))
hip_check(hip.hipMemcpy(x_h, x_d, num_bytes, hip.hipMemcpyKind.hipMemcpyDeviceToHost))
hip_check(hip.hipFree(x_d))
print("ok")
'''),
    "hip/launch_kernel_args.py": (False, KERNEL + '''
module = hip_check(hip.hipModuleLoadData(code))
kernel = hip_check(hip.hipModuleGetFunction(module, b"scale"))
n = 100
x_h = array.array("f", [1.0] * n)
x_d = hip_check(hip.hipMalloc(x_h.itemsize * n))
hip_check(hip.hipMemcpy(x_d, x_h, x_h.itemsize * n, hip.hipMemcpyKind.hipMemcpyHostToDevice))
block = hip.dim3(x=32)
grid = hip.dim3(math.ceil(n / block.x))
hip_check(hip.hipModuleLaunchKernel(kernel, *grid, *block, sharedMemBytes=0, stream=None, kernelParams=None,
                                    extra=(ctypes.c_float(1.5), ctypes.c_int(n), x_d)))
hip_check(hip.hipDeviceSynchronize())
hip_check(hip.hipMemcpy(x_h, x_d, x_h.itemsize * n, hip.hipMemcpyKind.hipMemcpyDeviceToHost))
hip_check(hip.hipFree(x_d))
hip_check(hip.hipModuleUnload(module))
hip_check(hiprtc.hiprtcDestroyProgram(prog.createRef()))
print("ok")
'''),
    "hip/stream_events.py": (False, '''
stream = hip_check(hip.hipStreamCreateWithFlags(hip.hipStreamNonBlocking))
start, stop = hip_check(hip.hipEventCreate()), hip_check(hip.hipEventCreate())
hip_check(hip.hipEventRecord(start, stream))
x_d = hip_check(hip.hipMalloc(64))
hip_check(hip.hipMemsetAsync(x_d, 7, 64, stream))
hip_check(hip.hipEventRecord(stop, stream))
hip_check(hip.hipEventSynchronize(stop))
assert isinstance(hip_check(hip.hipEventElapsedTime(start, stop)), float)
for e in (start, stop):
    hip_check(hip.hipEventDestroy(e))
hip_check(hip.hipFree(x_d))
hip_check(hip.hipStreamDestroy(stream))
print("ok")
'''),
    "libraries/missing_library.py": (True, '''
try:
    from rocm.bindings import hipblas
except ImportError as e:                     # Debian has no hipBLAS for 5.2.3: said, not a crash
    assert "(amd_comgr, hiprand, hipsparse, llvm_c)" in str(e), e
else:
    raise AssertionError("hipblas imported")
print("ok")
'''),
}

# the ROCm library examples: library_scripts' programs, their imports written the 10.x way
for _name in ("hiprand_distributions", "hipsparse_axpyi_csrmv"):
    _s = LIBRARY_SCRIPTS[_name]
    _old = f"from hip import hip, {_s.library}"
    assert _old in _s.source
    EXAMPLES[f"libraries/{_name}.py"] = (_s.gpu_free, _s.source.replace(
        _old, f"from rocm.bindings import hip, {_s.library}\nfrom rocm.version import ROCM_VERSION_TUPLE"))

HARNESS = '''
import os, runpy
import pytest
from rocm.version import ROCM_VERSION_TUPLE, ROCM_VERSION
from rocm.bindings import hip as hiprt

device_printf_works = ROCM_VERSION_TUPLE[0:2] != (5, 5)
_, props = hiprt.hipGetDeviceProperties(0)
gpugen = props.gcnArchName.decode("utf-8").split(":")[0]
have_compatible_gpu_target = gpugen == "gfx90a"
try:
    import hip
    have_matching_hip_python = hip.ROCM_VERSION == ROCM_VERSION
except Exception:
    have_matching_hip_python = False
assert have_matching_hip_python
try:
    from cuda.bindings import runtime
    del runtime
    have_hip_python_interop = True
except ImportError:
    have_hip_python_interop = False

python_examples = %(examples)r


@pytest.mark.parametrize("example", python_examples)
def test_python_examples(example):
    runpy.run_path(os.path.join(os.path.dirname(__file__), example))
'''


def write_examples(root: Path) -> Path:
    for path, (_, body) in EXAMPLES.items():
        f = root / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(body if body.lstrip().startswith("import array") else HEAD + body)
    (root / "test_examples.py").write_text(HARNESS % {"examples": sorted(EXAMPLES)})
    return root


def run_harness(python: Path, env: dict, tmp: Path) -> tuple[subprocess.CompletedProcess, dict]:
    return pytest_examples(python, env, tmp, write_examples(tmp / "examples"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp("venv") / "amd10", library_wheel("5.2.3"))


@pytest.fixture(scope="module")
def null(venv, tmp_path_factory):
    return null_runner(venv, tmp_path_factory)


@pytest.fixture(scope="module")
def real_libdirs(runtime_523) -> str:
    """bookworm's HIP 5.2.3 runtime with its hipRAND (real libraries, no GPU); the hipSPARSE example
    stops at its first hipMalloc, before it needs its library."""
    from hip_bindgen import debian, libraries
    entry = libraries.of_release("5.2.3")["hiprand"]
    tree = debian.extract([entry["runtime"], *entry["load_deps"]], "load-hiprand-5.2.3")
    return f"{tree / 'usr/lib/x86_64-linux-gnu'}:{runtime_523 / 'lib/x86_64-linux-gnu'}"


def test_on_the_null_runtime_the_harness_collects_and_every_example_passes(null, tmp_path):
    p, results = run_harness(null.python, null.env(), tmp_path)
    assert set(results) == set(EXAMPLES), p.stdout[-3000:] + p.stderr[-3000:]
    assert {e: m for e, m in results.items() if m is not None} == {}, p.stdout[-4000:]
    calls = null.calls()
    names = [n for n, _ in calls]
    # the harness's collection-time call, then each example's calls reached C
    assert names.index("hipGetDeviceProperties") < names.index("hipMalloc"), names[:5]
    for expected in ("hiprtcCompileProgram", "hipModuleLaunchKernel", "hipEventElapsedTime", "hipMemset",
                     "hiprandCreateGenerator", "hipsparseCreateMatDescr", "hipsparseScsrmv"):
        assert expected in names, expected
    # the kernel arguments reached the launch packed as C lays them out: float, int, then the pointer
    (_, args), = [c for c in calls if c[0] == "hipModuleLaunchKernel"]
    assert [int(a, 16) for a in args[1:7]] == [4, 1, 1, 32, 1, 1]
    assert args[-1] == "extra={" + (struct.pack("<f", 1.5) + struct.pack("<i", 100) + struct.pack("<Q", 0)).hex() + "}"
    # the generator hipRAND created is what every later hipRAND call received
    (create,) = [a for n, a in calls if n == "hiprandCreateGenerator"]
    gen = create[-1].split("=")[1]
    used = [a[0] for n, a in calls if n.startswith("hiprand") and n not in ("hiprandCreateGenerator", "hiprandGetVersion")]
    assert used and all(int(u, 16) == int(gen, 16) for u in used)


def test_on_the_real_runtime_the_harness_collects_and_only_no_device_stops_an_example(venv, real_libdirs, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH", "LD_LIB"))}
    p, results = run_harness(venv, dict(env, LD_LIBRARY_PATH=real_libdirs), tmp_path)
    assert set(results) == set(EXAMPLES), p.stdout[-3000:] + p.stderr[-3000:]
    stopped = []
    for example, failure in sorted(results.items()):
        if EXAMPLES[example][0]:           # GPU-free
            assert failure is None, (example, failure)
        elif failure is not None:
            # the exception hip_check raised, and the failing call in the traceback
            message, text = failure
            answer = message.split("RuntimeError: ", 1)[-1]
            assert message.startswith("RuntimeError: ") and answer in NO_DEVICE and NO_DEVICE[answer] in text, (
                example, message, text[-2000:])
            stopped.append(example)
    # no GPU here: every example that needs one got as far as its first device call, and no further
    assert sorted(stopped) == sorted(e for e, (gpu_free, _) in EXAMPLES.items() if not gpu_free)
