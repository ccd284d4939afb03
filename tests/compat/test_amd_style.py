"""Code written the way AMD's HIP Python documents it, on the 5.2.3 wheel.

Each script is a user program in the style of AMD's user guide and examples (a ``hip_check``
helper, host arrays, hiprtc kernels, device properties, streams, events, modules, launches
with arguments).  It runs twice:

* on the real Debian 5.2.3 runtime (no GPU here): the GPU-free parts run to the end; a part
  needing a device must stop in ``hip_check`` with the runtime's own "no device" error, never
  on a Python-level difference (TypeError, AttributeError, ...);
* on the recording null runtime (every call succeeds): every script runs to "ok", and the
  recorder shows what reached the C API (kernel arguments byte for byte).
"""
from __future__ import annotations

import json
import struct

import pytest

from compat_harness import null_523, null_724  # noqa: F401  (fixtures)

HEAD = '''
import array, ctypes, math, random
from hip import hip, hiprtc

def hip_check(call_result):
    err = call_result[0]
    result = call_result[1:]
    if len(result) == 1:
        result = result[0]
    if isinstance(err, hip.hipError_t) and err != hip.hipError_t.hipSuccess:
        raise RuntimeError(repr(err))
    elif isinstance(err, hiprtc.hiprtcResult) and err != hiprtc.hiprtcResult.HIPRTC_SUCCESS:
        raise RuntimeError(repr(err))
    return result
'''

NO_DEVICE = ("<hipError_t.hipErrorNoDevice: 100>", "<hipError_t.hipErrorInvalidDevice: 101>")

