"""Issue 14's proof: every ROCm library module on the real library and the real HIP runtime of
every suite that has it, as root.

Per release, ``library_cells.run_release`` installs the pinned library packages over the cached
root filesystem of ``rootfs.py`` (an overlay, deleted afterwards), installs the release's abi3
wheel with every library module (built here like the other test wheels), and runs, in the
suite's own Python: ``from hip import <every library of the release>``, each GPU-free call, the
loader's report; then a bound function absent from a real older library file; then every
AMD-style script of tests/compat/library_scripts.py for the release.  One release's
libraries are unpacked at a time (up to 8.5 GB, sid's).  Needs root, as every test here.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
import library_cells as lc  # noqa: E402
import library_scripts  # noqa: E402
from hip_bindgen import libraries, releases  # noqa: E402
from hip_python_select import _hipfacts  # noqa: E402
from wheels_for_tests import library_wheel  # noqa: E402

RELEASES = [r for r in releases.short_names() if libraries.of_release(r)]
PAIRS = [(r, lib) for r in RELEASES for lib in sorted(libraries.of_release(r))]
MAJOR = {r: r.split(".")[0] for r in RELEASES}
_done: dict = {}


def cell(release: str) -> dict:
    """The release's results, measured once (then its overlay is gone: one release unpacked at a time)."""
    if release not in _done:
        if os.geteuid() != 0:
            pytest.fail("needs root (chroot, mount overlay): run './dev test' as root, as CI does", pytrace=False)
        _done[release] = lc.run_release(release, library_wheel(release, python="abi3"), scripts=library_scripts)
    return _done[release]


def _v(version: str, n: int = 3) -> str:
    return ".".join(version.split(".")[:n])


def test_every_release_with_libraries_is_covered():
    assert RELEASES == ["5.2.3", "5.7.1", "6.4.3", "7.2.4"]
    assert lc.refused("6.4.3") == {"rccl": lc.APT_REFUSES[("6.4.3", "rccl")]} and lc.refused("7.2.4") == {}


@pytest.mark.parametrize("release", RELEASES)
def test_imports_and_the_pinned_packages(release):
    r = cell(release)
    c = r["cell"]
    assert r["cell_exit"] == 0, r["cell_stderr"]
    assert c.get("stage") == "done", (c.get("stage"), c.get("exception"), r["cell_stderr"])
    assert set(c["import_seconds"]) == {"hip", *libraries.of_release(release)}
    # the packages apt installed are the pinned ones (releases.json), not the suite's current ones
    assert r["installed"] == {p["package"]: p["version"] for p in lc.pins(release, apt=True)}
    # the library modules run on the release's own HIP runtime, which answers its version
    hip = releases.find(release).hip
    assert c["calls"]["hipRuntimeGetVersion"] == ["hipSuccess", _hipfacts.pack(*map(int, hip.split(".")))]


@pytest.mark.parametrize("release", RELEASES)
def test_no_warning_with_the_pinned_libraries(release):
    """No HipVersionMismatchWarning (nor any other) at import or call with the pinned libraries."""
    c = cell(release)["cell"]
    assert c.get("warnings") == [], c.get("warnings")


@pytest.mark.parametrize("release,lib", PAIRS)
def test_the_loader_found_the_real_library(release, lib):
    """The loader's report: the library's own soname, found through the dynamic loader, in the
    suite's library directory (sid's RCCL: where the cell unpacked it, named by the variable)."""
    c = cell(release)["cell"]
    (rep,) = [x for x in c["loaded"] if x["module"] == lib]
    soname = libraries.of_release(release)[lib]["soname"]
    assert os.path.basename(rep["path"]).startswith(soname), rep
    if lib in lc.refused(release):
        assert rep["found_via"].startswith("HIP_PYTHON_LIB") and rep["path"].startswith(lc.UNPACKED), rep
    else:
        assert rep["found_via"] == "soname" and rep["path"].startswith(lc.LIBDIR + "/"), rep


# Declared in rccl.h, bound, but exported by none of Debian's librccl.so.1 (5.4.3, 7.2.4): RCCL's
# pnccl* profiling twins (29 and 42); calling one raises HipFunctionNotFoundError
UNEXPORTED = {"rccl": "pnccl"}


