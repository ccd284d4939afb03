"""Code written for AMD's HIP Python that uses the ROCm library modules, on our wheels.

The scripts (``library_scripts.py``: hipBLAS saxpy/gemm, hipFFT plans, hipRAND generators,
RCCL communicators, hipSPARSE handles and descriptors, hipSOLVER getrf with its bufferSize,
roctx ranges) run in the wheel's venv:

* on the null runtimes of the wheel's libraries (``nullrt_recorder``: every call succeeds,
  outs are answered, each call is logged): every script prints "ok", and the log shows C got
  what the script meant (the handle Create returned is what the next call receives, alpha
  points to 2.0f, the unique id C filled is passed by value, the communicators InitAll wrote
  reach the broadcast ...);
* on the real runtimes this host has (bookworm's HIP 5.2.3 with its hipRAND; trixie's roctx):
  a script stops only in ``hip_check`` on "no device", the GPU-free ones reach "ok".

5.7.1's wheel has all seven libraries; bookworm's 5.2.3 has hipRAND and hipSPARSE.
"""
from __future__ import annotations

import subprocess

import pytest

from compat_harness import null_runner
from library_scripts import SCRIPTS, for_release, no_device
from nullrt_recorder import OUT_BASE, OUT_INT
from wheels_for_tests import library_wheel, make_venv

RELEASE_LIBRARIES = {"5.7.1": ("amd_comgr", "amdsmi", "hipblas", "hipfft", "hiprand", "hipsolver", "hipsparse", "llvm_c",
                               "rccl", "roctx"),
                     "5.2.3": ("amd_comgr", "hiprand", "hipsparse", "llvm_c")}


@pytest.fixture(scope="module")
def venvs(tmp_path_factory):
    return {r: make_venv(tmp_path_factory.mktemp("venv") / f"lib{r}", library_wheel(r)) for r in RELEASE_LIBRARIES}


@pytest.fixture(scope="module")
def nulls(venvs, tmp_path_factory):
    return {r: null_runner(py, tmp_path_factory) for r, py in venvs.items()}


def _cases():
    return [(r, n) for r, libs in RELEASE_LIBRARIES.items() for n in sorted(for_release(libs))]


@pytest.mark.parametrize("release,name", _cases())
def test_on_the_null_libraries_every_script_runs_to_ok(nulls, release, name):
    runner = nulls[release]
    assert SCRIPTS[name].library in runner.libraries, "the wheel lacks the library"
    p = runner.proc(SCRIPTS[name].source)
    assert p.returncode == 0 and p.stdout.strip().endswith("ok"), p.stderr[-3000:]
    assert any(n.startswith(("hip", "nccl", "roctx")) and not n.startswith(("hipMalloc", "hipMemcpy"))
               for n, _ in runner.calls()), "the script made no library call"


def test_the_wheels_have_the_libraries_of_their_release(nulls):
    from hip_bindgen import libraries
    for release, libs in RELEASE_LIBRARIES.items():
        assert sorted(libraries.of_release(release)) == sorted(libs) == sorted(nulls[release].libraries)


def _h(x: str) -> int:
    return int(x, 16)


def _outs(calls, name):
    return [_h(a[-1].split("=")[1]) for n, a in calls if n == name]


