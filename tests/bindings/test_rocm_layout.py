"""AMD's HIP Python 10.x layout in our wheel (``rocm.bindings.*``, ``rocm.version``), on 5.2.3.

One implementation, two import paths: each ``rocm.bindings.<m>`` is the module object ``hip.<m>``
(every way of importing it, pickling, ``inspect``); the library modules are the release's own
(5.2.3: hipRAND and hipSPARSE), any other is ``hip``'s ImportError; ``rocm.version`` has AMD's
names and meanings; the cimport API under AMD's names builds a user extension that calls the real
runtime; mypy --strict passes on a user file of the new path; AMD's own ``rocm-bindings-*``
installed over ours is reported at import.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from wheels_for_tests import ROOT, library_wheel, make_venv

# AMD's real 10.x wheels (PyPI), pinned, downloaded once into the project's cache
AMD_VERSION = "10.0.0.0.1.2"


def amd_wheels() -> list:
    from hip_bindgen import debian

    dest = debian.cache_dir() / "amd" / f"rocm-bindings-{AMD_VERSION}-cp{sys.version_info[0]}{sys.version_info[1]}"
    names = ("rocm_bindings_core", "rocm_bindings_hip")
    if not all(list(dest.glob(f"{n}-*.whl")) for n in names):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                        "--disable-pip-version-check", "-d", str(dest),
                        f"rocm-bindings-core=={AMD_VERSION}", f"rocm-bindings-hip=={AMD_VERSION}"], check=True)
    return [w for n in names for w in sorted(dest.glob(f"{n}-*.whl"))]


@pytest.fixture(scope="module")
def wheel() -> Path:
    return library_wheel("5.2.3")


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp("venv") / "rocm523", wheel)


def run(python: Path, code: str, libdir: Path | None = None, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH", "LD_LIB"))}
    if libdir:
        base["LD_LIBRARY_PATH"] = str(libdir)
    p = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=dict(base, **env), cwd="/")
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_the_wheel_carries_the_layout_and_no_compiled_module_in_it(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    rocm = {n for n in names if n.startswith("rocm/")}
    for m in ("hip", "hiprtc", "hiprand", "hipsparse"):
        assert {f"rocm/bindings/{m}.py", f"rocm/bindings/{m}.pyi", f"rocm/bindings/cy{m}.pxd"} <= rocm, m
    for m in ("hipblas", "hipfft", "hipsolver", "rccl", "roctx"):   # no build for 5.2.3: the ImportError
        assert f"rocm/bindings/{m}.py" in rocm and f"rocm/bindings/cy{m}.pxd" not in rocm, m
    assert {"rocm/version.py", "rocm/py.typed", "rocm/__init__.pxd", "rocm/bindings/__init__.py",
            "rocm/bindings/py.typed", "rocm/bindings/util/types.py", "rocm/bindings/util/types.pyi",
            "rocm/bindings/util/paths.py", "rocm/bindings/hiprtc_pyext.py"} <= rocm
    # the compiler layer numba-hip imports (its use: tests/matrix library cells, numba-hip cell)
    assert {"rocm/comgr/__init__.py", "rocm/comgr/compile.py", "rocm/comgr/metadata.py", "rocm/comgr/disassemble.py",
            "rocm/comgr/hiprtc_header.py", "rocm/bindings/llvm/config/llvm_config.py",
            "rocm/bindings/clang/cindex.py"} <= rocm
    assert "rocm/__init__.py" not in rocm                       # a namespace package, as AMD's
    assert not [n for n in rocm if n.endswith(".so")]           # the conflict check relies on this


def test_every_way_of_importing_gives_the_module_of_the_old_path(venv):
    out = run(venv, r'''
import importlib, inspect, json, pickle, sys
import rocm.bindings.hip
from rocm.bindings import hip, hiprtc, hiprand, hipsparse, hiprtc_pyext
from rocm.bindings.hip import hipMalloc, hipError_t
from rocm.bindings.util import types
from hip import hip as old_hip, hiprtc as old_rtc, hiprand as old_rand, hipsparse as old_sparse
from hip._util import types as old_types
same = [rocm.bindings.hip is hip is old_hip, importlib.import_module("rocm.bindings.hip") is old_hip,
        hipMalloc is old_hip.hipMalloc, hiprtc is old_rtc, hiprand is old_rand, hipsparse is old_sparse,
        types is old_types, types.Pointer is old_types.Pointer,
        hiprtc_pyext is importlib.import_module("hip.hiprtc_pyext"), hiprtc.ext is hiprtc_pyext,
        sys.modules["rocm.bindings.hiprand"] is old_rand,
        importlib.import_module("rocm.bindings.util.types") is old_types]
member = hipError_t.hipErrorInvalidValue
pickled = [pickle.loads(pickle.dumps(member, p)) is member for p in range(pickle.HIGHEST_PROTOCOL + 1)]
pickled.append(pickle.loads(pickle.dumps(hiprand.hiprandStatus.HIPRAND_STATUS_SUCCESS))
               is old_rand.hiprandStatus.HIPRAND_STATUS_SUCCESS)
print(json.dumps({"same": same, "pickled": pickled, "getmodule": inspect.getmodule(hipError_t).__name__,
                  "ismodule": inspect.ismodule(hip), "sig": str(inspect.signature(hipMalloc)),
                  "doc": bool(inspect.getdoc(hipMalloc)), "name": hip.__name__}))
''')
    assert out["same"] == [True] * 12 and out["pickled"] == [True] * 7
    assert out["getmodule"] == "hip.hip" and out["name"] == "hip.hip" and out["ismodule"] and out["doc"]
    assert out["sig"].startswith("(")


def test_a_library_the_release_lacks_is_an_import_error_naming_the_ones_it_has(venv):
    out = run(venv, r'''
import importlib, json
msgs = []
for how in ("import rocm.bindings.hipblas", "from rocm.bindings import hipfft", "from rocm.bindings import rccl, roctx",
            "importlib.import_module('rocm.bindings.hipsolver')"):
    try:
        exec(how)
        msgs.append(None)
    except ImportError as e:
        msgs.append([type(e).__name__, str(e)])
try:
    import rocm.bindings.nosuchmodule
except ModuleNotFoundError as e:
    msgs.append(e.name)
import sys
msgs.append(sorted(m for m in sys.modules if m.startswith("rocm.bindings.")))
print(json.dumps(msgs))
''')
    *errors, unknown, loaded = out
    for (kind, text), lib in zip(errors, ("hipblas", "hipfft", "rccl", "hipsolver")):
        assert kind == "ImportError" and f"has no {lib} module" in text and "(amd_comgr, hiprand, hipsparse, llvm_c)" in text, text
    assert unknown == "rocm.bindings.nosuchmodule" and loaded == []   # nothing half-imported is left


def test_rocm_version_has_amds_names_and_meanings_from_hips_facts(venv):
    out = run(venv, r'''
import json
import rocm.version as v
from rocm.version import ROCM_VERSION_TUPLE, HIP_VERSION_TUPLE
import hip
print(json.dumps({n: getattr(v, n) for n in v.__all__} | {"hip": [hip.ROCM_VERSION, hip.HIP_VERSION,
      hip.HIP_VERSION_NAME, hip.HIP_VERSION_TUPLE, hip.__version__]}))
''')
    assert out["ROCM_VERSION_NAME"] == out["rocm_version_name"] == "5.2.3"
    assert out["ROCM_VERSION_TUPLE"] == out["rocm_version_tuple"] == [5, 2, 3]
    assert out["ROCM_VERSION"] == 50200003 == out["hip"][0]
    assert out["HIP_VERSION"] == 50221153 == out["hip"][1]
    # Debian's headers carry no commit: AMD's 10.x name has no "-<commit>", its tuple 3 items
    assert out["HIP_VERSION_NAME"] == out["HIP_FULL_VERSION"] == out["hip_version_name"] == "5.2.21153" == out["hip"][2]
    assert out["HIP_COMMIT"] == "" and out["HIP_VERSION_TUPLE"] == out["hip_version_tuple"] == [5, 2, 21153]
    assert out["hip"][3] == [5, 2, 21153, ""]              # the older layout's 4 items stay as they were
    assert out["__version__"] == out["hip"][4]


def test_importing_the_new_path_costs_three_small_modules_more(venv):
    out = run(venv, r'''
import json, subprocess, sys
def modules(stmt):
    code = f"import sys; before = set(sys.modules); {stmt}; print(sorted(set(sys.modules) - before))"
    return eval(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
print(json.dumps([modules("from hip import hip"), modules("from rocm.bindings import hip")]))
''', HIP_PYTHON_NO_VERSION_CHECK="1")
    old, new = out
    assert sorted(set(new) - set(old)) == ["rocm", "rocm.bindings", "rocm.bindings.hip"] and set(old) <= set(new)


def test_paths_finds_the_library_the_loader_opens(venv, runtime_523):
    libdir = runtime_523 / "lib" / "x86_64-linux-gnu"
    out = run(venv, r'''
import json, os
from rocm.bindings.util.paths import get_library_path, get_clang_resource_dir
from rocm.bindings import hip
found = get_library_path("amdhip64")
rtc = get_library_path("hiprtc")
hip.hipRuntimeGetVersion()
print(json.dumps([os.fsdecode(found), os.path.realpath(os.fsdecode(found)) == os.path.realpath(hip._library().path),
                  os.fsdecode(rtc), os.fsdecode(get_library_path("nosuchlib")), type(found).__name__,
                  os.fsdecode(get_library_path("amdhip64", bundled_location="/nonexistent")) == os.fsdecode(found),
                  get_clang_resource_dir("/nonexistent/libclang.so")]))
''', libdir=libdir, ROCM_PATH="/nonexistent")
    path, same, rtc, missing, kind, bundled, clang = out
    assert path.startswith(str(libdir)) and "libamdhip64.so.5" in path and same and kind == "bytes" and bundled
    assert rtc.startswith(str(libdir)) and ("libhiprtc" in rtc or "libamdhip64" in rtc)
    assert missing == "libnosuchlib.so" and clang is None


def test_cindex_without_libclang_says_what_to_install(venv):
    """rocm.bindings.clang.cindex is PyPI libclang's clang.cindex; the wheel alone lacks it."""
    out = run(venv, "import json\ntry:\n    import rocm.bindings.clang.cindex\n    print(json.dumps('imported'))\n"
                    "except ImportError as e:\n    print(json.dumps(str(e)))")
    assert "pip install libclang" in out and "rocm-bindings-compiler" in out, out


