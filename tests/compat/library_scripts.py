"""User scripts in the style of AMD's HIP Python for the ROCm library modules (``hip.hipblas``,
``hip.hipfft``, ``hip.hiprand``, ``hip.hipsparse``, ``hip.hipsolver``, ``hip.rccl``, ``hip.roctx``).

Our own scripts, written the way AMD's examples and docs use these modules (their
``examples/0_Basic_Usage``: ``hipblas_with_numpy.py``, ``hipfft.py``,
``hiprand_monte_carlo_pi.py``, ``rccl_comminitall_bcast.py``, ``hipsparse_with_numpy.py``,
``hipsolver_getrf.py`` ...): a ``hip_check`` helper comparing each status enum with ``!=`` and
raising ``RuntimeError`` with the error (``str(err)``, here with its class and ``err.name``); handles created by ``xCreate()`` returning
``(status, handle)``; scalars passed as ``ctypes.addressof(ctypes.c_float(2))``; enums as
``hipblas.hipblasOperation_t.HIPBLAS_OP_N``; macro constants (``hipfft.HIPFFT_FORWARD``);
keywords (``idata=``); ``hipMalloc``'s device arrays; host arrays through the buffer protocol.
AMD's examples use numpy for host arrays; these use ``array.array`` (the project does not depend
on numpy): every call sees the same buffer protocol (a C-contiguous writable buffer).

Importable without a wheel (no import of ``hip`` here), so any harness can run them:

* ``SCRIPTS``: name -> ``Script(library, source, gpu_free)``; ``source`` is a complete program
  (``head(library) + body``) that prints ``ok`` when it reaches its end;
* ``gpu_free``: the script needs no device (``roctx``), so on the real library it must reach
  ``ok``; any other script, on a machine without a GPU, may stop only in ``hip_check`` with
  a "no device" answer (``no_device(stderr)``);
* ``for_release(libraries)``: the scripts whose library a release has
  (``hip_bindgen.libraries.of_release(r)``).

``tests/compat/test_library_scripts.py`` runs every script on the null runtimes of the wheel's
libraries (every call succeeds: each must print ``ok``; the recording runtime checks what C
received) and on the real runtimes this host has (bookworm's hipRAND on HIP 5.2.3, trixie's roctx).
"""
from __future__ import annotations

from typing import NamedTuple

# the status enum and its success member, per library (roctx returns ints: no status)
STATUS = {
    "hipblas": ("hipblasStatus_t", "HIPBLAS_STATUS_SUCCESS"),
    "hipfft": ("hipfftResult", "HIPFFT_SUCCESS"),
    "hiprand": ("hiprandStatus", "HIPRAND_STATUS_SUCCESS"),
    "hipsparse": ("hipsparseStatus_t", "HIPSPARSE_STATUS_SUCCESS"),
    "hipsolver": ("hipsolverStatus_t", "HIPSOLVER_STATUS_SUCCESS"),
    "rccl": ("ncclResult_t", "ncclSuccess"),
    "roctx": None,
}


class Script(NamedTuple):
    library: str
    source: str
    gpu_free: bool = False


def head(library: str) -> str:
    """The top of a script: imports and AMD's ``hip_check`` (the error raised with its class,
    name and ``str(err)``, so a test can tell which answer stopped the script)."""
    lines = ["import array, ctypes, math, random", f"from hip import hip, {library}", "",
             "def hip_check(call_result):",
             "    err = call_result[0]",
             "    result = call_result[1:]",
             "    if len(result) == 1:",
             "        result = result[0]",
             "    if isinstance(err, hip.hipError_t) and err != hip.hipError_t.hipSuccess:",
             "        raise RuntimeError(f'{type(err).__name__}.{err.name} ({str(err)})')"]
    if STATUS[library]:
        enum, ok = STATUS[library]
        lines += [f"    elif isinstance(err, {library}.{enum}) and err != {library}.{enum}.{ok}:",
                  "        raise RuntimeError(f'{type(err).__name__}.{err.name} ({str(err)})')"]
    lines += ["    return result", "", "H2D = hip.hipMemcpyKind.hipMemcpyHostToDevice",
              "D2H = hip.hipMemcpyKind.hipMemcpyDeviceToHost", ""]
    return "\n".join(lines) + "\n"


