"""Per-call cost of the cheapest call of each ROCm library module against a hand-written floor.

Runs what runs on this bookworm host: ``hiprandGetVersion`` (bookworm's hipRAND 5.3.3 on the
real HIP 5.2.3 runtime, 5.2.3 wheel) and ``roctx_version_major`` / ``roctxMarkA`` (trixie's
libroctx64, which needs only libc, 5.7.1 wheel). hipFFT, hipBLAS, hipSPARSE, hipSOLVER and RCCL
need glibc >= 2.38 or their GPU backends to load, so they have no figure here.

The floor is a tiny Cython module calling each function through a pointer cached by dlsym,
returning what ours returns minus the enum (``(int, int)`` for hiprandGetVersion).
Each call is timed (ns, minima) and counted (instructions per call under callgrind, which a
loaded machine does not disturb).  Not a test; prints a JSON object.  ``python benchmarks/libraries.py`` (~2 min with wheels cached).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, cython_module, log, run

sys.path.insert(0, str(ROOT / "bindings"))
sys.path.insert(0, str(ROOT / "tests"))

FLOOR = r'''
# cython: language_level=3
from posix.dlfcn cimport dlopen, dlsym, RTLD_NOW, RTLD_GLOBAL
ctypedef int (*ver_fn)(int*) noexcept nogil
ctypedef unsigned (*u_fn)() noexcept nogil
ctypedef void (*mark_fn)(const char*) noexcept nogil
cdef ver_fn _ver = NULL
cdef u_fn _major = NULL
cdef mark_fn _mark = NULL

def load(bytes path, bytes which):
    global _ver, _major, _mark
    cdef void* h = dlopen(path, RTLD_NOW | RTLD_GLOBAL)
    if h == NULL:
        raise OSError(path)
    if which == b"hiprand":
        _ver = <ver_fn>dlsym(h, b"hiprandGetVersion")
    else:
        _major = <u_fn>dlsym(h, b"roctx_version_major")
        _mark = <mark_fn>dlsym(h, b"roctxMarkA")

def hiprandGetVersion():
    cdef int v = 0
    cdef int r = _ver(&v)
    return r, v

def roctx_version_major():
    return _major()

def roctxMarkA(bytes m):
    _mark(m)
'''

SETUP = '''
from setuptools import Extension, setup
from Cython.Build import cythonize
setup(ext_modules=cythonize([Extension("libfloor", ["libfloor.pyx"], extra_compile_args=["-O2", "-g0"],
                                       libraries=["dl"])], quiet=True))
'''

TIMER = r'''
import json, sys, timeit
sys.path.insert(0, sys.argv[1])
import libfloor
lib, so = sys.argv[2], sys.argv[3]
calls = [(n, [a.encode() if isinstance(a, str) else a for a in args]) for n, args in json.loads(sys.argv[4])]
libfloor.load(so.encode(), lib.encode())
mod = __import__("hip." + lib, fromlist=[lib])
out = {}
for name, args in calls:
    ours, floor = getattr(mod, name), getattr(libfloor, name)
    ours(*args); floor(*args)
    res = {}
    for label, fn in (("ours", ours), ("floor", floor)):
        n = 200000
        t = min(timeit.repeat("f(*a)", globals={"f": fn, "a": tuple(args)}, number=n, repeat=7))
        res[label] = round(t / n * 1e9, 1)
    res["ratio"] = round(res["ours"] / res["floor"], 2)
    out[name] = res
print(json.dumps(out))
'''


# Instructions per call (valgrind's callgrind: deterministic where timers on a shared machine are
# not): the same call run N and 2N times, (Ir(2N) - Ir(N)) / N, loop included on both sides.
COUNTER = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
import libfloor
lib, so, impl, name, n = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
args = tuple(a.encode() if isinstance(a, str) else a for a in json.loads(sys.argv[7]))
libfloor.load(so.encode(), lib.encode())
mod = libfloor if impl == "floor" else __import__("hip." + lib, fromlist=[lib])
f = getattr(mod, name)
f(*args)
for _ in range(n):
    f(*args)
'''


def instructions(python, argv: list, env: dict) -> int:
    import re
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(python), "-c", COUNTER,
                        *argv], capture_output=True, text=True, env=env)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError(p.stderr[-2000:])
    return int(m.group(1))


def per_call_instructions(python, floor: Path, lib: str, so: str, name: str, args: list, env: dict, n: int = 20000) -> dict:
    out = {}
    for impl in ("ours", "floor"):
        base = [str(floor), lib, so, impl, name]
        lo = instructions(python, base + [str(n), json.dumps(args)], env)
        hi = instructions(python, base + [str(2 * n), json.dumps(args)], env)
        out[impl] = round((hi - lo) / n)
    out["ratio"] = round(out["ours"] / out["floor"], 2)
    return out


def floor_dir(python: str) -> Path:
    return cython_module("libfloor", FLOOR, SETUP, python, "libfloor")


def main() -> int:
    from hip_bindgen import debian, libraries
    from wheels_for_tests import library_wheel, make_venv

    results = {}
    cases = [("5.2.3", "hiprand", [("hiprandGetVersion", [])]),
             ("5.7.1", "roctx", [("roctx_version_major", []), ("roctxMarkA", [b"x"])])]
    # bytes travel as str in the JSON argument and are encoded back in the timer
    for release, lib, calls in cases:
        log(f"[{lib} {release}] wheel, venv, library")
        # the library tests' wheel of the release (every library module; built once, cached)
        venv = make_venv(Path(tempfile.mkdtemp()) / "v", library_wheel(release))
        subprocess.run([str(venv), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "Cython>=3.0", "setuptools"], check=True)
        entry = libraries.of_release(release)[lib]
        tree = debian.extract([entry["runtime"], *entry.get("load_deps", [])], f"load-{lib}-{release}") / "usr"
        libdirs = [str(tree / "lib/x86_64-linux-gnu")]
        if release == "5.2.3":
            libdirs.append(str(debian.runtime("5.2.3") / "lib/x86_64-linux-gnu"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("HIP_PYTHON_")}
        env["LD_LIBRARY_PATH"] = ":".join(libdirs)
        so = str(Path(libdirs[0]) / entry["soname"])
        wire = json.dumps([(n, [a.decode() if isinstance(a, bytes) else a for a in args]) for n, args in calls])
        p = run([venv, "-c", TIMER, floor_dir(str(venv)), lib, so, wire], env=env)
        timed = json.loads(p.stdout.strip().splitlines()[-1])
        for name, args in calls:
            timed[name]["instructions"] = per_call_instructions(
                venv, floor_dir(str(venv)), lib, so, name, [a.decode() if isinstance(a, bytes) else a for a in args], env)
        results[f"{lib} {entry['version']}"] = timed
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