def test_named_file_is_what_paths_answers(venv, tmp_path):
    fake = tmp_path / "libamdhip64.so.5.2.99999"
    fake.write_bytes(b"\x7fELF")
    out = run(venv, "import json, os\nfrom rocm.bindings.util.paths import get_library_path\n"
                    "print(json.dumps(os.fsdecode(get_library_path('amdhip64'))))",
              HIP_PYTHON_LIBAMDHIP64_PATH=str(fake))
    assert out == str(fake)


# -- cimport under AMD's 10.x names ------------------------------------------------------------

PYX = r'''
# cython: language_level=3
from rocm.bindings cimport cyhip, cyhiprtc, cyhiprand, cyhipsparse
from rocm.bindings.cyhip cimport hipRuntimeGetVersion, hipError_t
from hip.chip cimport hipError_t as old_hipError_t, hipDeviceProp_t as old_props
from rocm.bindings.util.types cimport Pointer

def runtime_version():
    cdef int v = 0
    cdef hipError_t e = hipRuntimeGetVersion(&v)
    cdef old_hipError_t same = e            # one C type under both names: no cast needed
    return <int>same, v

def error_name(int e):
    return <bytes>cyhip.hipGetErrorName(<cyhip.hipError_t>e)

def facts():
    cdef cyhip.dim3 d
    d.x, d.y, d.z = 1, 2, 3
    cdef cyhip.hipDeviceProp_t* p = NULL
    cdef old_props* q = p
    return (sizeof(cyhip.hipDeviceProp_t), d.y, <int>cyhip.hipErrorInvalidValue,
            <int>cyhiprtc.HIPRTC_SUCCESS, <int>cyhiprand.HIPRAND_STATUS_SUCCESS,
            <int>cyhipsparse.HIPSPARSE_STATUS_SUCCESS)

def rtc_version():
    cdef int major = 0, minor = 0
    r = cyhiprtc.hiprtcVersion(&major, &minor)
    return <int>r, major, minor

def address(Pointer p):
    return <size_t>p._ptr

def rand_create():      # compiled, not called: hipRAND needs its library
    cdef cyhiprand.hiprandGenerator_t g
    return <int>cyhiprand.hiprandCreateGenerator(&g, cyhiprand.HIPRAND_RNG_PSEUDO_DEFAULT)
'''


