"""The compact backend's dispatcher (hip/_dispatch.pxi), every argument and result code, for real.

No Debian library takes every kind of argument without a GPU, so this test writes one: a tiny
header parsed as hipRAND's (through libraries.py and compact.py, as the real ones), a C file
implementing it that reports what it received, the generated module compiled (Cython, gcc -O0)
into a copy of the 5.2.3 wheel's venv in place of its hiprand module, and the library file
named by ``HIP_PYTHON_LIBHIPRAND_PATH``.  The conversions must be those of hip.hip's ``def``s.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT
from hip_bindgen import libemit, libraries, parse

from wheels_for_tests import library_wheel, make_venv

HEADER = r"""
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <hip/hip_runtime_api.h>
#define HIPRAND_VERSION 201009
#ifdef __cplusplus
extern "C" {
#endif
typedef enum hiprandStatus { HIPRAND_STATUS_SUCCESS = 0, HIPRAND_STATUS_NOT_INITIALIZED = 100 } hiprandStatus_t;
typedef enum hiprandRngType { HIPRAND_RNG_A = 400, HIPRAND_RNG_B = 401 } hiprandRngType_t;
typedef struct hiprandGenerator_st* hiprandGenerator_t;
typedef struct { float x; double y; } hiprandPair;
hiprandStatus_t hiprandGetVersion(int* version);
hiprandStatus_t hiprandCreateGenerator(hiprandGenerator_t* generator, hiprandRngType_t rng_type);
hiprandStatus_t hiprandMix(hiprandGenerator_t generator, int8_t a, int64_t b, uint64_t c, double d, float e,
                           bool f, hiprandPair g, const char* name, void* buf, hipStream_t stream);
const char* hiprandLastCall(void);
hiprandPair hiprandMakePair(float x, double y);
void hiprandNothing(void);
uint32_t hiprandCount(void);
int64_t hiprandBig(void);
hiprandStatus_t hiprandRngOf(hiprandGenerator_t generator, hiprandRngType_t* version);
hiprandStatus_t hiprandFill(unsigned int* values, size_t n, const short* steps);
hiprandStatus_t hiprandCopy(void* dst, const void* src, size_t n);
hiprandStatus_t hiprandWait(void* flag, int ms);
uint32_t hiprandWaitHeld(void* flag, int ms);
typedef void* hiprandHandle_t;   /* a library handle of void* (hipBLAS's, hipSOLVER's) */
hiprandStatus_t hiprandUseHandle(hiprandHandle_t handle, float scale);
#ifdef __cplusplus
}
#endif
"""

SOURCE = r"""
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <stdint.h>
#include <stdbool.h>
typedef struct { float x; double y; } hiprandPair;
static char last[512];
static unsigned count;
int hiprandGetVersion(int* v) { *v = 201009; return 0; }
int hiprandCreateGenerator(void** g, int t) { *g = (void*)(uintptr_t)(0x1000 + t); return 0; }
int hiprandMix(void* gen, int8_t a, int64_t b, uint64_t c, double d, float e, bool f, hiprandPair g,
               const char* name, void* buf, void* stream) {
    snprintf(last, sizeof last, "%lu %d %lld %llu %g %g %d %g %g %s %lu", (unsigned long)(uintptr_t)gen, a,
             (long long)b, (unsigned long long)c, d, (double)e, (int)f, (double)g.x, g.y, name ? name : "(null)",
             (unsigned long)(uintptr_t)stream);
    if (buf) memcpy(buf, "abc", 4);
    return name ? 0 : 100;
}
const char* hiprandLastCall(void) { return last; }
hiprandPair hiprandMakePair(float x, double y) { hiprandPair p = {x * 2, y * 2}; return p; }
void hiprandNothing(void) { count++; }
uint32_t hiprandCount(void) { return count; }
int64_t hiprandBig(void) { return -5000000000LL; }
int hiprandRngOf(void* gen, int* t) { *t = (int)((uintptr_t)gen - 0x1000); return 0; }
int hiprandFill(unsigned* v, size_t n, const short* steps) { for (size_t i = 0; i < n; i++) v[i] = i * steps[0]; return 0; }
int hiprandCopy(void* dst, const void* src, size_t n) { memcpy(dst, src, n); return 0; }
/* spin until another thread sets flag[0] (it can only if the binding released the GIL) */
static int wait_for(volatile char* flag, int ms) {
    for (int i = 0; i < ms * 10 && !flag[0]; i++) usleep(100);
    return flag[0] ? 0 : 100;
}
int hiprandWait(void* flag, int ms) { return wait_for(flag, ms); }
uint32_t hiprandWaitHeld(void* flag, int ms) { return wait_for(flag, ms); }
int hiprandUseHandle(void* h, float scale) {
    snprintf(last, sizeof last, "%lu %g", (unsigned long)(uintptr_t)h, (double)scale); return 0;
}
"""

CALLS = r"""
import inspect, json
from hip import hiprand as r
out = {}
e, gen = r.hiprandCreateGenerator(r.hiprandRngType.HIPRAND_RNG_B)
out["create"] = [e.name, type(gen).__name__, int(gen)]
out["rng"] = [x.name for x in r.hiprandRngOf(gen)]
buf = bytearray(8)
out["mix"] = [r.hiprandMix(gen, -3, 2**40, 2**63, 1.5, 2, True, r.hiprandPair(x=0.5, y=0.25), "név", buf, 7)[0].name,
              r.hiprandLastCall()[1].decode(), bytes(buf[:3]).decode()]
