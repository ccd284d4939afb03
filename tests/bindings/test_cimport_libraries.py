"""The Cython cimport API of the ROCm library modules (AMD's ``hip.chiprand``, ``hip.croctx`` ...):
a user's extension built against an installed all-library wheel calls the real library through
the library module's own function table, answering as the Python call does, with no link-time
dependency on the library; every library pxd of 5.7.1 (the seven and AMD SMI 6.1.2) is valid Cython and its
header valid C."""
from __future__ import annotations

import json
import subprocess
import zipfile

from hip_bindgen import debian, libraries
from test_libraries import _run, bookworm_libs, venv_523, venv_571, wheel_523  # noqa: F401 (fixtures)
import cimport as user_ext   # benchmarks/cimport.py (pytest's pythonpath, pyproject.toml)

LIBS = ("hipblas", "hipfft", "hiprand", "hipsparse", "hipsolver", "roctx", "rccl", "amdsmi", "amd_comgr")
# AMD's module names of the cimport API, one per library
AMD_NAMES = {"hipblas": "chipblas", "hipfft": "chipfft", "hiprand": "chiprand", "hipsparse": "chipsparse",
             "hipsolver": "chipsolver", "roctx": "croctx", "rccl": "crccl", "amdsmi": "camdsmi",
             "amd_comgr": "camd_comgr"}

PYX_523 = r'''
# cython: language_level=3
from hip.chiprand cimport hiprandGetVersion, hiprandStatus_t, HIPRAND_STATUS_SUCCESS, HIPRAND_STATUS_NOT_IMPLEMENTED
from hip.chiprand cimport hiprandGenerator_t, HIPRAND_RNG_PSEUDO_MRG32K3A
from hip.chipsparse cimport hipsparseStatus_t, HIPSPARSE_STATUS_NOT_SUPPORTED, hipStream_t
from hip.chip cimport hipStream_t as chip_stream   # the same HIP type through either pxd

def version():
    cdef int v = 0
    cdef hiprandStatus_t s = hiprandGetVersion(&v)
    return <int>s, v

def facts():
    cdef hipStream_t s = NULL
    cdef chip_stream t = s
    return (<int>HIPRAND_STATUS_SUCCESS, <int>HIPRAND_STATUS_NOT_IMPLEMENTED, <int>HIPRAND_RNG_PSEUDO_MRG32K3A,
            <int>HIPSPARSE_STATUS_NOT_SUPPORTED, sizeof(hiprandGenerator_t))
'''

# every library pxd of 5.7.1 (AMD SMI's packed structs and libc's timespec too), cimported whole: Cython checks each declaration, gcc each inline
PYX_571 = "# cython: language_level=3\n" + "".join(f"cimport hip.{n}\n" for n in ["chip", *AMD_NAMES.values()]) + r'''
from hip.croctx cimport roctx_version_major, roctx_version_minor, roctxRangePushA, roctxRangePop, roctxMarkA
from hip.chipblas cimport hipblasHandle_t, hipblasCreate, hipblasStatus_t, HIPBLAS_STATUS_NOT_SUPPORTED
from hip.chipfft cimport hipfftGetVersion, hipfftResult, HIPFFT_NOT_IMPLEMENTED
from hip.crccl cimport ncclGetVersion, ncclResult_t, ncclSystemError

def roctx():
    cdef int outer = roctxRangePushA(b"outer")
    roctxMarkA(b"here")
    return [roctx_version_major(), roctx_version_minor(), outer, roctxRangePushA(b"inner"), roctxRangePop(),
            roctxRangePop()]

def fft_version():
    cdef int v = 0
    cdef hipfftResult r = hipfftGetVersion(&v)
    return <int>r, v

def facts():
    return <int>HIPBLAS_STATUS_NOT_SUPPORTED, <int>HIPFFT_NOT_IMPLEMENTED, <int>ncclSystemError
'''


def _needed(ext):
    (so,) = ext.glob("hipuser*.so")
    return subprocess.run(["readelf", "-d", str(so)], capture_output=True, text=True, check=True).stdout


def test_wheel_ships_the_pxds_of_its_libraries_only(wheel_523):
    names = set(zipfile.ZipFile(wheel_523).namelist())
    for lib in ("hiprand", "hipsparse", "amd_comgr"):
        assert f"hip/{AMD_NAMES[lib]}.pxd" in names and f"hip/_capi_{lib}.h" in names, lib
    assert not any(f"hip/{AMD_NAMES[lib]}.pxd" in names or f"hip/_capi_{lib}.h" in names
                   for lib in ("hipblas", "hipfft", "hipsolver", "roctx", "rccl"))