def test_user_extension_cimports_the_new_names_and_calls_the_runtime(venv, runtime_523, tmp_path):
    import cimport as user_ext   # benchmarks/cimport.py (pytest's pythonpath, pyproject.toml)
    ext = user_ext.build(user_ext.site_packages(venv), tmp_path / "ext", pyx=PYX)
    out = run(venv, f'''
import sys, json
import hipuser
from rocm.bindings import hip, hiprtc
from rocm.bindings.util.types import Pointer
print(json.dumps({{"version": hipuser.runtime_version(), "py": [int(x) for x in hip.hipRuntimeGetVersion()],
                  "names": [hipuser.error_name(0).decode(), hipuser.error_name(1).decode()],
                  "facts": hipuser.facts(), "size": hip.sizeof(hip.hipDeviceProp_t),
                  "rtc": hipuser.rtc_version(), "py_rtc": [int(x) for x in hiprtc.hiprtcVersion()],
                  "ptr": hipuser.address(Pointer(4096))}}))
''', libdir=runtime_523 / "lib" / "x86_64-linux-gnu", PYTHONPATH=str(ext))
    assert out["version"] == [0, 50221153] == out["py"]
    assert out["names"] == ["hipSuccess", "hipErrorInvalidValue"]
    assert out["facts"] == [out["size"], 2, 1, 0, 0, 0]
    assert out["rtc"] == out["py_rtc"] and out["rtc"][0] == 0
    assert out["ptr"] == 4096


