"""The CUDA layer (hip-python-interop) of the 5.2.3 wheel, installed beside it in a fresh venv.

* generated from the release's hipify table: every CUDA name the layer binds is the very
  object of ``hip.hip``/``hip.hiprtc`` its HIP name is, in ``driver`` and ``runtime`` (one
  superset) and in both spellings; every table entry whose HIP name the bindings expose is
  bound (nothing the table maps and the bindings have is missing); enum member aliases;
* an NVIDIA-style CUDA Python program (nvidia_style.py) runs to "ok" on the recording null
  runtime with its arguments reaching the C API, and on the real 5.2.3 runtime stops only at
  "no device";
* NVIDIA's classes and shapes where HIP's differ: ``CUdevice``/``CUdeviceptr`` and the handle
  classes, ``cuDeviceGetName(len, dev)``, kernel arguments as ``((values), (types))`` (what
  reached C checked byte for byte), and a program in the style of NVIDIA's driver samples;
* the hallucinate switch, the refusal beside another ``cuda`` package, the release check,
  and the import cost (``cuda.bindings.runtime`` at most 2x ``hip.hip``).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from compat_harness import null_runner
from nvidia_style import SCRIPT, TYPED_SCRIPT
from wheels_for_tests import TEST_WHEELS, build_wheel, make_venv

from hip_bindgen import cudalayer, debian, hipify


@pytest.fixture(scope="session")
def interop_523() -> tuple:
    """(hip-python wheel, hip-python-interop wheel) of 5.2.3: the build writes both."""
    hip_wheel = build_wheel("5.2.3")
    version = parse_wheel_filename(hip_wheel.name)[1]
    interop = TEST_WHEELS / f"hip_python_interop-{version}-py3-none-any.whl"
    assert interop.is_file(), f"the build wrote no {interop.name} beside {hip_wheel.name}"
    return hip_wheel, interop


@pytest.fixture(scope="session")
def layer_venv(tmp_path_factory, interop_523) -> Path:
    return make_venv(tmp_path_factory.mktemp("venv") / "cuda523", *interop_523)


@pytest.fixture(scope="session")
def null_layer(layer_venv, tmp_path_factory):
    return null_runner(layer_venv, tmp_path_factory)


@pytest.fixture(scope="session")
def plan_523(null_layer) -> dict:
    from compat_harness import wheel_manifests
    return cudalayer.plan(wheel_manifests(null_layer.python)[""], hipify.table("5.2.3"))


def layer_of(release: str, tmp_path_factory):
    """A venv with the release's hip-python and hip-python-interop wheels, on its null runtime."""
    hip_wheel = build_wheel(release)
    interop = TEST_WHEELS / f"hip_python_interop-{parse_wheel_filename(hip_wheel.name)[1]}-py3-none-any.whl"
    venv = make_venv(tmp_path_factory.mktemp("venv") / f"cuda{release}", hip_wheel, interop)
    return null_runner(venv, tmp_path_factory)


def _write(tmp_path: Path, data) -> Path:
    """Data for the child through a file (a -c argument of every table name is too long for exec)."""
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    return path


def run_real(python: Path, code: str, **env) -> subprocess.CompletedProcess:
    lib = debian.runtime("5.2.3") / "lib" / "x86_64-linux-gnu"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH"))}
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd="/",
                          env={**base, "LD_LIBRARY_PATH": str(lib), **env})