SCRIPTS = {
    "device_properties": '''
props = hip.hipDeviceProp_t()
hip_check(hip.hipGetDeviceProperties(props, 0))
for attrib in sorted(props.PROPERTIES()):
    if not attrib.startswith("reserved"):
        getattr(props, attrib)
assert "gcnArchName" in props and isinstance(props.maxThreadsDim, list)
props2 = hip_check(hip.hipGetDeviceProperties(0))       # the out-parameter form of later releases
assert isinstance(props2, hip.hipDeviceProp_t)
print("ok")
''',
    "device_attributes": '''
for attrib in (hip.hipDeviceAttribute_t.hipDeviceAttributeMaxBlockDimX,
               hip.hipDeviceAttribute_t.hipDeviceAttributeWarpSize):
    value = hip_check(hip.hipDeviceGetAttribute(attrib, 0))
    assert isinstance(value, int)
print("ok")
''',
    "stream": '''
n = 100
x_h = array.array("i", [0] * n)
num_bytes = x_h.itemsize * len(x_h)
x_d = hip_check(hip.hipMalloc(num_bytes))
assert x_d.size == num_bytes and x_d.itemsize == 1
stream = hip_check(hip.hipStreamCreate())
assert isinstance(stream, hip.hipStream_t) and isinstance(stream, hip.ihipStream_t)
hip_check(hip.hipMemcpyAsync(x_d, x_h, num_bytes, hip.hipMemcpyKind.hipMemcpyHostToDevice, stream))
hip_check(hip.hipMemsetAsync(x_d, 0, num_bytes, stream))
hip_check(hip.hipMemcpyAsync(x_h, x_d, x_d.size, hip.hipMemcpyKind.hipMemcpyDeviceToHost, stream))
hip_check(hip.hipStreamSynchronize(stream))
hip_check(hip.hipStreamDestroy(stream))
hip_check(hip.hipFree(x_d))
print("ok")
''',
    "events": '''
start, stop = hip_check(hip.hipEventCreate()), hip_check(hip.hipEventCreate())
stream = hip_check(hip.hipStreamCreateWithFlags(hip.hipStreamNonBlocking))
hip_check(hip.hipEventRecord(start, stream))
hip_check(hip.hipEventRecord(stop, stream))
hip_check(hip.hipEventSynchronize(stop))
ms = hip_check(hip.hipEventElapsedTime(start, stop))
assert isinstance(ms, float)
hip_check(hip.hipEventDestroy(start)); hip_check(hip.hipEventDestroy(stop))
hip_check(hip.hipStreamDestroy(stream))
print("ok")
''',
    "hiprtc_compile": '''
source = b"""extern "C" __global__ void scale(float factor, int n, float* x) {
  int tid = threadIdx.x + blockIdx.x * blockDim.x;
  if (tid < n) x[tid] *= factor;
}"""
prog = hip_check(hiprtc.hiprtcCreateProgram(source, b"scale", 0, [], []))
cflags = [b"--offload-arch=gfx90a"]
err, = hiprtc.hiprtcCompileProgram(prog, len(cflags), cflags)
if err != hiprtc.hiprtcResult.HIPRTC_SUCCESS:
    log_size = hip_check(hiprtc.hiprtcGetProgramLogSize(prog))
    log = bytearray(log_size)
    hip_check(hiprtc.hiprtcGetProgramLog(prog, log))
    raise RuntimeError(log.decode())
code_size = hip_check(hiprtc.hiprtcGetCodeSize(prog))
code = bytearray(code_size)
hip_check(hiprtc.hiprtcGetCode(prog, code))
hip_check(hiprtc.hiprtcDestroyProgram(prog.createRef()))
print("ok")
''',
    "launch_with_args": '''
source = b'extern "C" __global__ void scale_vector(float factor, int n, short u1, int u2, float u3, float* x) {}'
prog = hip_check(hiprtc.hiprtcCreateProgram(source, b"scale_vector", 0, [], []))
hip_check(hiprtc.hiprtcCompileProgram(prog, 1, [b"--offload-arch=gfx90a"]))
code = bytearray(hip_check(hiprtc.hiprtcGetCodeSize(prog)))
hip_check(hiprtc.hiprtcGetCode(prog, code))
module = hip_check(hip.hipModuleLoadData(code))
kernel = hip_check(hip.hipModuleGetFunction(module, b"scale_vector"))
n = 100
x_h = array.array("f", [1.0] * n)
x_d = hip_check(hip.hipMalloc(x_h.itemsize * n)).configure(typestr="float32", shape=(n,))
hip_check(hip.hipMemcpy(x_d, x_h, x_d.size * x_d.itemsize, hip.hipMemcpyKind.hipMemcpyHostToDevice))
block = hip.dim3(x=32)
grid = hip.dim3(math.ceil(n / block.x))
assert (block[0], grid[0]) == (32, 4) and list(block) == [32, 1, 1]
hip_check(hip.hipModuleLaunchKernel(kernel, *grid, *block, sharedMemBytes=0, stream=None, kernelParams=None,
    extra=(ctypes.c_float(1.5), ctypes.c_int(n), ctypes.c_short(5), ctypes.c_int(2), ctypes.c_float(5.5), x_d[4:])))
hip_check(hip.hipDeviceSynchronize())
hip_check(hip.hipMemcpy(x_h, x_d, x_d.size * x_d.itemsize, hip.hipMemcpyKind.hipMemcpyDeviceToHost))
hip_check(hip.hipFree(x_d))
hip_check(hip.hipModuleUnload(module))
hip_check(hiprtc.hiprtcDestroyProgram(prog.createRef()))
print("ok")
''',
    "handles_are_fieldless_records": '''
# AMD's handle classes are records without fields: h[i] is an IndexError, so iterating one gives
# nothing (numba-hip 0.2.1 reads an LLVM value as bytes(value) and gets b"")
stream = hip_check(hip.hipStreamCreate())
assert (list(stream), bytes(stream), 0 in stream, stream.PROPERTIES()) == ([], b"", False, [])
for bad, errors in ((0, IndexError), ("x", ValueError), (1.5, TypeError)):
    try:
        stream[bad]
    except errors:
        pass
    else:
        raise AssertionError(bad)
hip_check(hip.hipStreamDestroy(stream))
print("ok")
''',
    "jacobi_launch": '''
# AMD's hip_jacobi.py: grid = hip.dim3(n / block[0]), a float whose value is an integer
n = 1024
block = hip.dim3(128)
grid = hip.dim3(n / block[0])
assert list(grid) == [8, 1, 1] and type(grid.x) is int
x_d = hip_check(hip.hipMalloc(n * 4.0))
source = b'extern "C" __global__ void jacobi(float* x, int n) {}'
prog = hip_check(hiprtc.hiprtcCreateProgram(source, b"jacobi", 0, [], []))
hip_check(hiprtc.hiprtcCompileProgram(prog, 1, [b"--offload-arch=gfx90a"]))
code = bytearray(hip_check(hiprtc.hiprtcGetCodeSize(prog)))
hip_check(hiprtc.hiprtcGetCode(prog, code))
module = hip_check(hip.hipModuleLoadData(code))
kernel = hip_check(hip.hipModuleGetFunction(module, b"jacobi"))
hip_check(hip.hipModuleLaunchKernel(kernel, *grid, *block, sharedMemBytes=0, stream=None, kernelParams=None,
                                    extra=(x_d, ctypes.c_int(n))))
hip_check(hip.hipModuleLaunchKernel(kernel, n / 256, 1.0, 1, 256.0, 1, 1, sharedMemBytes=0.0, stream=None,
                                    kernelParams=None, extra=(x_d, ctypes.c_int(n))))
hip_check(hip.hipFree(x_d))
print("ok")
''',
    "device_array": '''
try:
    import numpy as np
    x_h = np.ones((3, 20), dtype="float32")
    num_bytes = x_h.size * x_h.itemsize
except ImportError:
    x_h = array.array("f", [1.0] * 60)
    num_bytes = len(x_h) * x_h.itemsize
x_d = hip_check(hip.hipMalloc(num_bytes)).configure(typestr="float32", shape=(3, 20))
hip_check(hip.hipMemcpy(x_d, x_h, num_bytes, hip.hipMemcpyKind.hipMemcpyHostToDevice))
for r in range(3):
    row = x_d[r, :]
    assert row.size == 20 and int(row) == int(x_d) + r * 80 and row.__cuda_array_interface__["typestr"] == "<f4"
hip_check(hip.hipFree(x_d))
print("ok")
''',
    "host_memory": '''
from hip._util.types import DeviceArray, Pointer
h = hip_check(hip.hipHostMalloc(64, 0))
assert type(h) is Pointer                                  # host memory: a Pointer, as AMD's
d = hip_check(hip.hipExtMallocWithFlags(64, 0))
assert isinstance(d, DeviceArray) and d.size == 64        # device memory: a DeviceArray
m = hip_check(hip.hipMallocManaged(32, 1))
assert isinstance(m, DeviceArray) and m.size == 32
p, pitch = hip_check(hip.hipMallocPitch(100, 4))
assert type(p) is Pointer and isinstance(pitch, int)
hip_check(hip.hipMemcpy(d, h, 64, hip.hipMemcpyKind.hipMemcpyHostToDevice))
for x in (d, m, p):
    hip_check(hip.hipFree(x))
hip_check(hip.hipHostFree(h))
print("ok")
''',
    "cu_mask_lists": '''
for bad, error in (([1.5], TypeError), ([1 << 32], OverflowError), (["1"], TypeError)):
    try:
        hip.hipExtStreamCreateWithCUMask(1, bad)
    except error:
        pass
    else:
        raise AssertionError(bad)
mask = [0xFFFFFFFF, 0x0000FFFF]
stream = hip_check(hip.hipExtStreamCreateWithCUMask(len(mask), mask))   # a list, as AMD's takes
got = [0, 0]
hip_check(hip.hipExtStreamGetCUMask(stream, len(got), got))
assert any(got), got                                     # what the runtime wrote came back
hip_check(hip.hipStreamDestroy(stream))
print("ok")
''',
    "gpu_free_api": '''
import hip as hip_pkg
from hip import ROCM_VERSION_TUPLE, HIP_VERSION_TUPLE
assert ROCM_VERSION_TUPLE == (5, 2, 3) and hip_pkg.ROCM_VERSION == 50200003
assert HIP_VERSION_TUPLE[:3] == (5, 2, 21153) and hip_pkg.HIP_VERSION == 50221153
assert hip_pkg.HIP_VERSION_NAME.startswith("5.2.21153")
from hip._util.types import DeviceArray, ListOfBytes, ListOfInt, Pointer
assert int(Pointer(1234)) == 1234 and Pointer(None) == None
assert hip.hipStream_t is hip.ihipStream_t and hiprtc.hiprtcProgram is hiprtc._hiprtcProgram
s = hip.hipStream_t(0)
assert s == None and not s and int(s) == 0
p = hip.hipDeviceProp_t()
p.maxThreadsDim = [1024, 512, 64]
assert p.maxThreadsDim == [1024, 512, 64] and p["maxThreadsDim"] == [1024, 512, 64]
assert hip.hipDeviceProp_t.fromObj(int(p)).maxThreadsDim == [1024, 512, 64]
assert callable(hiprtc.ext.hiprtcLinkCreate2) and hiprtc.ext.HiprtcLinkCreateOpts()[0] == 0
x, y, z = hip.dim3(2, 3)
assert (x, y, z) == (2, 3, 1)
print("ok")
''',
}


