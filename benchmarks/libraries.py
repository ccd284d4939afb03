"""Instructions per call of the cheapest call of each ROCm library module, against a hand-written floor.

    python benchmarks/libraries.py [--rounds 2] [-n 20000] [--wheels DIR] [--only FUNCTIONS]

One row per (library, function): ``real`` where the library loads on this bookworm host
(bookworm's hipRAND 5.3.3 on the real HIP 5.2.3 runtime, 5.2.3 wheel; trixie's libroctx64,
which needs only libc, 5.7.1 wheel), ``null`` for every library of the 6.4.3 wheel (the
richest: it has all seven, and hipSPARSE's ``hipsparseGetErrorName`` only exists from hipSPARSE
3; hipBLASLt, hipSPARSELt and AMD SMI: the 7.2.4 wheel, the one with all three): the callee is a null library generated from the library's own manifest (``nullrt.py``:
every function with its real prototype, returning at once; a ``const char*`` function returns
a static string, as the real ones do).  Both sides call the same C symbol, so what differs is
the binding's own work: a null callee is fair for the ratio.  hipFFT, hipBLAS, hipSPARSE,
hipSOLVER, RCCL, hipBLASLt, hipSPARSELt and AMD SMI cannot load here (glibc >= 2.38, or GPU
backends of several GB).  hipBLASLt's row is ``hipblasLtDestroy(0)`` (its GPU-free calls need a
handle), hipSPARSELt's ``hipsparseLtGetProperty`` (an ``int*`` out beside an enum in), AMD SMI's
``amdsmi_status_code_to_string`` (a ``const char**`` out: the null twin leaves it NULL, both sides
return None for it), comgr's ``amd_comgr_get_version`` (a void call with two ``size_t*`` outs:
ours returns ``(SUCCESS, major, minor)`` as AMD's, the floor the bare pair) and
``amd_comgr_status_string`` (the shape of AMD SMI's).  comgr also runs ``real``: bookworm's
libamd_comgr.so.2 (5.2.3) loads on this host (its libLLVM-15 is bookworm's).

hipSOLVER has no GPU-free call on the real library: its row is ``hipsolverDestroy(0)``, the
cheapest shape it has (a handle in, a status out; the status return releases the GIL, as every
hipSOLVER call does, and the floor releases it too, as ``floor.py``'s fair memcpy floor does).

The floor is a tiny Cython module calling the symbol through a pointer cached by dlsym and
returning the bare value: ``(status, value)`` for an ``int*`` out, bytes for a string, the int
for an int; no enum, no tuple around a single result (ours returns ``(result, *outs)``).

Counted by callgrind (``callgrind.per_call``: N, 2N, 3N ... calls in a function's loop, each
difference per call, so start-up, imports and the first call cancel; ``--rounds`` estimates per
side): the table gives the median and the spread (max - min) of each side's estimates, which
shows the count is steady (string hashing seeded, the loop a function's, no dict lookups).
~5 min on a quiet machine, ~10 min loaded (each process is Python + the module under valgrind).  Not a test: prints a table, writes ``results/libraries.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
from pathlib import Path

import nullrt  # noqa: E402
from _common import CACHE, RESULTS, ROOT, cython_module, log, run, venv_with  # noqa: E402
from callgrind import per_call  # noqa: E402

NULL_RELEASE = "6.4.3"
# (library, function, arguments as Python source, the floor's function of that C shape)
CASES = [
    ("hipblas", "hipblasStatusToString", "0", "cstr"),
    ("hipfft", "hipfftGetVersion", "", "out_int"),
    ("hiprand", "hiprandGetVersion", "", "out_int"),
    ("hipsparse", "hipsparseGetErrorName", "0", "cstr"),
    ("hipsolver", "hipsolverDestroy", "0", "handle_nogil"),
    ("rccl", "ncclGetVersion", "", "out_int"),
    ("rccl", "ncclGetErrorString", "0", "cstr"),
    ("roctx", "roctx_version_major", "", "unsigned"),
    ("roctx", "roctxMarkA", "b'x'", "mark"),
    ("hipblaslt", "hipblasLtDestroy", "0", "handle_nogil"),
    ("hipsparselt", "hipsparseLtGetProperty", "0", "prop_int"),
    ("amdsmi", "amdsmi_status_code_to_string", "0", "status_cstr"),
    ("amd_comgr", "amd_comgr_get_version", "", "size_pair"),
    ("amd_comgr", "amd_comgr_status_string", "0", "status_cstr"),
]
# the release whose wheel and manifest a library's null twin comes from, where not 6.4.3: the three
# libraries beyond the seven from 7.2.4, the one release with all of them
NULL_RELEASE_OF = {"hipblaslt": "7.2.4", "hipsparselt": "7.2.4", "amdsmi": "7.2.4", "amd_comgr": "7.2.4"}
# the libraries that load on this host: (release whose wheel and library are used, library)
REAL = [("5.2.3", "hiprand"), ("5.7.1", "roctx"), ("5.2.3", "amd_comgr")]
# LLVM-C, real only (bookworm's libLLVM-15.so.1 loads here, as comgr's): its cheapest call, an int
# from no argument (ours returns it alone, AMD's LLVM shape, as the floor), and a handle returned
# as its class (LLVMOpaqueContext): against a floor returning the address as an int, and one
# returning a minimal object of a cdef class holding it (the least AMD's shape costs)
LLVM_CASES = [("llvm_c", "LLVMIsMultithreaded", "", "int_noargs"),
              ("llvm_c", "LLVMGetGlobalContext", "", "address_noargs"),
              ("llvm_c", "LLVMGetGlobalContext", "", "handle_noargs")]   # the floor making an object too

FLOOR = r'''
# cython: language_level=3
from posix.dlfcn cimport dlopen, dlsym, RTLD_NOW, RTLD_GLOBAL
from cpython.bytes cimport PyBytes_FromString
from cpython.long cimport PyLong_AsVoidPtr, PyLong_FromVoidPtr
ctypedef int (*out_int_fn)(int*) noexcept nogil
ctypedef const char* (*cstr_fn)(int) noexcept nogil
ctypedef int (*handle_fn)(void*) noexcept nogil
ctypedef unsigned (*unsigned_fn)() noexcept nogil
ctypedef void (*mark_fn)(const char*) noexcept nogil
ctypedef int (*prop_fn)(int, int*) noexcept nogil
ctypedef int (*status_cstr_fn)(int, const char**) noexcept nogil
ctypedef void (*size_pair_fn)(size_t*, size_t*) noexcept nogil
ctypedef int (*int_noargs_fn)() noexcept nogil
ctypedef void* (*address_noargs_fn)() noexcept nogil
cdef void* _f = NULL

def load(bytes path, bytes symbol):
    global _f
    cdef void* h = dlopen(path, RTLD_NOW | RTLD_GLOBAL)
    if h == NULL:
        raise OSError(path)
    _f = dlsym(h, symbol)
    if _f == NULL:
        raise OSError(symbol)

def out_int():
    cdef int v = 0
    cdef int r = (<out_int_fn>_f)(&v)
    return r, v

def cstr(int e):
    cdef const char* s = (<cstr_fn>_f)(e)
    if s == NULL:
        return None
    return PyBytes_FromString(s)

def handle_nogil(h):
    cdef void* p = PyLong_AsVoidPtr(h)
    cdef int r
    with nogil:
        r = (<handle_fn>_f)(p)
    return r

def unsigned():
    return (<unsigned_fn>_f)()

def mark(bytes m):
    (<mark_fn>_f)(m)

def prop_int(int p):
    cdef int v = 0
    cdef int r = (<prop_fn>_f)(p, &v)
    return r, v

def status_cstr(int e):
    cdef const char* s = NULL
    cdef int r = (<status_cstr_fn>_f)(e, &s)
    return r, (None if s == NULL else PyBytes_FromString(s))

def size_pair():
    cdef size_t a = 0, b = 0
    (<size_pair_fn>_f)(&a, &b)
    return a, b

def int_noargs():
    return (<int_noargs_fn>_f)()

def address_noargs():
    return PyLong_FromVoidPtr((<address_noargs_fn>_f)())

cdef class _Handle:
    cdef void* p

def handle_noargs():
    cdef _Handle h = _Handle.__new__(_Handle)
    h.p = (<address_noargs_fn>_f)()
    return h
'''

SETUP = '''
from setuptools import Extension, setup
from Cython.Build import cythonize
setup(ext_modules=cythonize([Extension("libfloor", ["libfloor.pyx"], extra_compile_args=["-O2", "-g0"],
                                       libraries=["dl"])], quiet=True))
'''

# One process per (side, case, N): both sides load the floor and the library alike; only the
# function called in the loop differs.  The loop is a function's (local names, no dict lookups).
CHILD = '''
import importlib
import libfloor   # PYTHONPATH: its folder
libfloor.load({so!r}, {symbol!r})
f = getattr(libfloor, {shape!r}) if {impl!r} == "floor" else getattr(importlib.import_module("hip." + {lib!r}), {name!r})
def loop(f, n):
    for _ in range(n):
        f({args})
print(repr(f({args})))
loop(f, {n})
'''


def floor_dir() -> Path:
    """The floor, built by this interpreter (the venvs' CPython: the same ABI)."""
    return cython_module("libfloor", FLOOR, SETUP, sys.executable, "libfloor")


def env_var(soname: str) -> str:
    """The loader's variable naming a library's exact file (``HIP_PYTHON_LIBHIPBLAS_PATH``)."""
    import importlib.util   # hip/_hipfacts.py alone: the source tree's hip package is not importable
    spec = importlib.util.spec_from_file_location("_hipfacts", ROOT / "bindings" / "hip" / "_hipfacts.py")
    _hipfacts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(_hipfacts)
    return _hipfacts.env_var(re.fullmatch(r"lib(.+)\.so\.\d+", soname).group(1))


def real_library(release: str, lib: str) -> tuple[Path, dict]:
    """The real library of ``release`` extracted from its Debian packages, and the environment
    that loads it (5.2.3's hipRAND on Debian's real 5.2.3 runtime)."""
    from hip_bindgen import debian, libraries
    entry = libraries.of_release(release)[lib]
    libdir = debian.extract([entry["runtime"], *entry.get("load_deps", [])], f"load-{lib}-{release}") / "usr/lib/x86_64-linux-gnu"
    dirs = [str(libdir)]
    if release == "5.2.3":
        dirs.append(str(debian.runtime("5.2.3") / "lib/x86_64-linux-gnu"))
    return libdir / entry["soname"], {"LD_LIBRARY_PATH": ":".join(dirs)}


def null_library(release: str, lib: str) -> tuple[Path, dict]:
    """The library's null twin, from its manifest; the environment that makes the module load it
    (its own version check off: the null ``hiprandGetVersion`` answers 0)."""
    from hip_bindgen import libraries
    import hashlib
    m = libraries.manifest(release, lib)
    d = CACHE / f"nullrt-{lib}-{release}-{hashlib.sha256(nullrt.c_source(m, strings=True).encode()).hexdigest()[:12]}"
    so = d / nullrt.soname(m)
    if not so.exists():
        nullrt.build(m, d, strings=True)
    return so, {env_var(so.name): str(so), "HIP_PYTHON_NO_VERSION_CHECK": "1"}


def measure(py: Path, so: Path, env: dict, case: tuple, n: int, rounds: int) -> dict:
    lib, name, args, shape = case
    out, env = {}, dict(env, PYTHONPATH=str(floor_dir()))
    for impl in ("ours", "floor"):
        fill = dict(floor=str(floor_dir()), so=str(so).encode(), symbol=name.encode(), shape=shape,
                    impl=impl, lib=lib, name=name, args=args)
        # once without valgrind: the call works, what it returns (shown), the .pyc files written
        returned = run([py, "-c", CHILD.format(n=0, **fill)], env=dict(os.environ, **env)).stdout.strip()
        counts = per_call(py, lambda k: CHILD.format(n=k, **fill), env, n, rounds)
        out[impl] = {"median": statistics.median(counts), "spread": max(counts) - min(counts), "counts": counts,
                     "returns": returned}
    out["ratio"] = out["ours"]["median"] / out["floor"]["median"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2, help="estimates per side (N, 2N, ... (rounds+1)N calls)")
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("--only", default="", help="comma-separated functions (default: all)")
    ap.add_argument("--wheels", type=Path, help="take the newest wheel of each release from this directory "
                    "(e.g. build/test-wheels-libraries) instead of building the tests' library wheels "
                    "(whose version, and so cache key, changes with every commit)")
    a = ap.parse_args()
    from wheels_for_tests import library_wheel

    def wheel(release: str) -> Path:
        if not a.wheels:
            return library_wheel(release)
        major, minor = release.split(".")[:2]
        found = list(a.wheels.glob(f"hip_python-{major}.{minor}.*.whl"))
        if not found:
            raise SystemExit(f"no HIP {release} wheel in {a.wheels}")
        return max(found, key=lambda w: w.stat().st_mtime)

    only = set(filter(None, a.only.split(",")))
    plan = [(NULL_RELEASE_OF.get(c[0], NULL_RELEASE), "null", c) for c in CASES]
    plan += [(rel, "real", c) for rel, lib in REAL for c in CASES if c[0] == lib]
    plan += [("5.2.3", "real", c) for c in LLVM_CASES]
    plan = [p for p in plan if not only or p[2][1] in only]
    rows = []
    print(f"{'library':<10} {'function':<22} {'callee':<12} {'ours':>7} {'floor':>7} {'ratio':>6}  "
          f"spread ours/floor   (instructions per call, callgrind)", flush=True)
    for release, kind, case in plan:
        log(f"[{case[1]} {release} {kind}]")
        py = venv_with(f"libraries-{release}", wheel(release))
        so, env = (real_library if kind == "real" else null_library)(release, case[0])
        r = measure(py, so, env, case, a.n, a.rounds)
        rows.append({"library": case[0], "function": case[1], "release": release, "callee": kind, **r})
        print(f"{case[0]:<10} {case[1]:<22} {kind + ' ' + release:<12} {r['ours']['median']:>7.0f} "
              f"{r['floor']['median']:>7.0f} {r['ratio']:>5.2f}x  {r['ours']['spread']:>6.1f} / "
              f"{r['floor']['spread']:.1f}", flush=True)
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"goal: every ratio <= 1.3x: {'MET' if worst['ratio'] <= 1.3 else 'NOT MET'} "
          f"(worst {worst['function']} {worst['ratio']:.2f}x)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "libraries.json").write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