# -- typed stubs -----------------------------------------------------------------------------

USER = '''
from rocm.bindings import hip, hiprtc, hiprand
from rocm.bindings.util.types import DeviceArray, Pointer
from rocm.version import HIP_VERSION_TUPLE, ROCM_VERSION, ROCM_VERSION_TUPLE


def hip_check(err: hip.hipError_t) -> None:
    if err != hip.hipError_t.hipSuccess:
        raise RuntimeError(err.name)


def allocate(n: int) -> DeviceArray:
    err, x = hip.hipMalloc(n)
    hip_check(err)
    return x


def program(source: bytes) -> hiprtc.hiprtcProgram:
    status, prog = hiprtc.hiprtcCreateProgram(source, b"k.cpp", 0, [], [])
    if status != hiprtc.hiprtcResult.HIPRTC_SUCCESS:
        raise RuntimeError(status.name)
    return prog


major: int = ROCM_VERSION_TUPLE[0] + HIP_VERSION_TUPLE[0]
packed: int = ROCM_VERSION
p: Pointer = allocate(16)
kind: hiprand.hiprandRngType = hiprand.hiprandRngType.HIPRAND_RNG_PSEUDO_XORWOW
'''

BAD = USER + '''
q: str = allocate(16)
r: int = hip.hipMalloc("16")
'''