def test_every_bound_cuda_name_is_the_hip_object_in_both_spellings(null_layer, plan_523, tmp_path):
    expected = {**{c: ("hip", h) for c, h in plan_523["functions"].items() if c not in cudalayer.SHAPED},
                **plan_523["lazy"]}
    nv = {**{c: ("hiprtc", h) for c, h in plan_523["nvrtc_functions"].items()}, **plan_523["nvrtc"]}
    assert len(expected) > 1500 and len(nv) > 20
    p = null_layer.proc('''
import json, sys
from hip import hip, hiprtc
from cuda.bindings import driver, runtime, nvrtc
from cuda import cuda, cudart
import cuda.nvrtc as old_nvrtc
mods = {"hip": hip, "hiprtc": hiprtc}
expected, nv = json.load(open(DATA))
bad = []
for cuda_name, (mod, hip_name) in expected.items():
    obj = getattr(mods[mod], hip_name)
    for m in (driver, runtime):
        if getattr(m, cuda_name) is not obj:
            bad.append((m.__name__, cuda_name))
for cuda_name, (mod, hip_name) in nv.items():
    if getattr(nvrtc, cuda_name) is not getattr(mods[mod], hip_name):
        bad.append(("nvrtc", cuda_name))
print(json.dumps({"bad": bad, "old": [cuda is driver, cudart is runtime, old_nvrtc is nvrtc],
                  "malloc": [driver.cuMemAlloc is hip.hipMalloc, runtime.cudaMalloc is hip.hipMalloc,
                             driver.cudaMalloc is runtime.cuMemAlloc]}))
'''.replace("DATA", repr(str(_write(tmp_path, [expected, nv])))))
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout)
    assert out["bad"] == [] and out["old"] == [True, True, True] and out["malloc"] == [True, True, True]


def test_every_table_entry_the_bindings_expose_is_bound(null_layer, plan_523, tmp_path):
    """Independent of the plan: ask the installed hip.hip/hip.hiprtc for each HIP name of the table."""
    have, missing = _table_check(null_layer, "5.2.3", tmp_path)
    assert missing == []
    table = hipify.table("5.2.3")
    bound = len(plan_523["functions"]) + len([c for c in plan_523["lazy"] if c in table])
    assert have == bound, (have, bound)


def test_the_newest_release_layer_binds_its_table_and_runs_nvidia_style_code(tmp_path_factory, tmp_path):
    """7.2.4 (hipify-perl 7.2.4): every table entry its bindings expose is bound, and the
    NVIDIA-style program runs to the end on its null runtime."""
    runner = layer_of("7.2.4", tmp_path_factory)
    have, missing = _table_check(runner, "7.2.4", tmp_path)
    assert missing == [] and have > 2000
    p = runner.proc(SCRIPT)
    assert p.returncode == 0 and p.stdout.strip().endswith("ok"), p.stderr[-3000:]
    assert [int(a, 16) for a in runner.calls("hipModuleLaunchKernel")[0][1][1:8]] == [4, 1, 1, 128, 1, 1, 0]


def _table_check(null_layer, release: str, tmp_path: Path) -> tuple:
    table = {c: e["hip"] for c, e in hipify.table(release).items()}
    p = null_layer.proc('''
import json
from hip import hip, hiprtc
from cuda.bindings import driver, nvrtc
table = json.load(open(DATA))
have, missing = 0, []
for cuda_name, hip_name in table.items():
    for mod in (hip, hiprtc):
        try:
            obj = getattr(mod, hip_name)
        except AttributeError:
            continue
        have += 1
        if getattr(driver, cuda_name, None) is not obj and cuda_name not in SHAPED:
            missing.append(cuda_name)
        break
print(json.dumps([have, missing]))
'''.replace("DATA", repr(str(_write(tmp_path, table)))).replace("SHAPED", repr(cudalayer.SHAPED)))
    assert p.returncode == 0, p.stderr[-3000:]
    return tuple(json.loads(p.stdout))


