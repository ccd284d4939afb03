"""The ROCm libraries (hipBLAS, hipFFT, hipRAND, hipSPARSE, hipSOLVER, roctx, RCCL), proven on
Debian's real packages: every release's headers parse, every function is bound or has a reason,
every bound symbol is exported by the real library file (``nm -D``), and the cheap libraries
(hipRAND on bookworm's runtime, roctx) are loaded and called for real.
"""
from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from hip_bindgen import coverage, debian, libemit, libraries, params, releases

from wheels_for_tests import library_wheel, make_venv

RELEASES = ("5.2.3", "5.7.1", "6.4.3", "7.2.4")
PAIRS = [(r, lib) for r in RELEASES for lib in sorted(libraries.of_release(r))]


@pytest.fixture(scope="module")
def lib_manifests(library_manifests):
    assert set(library_manifests) == set(PAIRS)      # conftest's pairs are this file's
    return library_manifests


def test_every_library_of_the_issue_table_is_pinned():
    """Debian's table (shared/README.md) as data: which release has which library."""
    have = {r: sorted(libraries.of_release(r)) for r in RELEASES}
    assert have == {"5.2.3": ["amd_comgr", "hiprand", "hipsparse", "llvm_c"],
                    "5.7.1": ["amd_comgr", "amdsmi", "hipblas", "hipfft", "hiprand", "hipsolver", "hipsparse", "llvm_c",
                              "rccl", "roctx"],
                    "6.4.3": ["amd_comgr", "amdsmi", "hipblas", "hipblaslt", "hipfft", "hiprand", "hipsolver",
                              "hipsparse", "llvm_c", "rccl", "roctx"],
                    "7.2.4": ["amd_comgr", "amdsmi", "hipblas", "hipblaslt", "hipfft", "hiprand", "hipsolver",
                              "hipsparse", "hipsparselt", "llvm_c", "rccl", "roctx"]}
    sonames = {r: libraries.of_release(r)["hipblas"]["soname"] for r in RELEASES[1:]}
    assert sonames == {"5.7.1": "libhipblas.so.0", "6.4.3": "libhipblas.so.2", "7.2.4": "libhipblas.so.3"}
    # a library's version is its own, not its suite's HIP: sid's hipBLASLt is 7.1.1 on HIP 6.4.3
    versions = {(r, n): libraries.of_release(r)[n]["version"] for r in RELEASES
                for n in ("hipblaslt", "hipsparselt", "amdsmi") if n in libraries.of_release(r)}
    assert versions == {("5.7.1", "amdsmi"): "6.1.2", ("6.4.3", "amdsmi"): "10.1", ("6.4.3", "hipblaslt"): "7.1.1",
                        ("7.2.4", "amdsmi"): "10.1", ("7.2.4", "hipblaslt"): "7.2.4", ("7.2.4", "hipsparselt"): "7.2.4"}
    # comgr: the very package each suite's HIP runtime depends on (libamdhip64 -> libamd-comgr2/3),
    # its interface version (what amd_comgr_get_version answers) declared apart
    comgr = {r: (libraries.of_release(r)["amd_comgr"]["version"], libraries.of_release(r)["amd_comgr"]["soname"])
             for r in RELEASES}
    assert comgr == {"5.2.3": ("5.2.3", "libamd_comgr.so.2"), "5.7.1": ("6.0", "libamd_comgr.so.2"),
                     "6.4.3": ("7.0.2", "libamd_comgr.so.3"), "7.2.4": ("7.2.4", "libamd_comgr.so.3")}
    assert {r: libraries.header_version(libraries.tree(r, "amd_comgr", with_runtime=False) / "include", "amd_comgr")
            for r in RELEASES} == {"5.2.3": "2.4", "5.7.1": "2.6", "6.4.3": "3.0", "7.2.4": "3.0"}
    # LLVM-C: the libLLVM each suite's comgr depends on (libamd-comgr2 5.2.3 -> libllvm15, 6.0 ->
    # libllvm17t64, libamd-comgr3 7.0.2 -> libllvm21, 7.2.4 -> libllvm22), headers from llvm-N-dev
    llvm = {r: (libraries.of_release(r)["llvm_c"]["version"], libraries.of_release(r)["llvm_c"]["soname"],
                libraries.of_release(r)["llvm_c"]["dev"][0]["package"]) for r in RELEASES}
    assert llvm == {"5.2.3": ("15.0.6", "libLLVM-15.so.1", "llvm-15-dev"),
                    "5.7.1": ("17.0.6", "libLLVM-17.so.1", "llvm-17-dev"),
                    "6.4.3": ("21.1.8", "libLLVM.so.21.1", "llvm-21-dev"),
                    "7.2.4": ("22.1.8", "libLLVM.so.22.1", "llvm-22-dev")}


