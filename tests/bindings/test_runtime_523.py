"""The 5.2.3 wheel, installed in a fresh venv, against the real Debian 5.2.3 runtime."""
import json
from pathlib import Path

import pytest

import hiprtc_sample  # harness/: the sample the runtime matrix's user path runs too


def test_runtime_version(run_523):
    assert run_523("from hip import hip; import json; e, v = hip.hipRuntimeGetVersion(); "
                   "print(json.dumps([e.name, int(e), v]))") == ["hipSuccess", 0, 50221153]


def test_driver_version(run_523):
    name, value = run_523("from hip import hip; import json; e, v = hip.hipDriverGetVersion(); "
                          "print(json.dumps([e.name, v]))")
    assert name == "hipSuccess" and value > 0


def test_device_count_without_gpu(run_523):
    assert run_523("from hip import hip; import json; e, n = hip.hipGetDeviceCount(); "
                   "print(json.dumps([type(e).__name__, e.name, n]))") == ["hipError_t", "hipErrorNoDevice", 0]


def test_error_name_and_string_come_from_the_runtime(run_523):
    name, string, success = run_523(
        "from hip import hip; import json; "
        "e, n = hip.hipGetErrorName(hip.hipError_t.hipErrorNoDevice); _, s = hip.hipGetErrorString(100); "
        "_, ok = hip.hipGetErrorName(0); "
        # AMD's shape (hipSuccess, text), the text usable as AMD's CStr is: decode(), str, bytes
        "print(json.dumps([[e.name, n.decode(), f'{n}', bytes(n).decode()], s.decode(), str(ok)]))")
    assert name == ["hipSuccess", "hipErrorNoDevice", "hipErrorNoDevice", "hipErrorNoDevice"]
    assert success == "hipSuccess"
    assert string  # the runtime's own text (5.2.3 answers with the name)


HIPRTC = hiprtc_sample.CODE + "import json; print(json.dumps(hiprtc_sample()))"


def test_hiprtc_compiles_for_gfx90a(run_523):
    r = run_523(HIPRTC)
    assert r["create"] == r["compile"] == "HIPRTC_SUCCESS", r["log"]
    assert (r["code_size"][0], r["get_code"], r["destroy"]) == ("HIPRTC_SUCCESS",) * 3
    assert r["code_size"][1] > 0
    assert r["code_head"].startswith("7f454c46")  # an ELF code object


def test_pointer_arguments_accept_every_documented_form(run_523):
    """int address, buffer, ctypes buffer and __cuda_array_interface__ all reach the C call."""
    out = run_523(r'''
import ctypes, json
from hip import hiprtc
err, prog = hiprtc.hiprtcCreateProgram(b'extern "C" __global__ void k() {}', b"k.cpp", 0, None, None)
hiprtc.hiprtcCompileProgram(prog, 1, [b"--offload-arch=gfx90a"])
_, n = hiprtc.hiprtcGetCodeSize(prog)
ref = bytearray(n); hiprtc.hiprtcGetCode(prog, ref)
cbuf = ctypes.create_string_buffer(n); hiprtc.hiprtcGetCode(prog, cbuf)
raw = ctypes.create_string_buffer(n); hiprtc.hiprtcGetCode(prog, ctypes.addressof(raw))
class Dev:
    def __init__(self, addr): self.__cuda_array_interface__ = {"data": (addr, False), "shape": (n,), "typestr": "|u1", "version": 3}
cai = ctypes.create_string_buffer(n); hiprtc.hiprtcGetCode(prog, Dev(ctypes.addressof(cai)))
print(json.dumps([bytes(ref) == cbuf.raw[:n] == raw.raw[:n] == cai.raw[:n], n]))
''')
    assert out[0] is True and out[1] > 0


def test_bad_pointer_argument_raises_type_error(run_523):
    p = run_523.proc("from hip import hiprtc; hiprtc.hiprtcGetCode(0, object())")
    assert p.returncode != 0 and "TypeError" in p.stderr and "__cuda_array_interface__" in p.stderr


def test_float_is_not_an_address(run_523):
    """__int__ would turn 1.5 into address 1: only ints and __index__ objects are addresses."""
    p = run_523.proc("from hip import hiprtc; hiprtc.hiprtcGetCode(0, 1.5)")
    assert p.returncode != 0 and "TypeError" in p.stderr and "not float" in p.stderr


