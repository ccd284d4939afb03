"""Per-call cost of the Cython ``cimport`` API (``from hip.chip cimport ...``) beside the floor.

A user-style extension, built against an installed hip-python wheel (its ``hip/chip.pxd`` and
``hip/_capi.h``), calls ``hipGetErrorName`` in a C loop two ways: through the cimport API
(the table ``hip.hip`` fills) and through a pointer it looked up itself with ``dlsym`` from the
already-loaded library (``RTLD_NOLOAD``): the hand-written floor of a C-level call.  The same
from Python: a ``def`` around each, against ``benchmarks/floor.py``'s ``hipGetErrorName``.

    python benchmarks/cimport.py [--wheel hip_python-5.2...whl] [--callgrind]   # real 5.2.3 runtime; JSON
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

PYX = r'''
# cython: language_level=3
from posix.dlfcn cimport dlopen, dlsym, RTLD_NOW
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC
from hip.chip cimport hipRuntimeGetVersion, hipGetErrorName, hipError_t, hipSuccess, hipErrorInvalidValue
from hip.chip cimport dim3, hipDeviceProp_t, HIP_CAPI_VERSION_STRING
from hip.chiprtc cimport hiprtcVersion, hiprtcResult, HIPRTC_SUCCESS, hiprtcGetErrorString

cdef extern from "dlfcn.h":
    int RTLD_NOLOAD

def runtime_version():
    cdef int v = 0
    cdef hipError_t e = hipRuntimeGetVersion(&v)
    return <int>e, v

def error_name(int e):
    cdef const char* s = hipGetErrorName(<hipError_t>e)
    return None if s == NULL else <bytes>s

def hiprtc_version():
    cdef int major = 0, minor = 0
    cdef hiprtcResult r = hiprtcVersion(&major, &minor)
    return <int>r, major, minor, <bytes>hiprtcGetErrorString(HIPRTC_SUCCESS)

def facts():
    cdef dim3 d
    d.x, d.y, d.z = 1, 2, 3
    return (<bytes>HIP_CAPI_VERSION_STRING, sizeof(hipDeviceProp_t), d.y, <int>hipErrorInvalidValue,
            <int>hipSuccess)

cdef double _now() noexcept nogil:
    cdef timespec t
    clock_gettime(CLOCK_MONOTONIC, &t)
    return t.tv_sec + t.tv_nsec * 1e-9

ctypedef const char* (*name_fn)(int) noexcept nogil
cdef name_fn _floor = NULL

def floor_load(bytes path):
    """hipGetErrorName from the library already loaded (RTLD_NOLOAD: never a second load)."""
    global _floor
    cdef void* h = dlopen(path, RTLD_NOW | RTLD_NOLOAD)
    if h == NULL:
        raise OSError(f"{path!r} is not loaded")
    _floor = <name_fn>dlsym(h, b"hipGetErrorName")

def loop(long n, bint capi):
    """Seconds for n C-level calls of hipGetErrorName: through the cimport API (inlined, as a
    user's extension calls it) or through the floor's dlsym'd pointer."""
    cdef long i
    cdef double t0 = _now()
    with nogil:
        for i in range(n):
            if capi:
                hipGetErrorName(<hipError_t>(i & 1))
            else:
                _floor(<int>(i & 1))
    return _now() - t0

def floor_error_name(int e):
    cdef const char* s = _floor(e)
    return None if s == NULL else <bytes>s
'''

SETUP = '''
import sys
from setuptools import Extension, setup
from Cython.Build import cythonize
site = sys.argv.pop(1)   # the site-packages holding the installed wheel's hip/
setup(ext_modules=cythonize([Extension("hipuser", ["hipuser.pyx"], include_dirs=[site],
                                       extra_compile_args=["-O2", "-g0"])],
                            include_path=[site], quiet=True))
'''


def site_packages(python: Path) -> Path:
    """The site-packages of a venv's python (where pip installed hip/)."""
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def build(site: Path, dest: Path, pyx: str = PYX) -> Path:
    """Build ``hipuser`` (from ``pyx``) against the wheel installed in ``site`` (no HIP library is
    linked)."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "hipuser.pyx").write_text(pyx)
    (dest / "setup.py").write_text(SETUP)
    proc = subprocess.run([sys.executable, "setup.py", str(site), "-q", "build_ext", "--inplace"], cwd=dest,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"building hipuser failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return dest


MEASURE = r'''
import json, sys, timeit
import hipuser, hipfloor   # PYTHONPATH: their folders
from hip import hip
lib = hip._library().path.encode()
hipfloor.load(lib)
hipuser.floor_load(lib)
assert hipuser.error_name(1) == hipuser.floor_error_name(1) == b"hipErrorInvalidValue"
n, k = 2_000_000, 200_000
# alternate the two in every round (this machine is shared): minima over 9 rounds each
c_capi = c_floor = py_capi = py_floor = float("inf")
for _ in range(9):
    c_capi = min(c_capi, hipuser.loop(n, True) / n * 1e9)
    c_floor = min(c_floor, hipuser.loop(n, False) / n * 1e9)
    py_capi = min(py_capi, timeit.timeit("f(1)", globals={{"f": hipuser.error_name}}, number=k) / k * 1e9)
    py_floor = min(py_floor, timeit.timeit("f(1)", globals={{"f": hipfloor.hipGetErrorName}}, number=k) / k * 1e9)
print(json.dumps({{"call": "hipGetErrorName", "c_loop_ns": {{"cimport": round(c_capi, 2), "floor": round(c_floor, 2),
                  "ratio": round(c_capi / c_floor, 3)}},
                  "python_def_ns": {{"cimport": round(py_capi, 1), "floor": round(py_floor, 1),
                  "ratio": round(py_capi / py_floor, 3)}}}}))
'''


CALLGRIND = r'''
import hipuser   # PYTHONPATH: its folder
from hip import hip
hipuser.floor_load(hip._library().path.encode())
hipuser.error_name(1)   # the one-time resolution (imports, dlsym) happens here, outside the count
hipuser.loop_{which}({n})
'''


def instructions(python: Path, ext: Path, libdir: Path, which: str, n: int = 100_000) -> int:
    """Instructions executed inside ``loop_<which>(n)`` (callgrind: deterministic, unlike time)."""
    import re
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        f"--toggle-collect=*loop_{which}*", str(python), "-c",
                        CALLGRIND.format(which=which, n=n)],
                       capture_output=True, text=True, check=True,
                       env={"LD_LIBRARY_PATH": str(libdir), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ext)})
        return int(re.search(r"^summary: (\d+)", out.read_text(), re.M).group(1))


def main() -> None:
    import floor
    from _common import CACHE, real_runtime_libdir, build_wheels, venv_with
    # --wheel PATH: an already built 5.2.3 wheel for this interpreter (else build_matrix builds one)
    wheel = Path(sys.argv[sys.argv.index("--wheel") + 1]) if "--wheel" in sys.argv else build_wheels(("5.2.3",))["5.2.3"]
    python = venv_with("cimport-523", wheel)
    key = hashlib.sha256((PYX + SETUP + wheel.name).encode()).hexdigest()[:12]
    ext = build(site_packages(python), CACHE / f"cimport-{key}")
    libdir = real_runtime_libdir()
    proc = subprocess.run([str(python), "-c", MEASURE], capture_output=True, text=True,
                          env={"LD_LIBRARY_PATH": str(libdir), "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": os.pathsep.join([str(ext), str(floor.build())])})
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    result = json.loads(proc.stdout)
    if "--callgrind" in sys.argv:   # instructions per call, floor and cimport, ~1 min
        n = 100_000
        ir = {w: instructions(python, ext, libdir, w, n) / n for w in ("capi", "floor")}
        result["c_loop_instructions"] = {"cimport": round(ir["capi"], 2), "floor": round(ir["floor"], 2),
                                         "ratio": round(ir["capi"] / ir["floor"], 3)}
    result["wheel"] = wheel.name
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