def test_cuda_enums_are_the_hip_classes_with_every_cuda_member_name(null_layer, plan_523):
    checks = {e: [plan_523["enum_cuda_names"][e], list(plan_523["enum_aliases"][e])]
              for e in plan_523["enum_aliases"] if e in plan_523["enum_cuda_names"]}
    assert "hipError_t" in checks and len(checks) > 20
    p = null_layer.proc('''
import json
from hip import hip
from cuda.bindings import driver, runtime
bad = []
for enum, (cuda_types, pairs) in CHECKS.items():
    cls = getattr(driver, cuda_types[0])
    if any(getattr(runtime, t) is not cls for t in cuda_types) or cls is not getattr(hip, enum):
        bad.append(enum)
    for cuda_name, hip_name in pairs:
        if getattr(cls, cuda_name) is not getattr(cls, hip_name) or cls[cuda_name] is not cls[hip_name]:
            bad.append((enum, cuda_name))
err, = driver.cuInit(0)
hip.hipSuccess      # reaching a member by its HIP name keeps the one class
print(json.dumps([bad, isinstance(err, driver.CUresult), err == driver.CUresult.CUDA_SUCCESS,
                  err is runtime.cudaError_t.cudaSuccess, driver.CUDA_SUCCESS is hip.hipSuccess,
                  len(driver.CUresult) == len(hip.hipError_t.__members__) - len(CHECKS["hipError_t"][1]),
                  [m.name for m in driver.CUresult][:1]]))
'''.replace("CHECKS", repr(checks)))
    assert p.returncode == 0, p.stderr[-3000:]
    bad, is_cu, eq, same, const, no_new_members, first = json.loads(p.stdout)
    assert bad == [] and is_cu and eq and same and const and first == ["hipSuccess"]
    assert not no_new_members   # aliases are aliases: iteration and len() count the HIP members only


def test_cuda_only_enum_members_are_made_up_only_on_request(null_layer):
    code = '''
import json
from cuda.bindings import driver, runtime
try:
    driver.CUresult.CUDA_ERROR_STUB_LIBRARY
    off = "no error"
except AttributeError as e:
    off = str(e)
SWITCH
a = driver.CUresult.CUDA_ERROR_STUB_LIBRARY
b = driver.CUresult.CUDA_ERROR_DEVICE_NOT_LICENSED
real = {int(m) for m in driver.CUresult}
print(json.dumps([off, isinstance(a, driver.CUresult), isinstance(a, runtime.cudaError_t),
                  int(a) not in real, int(a) != int(b), a is driver.CUresult.CUDA_ERROR_STUB_LIBRARY,
                  a.name, repr(a).startswith("<hipError_t.CUDA_ERROR_STUB_LIBRARY: "),
                  a != driver.CUresult.CUDA_SUCCESS]))
'''
    by_env = null_layer.proc(code.replace("SWITCH", "import os; os.environ['HIP_PYTHON_CUresult_HALLUCINATE'] = 'yes'"))
    by_attr = null_layer.proc(code.replace("SWITCH", "driver.HIP_PYTHON_CUresult_HALLUCINATE = True"))
    for p in (by_env, by_attr):
        assert p.returncode == 0, p.stderr[-3000:]
        off, *rest = json.loads(p.stdout)
        assert "CUDA_ERROR_STUB_LIBRARY" in off
        assert rest == [True, True, True, True, True, "CUDA_ERROR_STUB_LIBRARY", True, True]
    bad = null_layer.proc("from cuda.bindings import driver; driver.CUresult.CUDA_ERROR_X",
                          HIP_PYTHON_CUresult_HALLUCINATE="perhaps")
    assert "RuntimeError: value of 'HIP_PYTHON_CUresult_HALLUCINATE' must be one of" in bad.stderr