@pytest.mark.parametrize("release,lib", PAIRS)
def test_manifest_binds_every_function_or_says_why(lib_manifests, manifests, release, lib):
    m = lib_manifests[(release, lib)]
    assert m["library"]["name"] == lib and m["library"]["version"] == libraries.of_release(release)[lib]["version"]
    assert m["hip_version"]["string"] == releases.find(release).hip
    r = coverage.report(m)
    fn = r["counts"]["functions"]
    assert fn["bound"] > 0
    unbound = [u for u in r["unbound"] if u["kind"] == "function"]
    assert fn["bound"] + len(unbound) == fn["in_headers"]
    assert all(u["reason"] for u in unbound)
    prefixes = libraries.LIBRARIES[lib]["prefixes"]
    assert all(n.startswith(prefixes) for n in m["functions"])
    # HIP's own types stay the hip module's: whatever the hip manifest declares is "hip" here
    hip = manifests[release]
    for kind in ("records", "enums", "typedefs"):
        for name, entry in m[kind].items():
            if name in hip[kind]:
                assert entry["module"] == "hip", (kind, name)
            else:
                assert entry["module"] == lib, (kind, name)


def test_hip_types_come_from_the_hip_module(lib_manifests):
    m = lib_manifests[("5.7.1", "hipfft")]
    assert m["typedefs"]["hipStream_t"]["module"] == "hip"
    assert m["enums"]["hipfftResult_t"]["module"] == "hipfft"
    # library_types.h's enum is hip's (hip.hip binds that header), not a copy per library
    assert m["enums"]["hipDataType"]["module"] == "hip" == lib_manifests[("5.7.1", "hipsparse")]["enums"]["hipDataType"]["module"]
    roles = params.roles("hipfftGetVersion", m["functions"]["hipfftGetVersion"], m["typedefs"])
    assert roles == ["out"]
    assert params.roles("hipfftSetStream", m["functions"]["hipfftSetStream"], m["typedefs"]) == ["pointer", "pointer"]


def _exported(so: Path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(so)], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


# hipBLASLt's and hipSPARSELt's runtime .debs carry GPU kernels beside the library (159-257 MB,
# 0.7-0.9 GB unpacked): only the library file is taken out of them
KERNEL_DEBS = ("hipblaslt", "hipsparselt")


def _library_file_only(release: str, lib: str, dest: Path) -> Path:
    """The directory holding the library files of ``lib``'s runtime .deb, nothing else unpacked."""
    deb = debian.download(libraries.of_release(release)[lib]["runtime"])
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(dest), "--wildcards", f"./usr/lib/x86_64-linux-gnu/lib{lib}.so*"],
                   stdin=tar.stdout, check=True)
    assert tar.wait() == 0
    return dest / "usr/lib/x86_64-linux-gnu"


# RCCL's runtime .deb alone is 125-369 MB: tests/matrix/test_library_cells.py checks its symbols in
# the file each release's root installs (5.4.3 exports no pnccl* profiling twin)
@pytest.mark.parametrize("release,lib", [p for p in PAIRS if "runtime" in libraries.of_release(p[0])[p[1]]
                                         and p[1] != "rccl"])
def test_every_bound_symbol_is_in_the_real_library(lib_manifests, release, lib, tmp_path):
    """The library's own runtime .deb (never its big backends): nm -D has every bound function."""
    m = lib_manifests[(release, lib)]
    soname = m["library"]["soname"]
    if lib in KERNEL_DEBS:
        so = _library_file_only(release, lib, tmp_path) / soname
    else:
        so = libraries.tree(release, lib) / "lib" / "x86_64-linux-gnu" / soname
    assert so.exists(), f"{soname} not in {libraries.of_release(release)[lib]['runtime']['package']}"
    exported = _exported(so)
    missing = sorted(f.get("symbol", n) for n, f in m["functions"].items() if f.get("symbol", n) not in exported)
    assert not missing, f"{lib} {release}: {len(missing)} bound but not exported: {missing[:10]}"


