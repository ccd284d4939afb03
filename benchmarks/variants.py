"""Where the per-call time goes: the generated wrapper's pattern, one ingredient changed at a time.

    python benchmarks/variants.py [--repeats N]

Builds (in the cache directory) a small Cython module, compiled with the wheels' directives
and flags, whose functions copy what emit.py generated before the per-call work of issue 8
for ``hipSetDevice`` (enum result, ``with nogil``, enum member looked up in a dict, fresh
1-tuple; "gil_kept_cached_tuple" is what it generates now), ``hipGetDevice`` (plus an int
out-parameter) and ``hipGetErrorName`` (const char* result, 1-tuple), and variants each
dropping or replacing one ingredient.  Times them on the null runtime (run.py builds it) and
prints ns per call and the ratio to the bare call.  Diagnosis only: nothing here is shipped.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from _common import CACHE, RESULTS, run  # noqa: E402
from percall import built_module, time_stmt  # noqa: E402

PYX = r'''
# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: embedsignature=False, always_allow_keywords=True, binding=False
from libc.stdint cimport int32_t, uint32_t, int64_t
from posix.dlfcn cimport dlopen, dlsym, RTLD_NOW
from cpython.bytes cimport PyBytes_FromString

ctypedef uint32_t (*set_fn)(int32_t) noexcept nogil
ctypedef uint32_t (*get_fn)(int32_t*) noexcept nogil
ctypedef const char* (*name_fn)(uint32_t) noexcept nogil
cdef void* _fp[3]
cdef list _enum_maps = [None]
cdef object _ok = None          # the enum's success member, cached when the enum is built
cdef tuple _ok1 = None          # (success,), immutable, so one shared object is safe

def load(bytes path, enum_cls):
    global _ok, _ok1
    cdef void* h = dlopen(path, RTLD_NOW)
    _fp[0] = dlsym(h, b"hipSetDevice"); _fp[1] = dlsym(h, b"hipGetDevice"); _fp[2] = dlsym(h, b"hipGetErrorName")
    _enum_maps[0] = {int(m): m for m in enum_cls}
    _ok = _enum_maps[0][0]
    _ok1 = (_ok,)

cdef object _enum_member(Py_ssize_t i, int64_t v):   # as in _runtime.pxi
    m = _enum_maps[i]
    r = (<dict>m).get(v)
    return v if r is None else r

cdef object _e(Py_ssize_t i, int64_t v):              # as in the generated module
    return _enum_member(i, v)

cdef inline object _e_fast(Py_ssize_t i, int64_t v):  # proposed: success without a dict lookup
    if v == 0:
        return _ok
    return _enum_member(i, v)

cdef inline object _cstr(const char* s):
    if s == NULL:
        return None
    return PyBytes_FromString(s)

# hipSetDevice ------------------------------------------------------------------------------
def set_generated(int32_t deviceId):
    cdef void* _f_ = _fp[0]
    cdef uint32_t _r_
    with nogil:
        _r_ = (<set_fn>_f_)(deviceId)
    return (_e(0, _r_),)

def set_gil_kept(int32_t deviceId):
    cdef uint32_t _r_ = (<set_fn>_fp[0])(deviceId)
    return (_e(0, _r_),)

def set_fast_enum(int32_t deviceId):
    cdef uint32_t _r_
    with nogil:
        _r_ = (<set_fn>_fp[0])(deviceId)
    return (_e_fast(0, _r_),)

def set_cached_tuple(int32_t deviceId):
    cdef uint32_t _r_
    with nogil:
        _r_ = (<set_fn>_fp[0])(deviceId)
    if _r_ == 0:
        return _ok1
    return (_e(0, _r_),)

def set_gil_kept_cached_tuple(int32_t deviceId):
    cdef uint32_t _r_ = (<set_fn>_fp[0])(deviceId)
    if _r_ == 0:
        return _ok1
    return (_e(0, _r_),)

def set_bare(int32_t deviceId):
    return (<set_fn>_fp[0])(deviceId)

# hipGetDevice ------------------------------------------------------------------------------
def get_generated():
    cdef int32_t _o0 = 0
    cdef uint32_t _r_
    with nogil:
        _r_ = (<get_fn>_fp[1])(&_o0)
    return (_e(0, _r_), _o0,)

def get_gil_kept_fast_enum():
    cdef int32_t _o0 = 0
    cdef uint32_t _r_ = (<get_fn>_fp[1])(&_o0)
    return (_e_fast(0, _r_), _o0,)

def get_bare():
    cdef int32_t _o0 = 0
    cdef uint32_t _r_ = (<get_fn>_fp[1])(&_o0)
    return _r_, _o0

# hipGetErrorName -----------------------------------------------------------------------------
def name_generated(uint32_t hip_error):
    return (_cstr((<name_fn>_fp[2])(hip_error)),)

def name_bare(uint32_t hip_error):
    return _cstr((<name_fn>_fp[2])(hip_error))
'''

SETUP = '''
from setuptools import Extension, setup
from Cython.Build import cythonize
setup(ext_modules=cythonize([Extension("hipvariants", ["hipvariants.pyx"], libraries=["dl"],
      extra_compile_args=["-O2", "-g0", "-Wno-unused-function"])], quiet=True))
'''

CASES = [("set_generated", "f(0)"), ("set_gil_kept", "f(0)"), ("set_fast_enum", "f(0)"),
         ("set_cached_tuple", "f(0)"), ("set_gil_kept_cached_tuple", "f(0)"), ("set_bare", "f(0)"),
         ("get_generated", "f()"), ("get_gil_kept_fast_enum", "f()"), ("get_bare", "f()"),
         ("name_generated", "f(100)"), ("name_bare", "f(100)")]


def build() -> Path:
    d = CACHE / f"variants-{hashlib.sha256((PYX + SETUP + sys.version).encode()).hexdigest()[:12]}"
    if not list(d.glob("hipvariants*.so")):
        d.mkdir(parents=True, exist_ok=True)
        (d / "hipvariants.pyx").write_text(PYX)
        (d / "setup.py").write_text(SETUP)
        run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=d)
    return d


def child(lib: str, moddir: str, repeats: int) -> None:
    import enum
    v = built_module("hipvariants", moddir)
    v.load(lib.encode(), enum.IntEnum("hipError_t", [("hipSuccess", 0), ("hipErrorNoDevice", 100)]))
    out = {name: time_stmt(stmt, {"f": getattr(v, name)}, repeats, 0.01) for name, stmt in CASES}
    json.dump(out, sys.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a.child[0], a.child[1], a.repeats)
    lib = CACHE / "nullrt-5.2.3" / "libamdhip64.so.5"
    if not lib.exists():
        sys.exit("run benchmarks/run.py first (it builds the null runtime)")
    res = json.loads(subprocess.run([sys.executable, __file__, "--repeats", str(a.repeats), "--child", str(lib),
                                     str(build())], check=True, capture_output=True, text=True).stdout)
    print(f"{'variant':<28}{'min ns':>8}{'median':>8}{'vs bare':>9}")
    for name, _ in CASES:
        bare = res[name.split("_")[0] + "_bare"]["min_ns"]
        print(f"{name:<28}{res[name]['min_ns']:>8.1f}{res[name]['median_ns']:>8.1f}{res[name]['min_ns'] / bare:>8.2f}x")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "variants.json").write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