def test_hiprand_through_cimport_on_the_real_bookworm_library(venv_523, bookworm_libs, tmp_path):
    ext = user_ext.build(user_ext.site_packages(venv_523), tmp_path / "ext", PYX_523)
    needed = _needed(ext)
    assert "NEEDED" in needed and not any(n in needed for n in ("hiprand", "rocrand", "hipsparse", "amdhip64"))
    code = f"""
import sys, json
import hipuser
before = "hip.hiprand" in sys.modules
c = hipuser.version()
from hip import hiprand, hipsparse
e, v = hiprand.hiprandGetVersion()
maps = {{l.split()[-1] for l in open("/proc/self/maps") if "libhiprand" in l}}
print(json.dumps([before, c, [int(e), v], hipuser.facts(), len(maps),
                  [int(hiprand.hiprandStatus.HIPRAND_STATUS_SUCCESS), int(hiprand.hiprandStatus.HIPRAND_STATUS_NOT_IMPLEMENTED),
                   int(hiprand.hiprandRngType.HIPRAND_RNG_PSEUDO_MRG32K3A),
                   int(hipsparse.hipsparseStatus_t.HIPSPARSE_STATUS_NOT_SUPPORTED), 8]]))
"""
    p = _run(venv_523, code, LD_LIBRARY_PATH=bookworm_libs, PYTHONPATH=str(ext))
    assert p.returncode == 0, p.stderr
    before, c, py, facts, nlibs, py_facts = json.loads(p.stdout)
    assert before is False                      # nothing imported until the first call
    assert c == py == [0, 201009]               # the real hipRAND 5.3.3, as Python answers it
    assert facts == py_facts and nlibs == 1     # enum values as Python's; one library, hip.hiprand's
    # a library file lacking the function: the call returns the not-implemented status and
    # prints the loader's error naming the function (the extension keeps running)
    fake = tmp_path / "libhiprand.so.1"
    fake.symlink_to("/lib/x86_64-linux-gnu/libm.so.6")
    p = _run(venv_523, "import json, hipuser\nprint(json.dumps([hipuser.version(), hipuser.version()]))",
             LD_LIBRARY_PATH=bookworm_libs, HIP_PYTHON_LIBHIPRAND_PATH=str(fake), PYTHONPATH=str(ext))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == [[py_facts[1], 0]] * 2
    assert "HipFunctionNotFoundError" in p.stderr and "hiprandGetVersion is not exported by" in p.stderr


def test_extension_for_another_wheel_is_refused(venv_523):
    p = _run(venv_523, "from hip import hiprand\ntry:\n    hiprand._capi_resolve(0, '0' * 16)\n"
             "except ImportError as e:\n    print(e)")
    assert "hip/_capi_hiprand.h called into hip.hiprand of HIP 5.2.21153: rebuild it against the installed wheel" \
        in p.stdout, p.stdout + p.stderr


def test_every_library_pxd_of_571_compiles_and_roctx_answers(venv_571, tmp_path):
    ext = user_ext.build(user_ext.site_packages(venv_571), tmp_path / "ext", PYX_571)
    c = (ext / "hipuser.c").read_text()
    assert all(f'#include "hip/_capi_{lib}.h"' in c for lib in LIBS)    # all nine headers compiled
    needed = _needed(ext)
    assert "NEEDED" in needed and not any(n in needed for n in ("roctx", "hipblas", "hipfft", "rccl", "amdhip64"))
    entry = libraries.of_release("5.7.1")["roctx"]
    libdir = debian.extract([entry["runtime"]], "load-roctx-5.7.1") / "usr/lib/x86_64-linux-gnu"
    code = f"""
import sys, json, warnings
warnings.simplefilter("ignore")
import hipuser
c = hipuser.roctx()
from hip import roctx, hipblas, hipfft, rccl
py = [roctx.roctx_version_major()[0], roctx.roctx_version_minor()[0]]
print(json.dumps([c, py, hipuser.facts(), [int(hipblas.hipblasStatus_t.HIPBLAS_STATUS_NOT_SUPPORTED),
                  int(hipfft.hipfftResult_t.HIPFFT_NOT_IMPLEMENTED), int(rccl.ncclResult_t.ncclSystemError)],
                  hipuser.fft_version()]))
"""
    p = _run(venv_571, code, LD_LIBRARY_PATH=str(libdir), PYTHONPATH=str(ext))
    assert p.returncode == 0, p.stderr
    c, py, facts, py_facts, fft = json.loads(p.stdout)
    assert c[:2] == py == [4, 1] and c[2:] == [0, 1, 1, 0]
    assert facts == py_facts
    # hipFFT is not installed here: the call returns its not-implemented status, the error printed
    assert fft == [py_facts[1], 0] and "hipFFT" in p.stderr and "RocmLibraryNotFoundError" in p.stderr