@pytest.mark.parametrize("release,lib", PAIRS)
def test_every_bound_function_is_in_the_real_file(release, lib):
    """nm -D of the very file the loader opened has every function the module binds."""
    absent = cell(release)["not_exported"].get(lib)
    prefix = UNEXPORTED.get(lib)
    assert absent is not None, f"{lib} was not loaded"
    if prefix:
        assert absent and all(f.startswith(prefix) for f in absent), absent
    else:
        assert absent == [], absent


# -- the GPU-free calls ---------------------------------------------------------------------------

def _calls(release):
    r = cell(release)
    assert r["cell"]["errors"] == {}, r["cell"]["errors"]
    return r["cell"]["calls"], r["cell"]["header_versions"]


@pytest.mark.parametrize("release", [r for r in RELEASES if "hipfft" in libraries.of_release(r)])
def test_hipfft_answers_rocffts_version(release):
    """hipfftGetVersion answers its backend's version: the one rocFFT itself gives (its C call)."""
    calls, _ = _calls(release)
    status, version, rocfft = calls["hipfftGetVersion"]
    major, minor, patch = (int(x) for x in rocfft.split(".")[:3])
    assert status == "HIPFFT_SUCCESS" and version == major * 10_000 + minor * 100 + patch, calls["hipfftGetVersion"]


@pytest.mark.parametrize("release", RELEASES)
def test_hiprand_answers_the_declared_version(release):
    """hiprandGetVersion answers rocRAND's version, exactly as the pinned headers declare it."""
    calls, declared = _calls(release)
    status, version = calls["hiprandGetVersion"]
    assert status == "HIPRAND_STATUS_SUCCESS"
    assert f"{version // 100000}.{version // 100 % 1000}.{version % 100}" == declared["hiprand"]


@pytest.mark.parametrize("release", [r for r in RELEASES if "rccl" in libraries.of_release(r)])
def test_rccl_answers(release):
    calls, declared = _calls(release)
    status, code = calls["ncclGetVersion"]
    assert status == "ncclSuccess"
    assert f"{code // 10000}.{code // 100 % 100}.{code % 100}" == declared["rccl"], code
    assert calls["ncclGetErrorString"].startswith("invalid argument"), calls["ncclGetErrorString"]


def test_sids_rccl_pulls_a_second_hip_runtime():
    """sid's RCCL 5.4.3 is built on HIP 5: loading it maps libamdhip64.so.5 beside sid's own
    libamdhip64.so.6.  GPU-free calls answer (above); device work shared between hip and rccl
    would go through two runtimes, so the README says so; everywhere else one runtime is mapped."""
    for release in RELEASES:
        mapped = cell(release)["cell"]["hip_runtimes_mapped"]
        majors = sorted({m.split(".so.")[1].split(".")[0] for m in mapped})
        assert majors == (["5", "6"] if release == "6.4.3" else [MAJOR[release]]), (release, mapped)


@pytest.mark.parametrize("release", [r for r in RELEASES if "roctx" in libraries.of_release(r)])
def test_roctx_answers(release):
    calls, declared = _calls(release)
    assert ".".join(map(str, calls["roctx_version"])) == declared["roctx"]
    assert calls["roctx ranges"] == [[0], [1], None, [1], [0]]


@pytest.mark.parametrize("release", [r for r in RELEASES if "hipblas" in libraries.of_release(r)])
def test_hipblas_status_string(release):
    calls, _ = _calls(release)
    assert calls["hipblasStatusToString"] == "HIPBLAS_STATUS_NOT_INITIALIZED"


@pytest.mark.parametrize("release", RELEASES)
def test_hipsparse_host_calls(release):
    """A matrix descriptor is host memory: created, read, destroyed; the error names where bound."""
    calls, _ = _calls(release)
    assert calls["hipsparse MatDescr"] == ["HIPSPARSE_STATUS_SUCCESS", "HIPSPARSE_INDEX_BASE_ZERO", "HIPSPARSE_STATUS_SUCCESS"]
    if "hipsparseGetErrorName" in lc.bound_functions(Path(cell(release)["wheel_path"]), "hipsparse"):   # 6.4 on
        # hipSPARSE passes rocSPARSE's own name and text through
        assert calls["hipsparseGetErrorName"].lower().endswith("status_invalid_value"), calls["hipsparseGetErrorName"]
        assert "invalid value" in calls["hipsparseGetErrorString"], calls["hipsparseGetErrorString"]