def test_mypy_strict_passes_on_a_user_file_of_the_new_path(venv, tmp_path):
    from test_stubs import mypy
    (tmp_path / "user.py").write_text(USER)
    p = mypy(venv, "--strict", "user.py", cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    (tmp_path / "bad.py").write_text(BAD)   # the stubs have real types: wrong use is caught
    p = mypy(venv, "--strict", "bad.py", cwd=tmp_path)
    lines = [i for i, line in enumerate(BAD.splitlines(), 1) if line.startswith(("q: str", "r: int"))]
    assert p.returncode == 1 and all(f"bad.py:{i}: error" in p.stdout for i in lines) and len(lines) == 2, p.stdout


# -- AMD's rocm-bindings-* in the same venv ------------------------------------------------------

def test_amds_distributions_in_the_same_directory_are_reported(wheel, tmp_path):
    amd = amd_wheels()
    assert len(amd) == 2, amd
    python = make_venv(tmp_path / "both", wheel, pip=True)   # AMD's wheels go in by its own pip below
    clean = run(python, "import json, warnings\nwarnings.simplefilter('error')\n"
                        "from rocm.bindings import hip\nprint(json.dumps(hip.__name__))")
    assert clean == "hip.hip"                               # ours alone: no warning
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--disable-pip-version-check", *map(str, amd)], check=True)
    out = run(python, r'''
import json, warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    import rocm.bindings
print(json.dumps([[x.category.__name__, str(x.message), x.filename] for x in w]))
''')
    (kind, message, filename), = out
    assert kind == "RocmBindingsConflictWarning" and filename == "<string>"   # at the user's import line
    assert "rocm-bindings-core 10.0.0.0.1.2" in message and "rocm-bindings-hip 10.0.0.0.1.2" in message
    assert "hip-python 5.2.21153." in message and "pip uninstall rocm-bindings-core rocm-bindings-hip" in message
    assert "pip install --force-reinstall hip-python==5.2.21153." in message
    shutil.rmtree(tmp_path / "both")


def test_the_abi3_tree_stages_the_same_layout(wheel, tmp_path):
    """Every wheel of a release is staged by one ``wheel.stage``: the stable-ABI tree (built by
    tests/build/test_abi3.py) gets the same ``rocm`` files, and setuptools is told to package them."""
    from hip_build import wheel as wheel_mod
    with zipfile.ZipFile(wheel) as z:
        manifest = json.loads(z.read("hip/_manifest.json"))
        manifest["libraries"] = {n[len("hip/_manifest_"):-5]: json.loads(z.read(n)) for n in z.namelist()
                                 if n.startswith("hip/_manifest_")}
        shipped = {n: z.read(n).decode() for n in z.namelist() if n.startswith("rocm/") and not n.endswith("/")}
    dest = wheel_mod.stage(manifest, "0", tmp_path / "src", abi3=True)
    staged = {p.relative_to(dest).as_posix(): p.read_text() for p in (dest / "rocm").rglob("*") if p.is_file()}
    assert staged == shipped
    pyproject = (dest / "pyproject.toml").read_text()
    assert '"rocm", "rocm.bindings", "rocm.bindings.util"' in pyproject and '"cy*.pxd"' in pyproject


def test_a_missing_library_is_reported_at_the_users_import_line(venv):
    """The warnings of ``hip`` (a ROCm library not installed) skip the alias modules, as they skip
    ``hip``'s own frames: they point at the user's ``from rocm.bindings import hiprand``."""
    out = run(venv, r'''
import json, warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    from rocm.bindings import hiprand
print(json.dumps([[x.category.__name__, x.filename, x.lineno] for x in w]))
''')
    assert out == [["RocmLibraryNotFoundWarning", "<string>", 5]]