def test_strings_and_string_lists_in_every_form(run_523):
    """str/bytes sources, options as str or bytes lists, memoryview outputs, clear errors."""
    out = run_523(r'''
import json
from hip import hiprtc
err, prog = hiprtc.hiprtcCreateProgram('extern "C" __global__ void k() {}', "k.cpp", 0, None, None)
e1, = hiprtc.hiprtcCompileProgram(prog, 2, ["--offload-arch=gfx90a", b"-O1"])
_, n = hiprtc.hiprtcGetCodeSize(prog)
buf = bytearray(n); e2, = hiprtc.hiprtcGetCode(prog, memoryview(buf))
errors = []
for bad in (lambda: hiprtc.hiprtcCompileProgram(prog, 2, [b"-O1", 2.5]),
            lambda: hiprtc.hiprtcCreateProgram("\ud800", b"k.cpp", 0, None, None)):
    try:
        bad()
    except (TypeError, UnicodeError) as e:
        errors.append(f"{type(e).__name__}: {e}")
print(json.dumps([err.name, e1.name, e2.name, buf[:4].hex(), errors]))
''')
    assert out[:4] == ["HIPRTC_SUCCESS"] * 3 + ["7f454c46"]
    assert out[4][0].startswith("TypeError: options[1]:") and out[4][1].startswith("UnicodeEncodeError")


def test_success_is_the_enum_member(run_523):
    """The shared success tuple is still (HIPRTC_SUCCESS,), a real IntEnum member; failures too."""
    out = run_523("import json; from hip import hip, hiprtc; a = hip.hipSetDevice(0); "
                  "_, p = hiprtc.hiprtcCreateProgram(b'', b'k.cpp', 0, None, None); "
                  "r = hiprtc.hiprtcDestroyProgram(p); "
                  "print(json.dumps([type(r).__name__, len(r), repr(r[0]), r[0] == 0, repr(a[0])]))")
    assert out == ["tuple", 1, "<hiprtcResult.HIPRTC_SUCCESS: 0>", True, "<hipError_t.hipErrorInvalidDevice: 101>"]


def test_structs_and_enums(run_523):
    out = run_523(r'''
import json
from hip import hip
d = hip.dim3(x=32)
g = hip.dim3(4)
p = hip.hipDeviceProp_t()
err, = hip.hipGetDeviceProperties(p, 0)
p.major = 9
p.name = b"gfx-test"
e = hip.hipMemcpyKind.hipMemcpyHostToDevice
print(json.dumps([list(d), list(g), hip.sizeof(d), err.name, p.major, p.name.decode(), int(p) != 0,
                  len(bytes(memoryview(p))) == hip.sizeof(hip.hipDeviceProp_t), int(e), hip.hipStreamNonBlocking,
                  isinstance(hip.hipSuccess, hip.hipError_t), hip.HIP_VERSION_STRING]))
''')
    assert out[:3] == [[32, 1, 1], [4, 1, 1], 12]
    assert out[3] == "hipErrorInvalidDevice"     # what the real 5.2.3 runtime answers with no GPU
    assert out[4:8] == [9, "gfx-test", True, True]
    assert out[8:] == [1, 1, True, "5.2.21153"]


def test_loader_reports_path_and_reason(run_523, runtime_523):
    report = run_523("from hip import hip, _loader; import json; hip.hipGetDeviceCount(); "
                     "print(json.dumps(_loader.report()))")
    assert report[0]["path"].endswith("libamdhip64.so.5.2.21153")
    assert report[0]["found_via"] == "soname"
    explicit = str(runtime_523 / "lib/x86_64-linux-gnu/libamdhip64.so.5")
    report = run_523("from hip import hip, _loader; import json; hip.hipGetDeviceCount(); "
                     "print(json.dumps(_loader.report()))", HIP_PYTHON_LIBAMDHIP64_PATH=explicit)
    assert report[0]["found_via"] == "HIP_PYTHON_LIBAMDHIP64_PATH"


def test_hiprtc_on_5x_is_found_inside_libamdhip64(run_523):
    report = run_523("from hip import hiprtc, _loader; import json; hiprtc.hiprtcVersion(); "
                     "print(json.dumps(_loader.report()))")
    rtc = [r for r in report if r["module"] == "hiprtc"][0]
    assert "libamdhip64 exports hiprtc" in rtc["found_via"]
    assert [m["path"] for m in rtc["misses"]][:2] == ["libhiprtc.so.5", "libhiprtc.so"]


def test_no_runtime_gives_a_clear_error(run_523, tmp_path):
    p = run_523.proc("from hip import hip; hip.hipGetDeviceCount()", LD_LIBRARY_PATH=str(tmp_path),
                     HIP_PYTHON_LIBAMDHIP64_PATH=str(tmp_path / "nope.so"))
    assert p.returncode != 0
    assert "HipLibraryNotFoundError" in p.stderr and "HIP_PYTHON_LIBAMDHIP64_PATH" in p.stderr