# keywords in any order, a struct given as a tuple, bytes, None for a pointer, an IntEnum for an int
r.hiprandMix(stream=None, buf=None, name=b"kw", g=(1, 2), f=0, e=0.0, d=3, c=0, b=r.HIPRAND_STATUS_NOT_INITIALIZED,
             a=1, generator=0)
out["kw"] = r.hiprandLastCall()[1].decode()
out["null_name"] = r.hiprandMix(0, 0, 0, 0, 0, 0, 0, (0, 0), None, None, None)[0].name
p = r.hiprandMakePair(1.5, 2.5)
out["pair"] = [type(p[1]).__name__, p[1].x, p[1].y]
out["nothing"] = [r.hiprandNothing(), r.hiprandNothing(), r.hiprandCount()]
# AMD's 10.x shape: a result that is not the status comes after the status's success member
out["lead"] = [x.name for x in (r.hiprandCount()[0], r.hiprandBig()[0], r.hiprandLastCall()[0], p[0])]
out["big"] = r.hiprandBig()
values = [7, 7, 7, 7]
r.hiprandFill(values, 3, [-10])       # int arrays: lists packed at the C width, written back
ba = bytearray(8)
r.hiprandFill(ba, 2, (5,))
out["fill"] = [values, list(memoryview(ba).cast("I"))]
# integral real numbers where C takes an integer (AMD's examples pass n / block): the value reaches C
from fractions import Fraction
r.hiprandMix(gen, -3.0, 2.0**40, Fraction(2**64, 2), 1.5, 2, True, (1.0, 2), b"fl", None, None)
floats = [1.0, 2.0, 3.0]
r.hiprandFill(floats, 3.0, [-10.0])
out["floats"] = [r.hiprandLastCall()[1].decode(), floats]
out["version"] = [x if isinstance(x, int) and not hasattr(x, "name") else x.name for x in r.hiprandGetVersion()]
out["sig"] = str(inspect.signature(r.hiprandMix))
out["doc"] = r.hiprandMix.__doc__.splitlines()[-1]
# a handle parameter takes its own class or a raw address: an object with __index__ (a numpy
# integer), a Pointer; another handle type, a struct or a bool is refused (below)
class Address:
    def __index__(self):
        return 4242