def test_generated_module_is_deterministic(lib_manifests):
    m = lib_manifests[("6.4.3", "hipfft")]
    a, b = libemit.generate(m), libemit.generate(json.loads(json.dumps(m)))
    assert a == b and set(a) == {"_api_hipfft.h", "hipfft.pyx"}
    assert 'cdef extern from "_api_hipfft.h":' in a["hipfft.pyx"] and 'include "_dispatch.pxi"' in a["hipfft.pyx"]
    assert "LIBRARY_SONAME = 'libhipfft.so.0'" in a["hipfft.pyx"]
    # the compact form: a table row per function, no function bodies in the .pyx
    assert "\ndef " not in a["hipfft.pyx"] and a["_api_hipfft.h"].count('"hipfftGetVersion(') == 1


def test_compact_backend_is_small_for_hipblas(lib_manifests):
    """hipBLAS 6.4.3 (1849 functions): data and a few hundred one-line thunks, not a def each
    (the def form was 4.0 MB of Cython and 62 MB of C)."""
    m = lib_manifests[("6.4.3", "hipblas")]
    files = libemit.generate(m)
    assert len(m["functions"]) == 1849
    assert len(files["hipblas.pyx"]) < 20_000
    thunks = files["_api_hipblas.h"].count("\nstatic void _t")
    assert 0 < thunks < 400, thunks     # functions of one C ABI share a thunk
    assert len(files["_api_hipblas.h"]) < 2_000_000


# -- the wheels, installed, against the real libraries --------------------------------------------

@pytest.fixture(scope="module")
def wheel_523():
    """bookworm's 5.2.3 wheel with its library modules (amd_comgr, hiprand, hipsparse, llvm_c)."""
    return library_wheel("5.2.3")


@pytest.fixture(scope="module")
def venv_523(tmp_path_factory, wheel_523):
    return make_venv(tmp_path_factory.mktemp("venv") / "v523lib", wheel_523)


@pytest.fixture(scope="module")
def venv_571(tmp_path_factory):
    """The 5.7.1 wheel with all seven library modules (only roctx loads here; the others' symbols
    are checked above)."""
    return make_venv(tmp_path_factory.mktemp("venv") / "v571", library_wheel("5.7.1"))


@pytest.fixture(scope="module")
def bookworm_libs(runtime_523):
    """bookworm's hipRAND 5.3.3 with rocRAND, beside the real 5.2.3 HIP runtime."""
    entry = libraries.of_release("5.2.3")["hiprand"]
    tree = debian.extract([entry["runtime"], *entry["load_deps"]], "load-hiprand-5.2.3")
    return f"{tree / 'usr/lib/x86_64-linux-gnu'}:{runtime_523 / 'lib/x86_64-linux-gnu'}"


def _run(python, code, **env):
    import os
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH", "LD_LIB"))}
    p = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env={**base, **env}, cwd="/")
    return p


def test_wheel_carries_each_library_module(wheel_523, venv_571):
    names = zipfile.ZipFile(wheel_523).namelist()
    for lib in ("hiprand", "hipsparse"):
        assert any(n.startswith(f"hip/{lib}.") and n.endswith(".so") for n in names), lib
        assert f"hip/_manifest_{lib}.json" in names and f"hip/_api_{lib}.h" in names and f"hip/{lib}.pyi" in names
    assert not any(n.startswith("hip/hipblas") for n in names)
    # all seven import where the release has them (no library needed to import: each missing one
    # warns once, at its import), with their facts
    p = _run(venv_571, "import inspect, json; from hip import hipblas, hipfft, hiprand, hipsparse, hipsolver, roctx, rccl as r\n"
             "print(json.dumps([m.LIBRARY_VERSION for m in (hipblas, hipfft, hiprand, hipsparse, hipsolver, roctx, r)]"
             " + [str(inspect.signature(hipblas.hipblasSgemm)), hipblas.hipblasSgemm.__doc__.splitlines()[0]]))")
    assert p.returncode == 0, p.stderr
    assert p.stderr.count("RocmLibraryNotFoundWarning: hip.") == 7, p.stderr
    assert json.loads(p.stdout) == ["5.5.1", "6.1.2", "5.7.1", "5.7.1", "5.5.1", "5.7.1", "5.4.3",
                                    "(handle, transA, transB, m, n, k, alpha, AP, lda, BP, ldb, beta, CP, ldc)",
                                    "hipblasSgemm(handle, transA, transB, m, n, k, alpha, AP, lda, BP, ldb, beta, CP, ldc) -> (result)"]