def test_nvidia_style_program_runs_to_the_end_on_the_null_runtime(null_layer):
    p = null_layer.proc(SCRIPT)
    assert p.returncode == 0 and p.stdout.strip().endswith("ok"), p.stderr[-3000:]
    calls = {name: args for name, args in null_layer.calls()}
    # what reached C: the launch's grid/block, the kernel-argument array's address, no extra
    launch = calls["hipModuleLaunchKernel"]
    assert [int(a, 16) for a in launch[1:8]] == [4, 1, 1, 128, 1, 1, 0]
    assert int(launch[9], 16) != 0 and int(launch[10], 16) == 0
    assert [int(a, 16) for a in calls["hipMemcpyHtoDAsync"][2:3]] == [2048]
    assert int(calls["hipCtxCreate"][1], 16) == 0 and int(calls["hipInit"][0], 16) == 0
    names = [c[0] for c in null_layer.calls()]
    for hip_name in ("hipDeviceGet", "hipDeviceGetAttribute", "hiprtcCreateProgram", "hiprtcCompileProgram",
                     "hiprtcGetCodeSize", "hiprtcGetCode", "hipModuleLoadData", "hipModuleGetFunction",
                     "hipMalloc", "hipStreamCreateWithFlags", "hipEventCreateWithFlags", "hipEventRecord",
                     "hipEventElapsedTime", "hipStreamSynchronize", "hipMemcpy", "hipFree", "hipModuleUnload",
                     "hipCtxDestroy", "hiprtcDestroyProgram"):
        assert hip_name in names, hip_name


def test_nvidia_shapes_where_hip_differs(null_layer):
    """cuCtxCreate with CUDA 13's three arguments, cudaMallocHost(size), int addresses from
    cudaMallocHost/cudaMallocManaged, runtime.dim3, make_cudaExtent & co (NVIDIA's cuda-bindings)."""
    p = null_layer.proc('''
import json
from hip import hip
from cuda.bindings import driver, runtime
out = [driver.cuCtxCreate(None, 0, 3)[0] == driver.CUresult.CUDA_SUCCESS, driver.cuCtxCreate(0, 4)[0] == 0]
try:
    driver.cuCtxCreate(object(), 0, 0)
except TypeError as e:
    out.append(str(e).startswith("cuCtxCreate: HIP has no CUctxCreateParams"))
err, host = runtime.cudaMallocHost(64)
err2, managed = runtime.cudaMallocManaged(128, runtime.cudaMemAttachGlobal)
out += [type(host) is int, type(managed) is int, runtime.dim3 is hip.dim3, runtime.dim3(2, 3).z == 1,
        repr(runtime.make_cudaExtent(1, 2, 3)) == "hipExtent(width=1, height=2, depth=3)",
        runtime.make_cudaPos(4, 5, 6).z == 6, runtime.make_cudaPitchedPtr(0, 2, 3, 4).ysize == 4]
print(json.dumps(out))
''')
    assert p.returncode == 0, p.stderr[-3000:]
    assert json.loads(p.stdout) == [True] * 10
    calls = null_layer.calls()
    assert [(n, [int(a, 16) for a in args[1:]]) for n, args in calls if n == "hipCtxCreate"] == [("hipCtxCreate", [0, 3]), ("hipCtxCreate", [0, 4])]
    assert [int(a, 16) for a in null_layer.calls("hipHostMalloc")[0][1][1:]] == [64, 0]
    assert [int(a, 16) for a in null_layer.calls("hipMallocManaged")[0][1][1:]] == [128, 1]


def test_nvidia_style_program_stops_only_at_no_device_on_the_real_runtime(layer_venv):
    p = run_real(layer_venv, SCRIPT)
    assert p.returncode != 0
    last = p.stderr.strip().splitlines()[-1]
    # cudaGetDeviceCount's hipErrorNoDevice (100), through NVIDIA's own error helper
    assert last == "RuntimeError: CUDA error code=100(hipErrorNoDevice)", p.stderr[-3000:]