from hip._util.types import Pointer
r.hiprandMix(Address(), 0, 0, 0, 0, 0, 0, (0, 0), b"typed", None, Pointer(9))
out["typed"] = r.hiprandLastCall()[1].decode()
errors = []
for call in ["r.hiprandMix(0, 1.5, 0, 0, 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 200, 0, 0, 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 0, 0, -1, 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 0, 0, 0, 'x', 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 0, 0, 0, 0, 0, 0, 'xy', b'', None, None)",
             "r.hiprandMix(0, 0, 0, 0, 0, 0, 0, (0, 0), 3.5, None, None)",
             "r.hiprandMix(0, 0, 0, 0, 0, 0, 0, (0, 0), b'', object(), None)",
             "r.hiprandMix(0, 0, 0, 0, 0, 0, 0, (0, 0), b'')",
             "r.hiprandCreateGenerator(generator=0, rng_type=400)",
             "r.hiprandFill([1, 'x'], 2, [1])",
             "r.hiprandMix(0, float('nan'), 0, 0, 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 0, float('-inf'), 0, 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 0, 0, Fraction(1, 2), 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 0, 0, __import__('decimal').Decimal(1), 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 0, 0, 0, 0, 0, 0, 1.0, b'', None, None)",
             "r.hiprandFill([1, 2.5], 2, [1])",
             "r.hiprandFill([1], 2.5, [1])",
             "r.hiprandMix(r.hiprandPair(), 0, 0, 0, 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(True, 0, 0, 0, 0, 0, 0, (0, 0), b'', None, None)",
             # another module's struct (each module has its own struct base class)
             "r.hiprandMix(__import__('hip.hip').hip.dim3(), 0, 0, 0, 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 2**70, 0, 0, 0, 0, 0, (0, 0), b'', None, None)",
             "r.hiprandMix(0, 0, 0, 0, 0, 0, 0, (0, 0), b'', 2**64, None)",
             "r.hiprandMix(0, 0, 0, 0, 0, 0, 0, (0, 0), b'', None, gen)"]:
    try:
        eval(call)
        errors.append("no error")
    except Exception as exc:
        errors.append(type(exc).__name__ + ": " + str(exc))
out["errors"] = errors
# a library's void* handle (hipblasHandle_t): its create function's Pointer, an address or None
# reach C; a typed handle of another kind or a struct is refused, naming the parameter
used = []
for h in (Pointer(11), 12, None, Address()):
    r.hiprandUseHandle(h, 0.5)
    used.append(r.hiprandLastCall()[1].decode())
void_errors = []
for bad in ("gen", "r.hiprandPair()", "True", "1.5"):
    try:
        r.hiprandUseHandle(eval(bad), 0.5)
        void_errors.append("no error")
    except Exception as exc:
        void_errors.append(type(exc).__name__ + ": " + str(exc))
out["void_handle"] = [used, void_errors]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    """(venv python, library path): the fake hipRAND module installed in place of the real one."""
    tmp = tmp_path_factory.mktemp("compact")
    include = tmp / "include"
    (include / "hip").mkdir(parents=True)
    (include / "hip" / "hip_version.h").write_text("#define HIP_VERSION_MAJOR 5\n#define HIP_VERSION_MINOR 2\n"
                                                   "#define HIP_VERSION_PATCH 21153\n")
    (include / "hip" / "hip_runtime_api.h").write_text(
        "typedef enum hipError_t { hipSuccess = 0 } hipError_t;\ntypedef struct ihipStream_t* hipStream_t;\n")
    (include / "hip" / "hiprtc.h").write_text("")
    (include / "hiprand").mkdir()
    (include / "hiprand" / "hiprand.h").write_text(HEADER)
    (include / "rocrand").mkdir()   # hiprandGetVersion answers rocRAND's version: its headers declare it
    (include / "rocrand" / "rocrand_version.h").write_text("#define ROCRAND_VERSION 201009\n")
    entry = {"version": "5.3.3", "soname": "libhiprand.so.1", "package": "libhiprand1"}
    m = libraries.rehome(libraries.parse_library(include, "hiprand", entry), parse.parse(include))
    src = tmp / "src" / "hip"
    src.mkdir(parents=True)
    (src / "__init__.py").write_text("")
    for name, text in libemit.generate(m).items():
        (src / name).write_text(text)
    for name in ("_runtime.pxi", "_dispatch.pxi"):
        shutil.copyfile(ROOT / "bindings" / "hip" / name, src / name)
    subprocess.run([sys.executable, "-m", "cython", "-3", "-I", str(ROOT / "bindings"), str(src / "hiprand.pyx"),
                    "-o", str(src / "hiprand.c")], check=True, capture_output=True)
    py = make_venv(tmp / "venv", library_wheel("5.2.3"))
    (so_old,) = (tmp / "venv").glob("lib/python*/site-packages/hip/hiprand.*.so")
    subprocess.run(["gcc", "-O0", "-g0", "-shared", "-fPIC", "-w", f"-I{sysconfig.get_paths()['include']}",
                    f"-I{src}", str(src / "hiprand.c"), "-o", str(so_old), "-ldl"], check=True)
    lib = tmp / "libhiprand.so.1"
    (tmp / "fake.c").write_text(SOURCE)
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", str(tmp / "fake.c"), "-o", str(lib)], check=True)
    return py, lib