@pytest.mark.parametrize("release", [r for r in RELEASES if "hipsolver" in libraries.of_release(r)])
def test_hipsolver_create_without_a_device_fails_cleanly(release):
    calls, _ = _calls(release)
    assert calls["hipsolverCreate"].startswith("HIPSOLVER_STATUS_") and calls["hipsolverCreate"] != "HIPSOLVER_STATUS_SUCCESS"


@pytest.mark.parametrize("release", [r for r in RELEASES if "hipsparselt" in libraries.of_release(r)])
def test_hipsparselt_answers_its_declared_version(release):
    """hipsparseLtGetProperty(MAJOR_VERSION / MINOR_VERSION / PATCH_LEVEL) needs no GPU."""
    calls, declared = _calls(release)
    answers = calls["hipsparseLtGetProperty"]
    assert [a[0] for a in answers] == ["HIPSPARSE_STATUS_SUCCESS"] * 3, answers
    assert ".".join(str(a[1]) for a in answers) == declared["hipsparselt"], answers


@pytest.mark.parametrize("release", [r for r in RELEASES if "amdsmi" in libraries.of_release(r)])
def test_amdsmi_answers_its_declared_version(release):
    """amdsmi_get_lib_version fills the caller's struct without a GPU; a status has its text;
    amdsmi_init with no amdgpu driver answers a status, never crashes."""
    calls, declared = _calls(release)
    status, *version = calls["amdsmi_get_lib_version"]
    if libraries.of_release(release)["amdsmi"]["version"].startswith("6.1."):
        # amd-smi 6.1's amdsmi_get_lib_version checks amdsmi_init first (trixie's 6.1.2 answers
        # NOT_INIT before an init, and init cannot succeed without the amdgpu driver); 10.1 answers
        assert status == "AMDSMI_STATUS_NOT_INIT" and not any(version), calls["amdsmi_get_lib_version"]
        assert calls["amdsmi_init"] != "AMDSMI_STATUS_SUCCESS", calls["amdsmi_init"]
    else:
        assert status == "AMDSMI_STATUS_SUCCESS" and ".".join(map(str, version)) == declared["amdsmi"], calls
    status, message = calls["amdsmi_status_code_to_string"]
    assert status == "AMDSMI_STATUS_SUCCESS" and message, calls["amdsmi_status_code_to_string"]
    assert calls["amdsmi_init"].startswith("AMDSMI_STATUS_"), calls["amdsmi_init"]


@pytest.mark.parametrize("release", [r for r in RELEASES if "amd_comgr" in libraries.of_release(r)])
def test_comgr_answers_its_interface_version_and_targets(release):
    """amd_comgr_get_version answers the interface version its headers declare, as AMD's tuple
    (SUCCESS, major, minor); the target table names gfx90a; a status has its text."""
    calls, declared = _calls(release)
    assert calls["amd_comgr_get_version"] == ["AMD_COMGR_STATUS_SUCCESS", *map(int, declared["amd_comgr"].split("."))]
    status, count, isas = calls["amd_comgr isas"]
    assert status == "AMD_COMGR_STATUS_SUCCESS" and count == len(isas) > 10, calls["amd_comgr isas"]
    assert "amdgcn-amd-amdhsa--gfx90a" in isas, isas
    assert calls["amd_comgr_status_string"] == ["AMD_COMGR_STATUS_SUCCESS", "ERROR"], calls["amd_comgr_status_string"]
    assert calls["amd_comgr_status_string x4"] == ["ERROR", "SUCCESS", "ERROR", "ERROR"], calls["amd_comgr_status_string x4"]


@pytest.mark.parametrize("release", [r for r in RELEASES if "amd_comgr" in libraries.of_release(r)])
def test_comgr_compiles_a_hip_kernel_and_reads_its_metadata(release):
    """No GPU: HIP source -> bitcode with the device libraries -> linked -> relocatable ->
    executable code object for gfx90a, through the suite's real comgr, called the AMD way (handles
    returned: ``e, data = amd_comgr_create_data(kind)``); its metadata names the kernel."""
    calls, _ = _calls(release)
    r = calls["comgr round trip"]
    assert "failed" not in r, r["failed"]
    assert r["actions"] == ["COMPILE_SOURCE_WITH_DEVICE_LIBS_TO_BC", "LINK_BC_TO_BC", "CODEGEN_BC_TO_RELOCATABLE",
                            "LINK_RELOCATABLE_TO_EXECUTABLE"], r
    assert r["executables"] == 1 and r["elf"] == "7f454c46" and r["elf_bytes"] > 2048, r
    assert r["isa"] == "amdgcn-amd-amdhsa--gfx90a", r
    assert r["kernels"] == [["hip_python_probe", "hip_python_probe.kd"]], r
    assert r["handle_type"] == "amd_comgr_data_s", r