def test_hiprand_on_the_real_bookworm_library(venv_523, bookworm_libs):
    p = _run(venv_523, "import json; from hip import hiprand; e, v = hiprand.hiprandGetVersion(); "
             "print(json.dumps([type(e).__name__, e.name, v, hiprand.LIBRARY_VERSION]))",
             LD_LIBRARY_PATH=bookworm_libs)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == ["hiprandStatus", "HIPRAND_STATUS_SUCCESS", 201009, "5.3.3"]
    # the loader's report says which file and why
    p = _run(venv_523, "import json; from hip import hiprand, _loader; hiprand.hiprandGetVersion(); "
             "print(json.dumps(_loader.report()))", LD_LIBRARY_PATH=bookworm_libs)
    (rep,) = [r for r in json.loads(p.stdout) if r["module"] == "hiprand"]
    assert rep["path"].endswith("libhiprand.so.1.1") or "libhiprand.so.1" in rep["path"]
    assert rep["found_via"] == "soname"


def test_a_truncated_library_first_on_the_path_is_a_clean_error(venv_523, bookworm_libs, tmp_path):
    """The first 4 KiB of bookworm's real libhiprand.so.1 first on LD_LIBRARY_PATH, the real one
    after it: ``from hip import hiprand`` opens its library at import, where dlopen would map the
    truncated file and die of SIGBUS.  The import warns, naming the file and why; a call raises
    RocmLibraryNotFoundError (a RuntimeError, as AMD's loader raises) saying the same."""
    real = next(Path(d) / "libhiprand.so.1" for d in bookworm_libs.split(":") if (Path(d) / "libhiprand.so.1").exists())
    cut = tmp_path / "libhiprand.so.1"
    cut.write_bytes(real.resolve().read_bytes()[:4096])
    code = ("import json, warnings\nwith warnings.catch_warnings(record=True) as w:\n    warnings.simplefilter('always')\n"
            "    from hip import hiprand\ntry:\n    hiprand.hiprandGetVersion()\nexcept RuntimeError as e:\n"
            "    print(json.dumps([[(x.category.__name__, str(x.message)) for x in w], type(e).__name__, str(e)]))")
    p = _run(venv_523, code, LD_LIBRARY_PATH=f"{tmp_path}:{bookworm_libs}")
    assert p.returncode == 0, p.stderr                # never a signal
    said, cls, msg = json.loads(p.stdout)
    assert cls == "RocmLibraryNotFoundError"
    assert msg.startswith("hip.hiprand needs libhiprand.so.1 (hipRAND 5.3.3, the hipRAND of HIP 5.2.21153, which "
                          "this wheel was generated for); the file found (libhiprand.so.1 "
                          f"through LD_LIBRARY_PATH), {cut.resolve()}, cannot be opened: truncated: 4096 bytes"), msg
    assert "apt install --reinstall libhiprand1" in msg and "HIP_PYTHON_LIBHIPRAND_PATH" in msg
    assert [c for c, _ in said] == ["RocmLibraryNotFoundWarning"] and said[0][1].startswith(msg)
    # the real file first: the same search opens it
    p = _run(venv_523, "from hip import hiprand; print(hiprand.hiprandGetVersion()[1])", LD_LIBRARY_PATH=bookworm_libs)
    assert p.returncode == 0 and p.stdout == "201009\n", p.stderr