# "no device" as hip_check raises it: the runtime's answers, and a library's answer to the call
# that first needs the device (measured: bookworm's hipRAND 5.3.3 creating a generator without
# a GPU answers HIPRAND_STATUS_ALLOCATION_FAILED), with the text the failing line must contain
NO_DEVICE = {"hipError_t.hipErrorNoDevice (100)": "", "hipError_t.hipErrorInvalidDevice (101)": "",
             "hiprandStatus.HIPRAND_STATUS_ALLOCATION_FAILED (102)": "hiprandCreateGenerator",
             # measured in tests/matrix/test_library_cells.py on the real libraries: hipFFT 6.4.3/7.2.4
             # turn rocFFT's failed device query into a parse error (5.7.1 aborts on it, below); RCCL
             # 7.2.4's unique id needs ROCm SMI, which fails to start without the amdgpu driver
             "hipfftResult_t.HIPFFT_PARSE_ERROR (12)": "hipfftMakePlan1d",
             "ncclResult_t.ncclUnhandledCudaError (1)": "ncclGetUniqueId"}
# a library that aborts the process (an uncaught C++ exception) when it finds no device: hipFFT
# 6.1.2 (trixie) planning a transform; AMD's HIP Python dies there the same way
ABORTS_WITHOUT_DEVICE = ("terminate called after throwing an instance of 'std::runtime_error'\n"
                         "  what():  hipGetDevice failed.",)


def no_device(stderr: str) -> bool:
    """The script stopped in hip_check on a "no device" answer (``NO_DEVICE``; run from a file,
    so the traceback shows the failing call)."""
    if stderr.strip() in ABORTS_WITHOUT_DEVICE:
        return True
    lines = stderr.strip().splitlines()
    if not lines or not lines[-1].startswith("RuntimeError: "):
        return False
    answer = lines[-1][len("RuntimeError: "):]
    return answer in NO_DEVICE and NO_DEVICE[answer] in "\n".join(lines[:-1])


