"""hip-python-interop's ``pynvml`` (on hip.amdsmi) and ``nvtx`` (on hip.roctx), with 5.7.1's wheel
of those two library modules, on the recording null libraries: what NVIDIA-style code passes reaches
AMD SMI and roctx (the handle, the flags, the struct to fill, the message); NVML's error classes
and codes; a wrong-typed argument is a TypeError; beside NVIDIA's own pynvml/nvtx the import
refuses, naming them.  On the real libraries: tests/matrix/test_library_cells.py."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from compat_harness import null_runner
from nullrt_recorder import OUT_BASE
from wheels_for_tests import ROOT, build_wheel, interop_wheel, make_venv

HANDLE = OUT_BASE + 0x4200   # a processor handle AMD SMI could have given


@pytest.fixture(scope="module")
def wheels() -> list:
    """5.7.1's stable-ABI hip-python with amdsmi and roctx (a fraction of every module's compile), and its
    hip-python-interop (the build writes both)."""
    wheel = build_wheel("5.7.1", python="abi3", libraries="amdsmi,roctx", out=ROOT / "build" / "test-wheels-shims")
    layer = interop_wheel(wheel)
    assert layer is not None, f"the build wrote no hip-python-interop wheel beside {wheel.name}"
    return [wheel, layer]


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheels) -> Path:
    return make_venv(tmp_path_factory.mktemp("venv") / "shims571", *wheels)


@pytest.fixture(scope="module")
def null(venv, tmp_path_factory):
    return null_runner(venv, tmp_path_factory)


def _h(x: str) -> int:
    return int(x, 16)


def test_pynvml_init_enumerates_through_amd_smi_and_shuts_down(null):
    p = null.proc('''
import json, pynvml
out = []
try:
    pynvml.nvmlDeviceGetCount()
except pynvml.NVMLError_Uninitialized as e:
    out.append([e.value, str(e)])
pynvml.nvmlInit()
pynvml.nvmlInit()                       # reference-counted, as NVML's
out.append(pynvml.nvmlDeviceGetCount())  # the null library has no socket: no GPU
pynvml.nvmlShutdown()
pynvml.nvmlShutdown()
print(json.dumps(out))
''')
    assert p.returncode == 0, p.stderr[-3000:]
    assert json.loads(p.stdout) == [[1, "Uninitialized (nvmlInit was not called (or failed))"], 0]
    calls = null.calls()
    # one amdsmi_init (AMDSMI_INIT_AMD_GPUS = 2) for two nvmlInit, the count asked with no array, one shutdown
    assert [(n, [_h(a) for a in args]) for n, args in calls if n in ("amdsmi_init", "amdsmi_shut_down")] == \
        [("amdsmi_init", [2]), ("amdsmi_shut_down", [])]
    (count,) = [args for n, args in calls if n == "amdsmi_get_socket_handles"][:1]
    assert _h(count[0]) != 0 and _h(count[1]) == 0


def test_pynvml_device_queries_pass_the_handle_and_a_struct_to_fill(null):
    p = null.proc(f'''
import json, pynvml
pynvml.nvmlInit()
pynvml._devices.append(pynvml.c_nvmlDevice_t(0, {HANDLE}))   # a GPU the null library cannot enumerate
h = pynvml.nvmlDeviceGetHandleByIndex(0)
mem, util = pynvml.nvmlDeviceGetMemoryInfo(h), pynvml.nvmlDeviceGetUtilizationRates(h)
out = [pynvml.nvmlDeviceGetName(h), [mem.total, mem.free, mem.used], [util.gpu, util.memory],
       pynvml.nvmlSystemGetDriverVersion(), pynvml.nvmlDeviceGetTemperature(h, pynvml.NVML_TEMPERATURE_GPU),
       pynvml.nvmlDeviceGetIndex(h), pynvml.nvmlDeviceGetMigMode(h), pynvml.nvmlDeviceIsMigDeviceHandle(h)]
for bad in (lambda: pynvml.nvmlDeviceGetName(0), lambda: pynvml.nvmlDeviceGetHandleByIndex("0")):
    try:
        bad()
    except TypeError as e:
        out.append(str(e))
try:
    pynvml.nvmlDeviceGetHandleByIndex(1)
except pynvml.NVMLError as e:
    out.append([type(e).__name__, e.value])
print(json.dumps(out))
''')
    assert p.returncode == 0, p.stderr[-3000:]
    name, mem, util, driver, temp, index, mig, is_mig, bad_handle, bad_index, past = json.loads(p.stdout)
    # the null library fills nothing: empty strings, zeros
    assert (name, mem, util, driver, temp, index, mig, is_mig) == ("", [0, 0, 0], [0, 0], "", 0, 0, [0, 0], False)
    assert bad_handle.startswith("expected a device handle") and bad_index.startswith("nvmlDeviceGetHandleByIndex: index")
    assert past == ["NVMLError_InvalidArgument", 2]
    queries = ("amdsmi_get_gpu_asic_info", "amdsmi_get_gpu_board_info", "amdsmi_get_gpu_vram_usage",
               "amdsmi_get_gpu_activity", "amdsmi_get_gpu_driver_info", "amdsmi_get_temp_metric")
    calls = {n: [_h(a) for a in args] for n, args in null.calls() if n in queries}
    for fn in queries:
        assert calls[fn][0] == HANDLE and calls[fn][-1] != 0, (fn, calls.get(fn))
    assert calls["amdsmi_get_temp_metric"][1:3] == [0, 0]   # the edge sensor, its current value


def test_nvml_errors_are_nvidias_classes_and_codes(null):
    p = null.proc('''
import json, pynvml
e = pynvml.NVMLError(pynvml.NVML_ERROR_DRIVER_NOT_LOADED)
print(json.dumps([type(e).__name__, isinstance(e, pynvml.NVMLError), e.value, str(e),
                  e == pynvml.NVMLError_DriverNotLoaded(9), pynvml.NVML_ERROR_UNINITIALIZED,
                  pynvml.NVML_ERROR_NOT_SUPPORTED, pynvml.NVML_ERROR_NOT_FOUND, pynvml.NVML_ERROR_GPU_IS_LOST,
                  pynvml.NVML_ERROR_UNKNOWN, pynvml.nvmlErrorString(pynvml.NVML_ERROR_LIB_RM_VERSION_MISMATCH),
                  type(pynvml.NVMLError(12345)).__name__, pynvml.NVMLError_LibRmVersionMismatch().value]))
''')
    assert p.returncode == 0, p.stderr[-3000:]
    assert json.loads(p.stdout) == ["NVMLError_DriverNotLoaded", True, 9, "Driver Not Loaded", True, 1, 3, 6, 15,
                                    999, "Lib Rm Version Mismatch", "NVMLError", 18]


def test_nvtx_ranges_and_marks_reach_roctx_with_their_messages(null):
    p = null.proc('''
import nvtx
@nvtx.annotate()
def step():
    nvtx.mark("inside", color="green")
with nvtx.annotate("block", color="red", domain="app"):
    step()
nvtx.push_range(b"pushed")
nvtx.pop_range()
rid = nvtx.start_range("async")
nvtx.end_range(rid)
try:
    nvtx.push_range(7)
except TypeError as e:
    print(e)
print(nvtx.enabled(), rid)
''')
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.splitlines() == ["nvtx: a message is a str, not int", "True (0, 0)"]
    # each annotation in order (after the version calls of hip.roctx's import and nvtx's probe)
    names = [n for n, _ in null.calls() if n.startswith("roctx") and not n.startswith("roctx_version")]
    assert names == ["roctxRangePushA", "roctxRangePushA", "roctxMarkA", "roctxRangePop", "roctxRangePop",
                     "roctxRangePushA", "roctxRangePop", "roctxRangeStartA", "roctxRangeStop"]
    assert all(_h(args[0]) != 0 for n, args in null.calls() if n in ("roctxRangePushA", "roctxMarkA"))
    # NVTX_DISABLE: no range or mark reaches roctx, and nvtx does not probe it
    p = null.proc("import nvtx\nnvtx.push_range('x'); nvtx.mark('y'); nvtx.pop_range()\nprint(nvtx.enabled())",
                  NVTX_DISABLE="1")
    assert p.stdout.strip() == "False", p.stderr
    assert [n for n, _ in null.calls() if n.startswith("roctx")] == ["roctx_version_major", "roctx_version_minor"]


@pytest.mark.parametrize("shim,dist,files", [
    ("pynvml", "nvidia-ml-py 12.560.30", {"pynvml.py": "# NVIDIA's\n"}),
    ("nvtx", "nvtx 0.2.10", {"nvtx/nvtx.py": "# NVIDIA's\n", "nvtx/colors.py": ""}),
])
def test_beside_nvidias_own_the_shim_refuses_to_import(wheels, tmp_path, shim, dist, files):
    """NVIDIA's files where pip put them (nvidia-ml-py's pynvml.py beside our pynvml/, which would
    shadow it; NVIDIA's nvtx modules inside our nvtx/): the import names them and the way out."""
    py = make_venv(tmp_path / "mixed", *wheels)
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    name, version = dist.split()
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in files))
    for f, text in files.items():
        (site / f).write_text(text)
    p = subprocess.run([str(py), "-c", f"import {shim}"], capture_output=True, text=True, cwd="/")
    last = p.stderr.strip().splitlines()[-1]
    assert last.startswith(f"ImportError: the {shim} package here mixes hip-python-interop"), p.stderr[-2000:]
    assert dist in last and "`pip uninstall " in last and Path(next(iter(files))).name in last