PROBE = """
import json
try:
    from hip import {module}
    {module}.{call}()
    print(json.dumps(["usable"]))
except RuntimeError as e:   # AMD's loader raises RuntimeError: clients probe "is HIP usable?" so
    print(json.dumps(["caught", type(e).__name__, isinstance(e, OSError), str(e)]))
"""


@pytest.mark.parametrize("module, call", [("hip", "hipRuntimeGetVersion"), ("hiprtc", "hiprtcVersion")])
def test_a_missing_runtime_is_caught_by_except_runtime_error(run_523, tmp_path, module, call):
    """The client's probe written for AMD's wheel catches our loader's error, whose message and
    OSError base stay: with the runtime absent from the loader path, and with a bogus named file."""
    code = PROBE.format(module=module, call=call)
    absent = run_523(code, LD_LIBRARY_PATH=str(tmp_path))
    assert absent[:3] == ["caught", "HipLibraryNotFoundError", True], absent
    assert "could not open libamdhip64" in absent[3] and "tried, in order" in absent[3], absent[3]
    bogus = tmp_path / "libamdhip64.so.5"
    named = run_523(code, HIP_PYTHON_LIBAMDHIP64_PATH=str(bogus))   # the real runtime is on the path
    assert named[:3] == ["caught", "HipLibraryNotFoundError", True], named
    assert f"HIP_PYTHON_LIBAMDHIP64_PATH={bogus} cannot be opened: no such file" in named[3], named[3]
    assert run_523(code) == ["usable"]


def test_every_loader_error_is_a_runtime_error(run_523):
    """What AMD's loader raises for a library it cannot open or a symbol it cannot find is a
    RuntimeError; each of ours is one too (a ROCm library's, a missing function's)."""
    assert run_523("import hip, json; print(json.dumps([[c.__name__ for c in e.__mro__[1:-3]] for e in "
                   "(hip.HipLibraryNotFoundError, hip.RocmLibraryNotFoundError, hip.HipFunctionNotFoundError)]))") \
        == [["OSError", "RuntimeError"], ["HipLibraryNotFoundError", "OSError", "RuntimeError"], ["RuntimeError"]]


def test_unknown_attribute_names_the_release(run_523):
    p = run_523.proc("from hip import hip; hip.hipNotAFunction")
    assert "AttributeError" in p.stderr and "HIP 5.2.21153 headers" in p.stderr


MISSING_FIELD = """
import json, sys
from hip import hip
p = hip.hipDeviceProp_t()
probes = [hasattr(p, "uuid"), getattr(p, "uuid", None), hasattr(p, "gcnArch")]
lazy = "hip_python_select" not in sys.modules   # a probe composes no message: nothing read
out = []
for f in (lambda: p.uuid, lambda: setattr(p, "uuid", 1), lambda: p.notAField):
    try:
        f()
    except AttributeError as e:
        out.append([type(e).__name__, e.name, e.obj is p, str(e)])
print(json.dumps([probes, lazy, out]))
"""


def test_a_field_the_release_lacks_names_the_release_and_those_that_have_it(run_523):
    """hipDeviceProp_t.uuid came with HIP 6.0: on the 5.2.3 wheel the AttributeError names the
    field, the struct and the release, like a missing function's error, and, where the resolver
    is installed (its shipped manifests of every release), which releases have the field; only
    when the message is shown (hasattr stays a cheap probe)."""
    src = str(Path(__file__).resolve().parents[2] / "resolver" / "src")
    probes, lazy, out = run_523(MISSING_FIELD, PYTHONPATH=src)
    assert probes == [False, None, True] and lazy
    head = "hipDeviceProp_t has no field 'uuid' in the HIP 5.2.21153 headers this hip-python wheel was generated from"
    told = (f"{head}; the struct of HIP 6.4.43484 and 7.2.53211 has it (install the wheel of that "
            "release where that runtime is: hip-python-select install)")
    assert out[:2] == [["MissingFieldError", "uuid", True, told]] * 2
    assert out[2] == ["MissingFieldError", "notAField", True, "hipDeviceProp_t has no field 'notAField' in the HIP "
                      "5.2.21153 headers this hip-python wheel was generated from, nor in any other release "
                      "hip-python supports"]
    # without the resolver: the release alone
    probes, lazy, out = run_523(MISSING_FIELD)
    assert [o[3] for o in out] == [head, head, head.replace("'uuid'", "'notAField'")]


