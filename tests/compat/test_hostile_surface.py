"""Hostile input on the bindings' newer surface (issue 27): enum classes, read-only memory, bools
as pointers, struct array fields, ``DeviceArray``'s array interface, a missing library's message.

Each runs in the venv of a wheel built from this tree, on the recording null runtimes made from
the wheel's own manifests (``compat_harness.null_runner``), so a refusal is also checked to
reach no C call: 5.2.3's hip/hiprtc wheel, and 5.7.1's wheel with all seven library modules for
what is per library (enum aliases, the library loader's message).
"""
from __future__ import annotations

import ast
import json
import re
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compat_harness import null_523, null_runner  # noqa: F401  (null_523: the session's fixture)
from wheels_for_tests import library_wheel, make_venv

LIBRARY_MODULES = ("hip", "hiprtc", "hipblas", "hipfft", "hiprand", "hipsolver", "hipsparse", "rccl", "roctx")


@pytest.fixture(scope="module")
def null571(tmp_path_factory):
    return null_runner(make_venv(tmp_path_factory.mktemp("venv") / "lib571", library_wheel("5.7.1")),
                       tmp_path_factory)


def _run(runner, code: str):
    p = runner.proc(code)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


# Prints, as JSON, what ``expr`` raised: [exception type, message] (or ["ok", repr(value)]).
TRY = r'''
import json
def attempt(f):
    try:
        v = f()
    except Exception as e:
        return [type(e).__name__, str(e)]
    return ["ok", repr(v)]
'''


# -- 1. one class per enum, however it is named -------------------------------------------------
# A call per module returning the module's status enum (the null libraries answer 0 at once).
STATUS_CALLS = {"hip": "hip.hipGetDeviceCount()", "hiprtc": "hiprtc.hiprtcVersion()",
                "hipblas": "hipblas.hipblasCreate()", "hipfft": "hipfft.hipfftCreate()",
                "hiprand": "hiprand.hiprandCreateGenerator(400)", "hipsolver": "hipsolver.hipsolverCreate()",
                "hipsparse": "hipsparse.hipsparseCreate()", "rccl": "rccl.ncclGetVersion()",
                "roctx": None}   # roctx returns ints only

ALIASES = TRY + r'''
import importlib
mod = importlib.import_module("hip." + NAME)
globals()[NAME] = mod     # CALL names it
enums = {e[0] for e in mod._ENUMS}
aliases = {a: t for a, t in mod._ALIASES.items() if t in enums}
bad = []
status = eval(CALL)[0] if CALL else None     # built by the call, before any alias is named
if CALL and type(status).__name__ not in enums:
    bad.append(["status is no enum member", repr(status)])
# a member of each target taken before its alias is named
members = {t: next(iter(getattr(mod, t))) for t in sorted(set(aliases.values()))}
for a, t in sorted(aliases.items()):
    if getattr(mod, a) is not getattr(mod, t):
        bad.append([a, t, "two classes"])
    if not isinstance(members[t], getattr(mod, a)):
        bad.append([a, t, "member taken before the alias is no instance of it"])
    if CALL and t == type(status).__name__ and not isinstance(status, getattr(mod, a)):
        bad.append([a, t, "status returned before the alias is no instance of it"])
print(json.dumps([len(aliases), bad]))
'''


@pytest.mark.parametrize("name", [m for m in LIBRARY_MODULES if m != "roctx"])   # roctx: no enum returned
def test_a_typedef_alias_of_an_enum_is_the_class_itself(null571, name):
    """``hiprandStatus_t is hiprandStatus`` (and every other enum alias of every module of the
    5.7.1 wheel), whether the class was built by a call's status, by its own name or by the alias."""
    n, bad = _run(null571, f"NAME = {name!r}; CALL = {STATUS_CALLS[name]!r}\n" + ALIASES)
    assert bad == []
    # hipBLAS, hipSOLVER, hipSPARSE, RCCL (5.7.1) name their status enums by one name: the call's
    # status is checked against it; hip has 6 enum aliases, hipRAND and hipFFT their statuses'
    assert n > 0 or name in ("hiprtc", "hipblas", "hipsolver", "hipsparse", "rccl"), n


def test_the_statuses_of_the_issue_are_instances_of_their_alias(null571):
    e, g, r, s = _run(null571, r'''
import json
from hip import hip, hiprand, hipfft
e, g = hiprand.hiprandCreateGenerator(400)
r, plan = hipfft.hipfftCreate()
hipfft_alias = hipfft.hipfftResult
m = hip.hipExternalMemoryHandleType_enum(1)
print(json.dumps([isinstance(e, hiprand.hiprandStatus_t), isinstance(r, hipfft_alias),
                  isinstance(m, hip.hipExternalMemoryHandleType), hiprand.hiprandStatus_t is type(e)]))
''')
    assert e and r and s and g