def test_every_argument_and_result_kind(fake):
    py, lib = fake
    p = subprocess.run([str(py), "-c", CALLS], capture_output=True, text=True, cwd="/",
                       env={"PATH": "/usr/bin:/bin", "HIP_PYTHON_LIBHIPRAND_PATH": str(lib)})
    assert p.returncode == 0, p.stderr
    assert not p.stderr, p.stderr   # the fake declares the headers' version: no mismatch warning
    out = json.loads(p.stdout)
    assert out["create"] == ["HIPRAND_STATUS_SUCCESS", "hiprandGenerator_st", 0x1000 + 401]
    assert out["rng"] == ["HIPRAND_STATUS_SUCCESS", "HIPRAND_RNG_B"]   # an enum out, by its enum
    assert out["mix"] == ["HIPRAND_STATUS_SUCCESS",
                          f"{0x1000 + 401} -3 1099511627776 9223372036854775808 1.5 2 1 0.5 0.25 név 7", "abc"]
    assert out["kw"] == "0 1 100 0 3 0 0 1 2 kw 0"
    assert out["null_name"] == "HIPRAND_STATUS_NOT_INITIALIZED"
    assert out["pair"] == ["hiprandPair", 3.0, 5.0]          # a struct returned by value
    # a library with a status enum, as AMD's 10.x: void gives (SUCCESS,), a plain int (SUCCESS, value)
    assert out["nothing"] == [[0], [0], [0, 2]]
    assert out["lead"] == ["HIPRAND_STATUS_SUCCESS"] * 4
    assert out["big"] == [0, -5000000000]
    assert out["fill"] == [[0, 4294967286, 4294967276, 7], [0, 5]]
    assert out["version"] == ["HIPRAND_STATUS_SUCCESS", 201009]
    assert out["sig"] == "(generator, a, b, c, d, e, f, g, name, buf, stream)"
    assert out["doc"].startswith("C: hiprandStatus_t hiprandMix(hiprandGenerator_t generator, int8_t a,")
    assert out["errors"] == [
        "TypeError: a must be an integer; 1.5 is not integral",
        "OverflowError: a: 200 does not fit the C int8_t it is passed as (-128 .. 127)",
        "OverflowError: c: -1 does not fit the C uint64_t it is passed as (0 .. 18446744073709551615)",
        "TypeError: d: expected a real number (float or int), not str",
        "TypeError: g: expected a hiprandPair (or a tuple/int to build one), not str",
        "TypeError: name: expected an int address, None, a buffer, an object with __cuda_array_interface__ "
        "or a HIP struct, not float",
        "TypeError: buf: expected an int address, None, a buffer, an object with __cuda_array_interface__ "
        "or a HIP struct, not object",
        "TypeError: hiprandMix() takes exactly 11 positional arguments (9 given)",
        "TypeError: hiprandCreateGenerator() got an unexpected keyword argument 'generator'",
        "TypeError: values[1]: expected an int, not str",
        "TypeError: a must be an integer; nan is not integral",
        "TypeError: b must be an integer; -inf is not integral",
        "TypeError: c must be an integer; Fraction(1, 2) is not integral",
        "TypeError: c: expected an int, not Decimal",   # not a numbers.Real: refused as str is
        # a {float x; double y} struct is never built from one number that is a float
        "TypeError: g: expected a hiprandPair (or a tuple/int to build one), not float",
        "TypeError: values[1] must be an integer; 2.5 is not integral",
        "TypeError: n must be an integer; 2.5 is not integral",
        "TypeError: generator: expected hiprandGenerator_st (or an int address, a Pointer or None), not hiprandPair",
        "TypeError: generator: expected hiprandGenerator_st (or an int address, a Pointer or None), not bool",
        "TypeError: generator: expected hiprandGenerator_st (or an int address, a Pointer or None), not dim3",
        "OverflowError: a: 1180591620717411303424 does not fit the C int8_t it is passed as (-128 .. 127)",
        "OverflowError: buf: 18446744073709551616 does not fit a 64-bit address",
        "TypeError: stream: expected ihipStream_t (or an int address, a Pointer or None), not hiprandGenerator_st"]
    assert out["typed"] == "4242 0 0 0 0 0 0 0 0 typed 9"
    used, void_errors = out["void_handle"]
    assert used == ["11 0.5", "12 0.5", "0 0.5", "4242 0.5"]
    assert void_errors == [
        "TypeError: handle: expected the library's handle (the Pointer its create function returns), an int "
        f"address or None, not {t}" for t in ("hiprandGenerator_st", "hiprandPair")] + [
        "TypeError: handle: expected an address (int, None, a buffer, a Pointer or a HIP struct), not a bool",
        "TypeError: handle: expected an int address, None, a buffer, an object with __cuda_array_interface__ "
        "or a HIP struct, not float"]
    assert out["floats"] == [f"{0x1000 + 401} -3 1099511627776 9223372036854775808 1.5 2 1 1 2 fl 0",
                             [0, 4294967286, 4294967276]]