def test_import_costs_at_most_twice_hip_hip(layer_venv):
    """-X importtime's cumulative figures of one ``import cuda.bindings.runtime``: its own and those
    of the hip package and hip.hip it imports (what ``import hip.hip`` costs), measured in the
    same moment of a busy machine; the least ratio of 15 runs: cuda.bindings.runtime <= 2x."""
    lib = debian.runtime("5.2.3") / "lib" / "x86_64-linux-gnu"

    def figures() -> tuple:
        err = subprocess.run([str(layer_venv), "-X", "importtime", "-c", "import cuda.bindings.runtime"], cwd="/",
                             capture_output=True, text=True, env={"LD_LIBRARY_PATH": str(lib)}).stderr
        us = {line.split("|")[-1].strip(): int(line.split("|")[1]) for line in err.splitlines() if "|" in line
              and line.split("|")[1].strip().isdigit()}
        return us["hip"] + us["hip.hip"], us["cuda.bindings.runtime"]
    runs = [figures() for _ in range(15)]
    hip_us, layer_us = min(runs, key=lambda r: r[1] / r[0])
    assert layer_us <= 2 * hip_us, (hip_us, layer_us)


def test_beside_another_cuda_package_the_layer_refuses_to_import(tmp_path, interop_523):
    py = make_venv(tmp_path / "mixed", *interop_523)
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # NVIDIA's cuda-bindings as pip leaves it: its files in cuda/bindings, its RECORD owning them
    (site / "cuda" / "bindings" / "_version.py").write_text("__version__ = '12.8.0'\n")
    info = site / "cuda_bindings-12.8.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cuda-bindings\nVersion: 12.8.0\n")
    (info / "RECORD").write_text("cuda/bindings/_version.py,,\n")
    p = subprocess.run([str(py), "-c", "from cuda.bindings import driver"], capture_output=True, text=True, cwd="/")
    last = p.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: the cuda package here mixes hip-python-interop"), p.stderr[-2000:]
    assert "cuda-bindings 12.8.0" in last and "pip uninstall" in last and "_version.py" in last
    shutil.rmtree(info)
    (site / "cuda" / "bindings" / "_version.py").unlink()
    # a layer generated for another release than the installed hip-python
    names = site / "cuda" / "bindings" / "_hip_names.py"
    names.write_text(names.read_text().replace("HIP_VERSION_STRING = '5.2.21153'", "HIP_VERSION_STRING = '7.2.53211'"))
    # same size, maybe the same second as the .pyc the first import wrote: that would still be taken
    shutil.rmtree(names.parent / "__pycache__", ignore_errors=True)
    p = subprocess.run([str(py), "-c", "from cuda.bindings import driver"], capture_output=True, text=True, cwd="/")
    assert "ImportError: hip-python-interop was generated for HIP 7.2.53211" in p.stderr, p.stderr[-2000:]