THREADS = r'''
import json, sys, threading, importlib
sys.setswitchinterval(1e-6)       # a thread switch every few bytecodes: races show at once
mod = importlib.import_module("hip." + NAME)
globals()[NAME] = mod     # CALL names it
names = [e[0] for e in mod._ENUMS] + sorted(mod._ALIASES)
N = 6
barrier = threading.Barrier(N)
seen = [None] * N
def work(k):
    barrier.wait()
    got = []
    if CALL:
        got.append(id(type(eval(CALL)[0])))
    seen[k] = got + [id(getattr(mod, n)) for n in names]
threads = [threading.Thread(target=work, args=(k,)) for k in range(N)]
for t in threads: t.start()
for t in threads: t.join()
final = ([id(type(eval(CALL)[0]))] if CALL else []) + [id(getattr(mod, n)) for n in names]
print(json.dumps([len(names), [i for i in range(len(final)) if len({s[i] for s in seen} | {final[i]}) > 1]]))
'''


@pytest.mark.parametrize("name", ["hip", "hiprand", "hipfft"])
def test_threads_touching_enums_first_at_once_get_one_class(null571, name):
    """Six threads name every enum and alias (and make a status call) at once, thread switches
    forced every few bytecodes: each name is one class in all of them (before the build lock,
    3-4 of hip's 52 enums had two classes every run)."""
    n, split = _run(null571, f"NAME = {name!r}; CALL = {STATUS_CALLS[name]!r}\n" + THREADS)
    assert n >= 5 and split == []


# -- 2. read-only memory is never exposed writable ----------------------------------------------
def test_a_struct_over_read_only_memory_refuses_writes(null_523):
    r = _run(null_523, TRY + r'''
from hip import hip
from hip._util.types import Pointer
data = bytes(12)
ro = hip.dim3.fromObj(data)
out = {"bytes": attempt(lambda: setattr(ro, "x", 7)), "unchanged": data == bytes(12),
       "reads": list(ro),
       "item": attempt(lambda: ro.__setitem__(0, 7)),
       "view": attempt(lambda: memoryview(ro).readonly),
       "writable_export": attempt(lambda: memoryview(ro).cast("B").__setitem__(0, 1)),
       "ro_memoryview": attempt(lambda: setattr(hip.dim3.fromObj(memoryview(bytearray(12)).toreadonly()), "y", 1)),
       "pointer": attempt(lambda: setattr(hip.dim3.from_ptr(Pointer(data)), "z", 1)),
       "fromObj_pointer": attempt(lambda: setattr(hip.dim3.fromObj(Pointer(data)), "z", 1))}
# a nested struct of a read-only struct is read-only too
p = hip.hipMemcpy3DParms.fromObj(bytes(hip.sizeof(hip.hipMemcpy3DParms)))
out["nested"] = attempt(lambda: setattr(p.extent, "width", 1))
# a writable buffer is still viewed, as AMD's fromObj does: writes reach it
buf = bytearray(12)
hip.dim3.fromObj(buf).y = 5
out["writable"] = list(buf[4:8])
print(json.dumps(out))
''')
    for k in ("bytes", "item", "ro_memoryview", "pointer", "fromObj_pointer", "nested"):
        assert r[k][0] == "TypeError" and "read-only memory" in r[k][1], (k, r[k])
    assert r["unchanged"] and r["reads"] == [0, 0, 0]
    assert r["view"] == ["ok", "True"] and r["writable_export"][0] == "TypeError"
    assert r["writable"] == [5, 0, 0, 0]


def test_read_only_memory_is_refused_where_c_writes_and_taken_where_c_reads(null_523):
    r = _run(null_523, TRY + r'''
from hip import hip
from hip._util.types import Pointer, DeviceArray
ro_struct = hip.hipDeviceProp_t.fromObj(bytes(hip.sizeof(hip.hipDeviceProp_t)))
ro_dev = hip.hipMalloc(64)[1].configure(read_only=True)
out = {"prop": attempt(lambda: hip.hipGetDeviceProperties(ro_struct, 0)),
       "memset": attempt(lambda: hip.hipMemset(ro_dev, 0, 64)),
       "memset_bytes_array": attempt(lambda: hip.hipMemset(DeviceArray(bytes(64)), 0, 64)),
       "memcpy_dst": attempt(lambda: hip.hipMemcpy(Pointer(bytes(64)), ro_dev, 64, 2)),
       "memcpy_src": attempt(lambda: hip.hipMemcpy(bytearray(64), ro_dev, 64, 2))}
print(json.dumps(out))
''')
    for k in ("prop", "memset", "memset_bytes_array", "memcpy_dst"):
        assert r[k][0] == "TypeError" and "C writes through this pointer" in r[k][1], (k, r[k])
    assert r["memcpy_src"][0] == "ok"     # read-only memory is fine where C only reads
    called = [n for n, _ in null_523.calls()]
    assert called.count("hipMemcpy") == 1 and "hipMemset" not in called and "hipGetDeviceProperties" not in called