def run_script(runner, body):
    return runner.proc(HEAD + body)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_on_the_null_runtime_every_script_runs_to_ok(null_523, name):
    p = run_script(null_523, SCRIPTS[name])
    assert p.returncode == 0 and p.stdout.strip().endswith("ok"), p.stderr[-2000:]


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_on_the_real_runtime_only_the_missing_device_stops_a_script(run_523, name):
    p = run_script(run_523, SCRIPTS[name])
    if p.returncode == 0:
        assert p.stdout.strip().endswith("ok")
        assert name not in ("device_properties", "stream", "launch_with_args", "device_array",
                            "host_memory", "cu_mask_lists", "jacobi_launch")
        return
    last = p.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: ") and last[len("RuntimeError: "):] in NO_DEVICE, p.stderr[-2000:]
    assert name not in ("hiprtc_compile", "gpu_free_api")   # these need no device


def test_gpu_free_scripts_complete_on_the_real_runtime(run_523):
    for name in ("hiprtc_compile", "gpu_free_api"):
        p = run_script(run_523, SCRIPTS[name])
        assert p.returncode == 0 and p.stdout.strip().endswith("ok"), (name, p.stderr[-2000:])


def test_kernel_arguments_reach_the_launch_packed_byte_for_byte(null_523):
    p = run_script(null_523, SCRIPTS["launch_with_args"])
    assert p.returncode == 0, p.stderr[-2000:]
    (name, args), = null_523.calls("hipModuleLaunchKernel")
    f, gx, gy, gz, bx, by, bz, shared, stream, params, extra, packed = args
    assert [int(a, 16) for a in (gx, gy, gz, bx, by, bz, shared, stream, params)] == [4, 1, 1, 32, 1, 1, 0, 0, 0]
    x_d_view = 0 + 4 * 4           # hipMalloc wrote nothing (NULL); x_d[4:] is 4 floats further
    expected = (struct.pack("<f", 1.5) + struct.pack("<i", 100) + struct.pack("<h", 5) + b"\0\0"
                + struct.pack("<i", 2) + struct.pack("<f", 5.5) + b"\0" * 4 + struct.pack("<Q", x_d_view))
    assert packed == "extra={" + expected.hex() + "}"
    memcpys = null_523.calls("hipMemcpy")
    assert [(int(a[2], 16), int(a[3], 16)) for _, a in memcpys] == [(400, 1), (400, 2)]


