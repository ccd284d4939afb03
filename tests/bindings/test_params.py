"""The out-parameter rule (hip_bindgen.params), checked on the real manifests."""
import pytest

from hip_bindgen import libraries, params, releases


RELEASES = ("5.2.3", "7.2.4")


@pytest.fixture(scope="module", params=RELEASES)
def manifest(request, manifests):
    return manifests[request.param]



CASES = [
    ("hipMalloc", "ptr", "out"),                     # void** named ptr: allocated by the runtime
    ("hipMalloc", "size", "value"),
    ("hipMemcpy", "dst", "pointer"),                 # void*: caller's memory
    ("hipMemcpy", "src", "pointer"),
    ("hipMemcpy", "kind", "value"),                  # enum
    ("hipGetDeviceCount", "count", "out"),           # int*
    ("hipMemGetInfo", "free", "out"),                # size_t*
    ("hipMemGetInfo", "total", "out"),
    ("hipEventElapsedTime", "ms", "out"),            # float*
    ("hipStreamCreate", "stream", "out"),            # hipStream_t*: a handle
    ("hipModuleGetFunction", "function", "out"),
    ("hipModuleGetFunction", "kname", "string"),     # const char*
    ("hipGetDeviceProperties", "prop", "pointer"),   # struct*: the caller passes the struct (5.x name)
    ("hipPointerGetAttributes", "attributes", "pointer"),
    ("hipDeviceGetName", "name", "pointer"),         # char*: a caller buffer
    ("hipModuleLaunchKernel", "kernelParams", "pointers"),
    ("hipModuleLaunchKernel", "extra", "launch_extra"),
    ("hipModuleLaunchKernel", "stream", "pointer"),
    ("hipLaunchKernel", "numBlocks", "record"),      # dim3 by value
    ("hipLaunchKernel", "args", "pointers"),
    ("hipDrvGetErrorName", "errorString", "out"),    # const char**: a string out
    ("hipDeviceGetAttribute", "pi", "out"),
    ("hiprtcCreateProgram", "prog", "out"),
    ("hiprtcCreateProgram", "src", "string"),
    ("hiprtcCreateProgram", "headers", "strings"),   # const char** with numHeaders
    ("hiprtcCreateProgram", "includeNames", "strings"),
    ("hiprtcCompileProgram", "options", "strings"),
    ("hiprtcGetCodeSize", "codeSizeRet", "out"),
    ("hiprtcGetCode", "code", "pointer"),            # char*: caller buffer of codeSize bytes
    ("hiprtcGetLoweredName", "lowered_name", "out"),
    ("hiprtcDestroyProgram", "prog", "handle_ref"),
    ("hipExtStreamCreateWithCUMask", "cuMask", "ints"),   # const uint32_t* with cuMaskSize
    ("hipExtStreamGetCUMask", "cuMask", "ints"),          # uint32_t* the runtime fills
    ("hipMemRangeGetAttributes", "attributes", "ints"),   # enum array (an override's "pointer")
    ("hiprtcLinkCreate", "option_ptr", "ints"),           # hiprtcJIT_option keys
    ("hiprtcLinkCreate", "option_vals_pptr", "pointers"),
]


# Not in every release: hipDrvGetErrorName came after 5.2.3; 6.x renamed hipGetDeviceProperties
# (to ...R0600, behind a macro).
ABSENT = {("5.2.3", "hipDrvGetErrorName"), ("7.2.4", "hipGetDeviceProperties"),
          ("5.2.3", "hiprtcLinkCreate")}


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("func, param, expected", CASES)
def test_role(manifests, release, func, param, expected):
    functions = manifests[release]["functions"]
    assert (func in functions) == ((release, func) not in ABSENT)
    if (release, func) in ABSENT:
        return
    f = functions[func]
    manifest = manifests[release]
    names = [p["name"] for p in f["params"]]
    assert params.role(func, f["params"], names.index(param), manifest["typedefs"]) == expected


def test_every_parameter_of_every_release_has_a_role(manifest):
    known = {"value", "record", "pointer", "string", "strings", "pointers", "launch_extra", "handle_ref", "out", "ints"}
    for name, f in manifest["functions"].items():
        assert set(params.roles(name, f, manifest["typedefs"])) <= known, name


def test_overrides_name_real_parameters(manifests, library_manifests):
    """Every (function, parameter) in OVERRIDES exists in some supported release."""
    seen = set()
    assert tuple(manifests) == releases.short_names()
    for rel, m in manifests.items():
        seen |= {(n, p["name"]) for n, f in m["functions"].items() for p in f["params"]}
    for lm in library_manifests.values():   # and the ROCm libraries' (hip.rccl, hip.hipfft ...)
        seen |= {(n, p["name"]) for n, f in lm["functions"].items() for p in f["params"]}
    assert set(params.OVERRIDES) - seen == set()


# What AMD's HIP Python returns for the void** out-parameter of these (its generated hip.pyx):
# a DeviceArray configured with the requested size; every other void** out is a Pointer.
AMD_DEVICE_ARRAYS = {"hipMalloc": "size", "hipExtMallocWithFlags": "sizeBytes", "hipMallocManaged": "size",
                     "hipMallocAsync": "size", "hipMallocFromPoolAsync": "size"}