def test_machine_without_the_library(venv_523):
    """import hip stays silent; ``from hip import hipsparse`` warns, naming the missing library,
    its soname and package; its calls raise the same message; a library bookworm has no build of
    is an ImportError saying so."""
    code = ("import hip, json, warnings\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            "    import hip.hip\n"
            "    quiet = [str(x.message) for x in w]\n"
            "    from hip import hipsparse\n"
            "said = [(x.category.__name__, str(x.message)) for x in w]\n"
            "try:\n    hipsparse.hipsparseCreate()\nexcept hip.RocmLibraryNotFoundError as e:\n"
            "    print(json.dumps([quiet, said, str(e)]))\n")
    p = _run(venv_523, code)
    assert p.returncode == 0 and not p.stderr, p.stderr
    quiet, said, msg = json.loads(p.stdout)
    assert quiet == []
    assert "hipSPARSE 5.3.3" in msg and "apt install libhipsparse0" in msg and "libhipsparse.so.0" in msg
    ((category, warned),) = said
    assert category == "RocmLibraryNotFoundWarning" and warned.startswith(msg)
    assert "raise RocmLibraryNotFoundError" in warned
    p = _run(venv_523, "import hip\n\nfrom hip import hipsparse")   # the warning points at the import
    assert p.returncode == 0 and p.stderr.startswith("<string>:3: RocmLibraryNotFoundWarning: hip.hipsparse needs"), p.stderr
    p = _run(venv_523, "import hip.hipsparse")    # the import system's own path to the module
    assert p.returncode == 0 and p.stderr.startswith("<string>:1: RocmLibraryNotFoundWarning: hip.hipsparse needs"), p.stderr
    p = _run(venv_523, "from hip import hipblas")
    assert p.returncode == 1 and "ImportError" in p.stderr and "has no hipblas module" in p.stderr
    assert "hiprand, hipsparse" in p.stderr


def test_roctx_on_the_real_library(venv_571, tmp_path):
    """trixie's libroctx64 needs only libc: it runs here. A missing function's error names it."""
    entry = libraries.of_release("5.7.1")["roctx"]
    libdir = debian.extract([entry["runtime"]], "load-roctx-5.7.1") / "usr/lib/x86_64-linux-gnu"
    code = ("import json; from hip import roctx\n"
            "r = [roctx.roctx_version_major(), roctx.roctx_version_minor(), roctx.roctxRangePushA(b'outer'),\n"
            "     roctx.roctxRangePushA('inner'), roctx.roctxMarkA(b'here'), roctx.roctxRangePop(), roctx.roctxRangePop()]\n"
            "print(json.dumps(r))")
    p = _run(venv_571, code, LD_LIBRARY_PATH=str(libdir))
    assert p.returncode == 0, p.stderr
    # tuples, as every call returns, except a void function's None (as AMD's roctxMarkA)
    assert json.loads(p.stdout) == [[4], [1], [0], [1], None, [1], [0]]
    # the dispatcher parses arguments as a def would: keywords, counts, types, text signature
    code = ("import inspect, json; from hip import roctx\n"
            "out = [roctx.roctxMarkA(message=b'kw'), roctx.roctxRangePushA(message='x'), roctx.roctxRangePop(),\n"
            "       str(inspect.signature(roctx.roctxRangeStop)), roctx.roctx_version_major() is roctx.roctx_version_major()]\n"
            "for call in ('roctx.roctxMarkA()', 'roctx.roctxMarkA(b\"a\", b\"b\")', 'roctx.roctxMarkA(msg=b\"a\")',\n"
            "             'roctx.roctxMarkA(b\"a\", message=b\"b\")', 'roctx.roctxMarkA(1.5)', 'roctx.roctxRangeStop(1.5)',\n"
            "             'roctx.roctxRangeStop(-1)', 'roctx.roctx_version_major(1)', 'roctx.roctxMarkA(\"a\\\\0b\")'):\n"
            "    try:\n        eval(call)\n        out.append('no error')\n"
            "    except Exception as e:\n        out.append(type(e).__name__ + ': ' + str(e))\n"
            "print(json.dumps(out))")
    p = _run(venv_571, code, LD_LIBRARY_PATH=str(libdir))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == [
        None, [0], [0], "(id)", True,
        "TypeError: roctxMarkA() takes exactly 1 positional argument (0 given)",
        "TypeError: roctxMarkA() takes exactly 1 positional argument (2 given)",
        "TypeError: roctxMarkA() got an unexpected keyword argument 'msg'",
        "TypeError: roctxMarkA() got multiple values for keyword argument 'message'",
        "TypeError: message: expected an int address, None, a buffer, an object with __cuda_array_interface__ "
        "or a HIP struct, not float",
        "TypeError: id must be an integer; 1.5 is not integral",
        "OverflowError: id: -1 does not fit the C uint64_t it is passed as (0 .. 18446744073709551615)",
        "TypeError: roctx_version_major() takes no arguments (1 given)",
        "ValueError: message: embedded null character (C would see the string cut there)"]
    # a library file lacking a bound function: the clear error, naming function, file and version
    fake = tmp_path / "libroctx64.so.4"
    fake.symlink_to("/lib/x86_64-linux-gnu/libm.so.6")  # a real library without the roctx functions
    p = _run(venv_571, "from hip import roctx\ntry:\n    roctx.roctxMarkA(b'x')\n"
             "except Exception as e:\n    print(type(e).__name__, e)", HIP_PYTHON_LIBROCTX64_PATH=str(fake))
    assert p.stdout.startswith("HipFunctionNotFoundError roctxMarkA is not exported by"), p.stdout + p.stderr
    assert "roctx 5.7.1" in p.stdout