def test_a_returned_handle_is_what_the_next_call_receives(null_523):
    p = null_523.proc(HEAD + '''
import json
s = hip.hipStream_t(0x5000)
hip_check(hip.hipStreamSynchronize(s))
ev = hip.hipEvent_t(0x6000)
hip_check(hip.hipEventRecord(ev, s))
prog = hiprtc.hiprtcProgram(0x7000)
hiprtc.hiprtcDestroyProgram(prog)
hiprtc.hiprtcDestroyProgram(prog.createRef())
print(json.dumps([int(prog), int(prog.createRef())]))
''')
    assert p.returncode == 0, p.stderr
    prog_value, ref = json.loads(p.stdout.strip().splitlines()[-1])
    calls = null_523.calls()
    assert ("hipStreamSynchronize", ["5000"]) in calls and ("hipEventRecord", ["6000", "5000"]) in calls
    destroy = [int(a[0], 16) for n, a in calls if n == "hiprtcDestroyProgram"]
    # a handle and its createRef() both pass the address of the handle's own slot
    assert destroy == [ref, ref] and prog_value == 0x7000


def test_integral_floats_reach_c_as_the_integers_they_are(null_523):
    """AMD's Jacobi example's dim3(n / block[0]) and its kind: each integral float (and a
    Fraction) reaches C as its integer; the launch gets grid 8x1x1 and block 128x1x1."""
    p = run_script(null_523, SCRIPTS["jacobi_launch"])
    assert p.returncode == 0 and p.stdout.strip().endswith("ok"), p.stderr[-2000:]
    assert null_523.calls("hipMalloc")[0][1][1] == "1000"          # n * 4.0 bytes
    launches = [args[1:7] for _, args in null_523.calls("hipModuleLaunchKernel")]
    assert launches == [["8", "1", "1", "80", "1", "1"], ["4", "1", "1", "100", "1", "1"]]
    p = null_523.proc('''
from fractions import Fraction
from hip import hip
hip.hipSetDevice(2.0)
hip.hipSetDevice(Fraction(6, 2))
hip.hipMemset(0, 255.0, 16.0)
hip.hipLaunchKernel(0, 4.0, (2.0, 3.0), None, 0, None)   # dim3 by value, from a float and from a tuple
''')
    assert p.returncode == 0, p.stderr[-2000:]
    assert [a for _, a in null_523.calls("hipSetDevice")] == [["2"], ["3"]]
    assert null_523.calls("hipMemset")[0][1][1:] == ["ff", "10"]
    (_, args), = null_523.calls("hipLaunchKernel")
    assert args[1:3] == ["{040000000100000001000000}", "{020000000300000001000000}"]