def test_nvidia_value_and_handle_classes(null_layer):
    """CUdevice and CUdeviceptr are int-like classes NVIDIA's way (constructible from an int,
    int(x), taken wherever the ordinal or the address goes), returned by cuDeviceGet,
    cuCtxGetDevice and cuMemAlloc; the handle classes are HIP's; AMD-style code keeps working
    (the aliases stay the HIP objects, a CUdevice is an int)."""
    p = null_layer.proc("""
import ctypes, json
from hip import hip
from hip._util.types import DeviceArray
from cuda.bindings import driver, runtime
out = {}
err, dev = driver.cuDeviceGet(2)
d7 = driver.CUdevice(7)
out["device"] = [isinstance(err, driver.CUresult), type(dev) is driver.CUdevice, isinstance(dev, int),
                 repr(driver.CUdevice(3)), int(driver.CUdevice(3)), driver.CUdevice() == 0,
                 ctypes.c_int.from_address(d7.getPtr()).value,
                 type(driver.cuCtxGetDevice()[1]) is driver.CUdevice, runtime.CUdevice is driver.CUdevice]
try:
    driver.CUdevice(1.5)
except TypeError:
    out["device"].append("float refused")
driver.cuDeviceGetAttribute(driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_WARP_SIZE, driver.CUdevice(3))
hip.hipDeviceGetAttribute(hip.hipDeviceAttribute_t.hipDeviceAttributeWarpSize, dev)   # AMD style: an int
err, d = driver.cuMemAlloc(64)
p = driver.CUdeviceptr(0x1000)
out["ptr"] = [driver.CUdeviceptr is DeviceArray, runtime.CUdeviceptr_v2 is DeviceArray, isinstance(d, driver.CUdeviceptr),
              int(p), int(driver.CUdeviceptr()), driver.cuMemAlloc is hip.hipMalloc,
              driver.cuLaunchKernel is hip.hipModuleLaunchKernel]
driver.cuMemcpyHtoD(p, bytearray(16), 16)
driver.cuMemcpyDtoH(bytearray(16), driver.CUdeviceptr(0x2000), 16)
handles = {}
for cls, made in (("CUstream", driver.cuStreamCreate(0)[1]), ("CUevent", driver.cuEventCreate(0)[1]),
                  ("CUmodule", driver.cuModuleLoadData(b"x")[1]), ("CUcontext", driver.cuCtxCreate(0, dev)[1])):
    c = getattr(driver, cls)
    handles[cls] = [isinstance(made, c), int(c(0x3000)), c is getattr(runtime, cls)]
out["function"] = isinstance(driver.cuModuleGetFunction(None, b"k")[1], driver.CUfunction)
driver.cuStreamSynchronize(driver.CUstream(0x4000))
out["handles"] = handles
cb = runtime.CUstreamCallback(0x5000)   # numba-hip's way to a C callback's address
runtime.cuStreamAddCallback(driver.CUstream(0x4000), cb, 0x77, 0)
out["callback"] = [int(cb), runtime.CUstreamCallback is driver.CUstreamCallback,
                   runtime.cudaStreamCallback_t is driver.CUstreamCallback]
print(json.dumps(out))
""")
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout)
    assert out["device"] == [True, True, True, "<CUdevice 3>", 3, True, 7, True, True, "float refused"]
    assert out["ptr"] == [True, True, True, 0x1000, 0, True, True]
    assert out["handles"] == {c: [True, 0x3000, True] for c in ("CUstream", "CUevent", "CUmodule", "CUcontext")}
    assert out["function"] is True
    calls = null_layer.calls()
    assert [int(a, 16) for a in null_layer.calls("hipDeviceGet")[0][1][1:]] == [2]
    assert [int(args[2], 16) for n, args in calls if n == "hipDeviceGetAttribute"] == [3, 0]   # the null runtime wrote no ordinal
    assert int(null_layer.calls("hipMemcpyHtoD")[0][1][0], 16) == 0x1000
    assert int(null_layer.calls("hipMemcpyDtoH")[0][1][1], 16) == 0x2000
    assert int(null_layer.calls("hipStreamSynchronize")[0][1][0], 16) == 0x4000
    assert out["callback"] == [0x5000, True, True]
    assert [int(a, 16) for a in null_layer.calls("hipStreamAddCallback")[0][1][:3]] == [0x4000, 0x5000, 0x77]


def test_cu_device_get_name_answers_nvidias_bytes(null_layer):
    p = null_layer.proc("""
import json
from cuda.bindings import driver
err, name = driver.cuDeviceGetName(16, driver.CUdevice(1))
buf = bytearray(8)
hip_form = driver.cuDeviceGetName(buf, 8, 0)   # HIP's own (name, len, device) still goes through
try:
    driver.cuDeviceGetName(16.5, 0)
    bad = "accepted"
except TypeError as e:
    bad = "TypeError"
print(json.dumps([err == driver.CUresult.CUDA_SUCCESS, type(name).__name__, len(name), name == b" " * 16,
                  len(hip_form), bad]))
""")
    assert p.returncode == 0, p.stderr[-3000:]
    assert json.loads(p.stdout) == [True, "bytes", 16, True, 1, "TypeError"]
    (first, second) = [args for _, args in null_layer.calls("hipDeviceGetName")]
    assert int(first[0], 16) != 0 and [int(a, 16) for a in first[1:]] == [16, 1]
    assert [int(a, 16) for a in second[1:]] == [8, 0]