# -- 3. a bool is no pointer -------------------------------------------------------------------
def test_a_bool_is_no_address_but_still_an_int(null_523):
    r = _run(null_523, TRY + r'''
from hip import hip
from hip._util.types import Pointer, ListOfPointer
out = {"free": attempt(lambda: hip.hipFree(True)),
       "memcpy": attempt(lambda: hip.hipMemcpy(bytearray(4), False, 4, 2)),
       "from_ptr": attempt(lambda: hip.dim3.from_ptr(True)),
       "field": attempt(lambda: setattr(hip.hipPitchedPtr(), "ptr", True)),
       "list": attempt(lambda: ListOfPointer([True])),
       "set_device": attempt(lambda: hip.hipSetDevice(True))}
print(json.dumps(out))
''')
    for k in ("free", "memcpy", "from_ptr", "field", "list"):
        assert r[k][0] == "TypeError" and "bool" in r[k][1], (k, r[k])
    # an int parameter takes a bool, as AMD's bindings (Cython int parameters) do
    assert r["set_device"][0] == "ok"
    calls = null_523.calls()
    assert not [n for n, _ in calls if n in ("hipFree", "hipMemcpy")]
    assert [a for n, a in calls if n == "hipSetDevice"] == [["1"]]


# -- 4. struct array fields --------------------------------------------------------------------
def test_array_fields_are_assigned_whole(null_523):
    r = _run(null_523, TRY + r'''
from hip import hip
from hip._util.types import ListOfBytes
p = hip.hipDeviceProp_t()
p.maxThreadsDim = [1, 2, 3]
p.maxThreadsDim = [9]
out = {"shorter": p.maxThreadsDim}
p.maxThreadsDim = (4, 5, 6)
out["dict"] = attempt(lambda: setattr(p, "maxThreadsDim", {7: 0, 8: 0}))
out["set"] = attempt(lambda: setattr(p, "maxThreadsDim", {7}))
out["str_ints"] = attempt(lambda: setattr(p, "maxThreadsDim", "123"))
out["longer"] = attempt(lambda: setattr(p, "maxThreadsDim", [1, 2, 3, 4]))
out["bad_item"] = attempt(lambda: setattr(p, "maxThreadsDim", [1, "a", 3]))
out["after"] = p.maxThreadsDim
p.name = b"old name that is long"
p.name = "gfx90a"
out["str"] = p.name.decode()
out["str_nul"] = attempt(lambda: setattr(p, "name", "a\0b"))
out["str_long"] = attempt(lambda: setattr(p, "name", "x" * 257))
out["str_utf8"] = attempt(lambda: setattr(p, "name", "\u00e9" * 129))
p.name = "\u00e9t\u00e9"
out["utf8"] = p.name.decode()
out["bytes_nul"] = attempt(lambda: setattr(p, "name", b"bin\0ary"))
out["char_dict"] = attempt(lambda: setattr(p, "name", {"a": 1}))
out["list_nul"] = attempt(lambda: ListOfBytes(["a\0b"]))
out["list_bytes_nul"] = attempt(lambda: ListOfBytes([b"a\0b"]))
print(json.dumps(out))
''')
    assert r["shorter"] == [9, 0, 0]          # C's {9}: the tail is zero, never the old values
    for k in ("dict", "set", "str_ints", "char_dict"):
        assert r[k][0] == "TypeError" and "list or tuple" in r[k][1], (k, r[k])
    assert r["longer"][0] == "ValueError" and "holds 3" in r["longer"][1]
    assert r["bad_item"][0] == "TypeError" and "expected an int" in r["bad_item"][1]
    assert r["after"] == [4, 5, 6]           # a refused assignment changes nothing
    assert r["str"] == "gfx90a" and r["utf8"] == "\u00e9t\u00e9"
    assert r["str_nul"][0] == "ValueError" and "null character" in r["str_nul"][1]
    for k in ("str_long", "str_utf8"):
        assert r[k][0] == "ValueError" and "holds 256" in r[k][1], (k, r[k])
    assert r["bytes_nul"][0] == "ok"          # bytes are binary (reserved[] fields)
    for k in ("list_nul", "list_bytes_nul"):
        assert r[k][0] == "ValueError" and "null character" in r[k][1], (k, r[k])