def test_what_c_receives_is_what_the_scripts_meant(nulls):
    runner = nulls["5.7.1"]
    # hipBLAS: the created handle reaches Saxpy and Destroy; alpha points to 2.0f
    assert runner.proc(SCRIPTS["hipblas_saxpy"].source).returncode == 0
    calls = runner.calls()
    (handle,) = _outs(calls, "hipblasCreate")
    (saxpy,) = [a for n, a in calls if n == "hipblasSaxpy"]
    assert _h(saxpy[0]) == handle and _h(saxpy[1]) == 100 and saxpy[-1] == "alpha=0x1p+1"
    assert [a for n, a in calls if n == "hipblasDestroy"] == [[saxpy[0]]]
    # gemm: the enums' values, alpha/beta, the pointer mode set
    assert runner.proc(SCRIPTS["hipblas_gemm_dot"].source).returncode == 0
    (gemm,) = [a for n, a in runner.calls() if n == "hipblasSgemm"]
    assert [_h(x) for x in gemm[1:6]] == [111, 112, 4, 3, 2] and gemm[-2:] == ["alpha=0x1p+0", "beta=0x0p+0"]
    (mode,) = [a for n, a in runner.calls() if n == "hipblasSetPointerMode"]
    assert _h(mode[1]) == 0
    # hipFFT: the plan Plan1d made is executed and destroyed; HIPFFT_FORWARD is -1
    assert runner.proc(SCRIPTS["hipfft_z2z"].source).returncode == 0
    calls = runner.calls()
    (plan,) = _outs(calls, "hipfftPlan1d")
    (plan1d,) = [a for n, a in calls if n == "hipfftPlan1d"]
    assert [_h(x) for x in plan1d[1:4]] == [100, 0x69, 1]
    (ex,) = [a for n, a in calls if n == "hipfftExecZ2Z"]
    assert _h(ex[0]) == plan and ex[1] == ex[2] and _h(ex[3]) & 0xFFFFFFFF == 0xFFFFFFFF
    assert [_h(a[0]) for n, a in calls if n == "hipfftDestroy"] == [plan]
    # hipRAND: the generator reaches every call; sizes and floats by value
    assert runner.proc(SCRIPTS["hiprand_distributions"].source).returncode == 0
    calls = runner.calls()
    (gen,) = _outs(calls, "hiprandCreateGenerator")
    used = [a for n, a in calls if n.startswith("hiprand") and n not in ("hiprandCreateGenerator", "hiprandGetVersion")]
    assert len(used) == 8 and all(_h(a[0]) == gen for a in used)
    (normal,) = [a for n, a in calls if n == "hiprandGenerateNormal"]
    assert _h(normal[2]) == 256 and normal[3:5] == ["0x1p-1", "0x1p+1"]
    (seed,) = [a for n, a in calls if n == "hiprandSetPseudoRandomGeneratorSeed"]
    assert _h(seed[1]) == 1234
    # hipSOLVER: the workspace size the query returned is what getrf receives
    assert runner.proc(SCRIPTS["hipsolver_getrf"].source).returncode == 0
    calls = runner.calls()
    (lwork,) = _outs(calls, "hipsolverDgetrf_bufferSize")
    (getrf,) = [a for n, a in calls if n == "hipsolverDgetrf"]
    assert lwork == OUT_INT and _h(getrf[6]) == lwork and _h(getrf[0]) == _outs(calls, "hipsolverCreate")[0]
    # hipSPARSE: the descriptor made is the one set and used; the index base enum's value
    assert runner.proc(SCRIPTS["hipsparse_axpyi_csrmv"].source).returncode == 0
    calls = runner.calls()
    (descr,) = _outs(calls, "hipsparseCreateMatDescr")
    for fn in ("hipsparseSetMatType", "hipsparseSetMatIndexBase", "hipsparseGetMatIndexBase", "hipsparseDestroyMatDescr"):
        assert [_h(a[0]) for n, a in calls if n == fn] == [descr], fn
    (csrmv,) = [a for n, a in calls if n == "hipsparseScsrmv"]
    assert _h(csrmv[6]) == descr and csrmv[-2:] == ["alpha=0x1p+1", "beta=0x0p+0"]
    (axpyi,) = [a for n, a in calls if n == "hipsparseSaxpyi"]
    assert _h(axpyi[1]) == 4 and _h(axpyi[6]) == 0 and axpyi[-1] == "alpha=0x1p+1"


def test_rccl_communicators_and_unique_ids_reach_c(nulls):
    runner = nulls["5.7.1"]
    # the unique id C filled is passed by value to CommInitRank; its communicator is used
    assert runner.proc(SCRIPTS["rccl_unique_id_allreduce"].source).returncode == 0
    calls = runner.calls()
    (init,) = [a for n, a in calls if n == "ncclCommInitRank"]
    assert init[2] == "{" + bytes(range(1, 129)).hex() + "}" and _h(init[1]) == 1
    comm = _h(init[-1].split("=")[1])
    for fn in ("ncclCommCount", "ncclCommUserRank", "ncclCommCuDevice", "ncclCommDestroy"):
        assert [_h(a[0]) for n, a in calls if n == fn] == [comm], fn
    (allreduce,) = [a for n, a in calls if n == "ncclAllReduce"]
    assert _h(allreduce[5]) == comm and [_h(x) for x in allreduce[2:5]] == [16, 7, 0]
    # one communicator per device: the array InitAll wrote, each element to its broadcast
    assert runner.proc(SCRIPTS["rccl_comminitall_bcast"].source).returncode == 0
    calls = runner.calls()
    (initall,) = [a for n, a in calls if n == "ncclCommInitAll"]
    assert _h(initall[1]) == 2
    comms = [_h(a[4]) for n, a in calls if n == "ncclBcast"]
    assert len(comms) == 2 and len(set(comms)) == 2 and all(c >= OUT_BASE for c in comms)
    assert [_h(a[0]) for n, a in calls if n == "ncclCommDestroy"] == comms


