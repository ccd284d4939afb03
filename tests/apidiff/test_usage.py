"""Checking a user's script against another release: safe, risky, broken."""
from hip_python_select import usage

STABLE = '''
from hip import hip, hiprtc
import hip.hip as h2
from hip.hip import hipMemcpyKind as Kind

err, n = hip.hipGetDeviceCount()
err, v = hip.hipRuntimeGetVersion()
_, name = hip.hipGetErrorName(hip.hipError_t.hipErrorNoDevice)
err, = h2.hipDeviceSynchronize()
k = Kind.hipMemcpyHostToDevice
err, prog = hiprtc.hiprtcCreateProgram(b"...", b"k.cpp", 0, [], [])
'''

NEWER = '''
from hip import hip
err, s = hip.hipDrvGetErrorName(0)
'''

STRUCTS = '''
from hip import hip
props = hip.hipDeviceProp_t()
hip.hipGetDeviceProperties(props, 0)
print(props.gcnArchName, props.major)
'''


def test_long_stable_functions_are_safe_across_523_to_724(manifests):
    uses = usage.scan_source(STABLE, "app.py")
    names = {u.name for u in uses}
    assert {"hipGetDeviceCount", "hipRuntimeGetVersion", "hipGetErrorName", "hipError_t",
            "hipDeviceSynchronize", "hipMemcpyKind", "hiprtcCreateProgram"} <= names
    result = usage.judge(uses, manifests["5.2.3"], manifests["7.2.4"])
    assert result["verdict"] == "safe", usage.format_text(result)
    assert all(r["status"] == "identical" for r in result["symbols"])


def test_a_function_added_after_523_is_broken_against_523(manifests):
    result = usage.judge(usage.scan_source(NEWER, "new.py"), manifests["7.2.4"], manifests["5.2.3"])
    assert result["verdict"] == "broken"
    (row,) = [r for r in result["symbols"] if r["status"] == "missing"]
    assert row["symbol"] == "hipDrvGetErrorName" and row["where"] == ["new.py:3"]
    assert "hipDrvGetErrorName" in usage.format_text(result)


def test_struct_and_field_uses_are_judged(manifests):
    uses = usage.scan_source(STRUCTS, "s.py")
    assert ("hipDeviceProp_t", "major") in {(u.name, u.member) for u in uses}
    same = usage.judge(uses, manifests["5.2.3"], manifests["5.2.3"])
    assert same["verdict"] == "safe"
    cross = usage.judge(uses, manifests["5.2.3"], manifests["7.2.4"])
    assert cross["verdict"] in ("risky", "broken")
    statuses = {r["symbol"]: r["status"] for r in cross["symbols"]}
    assert statuses["hipDeviceProp_t"] == "changed"


def test_scan_directories_and_star_imports(tmp_path, manifests):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text("from hip.hip import *\nerr, n = hipGetDeviceCount()\nx = some_local\n")
    (pkg / "b.py").write_text("import hip\nhip.hiprtc.hiprtcVersion()\n")
    uses = usage.scan([str(pkg)])
    result = usage.judge(uses, manifests["5.2.3"], manifests["5.7.1"])
    assert {r["symbol"] for r in result["symbols"]} == {"hipGetDeviceCount", "hiprtcVersion"}


def test_code_written_for_the_newer_release_is_broken_on_the_older_wheel(manifests):
    """The wheel itself lacks the name (AttributeError), whatever the runtime has."""
    result = usage.judge(usage.scan_source(NEWER, "new.py"), manifests["5.2.3"], manifests["7.2.4"])
    assert result["verdict"] == "broken"
    (row,) = result["symbols"]
    assert row["symbol"] == "hipDrvGetErrorName" and "not in the wheel's HIP 5.2.21153" in row["how"]


def test_an_import_alone_is_a_use(manifests):
    uses = usage.scan_source("from hip.hip import hipDrvGetErrorName as name\n", "i.py")
    assert [(u.name, u.line) for u in uses] == [("hipDrvGetErrorName", 1)]
    assert usage.judge(uses, manifests["7.2.4"], manifests["5.2.3"])["verdict"] == "broken"