@pytest.mark.parametrize("release", [r for r in RELEASES if "amd_comgr" in libraries.of_release(r)])
def test_rocm_comgr_api_compiles_and_reads_back_on_the_real_comgr(release):
    """AMD's high-level API (``from rocm import comgr``, over the wheel's hip.amd_comgr), as
    numba-hip calls it, on the suite's comgr without a GPU (library_cells.ROCM_COMGR_CODE):
    HIP -> bitcode -> code object for gfx90a; bitcode -> assembly -> code object; every ISA's
    metadata; the code object's metadata, symbols (file offsets: comgr's call from interface 2.5,
    the ELF's program headers before) and disassembly; the hiprtc header of the suite's
    libhiprtc-builtins; a failing compile's RuntimeError with comgr's log; the version of the
    libLLVM comgr loaded (rocm.bindings.llvm.config) and the libclang of that LLVM (paths)."""
    r = cell(release)["rocm_comgr"]
    assert r["exit"] == 0, r["stderr"]
    assert r["compile_hip_to_bc"]["magic"] == "4243c0de" and r["compile_hip_to_bc"]["log"] == "str", r
    assert r["compile_bc"]["magic"] == "7f454c46" and r["compile_bc"]["bytes"] > 2048, r
    assert r["compile_bc_to_hsa + compile_hsa"] == {"has_kernel": True, "magic": "7f454c46",
                                                    "kernels": ["hip_python_probe"]}, r
    isas = r["get_isa_metadata_all"]
    _, count, _ = _calls(release)[0]["amd_comgr isas"]
    assert isas["count"] == count and isas["gfx90a in names"], isas
    assert {"Name", "Processor", "LocalMemorySize", "TotalNumVGPRs", "LDSBankCount"} <= set(isas["gfx90a keys"]), isas
    syms = r["parse_code_symbols"]
    assert {"hip_python_probe", "hip_python_probe.kd"} <= set(syms["names"]), syms
    assert syms["kernel"] == ["FUNC", True, False, True] and syms["kd"] == ["OBJECT", 64], syms
    assert r["parse_code_obj_metadata"]["kernels"] == [["hip_python_probe", "hip_python_probe.kd"]], r
    assert r["disassemble_code_obj_function"]["s_endpgm"] and r["disassemble_code_obj_function"]["store"], r
    assert r["disassemble_amdhsa_code_obj_v6_kernel"] == {
        "directives": [".amdgcn_target", ".amdhsa_kernel", ".amdgpu_metadata"], "s_endpgm": True}, r
    header = r["HIPRTC_RUNTIME_HEADER"]
    major = releases.find(release).hip.split(".")[0]
    assert header["has __ocml"] and header["bytes"] > 100_000, header
    assert os.path.basename(header["origin"]).startswith(f"libhiprtc-builtins.so.{major}"), header
    assert r["compile_hip_to_bc with the hiprtc header"] == {"magic": "4243c0de"}, r
    assert r["a failing compile"] == {"raised": "RuntimeError", "names the action": True, "has log": True}, r
    llvm = r["llvm_config"]
    m = llvm["version"][0]
    assert llvm["string"] == ".".join(map(str, llvm["version"])) and str(m) in os.path.basename(llvm["file"]), llvm
    assert llvm["LLVM"] == llvm["file"] and llvm["clang"] == f"/usr/lib/llvm-{m}/lib/libclang-{m}.so.1", llvm
    assert llvm["clang exists"] and llvm["resource dir"].startswith(f"/usr/lib/llvm-{m}/lib/clang/{m}"), llvm

# -- hip-python-interop's pynvml and nvtx on the real libraries ------------------------------------