# -- 5. DeviceArray and the CUDA array interface ------------------------------------------------
def test_device_array_configure_refuses_what_the_interface_forbids(null_523):
    r = _run(null_523, TRY + r'''
from hip import hip
from hip._util.types import DeviceArray
a = hip.hipMalloc(64)[1]
def conf(**kw):
    return attempt(lambda: DeviceArray(a).configure(**kw).__cuda_array_interface__)
s = hip.hipStream_t(0x7AB000)     # a stream handle (the null runtime's hipStreamCreate gives NULL)
out = {"huge": conf(shape=(2**32, 2**32)), "past_end": conf(typestr="float32", shape=(17,)),
       "itemsize0": conf(itemsize=0), "itemsize_neg": conf(itemsize=-4), "f0": conf(typestr="<f0"),
       "itemsize_bool": conf(itemsize=True), "itemsize_float": conf(itemsize=4.0),
       "contradiction": conf(typestr="float32", itemsize=8),
       "strides_len": conf(shape=(4, 4), strides=(4,)), "strides_type": conf(shape=(4,), strides=("a",)),
       "strides_str": conf(shape=(4,), strides="ab"), "strides_back": conf(shape=(4,), strides=(-1,)),
       "strides_past": conf(shape=(4, 4), strides=(64, 1)),
       "shape_neg": conf(shape=(-1,)), "shape_float": conf(shape=(2.0,)), "shape_dict": conf(shape={4: 4}),
       "read_only_str": conf(read_only="no"),
       "stream0": conf(stream=0), "stream_float": conf(stream=1.5),
       "stream": conf(stream=s), "stream_default": conf(stream=None), "stream_null": conf(stream=hip.hipStream_t(0)),
       "strided": conf(typestr="float32", shape=(4, 2), strides=(16, 4)),
       "empty": conf(shape=(0, 2**40))}
b = DeviceArray(a)
out["attr"] = attempt(lambda: setattr(b, "shape", (1000,)))
out["attr_after"] = b.shape
out["stream_int"] = int(s)
print(json.dumps(out))
''')
    assert r["huge"][0] == "ValueError" and "18446744073709551616 bytes" in r["huge"][1]
    for k in ("past_end", "strides_past", "strides_back"):
        assert r[k][0] == "ValueError" and "the allocation holds 64" in r[k][1], (k, r[k])
    for k, v in [("itemsize0", "0"), ("itemsize_neg", "-4"), ("f0", "<f0"), ("contradiction", "itemsize=8"),
                 ("strides_len", "(4,)"), ("shape_neg", "-1"), ("stream0", "stream=0")]:
        assert r[k][0] == "ValueError" and v in r[k][1], (k, r[k])
    for k, v in [("itemsize_bool", "bool"), ("itemsize_float", "float"), ("strides_type", "str"),
                 ("strides_str", "str"), ("shape_float", "float"), ("shape_dict", "dict"),
                 ("read_only_str", "str"), ("stream_float", "float")]:
        assert r[k][0] == "TypeError" and v in r[k][1], (k, r[k])
    stream = ast.literal_eval(r["stream"][1])
    assert stream["stream"] == r["stream_int"] != 0 and stream["version"] == 3
    assert "stream" not in ast.literal_eval(r["stream_default"][1])
    assert ast.literal_eval(r["stream_null"][1])["stream"] == 1   # HIP's default stream: the interface's 1
    strided = ast.literal_eval(r["strided"][1])
    assert (strided["shape"], strided["strides"], strided["typestr"]) == ((4, 2), (16, 4), "<f4")
    assert ast.literal_eval(r["empty"][1])["shape"] == (0, 2**40)
    assert r["attr"][0] == "ValueError" and r["attr_after"] == [64]


TYPESTR = re.compile(r"[<>|=][biufcmMOV][1-9][0-9]*\Z")

SERVER = r'''
import ast, json, sys
from hip._util.types import DeviceArray
for line in sys.stdin:
    cap, calls = ast.literal_eval(line)
    a = DeviceArray(bytearray(cap))
    results = []
    for kw in calls:
        try:
            a.configure(**kw)
        except (ValueError, TypeError) as e:
            results.append([type(e).__name__, str(e)])
        except BaseException as e:     # anything else is what the test looks for
            results.append(["other", f"{type(e).__name__}: {e}"])
        else:
            cai = dict(a.__cuda_array_interface__)
            cai["data"] = cai["data"][1]
            results.append(["ok", repr(cai), a.itemsize, a.nbytes, a.size])
    print(json.dumps(results), flush=True)
'''