WRITES = r"""
import json, threading, time
from hip import hiprand as r
out = {}
src, dst = b"xyz\0", bytearray(4)
out["copy"] = [r.hiprandCopy(dst, src, 4)[0].name, bytes(dst).decode()]     # bytes where C reads
out["ro_view"] = r.hiprandCopy(dst, memoryview(b"uvw\0"), 4)[0].name
errors = []
for bad in (b"1234", memoryview(bytearray(4)).toreadonly()):
    try:
        r.hiprandCopy(bad, src, 4)
        errors.append("no error")
    except TypeError as exc:
        errors.append(str(exc))
out["errors"] = errors
out["after"] = bytes(dst).decode()


def setter(flag):
    time.sleep(0.05)
    flag[0] = 1


def waits(fn, ms):
    flag = bytearray(1)
    t = threading.Thread(target=setter, args=(flag,))
    t.start()
    res = fn(flag, ms)[-1]   # the status, or the plain int after the status's success member
    t.join()
    return res


# a status-returning call runs without the GIL: the other thread sets the flag it spins on
out["status"] = waits(r.hiprandWait, 5000).name
# a call returning a plain int keeps it: the other thread only runs once the call gave up
out["int"] = waits(r.hiprandWaitHeld, 300)
print(json.dumps(out))
"""


def test_read_only_buffers_refused_where_c_writes_and_the_gil_released(fake):
    """The parameter table's written bit (params.written, as hip.hip's defs) and the nogil
    bit of calls returning the library's status enum (libraries.STATUS_ENUMS)."""
    py, lib = fake
    p = subprocess.run([str(py), "-c", WRITES], capture_output=True, text=True, cwd="/", timeout=120,
                       env={"PATH": "/usr/bin:/bin", "HIP_PYTHON_LIBHIPRAND_PATH": str(lib)})
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["copy"] == ["HIPRAND_STATUS_SUCCESS", "xyz\0"]
    assert out["ro_view"] == "HIPRAND_STATUS_SUCCESS"
    msg = ("dst: C writes through this pointer; expected a writable buffer (bytearray, array, writable "
           "memoryview) or an address, not a read-only ")
    assert out["errors"] == [msg + "bytes", msg + "memoryview"]
    assert out["after"] == "uvw\0"       # nothing was written into the refused buffers
    assert out["status"] == "HIPRAND_STATUS_SUCCESS"
    assert out["int"] == 100


def test_a_library_of_another_version_warns_once(fake, tmp_path):
    """The library's own version call (hiprandGetVersion) against what its headers declare."""
    py, _ = fake
    src = tmp_path / "old.c"
    src.write_text(SOURCE.replace("*v = 201009", "*v = 200500"))
    lib = tmp_path / "libhiprand.so.1"
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", str(src), "-o", str(lib)], check=True)
    # at the import, before any call (the import opens the library), and once
    code = ("import sys\nfrom hip import hiprand as r\nprint('imported', file=sys.stderr)\n"
            "r.hiprandCount(); r.hiprandCount()\nprint(r.hiprandGetVersion()[1])")
    env = {"PATH": "/usr/bin:/bin", "HIP_PYTHON_LIBHIPRAND_PATH": str(lib)}
    p = subprocess.run([str(py), "-c", code], capture_output=True, text=True, cwd="/", env=env)
    assert p.returncode == 0 and p.stdout == "200500\n", p.stderr
    assert p.stderr.startswith("<string>:2: HipVersionMismatchWarning"), p.stderr   # the import's line
    assert p.stderr.count("HipVersionMismatchWarning") == 1, p.stderr
    assert "generated from the hipRAND 5.3.3 headers (declaring version 2.10.9)" in p.stderr
    assert "is version 2.5.0" in p.stderr and "apt install libhiprand1" in p.stderr
    p = subprocess.run([str(py), "-c", code], capture_output=True, text=True, cwd="/",
                       env={**env, "HIP_PYTHON_NO_VERSION_CHECK": "1"})
    assert p.returncode == 0 and p.stderr == "imported\n", p.stderr