def test_matching_pair_imports_silently(run_523):
    p = run_523.proc("import warnings; warnings.simplefilter('error'); from hip import hip, hiprtc; "
                     "hip.hipRuntimeGetVersion(); hiprtc.hiprtcVersion()")
    assert p.returncode == 0 and p.stderr == "", p.stderr


def test_python_m_hip_says_what_was_loaded_and_why(run_523):
    out = run_523("import runpy, sys, io, contextlib, json\nsys.argv = ['hip', '--json']\n"
                  "buf = io.StringIO()\nwith contextlib.redirect_stdout(buf):\n"
                  "    try: runpy.run_module('hip', run_name='__main__')\n    except SystemExit: pass\n"
                  "print(json.dumps(json.loads(buf.getvalue())))")
    assert out["runtime_hip_version"] == "5.2.21153" == out["generated_from_hip"]
    assert {lib["module"] for lib in out["libraries"]} == {"hip", "hiprtc"}


def _explicit(run_523, path, var="HIP_PYTHON_LIBAMDHIP64_PATH", module="hip", call="hipGetDeviceCount"):
    """Run with the runtime on the loader path, but ``var`` naming ``path``: must fail, naming both."""
    p = run_523.proc(f"from hip import {module}; {module}.{call}()", **{var: str(path)})
    assert p.returncode == 1, p.stderr          # an exception, never a signal
    assert "HipLibraryNotFoundError" in p.stderr and f"{var}={path}" in p.stderr, p.stderr
    return p.stderr


def test_a_named_library_that_is_missing_is_an_error_not_a_fall_through(run_523, tmp_path):
    # the real runtime is on LD_LIBRARY_PATH: a silent fall-through would succeed
    assert "no such file" in _explicit(run_523, tmp_path / "libamdhip64.so.5")
    assert "no such file" in _explicit(run_523, tmp_path / "libhiprtc.so", "HIP_PYTHON_LIBHIPRTC_PATH",
                                       "hiprtc", "hiprtcVersion")