def test_kernel_arguments_as_values_and_types(null_layer):
    """NVIDIA's ((values), (types)) to cuLaunchKernel (which stays hip.hipModuleLaunchKernel):
    each value reaches C at its ctypes type, a None type takes what cuMemAlloc/cuStreamCreate
    return, a struct or an enum member; AMD's forms (extra=, a void** address) are unchanged."""
    p = null_layer.proc("""
import ctypes, json
from hip import hip
from cuda.bindings import driver, runtime
class Pair(ctypes.Structure):
    _fields_ = [("a", ctypes.c_int), ("b", ctypes.c_int)]
d = driver.CUdeviceptr(0x1122334455)
s = driver.CUstream(0x7000)
values = (d, s, 7, -2, 1.5, 2.25, 1 << 40, 0xABC, None, driver.CUresult.CUDA_ERROR_NO_DEVICE, Pair(5, 6), hip.dim3(9, 8, 7))
types = (None, None, ctypes.c_int, ctypes.c_short, ctypes.c_float, ctypes.c_double, ctypes.c_size_t,
         ctypes.c_void_p, ctypes.c_void_p, None, None, None)
err, = driver.cuLaunchKernel(None, 1, 1, 1, 32, 1, 1, 0, None, (values, types), 0)
errors = []
for bad in (((1, 2), (ctypes.c_int,)), ((1.5,), (ctypes.c_int,)), ((1,), (ctypes.c_char_p,)), ((1,), (None,)),
            ((1 << 40,), (ctypes.c_int,)), ((-1,), (ctypes.c_size_t,)), ((True,), (ctypes.c_void_p,))):
    try:
        driver.cuLaunchKernel(None, 1, 1, 1, 1, 1, 1, 0, None, bad, 0)
        errors.append("accepted")
    except (TypeError, OverflowError) as e:
        errors.append(type(e).__name__ + ": " + str(e).split(":")[0])
driver.cuLaunchKernel(None, 1, 1, 1, 1, 1, 1, 0, None, ((), ()), 0)
runtime.cudaLaunchKernel(0x10, (1, 1, 1), (1, 1, 1), ((d, 3), (None, ctypes.c_int)), 0, None)
print(json.dumps([err == 0, errors]))
""", NULLRT_KPARAMS="12")
    assert p.returncode == 0, p.stderr[-3000:]
    ok, errors = json.loads(p.stdout)
    assert ok and errors == ["TypeError: kernelParams", "TypeError: kernelParams[0]",
                             "TypeError: kernelParams[0]", "TypeError: kernelParams[0]",
                             "OverflowError: kernelParams[0]", "OverflowError: kernelParams[0]",
                             "TypeError: kernelParams[0]"], errors
    launches = null_layer.calls("hipModuleLaunchKernel")
    kp = [a for a in launches[0][1] if a.startswith("kernelParams=")][0][len("kernelParams="):]
    slots = [bytes.fromhex(x) for x in kp.strip("{}").split("}{")]
    le = lambda v, n=8: v.to_bytes(n, "little", signed=v < 0)   # noqa: E731
    import struct
    assert slots[0] == le(0x1122334455) and slots[1] == le(0x7000)
    assert slots[2][:4] == le(7, 4) and slots[3][:2] == le(-2, 2)
    assert slots[4][:4] == struct.pack("<f", 1.5) and slots[5] == struct.pack("<d", 2.25)
    assert slots[6] == le(1 << 40) and slots[7] == le(0xABC) and slots[8] == le(0)
    assert slots[9][:4] == le(100, 4)                       # hipErrorNoDevice's value, as a C int
    assert slots[10] == le(5, 4) + le(6, 4)                 # the ctypes struct's own memory
    assert slots[11] == le(9, 4) + le(8, 4)                 # the HIP struct's own memory
    assert int(launches[-1][1][9], 16) == 0                 # ((), ()): NULL, as NVIDIA's
    assert len(launches) == 2                               # the refused ones never reached C
    (launch,) = null_layer.calls("hipLaunchKernel")
    assert int(launch[1][0], 16) == 0x10 and int(launch[1][3], 16) != 0