@pytest.mark.parametrize("release", RELEASES)
def test_pynvml_and_nvtx_on_the_real_libraries(release):
    """pynvml's nvmlInit on the real AMD SMI without an amdgpu driver raises NVML's "driver not
    loaded" (never a crash); nvtx's ranges are roctx's own (roctx answers the depth they leave);
    a release without the library makes the import an ImportError naming what it lacks."""
    r = cell(release)
    s = r["shims"]
    assert s["exit"] == 0, s["stderr"]
    libs = libraries.of_release(release)
    hip = releases.find(release).hip
    for shim, lib in (("pynvml", "amdsmi"), ("nvtx", "roctx")):
        if lib not in libs:
            assert s[shim]["import"].startswith(f"{shim} of hip-python-interop ") and \
                f"(HIP {hip}, ROCm {release}) has no {lib} module" in s[shim]["import"], s[shim]
    if "amdsmi" in libs:
        name, value, text, is_nvml = s["pynvml"]["init"]
        assert (name, value, is_nvml) == ("NVMLError_DriverNotLoaded", 9, True), s["pynvml"]
        assert text.startswith("Driver Not Loaded (amdsmi_init: AMDSMI_STATUS_"), text
        assert s["pynvml"]["count before init"] == ["NVMLError_Uninitialized", 1]
    if "roctx" in libs:
        n = s["nvtx"]
        assert n["enabled"] is True
        assert (n["depth inside"], n["depth in decorated"], n["depth after"]) == (2, 1, 0), n
        assert n["start_range"] == ["tuple", 2, "int"] and n["mark(5)"].startswith("nvtx: a message is a str"), n


# -- a function the library file lacks ------------------------------------------------------------

@pytest.mark.parametrize("release", RELEASES)
def test_a_function_the_file_lacks_raises_the_clear_error(release):
    m = cell(release)["missing"]
    assert m["exit"] == 0, m["stderr"]
    assert m["function"] and m["absent"] > 0, m
    assert m["raised"] == "HipFunctionNotFoundError", m
    assert m["message"].startswith(f"{m['function']} is not exported by {m['file']}"), m["message"]
    title = libraries.LIBRARIES[m["library"]]["title"]
    assert f"{title} {libraries.of_release(release)[m['library']]['version']}" in m["message"], m["message"]
    (rep,) = [x for x in m["loaded"] if x["module"] == m["library"]]
    assert rep["found_via"] == m["variable"]


SCRIPT_CASES = [(r, name) for r in RELEASES for name in sorted(library_scripts.for_release(libraries.of_release(r)))]


@pytest.mark.parametrize("release,name", SCRIPT_CASES)
def test_amd_style_script_stops_only_at_no_device(release, name):
    """Code written for AMD's HIP Python (tests/compat/library_scripts.py) on the real library and
    runtime: a GPU-free script runs to its end; any other may stop only in hip_check on a "no
    device" answer (the runtime's, or the library's own to the call that first needs a device,
    as measured: library_scripts.NO_DEVICE), never on a Python-level difference."""
    run = cell(release)["scripts"][name]
    if run["gpu_free"]:
        assert run["exit"] == 0 and run["stdout"].strip().endswith("ok"), run["stderr"]
    else:
        assert run["exit"] == 0 or library_scripts.no_device(run["stderr"]), run["stderr"]


def test_report(capsys):
    """The figures the README quotes: per release, sizes and times (printed with -s or on failure)."""
    lines = []
    for release in RELEASES:
        r = cell(release)
        f = r["facts"]
        lines.append(f"{release}: {r['seconds']}s in all; pinned .debs {f['pinned_debs_bytes'] / 1e6:.0f} MB, "
                     f"dependencies {f['dependency_debs_bytes'] / 1e6:.0f} MB (downloaded now "
                     f"{f['downloaded_bytes'] / 1e6:.0f} MB), unpacked {f['upper_bytes'] / 1e9:.2f} GB; "
                     f"{f['timings']}; imports {({k: round(v * 1000, 1) for k, v in r['cell']['import_seconds'].items()})} ms; "
                     f"missing: {r['missing']['function']} ({r['missing']['why']})")
        for name, run in sorted(r["scripts"].items()):   # where each AMD-style script stopped
            last = (run["stderr"].strip().splitlines() or [""])[-1]
            lines.append(f"  {name}: {'ok' if run['exit'] == 0 else last} ({run['seconds']}s)")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert len(lines) == len(RELEASES) + len(SCRIPT_CASES)