def test_a_truncated_library_is_refused_before_dlopen(run_523, runtime_523, tmp_path):
    """dlopen of a truncated libamdhip64.so.5 dies of SIGBUS: the header check says why instead."""
    real = (runtime_523 / "lib/x86_64-linux-gnu/libamdhip64.so.5").resolve().read_bytes()
    for size in (4096, len(real) // 2, len(real) - 1):
        cut = tmp_path / f"libamdhip64.so.5.cut{size}"
        cut.write_bytes(real[:size])
        assert "truncated" in _explicit(run_523, cut)


@pytest.mark.parametrize("how", ["LD_LIBRARY_PATH", "ROCM_PATH"])
def test_a_truncated_library_found_by_the_search_is_refused_before_dlopen(run_523, runtime_523, tmp_path, how):
    """The first 4 KiB of the real libamdhip64.so.5, first on the loader's path (or under
    ROCM_PATH), the real runtime after it: dlopen would map it and die of SIGBUS; the loader
    checks the file the search finds and says which file and why, for hip and for hiprtc
    (inside libamdhip64 on 5.x)."""
    real = runtime_523 / "lib/x86_64-linux-gnu"
    cut = tmp_path / "lib" / "libamdhip64.so.5"
    cut.parent.mkdir()
    cut.write_bytes((real / "libamdhip64.so.5").resolve().read_bytes()[:4096])
    env = ({"LD_LIBRARY_PATH": f"{cut.parent}:{real}"} if how == "LD_LIBRARY_PATH"
           else {"ROCM_PATH": str(tmp_path)})
    for module, call in (("hip", "hipGetDeviceCount"), ("hiprtc", "hiprtcVersion")):
        p = run_523.proc(f"from hip import {module}\ntry:\n    {module}.{call}()\nexcept RuntimeError as e:\n"
                         f"    print(type(e).__name__)\n    raise", **env)
        assert p.returncode == 1, p.stderr            # an exception, never a signal
        assert p.stdout == "HipLibraryNotFoundError\n", p.stdout + p.stderr
        where = "libamdhip64.so.5 through LD_LIBRARY_PATH" if how == "LD_LIBRARY_PATH" else "ROCM_PATH"
        assert (f"hip.hip needs libamdhip64 of HIP 5.x; the file found ({where}), {cut.resolve()}, cannot be "
                f"opened: truncated: 4096 bytes") in p.stderr, p.stderr
    # the same directory with the whole file: found the same way, and it works
    cut.write_bytes((real / "libamdhip64.so.5").resolve().read_bytes())
    assert run_523("from hip import hip, _loader; import json; hip.hipGetDeviceCount(); "
                   "print(json.dumps(_loader.report()[0]['path']))", **env) == str(cut.resolve())


def test_a_named_file_that_is_not_a_library_is_refused(run_523, tmp_path):
    text = tmp_path / "libamdhip64.so.5"
    text.write_text("not a library\n" * 10)
    assert "not an ELF file" in _explicit(run_523, text)
    assert "not a regular file" in _explicit(run_523, tmp_path)
    bad = tmp_path / "other.so"
    bad.write_bytes(b"\x7fELF\x02\x01" + bytes(58))   # a header and nothing else: dlopen refuses it
    _explicit(run_523, bad)


def test_bitfields_touch_only_their_own_bytes(run_523):
    """hipDeviceArch_t is 4 bytes of 1-bit fields declared ``unsigned int``: a field in its last
    bytes must not be read or written as a whole unsigned int starting there. The struct sits at
    the very end of a page whose successor is inaccessible, so one byte too many is a SIGSEGV."""
    got = run_523(r'''
import ctypes, json, mmap
from hip import hip
libc = ctypes.CDLL(None, use_errno=True)
libc.mprotect.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
page = mmap.PAGESIZE
mem = mmap.mmap(-1, 2 * page)
base = ctypes.addressof(ctypes.c_char.from_buffer(mem))
assert libc.mprotect(base + page, page, 0) == 0, ctypes.get_errno()   # PROT_NONE
cls = hip.hipDeviceArch_t
s = cls.from_ptr(base + page - hip.sizeof(cls), mem)
names = list(cls.PROPERTIES())
for n in names:
    setattr(s, n, 1)
values = [getattr(s, n) for n in names]
print(json.dumps([hip.sizeof(cls), len(names), values, bytes(memoryview(s)).hex()]))
''')
    size, count, values, raw = got
    assert size == 4 and count == 17 and values == [1] * count
    assert int.from_bytes(bytes.fromhex(raw), "little") == (1 << count) - 1


def test_handle_parameters_take_their_class_or_an_address(run_523):
    """A handle parameter (hipStream_t) takes a stream, or a raw address: None, an int, an object
    with __index__ (a numpy integer), a Pointer; another handle type or a struct is a TypeError
    naming the parameter and the class, before C sees it (issue 27)."""
    out = run_523(
        "from hip import hip; import json\n"
        "from hip._util.types import Pointer\n"
        "class Address:\n"
        "    def __index__(self): return 0\n"
        "got = [hip.hipStreamQuery(x)[0].name for x in (None, 0, Address(), Pointer(0))]\n"
        "errors = []\n"
        "for bad in (hip.dim3(), hip.hipEvent_t.fromObj(0), True):\n"
        "    try:\n"
        "        hip.hipStreamQuery(bad)\n"
        "        errors.append('no error')\n"
        "    except TypeError as e:\n"
        "        errors.append(str(e))\n"
        "print(json.dumps([got, errors]))")
    got, errors = out
    assert len(set(got)) == 1 and got[0].startswith("hip")   # the same C call for every address
    assert errors == [f"stream: expected ihipStream_t (or an int address, a Pointer or None), not {t}"
                      for t in ("dim3", "ihipEvent_t", "bool")]


def test_a_text_buffer_in_amds_form_or_the_callers_whole(run_523):
    """hipDeviceGetName(len, device), AMD's form (older layout and 10.x): the buffer is made here
    and (status, text) returned; given by the caller, (name, len, device), it must hold len bytes
    (C writes up to len), else a ValueError naming it, before C is called."""
    e, name, kind, filled, short, e2, bus = run_523(
        "from hip import hip; import json\n"
        "e, name = hip.hipDeviceGetName(64, 0)\n"
        "filled = hip.hipDeviceGetName(bytearray(64), 64, 0)\n"
        "try:\n"
        "    hip.hipDeviceGetName(bytearray(4), 64, 0); short = None\n"
        "except ValueError as x:\n"
        "    short = str(x)\n"
        "e2, bus = hip.hipDeviceGetPCIBusId(32, 0)\n"
        "print(json.dumps([e.name, name, type(name).__name__, [x.name for x in filled], short, e2.name, bus]))")
    assert e in ("hipErrorNoDevice", "hipErrorInvalidDevice") and e2 == e, (e, e2)
    assert (name, kind, bus) == ("", "CStr", "")   # no device: nothing written
    assert filled == [e]
    assert short.startswith("name: the buffer given holds 4 bytes, and len lets C write 64"), short