def test_field_reports_name_only_what_changed(manifests):
    result = usage.judge(usage.scan_source(STRUCTS, "s.py"), manifests["5.2.3"], manifests["7.2.4"])
    rows = {r["symbol"]: r for r in result["symbols"]}
    assert rows["hipDeviceProp_t.gcnArchName"]["how"] == "offset 396 -> 1160"   # same char[256]
    text = usage.format_text(result)
    assert "more (--json lists all)" in text and len(max(text.splitlines(), key=len)) < 400


def test_a_directory_with_unparsable_files_is_judged_on_the_rest(tmp_path, manifests):
    (tmp_path / "ok.py").write_text("from hip import hip\nhip.hipGetDeviceCount()\n")
    (tmp_path / "py2.py").write_text("print 'old'\n")
    unread = []
    uses = usage.scan([str(tmp_path)], unread)
    assert [u.name for u in uses] == ["hipGetDeviceCount"]
    assert [f for f, _ in unread] == [str(tmp_path / "py2.py")]
    result = usage.judge(uses, manifests["5.2.3"], manifests["5.7.1"], unread)
    assert "1 file(s) could not be parsed" in usage.format_text(result)
    try:
        usage.scan([str(tmp_path / "py2.py")], unread)   # named directly: the error is the answer
    except SyntaxError:
        pass
    else:
        raise AssertionError("a file named directly must not be skipped")


LIBRARIES = '''
from hip import hipblas, roctx
from hip.hipfft import hipfftGetVersion
status, handle = hipblas.hipblasCreate()
hipblas.hipblasSgemm(handle, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1)
roctx.roctxMarkA(b"x")
'''


def test_library_modules_are_judged_with_their_own_manifests():
    """hip.hipblas & co: judged between the releases' library manifests (shipped beside hip's);
    a library the other release's wheel lacks is a missing module."""
    from hip_python_select import apidiff, manifests as M

    a, b, old = M.shipped("5.7.31921"), M.shipped("6.4.43484"), M.shipped("5.2.21153")
    assert set(a["libraries"]) == {"amd_comgr", "amdsmi", "hipblas", "hipfft", "hiprand", "hipsolver", "hipsparse", "llvm_c",
                                   "rccl", "roctx"}
    uses = usage.scan_source(LIBRARIES, "app.py")
    assert {(u.module, u.name) for u in uses} >= {("hipblas", "hipblasCreate"), ("hipblas", "hipblasSgemm"),
                                                  ("hipfft", "hipfftGetVersion"), ("roctx", "roctxMarkA")}
    result = usage.judge(uses, a, b)
    assert result["verdict"] == "safe", usage.format_text(result)
    assert {r["module"] for r in result["symbols"]} == {"hipblas", "hipfft", "roctx"}
    result = usage.judge(uses, a, old)
    assert result["verdict"] == "broken"
    assert {r["how"] for r in result["symbols"] if r["module"] == "hipblas"} == \
        {"hip.hipblas (hipBLAS) is not in HIP 5.2.21153's wheel"}
    # diff: the library modules of the two releases, by version
    d = apidiff.diff(a, b)
    assert d["libraries"]["changed"]["hipblas"]["versions"] == ["5.5.1", "6.4.4"]
    assert d["libraries"]["changed"]["hipblas"]["functions"]["added"]   # hipBLAS 6 added the _64 API
    assert "hip.roctx (5.7.1 -> 6.4.1): identical API" in apidiff.format_text(d)
    assert apidiff.diff(a, old)["libraries"]["removed"] == ["amdsmi", "hipblas", "hipfft", "hipsolver", "rccl", "roctx"]
    # sid's wheel adds hipBLASLt (7.1.1) beside trixie's modules
    assert apidiff.diff(a, b)["libraries"]["added"] == ["hipblaslt"]