_scalar = st.one_of(st.integers(-2**70, 2**70), st.integers(-3, 70), st.booleans(), st.none(),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=4))
_dims = st.one_of(st.lists(st.integers(0, 70), max_size=4).map(tuple),
                  st.lists(st.integers(-2**65, 2**65), max_size=3).map(tuple),
                  st.lists(_scalar, max_size=3), _scalar, st.dictionaries(st.integers(0, 9), st.integers(0, 9), max_size=2))
_kwargs = st.fixed_dictionaries({}, optional={
    "shape": _dims, "strides": st.one_of(st.none(), _dims),
    "typestr": st.one_of(st.sampled_from(["float32", "<f4", "|u1", "<f0", "<i8", "f", "d", "<c16", ">x4", "<f",
                                          "|V3", "<f99999999999999999999999", "int", "bogus"]), _scalar),
    "itemsize": st.one_of(st.integers(-2, 20), _scalar),
    "read_only": st.one_of(st.booleans(), _scalar), "stream": st.one_of(st.integers(-2, 2**66), _scalar)})


@pytest.fixture(scope="module")
def configure_server(null_523):
    p = subprocess.Popen([str(null_523.python), "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, env=null_523.env(), cwd="/")
    yield p
    p.stdin.close()
    p.wait(timeout=30)


def _extent(shape, strides, itemsize):
    if 0 in shape:
        return 0, 0
    if strides is None:
        n = itemsize
        for d in shape:
            n *= d
        return 0, n
    lo = sum(min(0, (d - 1) * s) for d, s in zip(shape, strides))
    hi = sum(max(0, (d - 1) * s) for d, s in zip(shape, strides))
    return lo, hi + itemsize


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cap=st.integers(0, 256), calls=st.lists(_kwargs, min_size=1, max_size=3))
def test_configure_gives_a_valid_interface_within_the_allocation_or_a_clear_refusal(configure_server, cap, calls):
    """Any configure() arguments, one to three calls in a row on one array: each either leaves a
    valid version-3 interface whose elements lie within the allocation, or raises ValueError or
    TypeError (never another exception, never an interface claiming more than was allocated)."""
    configure_server.stdin.write(repr((cap, calls)) + "\n")
    configure_server.stdin.flush()
    results = json.loads(configure_server.stdout.readline())
    for kw, res in zip(calls, results):
        assert res[0] != "other", (kw, res)
        if res[0] != "ok":
            assert res[0] in ("ValueError", "TypeError") and res[1], (kw, res)
            continue
        cai, itemsize, nbytes, size = ast.literal_eval(res[1]), res[2], res[3], res[4]
        shape, strides = cai["shape"], cai["strides"]
        assert cai["version"] == 3 and isinstance(cai["data"], bool)
        assert TYPESTR.match(cai["typestr"]) and int(cai["typestr"][2:]) == itemsize > 0, (kw, cai)
        assert isinstance(shape, tuple) and all(type(d) is int and d >= 0 for d in shape), (kw, cai)
        assert strides is None or (len(strides) == len(shape) and all(type(s) is int for s in strides)), (kw, cai)
        assert "stream" not in cai or (type(cai["stream"]) is int and cai["stream"] > 0), (kw, cai)
        first, end = _extent(shape, strides, itemsize)
        assert 0 <= first and end <= cap, (kw, cai, cap)
        prod = 1
        for d in shape:
            prod *= d
        assert size == prod and nbytes == prod * itemsize


# -- 6. a missing library's message -------------------------------------------------------------
def test_a_missing_library_is_named_by_its_own_version_not_as_a_hip_release(null571, tmp_path):
    missing = tmp_path / "libhiprand.so.1"
    # (the runner's environment names the null hipRAND: the script replaces that before the import)
    p = null571.proc(f"import os; os.environ['HIP_PYTHON_LIBHIPRAND_PATH'] = {str(missing)!r}\n" + TRY + r'''
import warnings
warnings.simplefilter("ignore")
from hip import hiprand
print(json.dumps(attempt(lambda: hiprand.hiprandGetVersion())))
''')
    assert p.returncode == 0, p.stderr
    kind, message = json.loads(p.stdout.strip().splitlines()[-1])
    assert kind == "RocmLibraryNotFoundError", message   # a HipLibraryNotFoundError (and RuntimeError) too
    assert "HIP 1.x" not in message and "the hipRAND of HIP 5.7.31921" in message   # 5.7.1's HIP version
    assert re.search(r"libhiprand\.so\.1 \(hipRAND \d+\.\d+", message), message