_BODIES = {
    # hipblas_with_numpy.py's shape: host arrays copied to hipMalloc'd memory, a handle, alpha by address
    "hipblas_saxpy": ("hipblas", '''
num_elements = 100
alpha = ctypes.c_float(2)
x_h = array.array("f", [random.random() for _ in range(num_elements)])
y_h = array.array("f", [random.random() for _ in range(num_elements)])
y_expected = [alpha.value * x + y for x, y in zip(x_h, y_h)]
num_bytes = num_elements * x_h.itemsize
x_d = hip_check(hip.hipMalloc(num_bytes))
y_d = hip_check(hip.hipMalloc(num_bytes))
hip_check(hip.hipMemcpy(x_d, x_h, num_bytes, H2D))
hip_check(hip.hipMemcpy(y_d, y_h, num_bytes, H2D))
handle = hip_check(hipblas.hipblasCreate())
hip_check(hipblas.hipblasSaxpy(handle, num_elements, ctypes.addressof(alpha), x_d, 1, y_d, 1))
hip_check(hipblas.hipblasDestroy(handle))
hip_check(hip.hipMemcpy(y_h, y_d, num_bytes, D2H))
hip_check(hip.hipFree(x_d))
hip_check(hip.hipFree(y_d))
print("ok")
'''),
    # hipblas_with_numpy_and_cu_mask.py's shape: a CU-masked stream given to the handle
    "hipblas_cu_mask_stream": ("hipblas", '''
num_elements = 100
alpha = ctypes.c_float(2)
x_h = array.array("f", [1.0] * num_elements)
y_h = array.array("f", [2.0] * num_elements)
stream = hip_check(hip.hipExtStreamCreateWithCUMask(2, [0b1, 0b10]))
num_bytes = num_elements * x_h.itemsize
x_d = hip_check(hip.hipMallocAsync(num_bytes, stream))
y_d = hip_check(hip.hipMallocAsync(num_bytes, stream))
hip_check(hip.hipMemcpyAsync(x_d, x_h, num_bytes, H2D, stream))
hip_check(hip.hipMemcpyAsync(y_d, y_h, num_bytes, H2D, stream))
handle = hip_check(hipblas.hipblasCreate())
hip_check(hipblas.hipblasSetStream(handle, stream))
hip_check(hipblas.hipblasSaxpy(handle, num_elements, ctypes.addressof(alpha), x_d, 1, y_d, 1))
hip_check(hipblas.hipblasDestroy(handle))
hip_check(hip.hipMemcpyAsync(y_h, y_d, num_bytes, D2H, stream))
hip_check(hip.hipStreamSynchronize(stream))
hip_check(hip.hipStreamDestroy(stream))
hip_check(hip.hipFree(x_d))
hip_check(hip.hipFree(y_d))
print("ok")
'''),
    # enums by class, the pointer mode read back as an enum, a result written into a host scalar
    "hipblas_gemm_dot": ("hipblas", '''
m, n, k = 4, 3, 2
alpha, beta = ctypes.c_float(1.0), ctypes.c_float(0.0)
A = array.array("f", range(m * k)); B = array.array("f", range(k * n)); C = array.array("f", [0.0] * (m * n))
dA, dB, dC = (hip_check(hip.hipMalloc(len(h) * h.itemsize)) for h in (A, B, C))
for d, h in ((dA, A), (dB, B)):
    hip_check(hip.hipMemcpy(d, h, d.size, H2D))
handle = hip_check(hipblas.hipblasCreate())
hip_check(hipblas.hipblasSetPointerMode(handle, hipblas.hipblasPointerMode_t.HIPBLAS_POINTER_MODE_HOST))
mode = hip_check(hipblas.hipblasGetPointerMode(handle))
assert isinstance(mode, hipblas.hipblasPointerMode_t), mode
op_n = hipblas.hipblasOperation_t.HIPBLAS_OP_N
hip_check(hipblas.hipblasSgemm(handle, op_n, hipblas.hipblasOperation_t.HIPBLAS_OP_T, m, n, k,
                               ctypes.addressof(alpha), dA, m, dB, n, ctypes.addressof(beta), dC, m))
result = ctypes.c_float(0.0)
hip_check(hipblas.hipblasSdot(handle, k, dA, 1, dB, 1, ctypes.addressof(result)))
hip_check(hipblas.hipblasDestroy(handle))
hip_check(hip.hipMemcpy(C, dC, dC.size, D2H))
for d in (dA, dB, dC):
    hip_check(hip.hipFree(d))
print("ok")
'''),
    # hipfft.py's shape: an in-place double-complex FFT, the plan returned, keywords, a macro constant
    "hipfft_z2z": ("hipfft", '''
N = 100
hx = array.array("d", [1.0, -1.0] * N)          # N complex doubles 1-1j, interleaved (numpy: np.cdouble)
dx = hip_check(hip.hipMalloc(len(hx) * hx.itemsize))
hip_check(hip.hipMemcpy(dx, hx, dx.size, H2D))
plan = hip_check(hipfft.hipfftPlan1d(N, hipfft.hipfftType.HIPFFT_Z2Z, 1))
hip_check(hipfft.hipfftExecZ2Z(plan, idata=dx, odata=dx, direction=hipfft.HIPFFT_FORWARD))
hip_check(hip.hipDeviceSynchronize())
hip_check(hip.hipMemcpy(hx, dx, dx.size, D2H))
hip_check(hip.hipFree(dx))
hip_check(hipfft.hipfftDestroy(plan))
print("ok")
'''),
    # the two-step plan (create, make: the work size comes back), a stream, real-to-complex
    "hipfft_make_plan_r2c": ("hipfft", '''
N = 64
version = hip_check(hipfft.hipfftGetVersion())
assert isinstance(version, int)
plan = hip_check(hipfft.hipfftCreate())
work_size = hip_check(hipfft.hipfftMakePlan1d(plan, N, hipfft.hipfftType.HIPFFT_R2C, 1))
assert isinstance(work_size, int)
stream = hip_check(hip.hipStreamCreate())
hip_check(hipfft.hipfftSetStream(plan, stream))
x = array.array("f", (math.sin(i) for i in range(N)))
dx = hip_check(hip.hipMalloc(len(x) * x.itemsize))
dy = hip_check(hip.hipMalloc((N // 2 + 1) * 8))
hip_check(hip.hipMemcpyAsync(dx, x, dx.size, H2D, stream))
hip_check(hipfft.hipfftExecR2C(plan, dx, dy))
y = array.array("f", [0.0] * (2 * (N // 2 + 1)))
hip_check(hip.hipMemcpyAsync(y, dy, dy.size, D2H, stream))
hip_check(hip.hipStreamSynchronize(stream))
hip_check(hipfft.hipfftDestroy(plan))
hip_check(hip.hipStreamDestroy(stream))
for d in (dx, dy):
    hip_check(hip.hipFree(d))
print("ok")
'''),
    # hiprand_monte_carlo_pi.py's shape: a generator, numbers generated into device memory
    "hiprand_monte_carlo_pi": ("hiprand", '''
def calculate_pi(n):
    xy = array.array("d", [0.0] * (2 * n))      # host array (numpy: np.empty((2, n)))
    gen = hip_check(hiprand.hiprandCreateGenerator(hiprand.hiprandRngType.HIPRAND_RNG_PSEUDO_DEFAULT))
    xy_d = hip_check(hip.hipMalloc(len(xy) * xy.itemsize))
    hip_check(hiprand.hiprandGenerateUniformDouble(gen, xy_d, len(xy)))
    hip_check(hip.hipMemcpy(xy, xy_d, len(xy) * xy.itemsize, D2H))
    hip_check(hip.hipFree(xy_d))
    hip_check(hiprand.hiprandDestroyGenerator(gen))
    inside = sum(1 for i in range(n) if xy[i] ** 2 + xy[n + i] ** 2 <= 1.0)
    return 4 * inside / n

n = 100
for i in range(1, 4):
    n *= 10
    estimate = calculate_pi(n)
    print(f"{n:12}\\t{estimate:1.9f}\\t{abs(estimate - math.pi) / math.pi:1.9f}")
print("ok")
'''),
    # seed, a stream, each distribution's arguments (floats by value, sizes, uint32 output)
    "hiprand_distributions": ("hiprand", '''
n = 256
gen = hip_check(hiprand.hiprandCreateGenerator(hiprand.hiprandRngType.HIPRAND_RNG_PSEUDO_XORWOW))
hip_check(hiprand.hiprandSetPseudoRandomGeneratorSeed(gen, 1234))
stream = hip_check(hip.hipStreamCreate())
hip_check(hiprand.hiprandSetStream(gen, stream))
d = hip_check(hip.hipMalloc(n * 8))
hip_check(hiprand.hiprandGenerateUniform(gen, d, n))
hip_check(hiprand.hiprandGenerateNormal(gen, d, n, 0.5, 2.0))
hip_check(hiprand.hiprandGenerateLogNormalDouble(gen, d, n // 2, 0.0, 1.0))
hip_check(hiprand.hiprandGeneratePoisson(gen, d, n, 3.5))
hip_check(hiprand.hiprandGenerate(gen, d, n))
host = array.array("I", [0] * n)
hip_check(hip.hipMemcpyAsync(host, d, n * host.itemsize, D2H, stream))
hip_check(hip.hipStreamSynchronize(stream))
version = hip_check(hiprand.hiprandGetVersion())
assert isinstance(version, int)
hip_check(hiprand.hiprandDestroyGenerator(gen))
hip_check(hip.hipStreamDestroy(stream))
hip_check(hip.hipFree(d))
print("ok")
'''),
    # rccl_comminitall_bcast.py's shape: one communicator per device in a uint64 array, a broadcast
    "rccl_comminitall_bcast": ("rccl", '''
num_gpus = hip_check(hip.hipGetDeviceCount()) or 2   # a null runtime answers 0 devices: use two
comms = array.array("Q", [0] * num_gpus)             # numpy: np.empty(num_gpus, dtype="uint64")
devlist = array.array("i", range(num_gpus))
hip_check(rccl.ncclCommInitAll(comms, num_gpus, devlist))
N = 4
ones = array.array("i", [1] * N)
zeros = array.array("i", [0] * N)
dxlist = []
for dev in devlist:
    hip_check(hip.hipSetDevice(dev))
    dx = hip_check(hip.hipMalloc(len(ones) * ones.itemsize))
    dxlist.append(dx)
    hip_check(hip.hipMemcpy(dx, ones if dev == 0 else zeros, dx.size, H2D))
hip_check(rccl.ncclGroupStart())
for dev in devlist:
    hip_check(hip.hipSetDevice(dev))
    hip_check(rccl.ncclBcast(dxlist[dev], N, rccl.ncclDataType_t.ncclInt32, 0, int(comms[dev]), None))
hip_check(rccl.ncclGroupEnd())
hx = array.array("i", [0] * N)
for dev in devlist:
    hip_check(hip.hipMemcpy(hx, dxlist[dev], dxlist[dev].size, D2H))
for dx in dxlist:
    hip_check(hip.hipFree(dx))
for comm in comms:
    hip_check(rccl.ncclCommDestroy(int(comm)))
print("ok")
'''),
    # the multi-process shape in one process: a unique id (a struct C fills), passed by value
    "rccl_unique_id_allreduce": ("rccl", '''
version = hip_check(rccl.ncclGetVersion())
assert isinstance(version, int)
uid = rccl.ncclUniqueId()
hip_check(rccl.ncclGetUniqueId(uid))
hip_check(hip.hipSetDevice(0))
comm = hip_check(rccl.ncclCommInitRank(1, uid, 0))
assert isinstance(comm, rccl.ncclComm_t)
count = hip_check(rccl.ncclCommCount(comm))
rank = hip_check(rccl.ncclCommUserRank(comm))
device = hip_check(rccl.ncclCommCuDevice(comm))
assert all(isinstance(v, int) for v in (count, rank, device))
stream = hip_check(hip.hipStreamCreate())
buf = hip_check(hip.hipMalloc(4 * 16))
hip_check(rccl.ncclAllReduce(buf, buf, 16, rccl.ncclDataType_t.ncclFloat32, rccl.ncclRedOp_t.ncclSum, comm, stream))
hip_check(hip.hipStreamSynchronize(stream))
hip_check(rccl.ncclCommDestroy(comm))
hip_check(hip.hipStreamDestroy(stream))
hip_check(hip.hipFree(buf))
print("ok")
'''),
    # hipsparse_with_numpy.py's shape (Saxpyi), then a matrix descriptor and csrmv
    "hipsparse_axpyi_csrmv": ("hipsparse", '''
n, nnz = 16, 4
alpha, beta = ctypes.c_float(2.0), ctypes.c_float(0.0)
x_val_h = array.array("f", [1.0, -2.0, 3.5, 4.25])
x_ind_h = array.array("i", [1, 4, 9, 12])
y_h = array.array("f", range(n))
x_val_d = hip_check(hip.hipMalloc(len(x_val_h) * x_val_h.itemsize))
x_ind_d = hip_check(hip.hipMalloc(len(x_ind_h) * x_ind_h.itemsize))
y_d = hip_check(hip.hipMalloc(len(y_h) * y_h.itemsize))
for d, h in ((x_val_d, x_val_h), (x_ind_d, x_ind_h), (y_d, y_h)):
    hip_check(hip.hipMemcpy(d, h, d.size, H2D))
handle = hip_check(hipsparse.hipsparseCreate())
hip_check(hipsparse.hipsparseSaxpyi(handle, nnz, ctypes.addressof(alpha), x_val_d, x_ind_d, y_d,
                                    hipsparse.hipsparseIndexBase_t.HIPSPARSE_INDEX_BASE_ZERO))
version = hip_check(hipsparse.hipsparseGetVersion(handle))
assert isinstance(version, int)
descr = hip_check(hipsparse.hipsparseCreateMatDescr())
hip_check(hipsparse.hipsparseSetMatType(descr, hipsparse.hipsparseMatrixType_t.HIPSPARSE_MATRIX_TYPE_GENERAL))
hip_check(hipsparse.hipsparseSetMatIndexBase(descr, hipsparse.hipsparseIndexBase_t.HIPSPARSE_INDEX_BASE_ZERO))
base = hip_check(hipsparse.hipsparseGetMatIndexBase(descr))   # (HIPSPARSE_STATUS_SUCCESS, base), as AMD's
assert isinstance(base, hipsparse.hipsparseIndexBase_t), base
# a 2x2 identity in CSR times x
row_ptr = array.array("i", [0, 1, 2]); col_ind = array.array("i", [0, 1]); vals = array.array("f", [1.0, 1.0])
x = array.array("f", [3.0, 4.0])
d_row, d_col, d_val, d_x, d_y = (hip_check(hip.hipMalloc(len(h) * h.itemsize)) for h in (row_ptr, col_ind, vals, x, x))
for d, h in ((d_row, row_ptr), (d_col, col_ind), (d_val, vals), (d_x, x)):
    hip_check(hip.hipMemcpy(d, h, d.size, H2D))
hip_check(hipsparse.hipsparseScsrmv(handle, hipsparse.hipsparseOperation_t.HIPSPARSE_OPERATION_NON_TRANSPOSE,
                                    2, 2, 2, ctypes.addressof(alpha), descr, d_val, d_row, d_col, d_x,
                                    ctypes.addressof(beta), d_y))
hip_check(hipsparse.hipsparseDestroyMatDescr(descr))
hip_check(hipsparse.hipsparseDestroy(handle))
hip_check(hip.hipMemcpy(y_h, y_d, y_d.size, D2H))
for d in (x_val_d, x_ind_d, y_d, d_row, d_col, d_val, d_x, d_y):
    hip_check(hip.hipFree(d))
print("ok")
'''),
    # the generic API: descriptors of a CSR matrix and dense vectors, value types as hip.hipDataType
    # (AMD's hip module has library_types.h's enum), the SpMV work size returned
    "hipsparse_generic_spmv": ("hipsparse", '''
rows = cols = nnz = 2
alpha, beta = ctypes.c_float(1.0), ctypes.c_float(0.0)
row_ptr = array.array("i", [0, 1, 2]); col_ind = array.array("i", [0, 1]); vals = array.array("f", [2.0, 3.0])
x = array.array("f", [1.0, 1.0]); y = array.array("f", [0.0, 0.0])
d_row, d_col, d_val, d_x, d_y = (hip_check(hip.hipMalloc(len(h) * h.itemsize)) for h in (row_ptr, col_ind, vals, x, y))
for d, h in ((d_row, row_ptr), (d_col, col_ind), (d_val, vals), (d_x, x), (d_y, y)):
    hip_check(hip.hipMemcpy(d, h, d.size, H2D))
R32F = hip.hipDataType.HIP_R_32F
I32 = hipsparse.hipsparseIndexType_t.HIPSPARSE_INDEX_32I
handle = hip_check(hipsparse.hipsparseCreate())
mat = hip_check(hipsparse.hipsparseCreateCsr(rows, cols, nnz, d_row, d_col, d_val, I32, I32,
                                             hipsparse.hipsparseIndexBase_t.HIPSPARSE_INDEX_BASE_ZERO, R32F))
vec_x = hip_check(hipsparse.hipsparseCreateDnVec(cols, d_x, R32F))
vec_y = hip_check(hipsparse.hipsparseCreateDnVec(rows, d_y, R32F))
op = hipsparse.hipsparseOperation_t.HIPSPARSE_OPERATION_NON_TRANSPOSE
alg = hipsparse.hipsparseSpMVAlg_t.HIPSPARSE_MV_ALG_DEFAULT
size = hip_check(hipsparse.hipsparseSpMV_bufferSize(handle, op, ctypes.addressof(alpha), mat, vec_x,
                                                    ctypes.addressof(beta), vec_y, R32F, alg))
assert isinstance(size, int)
work = hip_check(hip.hipMalloc(max(size, 1)))
hip_check(hipsparse.hipsparseSpMV(handle, op, ctypes.addressof(alpha), mat, vec_x, ctypes.addressof(beta),
                                  vec_y, R32F, alg, work))
hip_check(hip.hipMemcpy(y, d_y, d_y.size, D2H))
hip_check(hipsparse.hipsparseDestroyDnVec(vec_x))
hip_check(hipsparse.hipsparseDestroyDnVec(vec_y))
hip_check(hipsparse.hipsparseDestroySpMat(mat))
hip_check(hipsparse.hipsparseDestroy(handle))
for d in (d_row, d_col, d_val, d_x, d_y, work):
    hip_check(hip.hipFree(d))
print("ok")
'''),
    # outs passed as pointers, the form AMD's bindings use for some (hipfftGetVersion(version))
    "hipfft_outs_by_pointer": ("hipfft", '''
version = ctypes.c_int(0)
hip_check(hipfft.hipfftGetVersion(ctypes.addressof(version)))
assert version.value > 0                          # C wrote through the pointer
work = array.array("Q", [0])                       # size_t out, given as a buffer
plan = hip_check(hipfft.hipfftCreate())
hip_check(hipfft.hipfftMakePlan1d(plan, 64, hipfft.hipfftType.HIPFFT_C2C, 1, work))
size = ctypes.c_size_t(0)
hip_check(hipfft.hipfftGetSize(plan, ctypes.addressof(size)))
hip_check(hipfft.hipfftDestroy(plan))
print("ok")
'''),
    # hipsolver_getrf.py's shape: the workspace size returned by the bufferSize query
    "hipsolver_getrf": ("hipsolver", '''
m = n = lda = 3
A = array.array("d", [12.0, 6.0, -4.0, -51.0, 167.0, 24.0, 4.0, -68.0, -41.0])   # column-major
size_piv = min(m, n)
dA = hip_check(hip.hipMalloc(len(A) * A.itemsize))
dIpiv = hip_check(hip.hipMalloc(size_piv * 4))
dInfo = hip_check(hip.hipMalloc(4))
hip_check(hip.hipMemcpy(dA, A, dA.size, H2D))
handle = hip_check(hipsolver.hipsolverCreate())
lwork = hip_check(hipsolver.hipsolverDgetrf_bufferSize(handle, m, n, dA, lda))
assert isinstance(lwork, int)
dWork = hip_check(hip.hipMalloc(lwork * 8))
hip_check(hipsolver.hipsolverDgetrf(handle, m, n, dA, lda, dWork, lwork, dIpiv, dInfo))
LU = array.array("d", [0.0] * (m * n))
ipiv = array.array("i", [0] * size_piv)
info = array.array("i", [0])
hip_check(hip.hipMemcpy(LU, dA, dA.size, D2H))
hip_check(hip.hipMemcpy(ipiv, dIpiv, dIpiv.size, D2H))
hip_check(hip.hipMemcpy(info, dInfo, dInfo.size, D2H))
for d in (dA, dIpiv, dInfo, dWork):
    hip_check(hip.hipFree(d))
hip_check(hipsolver.hipsolverDestroy(handle))
print("ok")
'''),
    # a stream and an enum argument (fill mode) on the Cholesky factorization
    "hipsolver_potrf_stream": ("hipsolver", '''
n = lda = 2
A = array.array("d", [4.0, 2.0, 2.0, 3.0])
dA = hip_check(hip.hipMalloc(len(A) * A.itemsize))
dInfo = hip_check(hip.hipMalloc(4))
hip_check(hip.hipMemcpy(dA, A, dA.size, H2D))
handle = hip_check(hipsolver.hipsolverCreate())
stream = hip_check(hip.hipStreamCreate())
hip_check(hipsolver.hipsolverSetStream(handle, stream))
uplo = hipsolver.hipsolverFillMode_t.HIPSOLVER_FILL_MODE_LOWER
lwork = hip_check(hipsolver.hipsolverDpotrf_bufferSize(handle, uplo, n, dA, lda))
dWork = hip_check(hip.hipMalloc(max(lwork, 1) * 8))
hip_check(hipsolver.hipsolverDpotrf(handle, uplo, n, dA, lda, dWork, lwork, dInfo))
hip_check(hip.hipStreamSynchronize(stream))
hip_check(hipsolver.hipsolverDestroy(handle))
hip_check(hip.hipStreamDestroy(stream))
for d in (dA, dInfo, dWork):
    hip_check(hip.hipFree(d))
print("ok")
'''),
    # marks and ranges: strings as bytes or str, the range id a call returned given back
    "roctx_ranges": ("roctx", '''
roctx.roctxMarkA(b"start")                       # void: returns None
depth, = roctx.roctxRangePushA(b"outer")
inner, = roctx.roctxRangePushA("inner")
assert isinstance(depth, int) and isinstance(inner, int)
roctx.roctxMarkA("a str message")
rid, = roctx.roctxRangeStartA(b"async work")
roctx.roctxRangeStop(rid)
roctx.roctxRangePop()
roctx.roctxRangePop()
major, = roctx.roctx_version_major()
minor, = roctx.roctx_version_minor()
assert isinstance(major, int) and isinstance(minor, int)
print("ok")
'''),
}

SCRIPTS: dict[str, Script] = {name: Script(lib, head(lib) + body, lib == "roctx")
                              for name, (lib, body) in _BODIES.items()}


def for_release(libraries) -> dict[str, Script]:
    """The scripts whose library is among ``libraries`` (names, e.g. ``of_release(r)``)."""
    return {n: s for n, s in SCRIPTS.items() if s.library in libraries}