def test_the_device_array_rule_picks_exactly_amds_device_allocations(manifest):
    picked = {}
    for name, f in manifest["functions"].items():
        size = params.device_array_size(name, f["params"])
        if size is not None:
            picked[name] = size
            assert "out" in params.roles(name, f, manifest["typedefs"]), name
    assert picked == {n: s for n, s in AMD_DEVICE_ARRAYS.items() if n in manifest["functions"]}
    # host allocations and pitched ones are Pointers, as in AMD's
    for name in ("hipHostMalloc", "hipMallocHost", "hipMemAllocHost", "hipMallocPitch", "hipHostAlloc"):
        assert params.device_array_size(name, manifest["functions"][name]["params"]) is None


def test_hiprtc_link_create_takes_python_lists_by_rule(manifests):
    """hiprtcLinkCreate(n, [keys], [values]): the keys (hiprtcJIT_option, a 4-byte enum) are
    packed as an int array, the values as a void* array; no table names the function."""
    from hip_bindgen import contract, emit
    m = manifests["7.2.4"]
    text = emit.Emitter(m).module("hiprtc")
    body = text[text.index("def hiprtcLinkCreate("):]
    body = body[:body.index("\ndef ")]
    assert f"_hold(option_ptr, 'option_ptr', {contract.KIND_INTS}, 4, False)" in body
    assert f"_hold(option_vals_pptr, 'option_vals_pptr', {contract.KIND_POINTERS})" in body
    # hiprtc reads the keys (non-const in the header): a list given for them is written back
    # only where the C function changed an item, so enum members stay members
    assert "write_back()" in body


def _shipped_manifests(with_libraries=False):
    import json
    import lzma
    from pathlib import Path
    d = Path(__file__).resolve().parents[2] / "resolver" / "src" / "hip_python_select" / "manifests"
    # the runtime's manifests (5.2.21153.json.xz); the ROCm libraries' are 5.2.21153-hipblas.json.xz
    return {p.name.split(".json")[0]: json.loads(lzma.open(p).read()) for p in sorted(d.glob("*.json.xz"))
            if with_libraries or "-" not in p.name}


def test_read_only_inputs_name_real_non_const_pointer_parameters():
    """Each exception to "a non-const pointee is written by C" names a parameter that exists
    in some release, is a pointer passed by the caller, and is declared non-const there (a
    stale or misspelt name, or one the headers have since made const, fails here)."""
    ms = _shipped_manifests(with_libraries=True)    # hip/hiprtc and the ROCm libraries' inputs
    assert len([r for r in ms if "-" not in r]) == 4 and len(ms) > 20
    stale = []
    for func, pname in sorted(params.READ_ONLY_INPUTS):
        hits = []
        for release, m in ms.items():
            f = m["functions"].get(func)
            for i, p in enumerate(f["params"] if f else ()):
                if p["name"] == pname and params.role(func, f["params"], i, m["typedefs"]) in ("pointer", "ints"):
                    t = params.resolve(p["type"], m["typedefs"])
                    to = params.resolve(t["to"], m["typedefs"])
                    hits.append(not to.get("const") and to["kind"] != "function")
        if not any(hits):
            stale.append((func, pname))
    assert stale == []


def test_written_pointers_follow_constness_except_the_read_only_inputs(manifests):
    m = manifests["7.2.4"]
    td = m["typedefs"]

    def p(func, name):
        return next(q for q in m["functions"][func]["params"] if q["name"] == name)

    assert params.written("hipMemcpy", p("hipMemcpy", "dst"), td)
    assert not params.written("hipMemcpy", p("hipMemcpy", "src"), td)              # const void*
    assert params.written("hiprtcGetProgramLog", p("hiprtcGetProgramLog", "log"), td)
    assert not params.written("hipMemcpyHtoD", p("hipMemcpyHtoD", "src"), td)      # the table
    assert not params.written("hipMemcpyHtoD", {"name": "x", "type": {"kind": "int", "name": "int",
                                                                         "size": 4, "signed": True}}, td)


def test_library_status_enums_are_what_their_functions_return():
    """Every enum a ROCm library function returns is its status enum (released GIL), but for
    hipSPARSE's descriptor getters (hipsparseGetMatType ...), which return a property."""
    other = set()
    seen = set()
    for release, m in _shipped_manifests(with_libraries=True).items():
        if "-" not in release:
            continue
        llvm = release.endswith("-llvm_c")   # LLVM-C has no status enum: its enums are values
        for name, f in m["functions"].items():
            r = params.resolve(f["returns"], m["typedefs"])
            if r["kind"] == "enum":
                assert not (llvm and r["name"] in libraries.STATUS_ENUMS), (release, name)
                if not llvm:
                    (seen if r["name"] in libraries.STATUS_ENUMS else other).add(r["name"])
    assert seen == libraries.STATUS_ENUMS
    assert other == {"hipsparseDiagType_t", "hipsparseFillMode_t", "hipsparseIndexBase_t", "hipsparseMatrixType_t"}


def test_library_written_pointers():
    """The ROCm libraries' pointers by the same rule: hipblasSgemm writes C, not A; hipFFT's
    out-of-place C2C reads idata (the table) and writes odata; C2R may overwrite its input."""
    ms = _shipped_manifests(with_libraries=True)

    def w(lib, func, name):
        m = ms[f"7.2.53211-{lib}"]
        q = next(q for q in m["functions"][func]["params"] if q["name"] == name)
        return params.written(func, q, m["typedefs"])

    assert w("hipblas", "hipblasSgemm", "CP") and not w("hipblas", "hipblasSgemm", "AP")
    assert w("hipfft", "hipfftExecC2C", "odata") and not w("hipfft", "hipfftExecC2C", "idata")
    assert w("hipfft", "hipfftExecC2R", "idata")