def test_typed_nvidia_program_runs_to_the_end_on_the_null_runtime(null_layer):
    p = null_layer.proc(TYPED_SCRIPT, NULLRT_KPARAMS="4")
    assert p.returncode == 0 and p.stdout.strip().endswith("ok"), p.stderr[-3000:]
    vec, scale = [args for _, args in null_layer.calls("hipModuleLaunchKernel")]
    assert [int(a, 16) for a in vec[1:8]] == [4, 1, 1, 256, 1, 1, 0]
    def slots(args):
        (kp,) = [a for a in args if a.startswith("kernelParams={")]
        return [bytes.fromhex(x) for x in kp[len("kernelParams={"):-1].split("}{")]
    assert slots(vec)[3][:4] == (1000).to_bytes(4, "little")     # N as ctypes.c_int
    slots = slots(scale)
    import struct
    assert slots[1][:4] == struct.pack("<f", 0.5) and slots[2] == (1000).to_bytes(8, "little")
    assert [int(a, 16) for a in null_layer.calls("hipCtxCreate")[0][1][1:]] == [0, 0]
    assert [int(a, 16) for a in null_layer.calls("hipDeviceGetName")[0][1][1:]] == [256, 0]
    names = [c[0] for c in null_layer.calls()]
    for hip_name in ("hipInit", "hipDeviceGet", "hipGetDeviceProperties", "hiprtcCompileProgram",
                     "hipModuleLoadData", "hipModuleGetFunction", "hipMalloc", "hipMemcpyHtoD",
                     "hipMemcpyDtoH", "hipFree", "hipCtxDestroy"):
        assert hip_name in names, hip_name


def test_typed_nvidia_program_stops_only_at_no_device_on_the_real_runtime(layer_venv):
    """HIP 5.2.3's hipInit without a GPU answers hipErrorInvalidDevice (101): the sample's
    checkCudaErrors(cuInit(0)) stops there, on the runtime's answer, at that line."""
    p = run_real(layer_venv, TYPED_SCRIPT)
    assert p.returncode != 0
    line = TYPED_SCRIPT.splitlines().index("checkCudaErrors(driver.cuInit(0))   # stops here with no device on the real runtime") + 1
    assert p.stderr.strip().splitlines()[-1] == "RuntimeError: CUDA error code=101(hipErrorInvalidDevice)", p.stderr[-3000:]
    assert f'File "<string>", line {line}, in <module>' in p.stderr, p.stderr[-3000:]


def test_nvidia_style_programs_type_check_against_the_layer_stubs(layer_venv, tmp_path):
    """mypy on both NVIDIA-style programs with the layer's stubs: every CUDA name is exported
    (``name = module.object``; ``from m import a as b`` exported none of them), a CUDA enum
    carrying CUDA member names at run time is ``Any`` there, NVIDIA's kernel-argument tuples
    and lists of bytes fit the parameter types."""
    for name, text in (("nvidia_style.py", SCRIPT), ("nvidia_typed.py", TYPED_SCRIPT)):
        (tmp_path / name).write_text(text)
    p = subprocess.run([sys.executable, "-m", "mypy", "--python-executable", str(layer_venv), "--no-incremental",
                        "--cache-dir", str(tmp_path / ".mypy"), "nvidia_style.py", "nvidia_typed.py"],
                       capture_output=True, text=True, cwd=tmp_path,
                       env={k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")})
    assert p.returncode == 0 and "Success: no issues found in 2 source files" in p.stdout, p.stdout[-3000:]