def test_careless_values_are_type_errors_not_silent_truncation(null_523):
    p = null_523.proc('''
import json
from decimal import Decimal
from fractions import Fraction
from hip import hip
out = []
def attempt(f):
    try:
        f()
        out.append("accepted")
    except (TypeError, OverflowError, ValueError) as e:
        out.append(type(e).__name__)
for v in (16.7, Decimal("1.5"), Fraction(3, 2), "16", float("nan"), float("inf"), Decimal(16)):
    attempt(lambda: hip.hipMalloc(v))
attempt(lambda: hip.hipSetDevice(1.5))
attempt(lambda: hip.dim3(x=1.5))
attempt(lambda: hip.dim3(1, 2, 3, 4))
attempt(lambda: hip.dim3.from_ptr(1.5))
attempt(lambda: hip.hipConfigureCall(1.5, 1, 0, None))
attempt(lambda: hip.hipConfigureCall(b"", hip.dim3(), 0, None))
attempt(lambda: hip.hipConfigureCall(True, hip.dim3(), 0, None))   # a bool is never a dim3
class Bad:
    __cuda_array_interface__ = {"data": (1.5, False)}
attempt(lambda: hip.hipMemcpy(Bad(), 0, 0, 0))
class Empty:
    __cuda_array_interface__ = {}
attempt(lambda: hip.hipMemcpy(Empty(), 0, 0, 0))
from hip import hiprtc
attempt(lambda: hiprtc.hiprtcCreateProgram("int x;\\0 garbage", "a.cpp", 0, [], []))
attempt(lambda: hiprtc.hiprtcCompileProgram(0, 1, ["-O3\\0"]))
ok = [hip.hipSetDevice(hip.hipError_t.hipSuccess)[0] == 0, hip.hipMalloc(True)[1].size == 1,
      hip.dim3(x=2).x == 2, list(hip.dim3(*(3, 4))) == [3, 4, 1]]
print(json.dumps([out, ok]))
''')
    assert p.returncode == 0, p.stderr[-2000:]
    out, ok = json.loads(p.stdout.strip().splitlines()[-1])
    assert out == ["TypeError"] * 16 + ["ValueError"] * 2, out
    assert ok == [True] * 4


def test_int_arrays_are_packed_at_their_width_and_written_back_into_a_list(null_523):
    p = run_script(null_523, SCRIPTS["cu_mask_lists"] + '''
import json
got = [9, 9, 9]
hip.hipExtStreamGetCUMask(None, 3, got)
print(json.dumps(got))
''')
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout.strip().splitlines()[-1]) == [0x11, 0x22, 0x33]
    (_, args), = null_523.calls("hipExtStreamCreateWithCUMask")
    assert args[1] == "2" and args[2].split("=")[1] == "{" + "ffffffff" + "ffff0000" + "}"