def test_resolver_reads_the_library_manifests_a_wheel_carries(wheel_523):
    """hip-python-select diff/check --script on a folder of wheels: hip's manifest with the
    library modules' (``_manifest_<lib>.json``) as its ``libraries``."""
    from hip_python_select import manifests as M

    m = M._from_dir(wheel_523.parent, "5.2.21153")
    assert sorted(m["libraries"]) == ["amd_comgr", "hiprand", "hipsparse", "llvm_c"]
    assert m["libraries"]["hiprand"]["library"]["version"] == "5.3.3"
    assert "hiprandGetVersion" in m["libraries"]["hiprand"]["functions"]


def test_a_library_lacking_bound_functions_is_another_version(venv_523, tmp_path):
    """hipSPARSE cannot tell its version without a GPU: the import looks every bound function up,
    and a file lacking some is another hipSPARSE (one warning naming them); what it has is called,
    what it lacks raises the clear error.  Nothing is said with HIP_PYTHON_NO_VERSION_CHECK=1."""
    src = tmp_path / "partial.c"
    src.write_text("int hipsparseCreate(void **h) { *h = (void *)0x1234; return 0; }\n"
                   "int hipsparseGetVersion(void *h, int *v) { *v = h == (void *)0x1234 ? 300 : -1; return 0; }\n")
    lib = tmp_path / "libhipsparse.so.0"
    subprocess.run(["gcc", "-shared", "-fPIC", str(src), "-o", str(lib)], check=True)
    code = ("import json, sys\nfrom hip import hipsparse as s\nprint('imported', file=sys.stderr)\n"
            "h = s.hipsparseCreate()[1]\nout = [int(h), s.hipsparseGetVersion(h)[1]]\n"
            "try:\n    s.hipsparseDestroy(0)\nexcept Exception as e:\n    out.append(type(e).__name__)\n"
            "print(json.dumps(out))")
    p = _run(venv_523, code, HIP_PYTHON_LIBHIPSPARSE_PATH=str(lib))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out == [0x1234, 300, "HipFunctionNotFoundError"]
    warning, after = p.stderr.split("imported\n")
    assert after == "" and warning.startswith("<string>:2: HipVersionMismatchWarning: hip.hipsparse"), p.stderr
    assert "generated from the hipSPARSE 5.3.3 headers" in warning and "apt install libhipsparse0" in warning
    assert " and 512 more)" in warning     # five named
    assert "lacks 517 of the 519 functions" in warning     # 5.3.3 binds 519; the file has 2
    assert "hipsparseCreate," not in warning and "hipsparseGetVersion" not in warning
    p = _run(venv_523, code, HIP_PYTHON_LIBHIPSPARSE_PATH=str(lib), HIP_PYTHON_NO_VERSION_CHECK="1")
    assert p.returncode == 0 and p.stderr == "imported\n", p.stderr