OUTS_GIVEN = r"""
import array, ctypes, json
from hip import hiprand as r
out = {}
v = ctypes.c_int(0)
res = r.hiprandGetVersion(ctypes.addressof(v))          # AMD's form: the caller's pointer, result alone
out["addr"] = [len(res), res[0].name, v.value]
a = array.array("i", [0])
out["buffer"] = [len(r.hiprandGetVersion(a)), a[0]]
e, gen = r.hiprandCreateGenerator(r.hiprandRngType.HIPRAND_RNG_A)
t = array.array("i", [0])
out["enum_out"] = [len(r.hiprandRngOf(gen, t)), t[0]]
out["usual"] = [len(r.hiprandGetVersion()), r.hiprandGetVersion()[1]]
out["none"] = [len(r.hiprandGetVersion(None)), len(r.hiprandGetVersion(0))]   # NULL: storage of ours
errors = []
short = bytearray(b"\xaa" * 8)   # an out given too small for C's int: refused before the call
for call in ("r.hiprandGetVersion(b'1234')", "r.hiprandGetVersion(1.5)", "r.hiprandGetVersion(None, None)",
             "r.hiprandGetVersion(version=bytearray(4))", "r.hiprandFill(b'12345678', 2, [1])",
             "r.hiprandFill(memoryview(bytearray(8)).toreadonly(), 2, [1])",
             "r.hiprandGetVersion(memoryview(short)[:1])", "r.hiprandGetVersion(ctypes.c_char(b'x'))",
             "r.hiprandGetVersion(array.array('h', [0]))"):
    try:
        eval(call)
        errors.append("no error")
    except Exception as exc:
        errors.append(type(exc).__name__ + ": " + str(exc).split(";")[0])
out["errors"] = errors
out["untouched"] = short.hex()
fill = array.array("I", [0, 0])
r.hiprandFill(fill, 2, array.array("h", [3]))   # a const short* input takes a read-only-free array too
out["fill"] = list(fill)
print(json.dumps(out))
"""


def test_outs_given_by_the_caller_and_int_arrays_c_writes(fake):
    """A call with every C parameter, positionally (as AMD's bindings take some outs: a pointer C
    writes through), passes the caller's pointers for the outs and returns the result alone; an int
    array C writes refuses a read-only buffer, as any pointer C writes through."""
    py, lib = fake
    p = subprocess.run([str(py), "-c", OUTS_GIVEN], capture_output=True, text=True, cwd="/",
                       env={"PATH": "/usr/bin:/bin", "HIP_PYTHON_LIBHIPRAND_PATH": str(lib)})
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["addr"] == [1, "HIPRAND_STATUS_SUCCESS", 201009]
    assert out["buffer"] == [1, 201009]
    assert out["enum_out"] == [1, 400]
    assert out["usual"] == [2, 201009] and out["none"] == [1, 1]
    assert out["errors"] == [
        "TypeError: version: C writes through this pointer",
        "TypeError: version: expected an int address, None, a buffer, an object with __cuda_array_interface__ "
        "or a HIP struct, not float",
        "TypeError: hiprandGetVersion() takes no arguments (2 given)",
        "TypeError: hiprandGetVersion() got an unexpected keyword argument 'version'",   # positionally only
        "TypeError: values: C writes through this pointer",
        "TypeError: values: C writes through this pointer",
        "ValueError: version: the buffer given holds 1 byte, C writes 4 here: pass at least 4 bytes, or leave "
        "the outs out and take them from the returned tuple",
        "ValueError: version: the buffer given holds 1 byte, C writes 4 here: pass at least 4 bytes, or leave "
        "the outs out and take them from the returned tuple",
        "ValueError: version: the buffer given holds 2 bytes, C writes 4 here: pass at least 4 bytes, or leave "
        "the outs out and take them from the returned tuple"]
    assert out["untouched"] == "aa" * 8
    assert out["fill"] == [0, 3]