def test_hiprtc_link_create_takes_python_lists_on_7_2_4(null_724):
    """hiprtcLinkCreate(n, [keys], [values]) as AMD's user guide writes it: the keys reach hiprtc
    as 4-byte enum values and the values as void* slots, the same bytes hiprtc.ext sends."""
    p = null_724.proc(HEAD + '''
from hip._util.types import Pointer
E = hiprtc.hiprtcJIT_option
keys = [E.HIPRTC_JIT_MAX_REGISTERS, E.HIPRTC_JIT_THREADS_PER_BLOCK]
link = hip_check(hiprtc.hiprtcLinkCreate(len(keys), keys, [64, 256]))
assert [type(k) for k in keys] == [E, E]             # the caller's list is left as it was
hip_check(hiprtc.hiprtcLinkAddData(link, hiprtc.hiprtcJITInputType.HIPRTC_JIT_INPUT_LLVM_BITCODE,
                                   b"BC", 2, b"a", 0, None, None))
code, size = hip_check(hiprtc.hiprtcLinkComplete(link))
assert type(code) is Pointer and isinstance(size, int)
hip_check(hiprtc.hiprtcLinkDestroy(link))
hip_check(hiprtc.ext.hiprtcLinkCreate2(HIPRTC_JIT_MAX_REGISTERS=64, HIPRTC_JIT_THREADS_PER_BLOCK=256))
print("ok")
''')
    assert p.returncode == 0 and p.stdout.strip().endswith("ok"), p.stderr[-2000:]
    creates = null_724.calls("hiprtcLinkCreate")
    assert len(creates) == 2
    keys = "{" + (0).to_bytes(4, "little").hex() + (1).to_bytes(4, "little").hex() + "}"
    values = "{" + (64).to_bytes(8, "little").hex() + (256).to_bytes(8, "little").hex() + "}"
    for _, args in creates:
        assert args[0] == "2" and args[1].split("=")[1] == keys and args[2].split("=")[1] == values


def test_a_buffer_argument_is_exported_for_the_call_and_only_for_it(null_523):
    # the wrapper exports a bytearray/memoryview into a Py_buffer on its C stack and releases
    # it in a finally: C gets the buffer's address, and afterwards (also when a later argument
    # raised) the bytearray can be resized and the memoryview released again
    p = null_523.proc('''
import ctypes, json
from hip import hip
k = hip.hipMemcpyKind.hipMemcpyHostToDevice
b = bytearray(16)
c = (ctypes.c_char * 16).from_buffer(b)
addr = ctypes.addressof(c)
del c
out = [addr]
hip.hipMemcpy(b, 0x1000, 16, k)
hip.hipMemcpy(0x2000, memoryview(b)[4:], 8, k)
m = memoryview(b)
hip.hipMemcpy(m, m, 16, k)
m.release()
b.append(1)
for bad in (lambda: hip.hipMemcpy(b, 0x1000, -1, k), lambda: hip.hipMemcpy(0x1000, b, 16, "kind"),
            lambda: hip.hipMemcpy(b, object(), 16, k),
            lambda: hip.hipMemcpy(memoryview(bytes(16)), b, 16, k)):
    try:
        bad()
        out.append("accepted")
    except (TypeError, OverflowError) as e:
        out.append(str(e).split(":")[0])
    b.append(1)                     # BufferError if the call had left b exported
out.append(len(b))
print(json.dumps(out))
''')
    assert p.returncode == 0, p.stderr[-2000:]
    addr, *errors, size = json.loads(p.stdout.strip().splitlines()[-1])
    assert errors[1:] == ["kind", "src", "dst"] and errors[0] != "accepted" and size == 21, errors
    memcpys = [[int(x, 16) for x in a[:3]] for _, a in null_523.calls("hipMemcpy")]
    assert memcpys == [[addr, 0x1000, 16], [0x2000, addr + 4, 8], [addr, addr, 16]], memcpys