def test_outs_given_as_pointers_as_amds_older_bindings_take_them(nulls):
    """AMD's bindings take some out-parameters as pointers (``hipfftGetVersion(version)`` with a
    buffer, ``ncclCommGetAsyncError(comm, asyncError)``): a call passing every C parameter gives
    C the caller's pointer and returns the result alone; the usual call returns the outs."""
    runner = nulls["5.7.1"]
    p = runner.proc('''
import ctypes, array, json
from hip import hipfft, rccl, hipblas, hipsolver
v = ctypes.c_int(0)
r1 = hipfft.hipfftGetVersion(ctypes.addressof(v))
first = v.value
buf = array.array("i", [0])
r2 = hipfft.hipfftGetVersion(buf)
r3 = hipfft.hipfftGetVersion(None)      # NULL for an out: storage of the wrapper's
usual = hipfft.hipfftGetVersion()
err = ctypes.c_int(7)
r4 = rccl.ncclCommGetAsyncError(None, ctypes.addressof(err))
lwork = ctypes.c_int(0)
r5 = hipsolver.hipsolverDgetrf_bufferSize(None, 3, 3, None, 3, ctypes.addressof(lwork))
bad = []
for f in (lambda: hipfft.hipfftGetVersion(b"1234"), lambda: hipfft.hipfftGetVersion(1.5),
          lambda: hipfft.hipfftGetVersion(None, None), lambda: hipfft.hipfftMakePlan1d(None, 8, 0x2a, 1, 2.5)):
    try:
        f()
        bad.append("accepted")
    except (TypeError, ValueError, OverflowError) as e:
        bad.append(type(e).__name__)
print(json.dumps([len(r1), len(r2), len(r3), first, buf[0], len(usual), usual[1], len(r4), err.value,
                  len(r5), lwork.value, bad]))
''')
    assert p.returncode == 0, p.stderr[-3000:]
    import json
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got == [1, 1, 1, OUT_INT, OUT_INT, 2, OUT_INT, 1, 0, 1, OUT_INT, ["TypeError"] * 4], got


def test_hip_data_type_is_one_class_of_hip_hip(nulls):
    """AMD's hip module has library_types.h's ``hipDataType``; the library modules take it."""
    p = nulls["5.7.1"].proc(
        "import json\nfrom hip import hip, hipsparse, hipfft\n"
        "same = [getattr(m, 'hipDataType', hip.hipDataType) is hip.hipDataType for m in (hipsparse, hipfft)]\n"
        "print(json.dumps([hip.hipDataType.HIP_R_32F.value, hip.hipDataType.HIP_C_64F.value, same]))")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "[0, 5, [true, true]]"


# -- the real runtimes: bookworm's HIP 5.2.3 and hipRAND 5.3.3; trixie's roctx ------------------

def _real_env(libdirs: str) -> dict:
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH", "LD_LIB"))}
    return dict(env, LD_LIBRARY_PATH=libdirs)


@pytest.fixture(scope="module")
def hiprand_523(runtime_523):
    from hip_bindgen import debian, libraries
    entry = libraries.of_release("5.2.3")["hiprand"]
    tree = debian.extract([entry["runtime"], *entry["load_deps"]], "load-hiprand-5.2.3")
    return f"{tree / 'usr/lib/x86_64-linux-gnu'}:{runtime_523 / 'lib/x86_64-linux-gnu'}"


@pytest.mark.parametrize("name", sorted(for_release(["hiprand"])))
def test_on_real_hiprand_a_script_stops_only_at_no_device(venvs, hiprand_523, name, tmp_path):
    script = tmp_path / f"{name}.py"     # from a file: the traceback shows the failing call
    script.write_text(SCRIPTS[name].source)
    p = subprocess.run([str(venvs["5.2.3"]), str(script)], capture_output=True, text=True,
                       env=_real_env(hiprand_523), cwd="/")
    assert p.returncode != 0 and no_device(p.stderr), p.stderr[-3000:]


def test_on_real_roctx_the_gpu_free_script_runs_to_ok(venvs, runtime_523):
    from hip_bindgen import debian, libraries
    entry = libraries.of_release("5.7.1")["roctx"]
    libdir = debian.extract([entry["runtime"]], "load-roctx-5.7.1") / "usr/lib/x86_64-linux-gnu"
    for name, script in for_release(["roctx"]).items():
        assert script.gpu_free
        p = subprocess.run([str(venvs["5.7.1"]), "-c", script.source], capture_output=True, text=True,
                           env=_real_env(f"{libdir}:{runtime_523 / 'lib/x86_64-linux-gnu'}"), cwd="/")
        assert p.returncode == 0 and p.stdout.strip().endswith("ok"), (name, p.stderr[-3000:])
