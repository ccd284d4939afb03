"""A CUDA Python program written for NVIDIA's cuda-bindings (its saxpy sample's shape, with
array/ctypes instead of numpy): error helpers that test ``isinstance(err, driver.CUresult)`` and
``err.value``, nvrtc compile, context, module load, launch with a ``void**`` address of kernel
arguments, streams and events.  Run by test_cuda_layer.py on the layer over the null and the
real runtime; it prints ``ok`` at its end."""
SCRIPT = r'''
import array, ctypes, sys
from cuda.bindings import driver, nvrtc, runtime

def _cudaGetErrorEnum(error):
    if isinstance(error, driver.CUresult):
        return error.name
    elif isinstance(error, nvrtc.nvrtcResult):
        return nvrtc.nvrtcGetErrorString(error)[1]
    raise RuntimeError("Unknown error type: {}".format(error))

def checkCudaErrors(result):
    if result[0].value:
        raise RuntimeError("CUDA error code={}({})".format(result[0].value, _cudaGetErrorEnum(result[0])))
    if len(result) == 1:
        return None
    elif len(result) == 2:
        return result[1]
    return result[1:]

saxpy = """
extern "C" __global__
void saxpy(float a, float *x, float *y, float *out, size_t n)
{
 size_t tid = blockIdx.x * blockDim.x + threadIdx.x;
 if (tid < n) {
   out[tid] = a * x[tid] + y[tid];
 }
}
"""
err, = driver.cuInit(0)
assert isinstance(err, driver.CUresult) and isinstance(err, runtime.cudaError_t)
if err != driver.CUresult.CUDA_SUCCESS:
    assert err in (driver.CUresult.CUDA_ERROR_NO_DEVICE, driver.CUresult.CUDA_ERROR_INVALID_DEVICE), err
checkCudaErrors(runtime.cudaGetDeviceCount())   # stops here with no device on the real runtime
cuDevice = checkCudaErrors(driver.cuDeviceGet(0))
major = checkCudaErrors(driver.cuDeviceGetAttribute(
    driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, cuDevice))
minor = checkCudaErrors(driver.cuDeviceGetAttribute(
    driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, cuDevice))

prog = checkCudaErrors(nvrtc.nvrtcCreateProgram(str.encode(saxpy), b"saxpy.cu", 0, [], []))
opts = [b"--fmad=false"]
checkCudaErrors(nvrtc.nvrtcCompileProgram(prog, len(opts), opts))
ptxSize = checkCudaErrors(nvrtc.nvrtcGetPTXSize(prog))
# NVIDIA's sample passes b" " * ptxSize and lets C write into the bytes object; here C's writes
# go to a writable buffer only (an immutable bytes may be shared: b" " * 1 is a cached object)
ptx = bytearray(max(ptxSize, 1))
checkCudaErrors(nvrtc.nvrtcGetPTX(prog, ptx))

context = checkCudaErrors(driver.cuCtxCreate(0, cuDevice))
module = checkCudaErrors(driver.cuModuleLoadData(ctypes.addressof((ctypes.c_char * len(ptx)).from_buffer(ptx))))
kernel = checkCudaErrors(driver.cuModuleGetFunction(module, b"saxpy"))

NUM_THREADS, NUM_BLOCKS = 128, 4
n = NUM_THREADS * NUM_BLOCKS
bufferSize = n * 4
hX = array.array("f", [float(i) for i in range(n)])
hY = array.array("f", [1.0] * n)
hOut = array.array("f", [0.0] * n)
dXclass = checkCudaErrors(driver.cuMemAlloc(bufferSize))
dYclass = checkCudaErrors(driver.cuMemAlloc(bufferSize))
dOutclass = checkCudaErrors(driver.cuMemAlloc(bufferSize))
stream = checkCudaErrors(driver.cuStreamCreate(0))
start = checkCudaErrors(driver.cuEventCreate(driver.CUevent_flags.CU_EVENT_DEFAULT
                                             if hasattr(driver, "CUevent_flags") else driver.CU_EVENT_DEFAULT))
stop = checkCudaErrors(driver.cuEventCreate(0))
checkCudaErrors(driver.cuMemcpyHtoDAsync(dXclass, hX.buffer_info()[0], bufferSize, stream))
checkCudaErrors(driver.cuMemcpyHtoDAsync(dYclass, hY, bufferSize, stream))
checkCudaErrors(driver.cuEventRecord(start, stream))

# kernel arguments as NVIDIA's sample passes them: the address of an array of argument addresses
a = ctypes.c_float(2.0)
dX, dY, dOut = (ctypes.c_uint64(int(d)) for d in (dXclass, dYclass, dOutclass))
nn = ctypes.c_size_t(n)
arg_ptrs = (ctypes.c_void_p * 5)(*(ctypes.addressof(v) for v in (a, dX, dY, dOut, nn)))
checkCudaErrors(driver.cuLaunchKernel(kernel, NUM_BLOCKS, 1, 1, NUM_THREADS, 1, 1, 0, stream,
                                      ctypes.addressof(arg_ptrs), 0))
checkCudaErrors(driver.cuEventRecord(stop, stream))
checkCudaErrors(driver.cuMemcpyDtoHAsync(hOut.buffer_info()[0], dOutclass, bufferSize, stream))
checkCudaErrors(driver.cuStreamSynchronize(stream))
checkCudaErrors(driver.cuEventSynchronize(stop))
ms = checkCudaErrors(driver.cuEventElapsedTime(start, stop))
assert isinstance(ms, float)

# the runtime API on the same objects
dZ = checkCudaErrors(runtime.cudaMalloc(bufferSize))
checkCudaErrors(runtime.cudaMemcpy(dZ, hX, bufferSize, runtime.cudaMemcpyKind.cudaMemcpyHostToDevice))
checkCudaErrors(runtime.cudaMemset(dZ, 0, bufferSize))
checkCudaErrors(runtime.cudaDeviceSynchronize())
checkCudaErrors(runtime.cudaFree(dZ))

checkCudaErrors(driver.cuEventDestroy(start))
checkCudaErrors(driver.cuEventDestroy(stop))
checkCudaErrors(driver.cuStreamDestroy(stream))
for d in (dXclass, dYclass, dOutclass):
    checkCudaErrors(driver.cuMemFree(d))
checkCudaErrors(driver.cuModuleUnload(module))
checkCudaErrors(driver.cuCtxDestroy(context))
checkCudaErrors(nvrtc.nvrtcDestroyProgram(prog))
print("ok")
'''

# The driver-API shape of NVIDIA's newer samples (vectorAddDrv, CUDA 13's cuCtxCreate): the
# handle and value classes (CUdevice, CUdeviceptr), cuDeviceGetName(len, dev) answering bytes,
# and kernel arguments as ((values), (types)).  Prints "ok" at its end.
TYPED_SCRIPT = r'''
import array, ctypes
from cuda.bindings import driver, nvrtc, runtime

def checkCudaErrors(result):
    if result[0].value:
        raise RuntimeError("CUDA error code={}({})".format(result[0].value, result[0].name))
    return None if len(result) == 1 else result[1] if len(result) == 2 else result[1:]

vector_add = """
extern "C" __global__ void vecAdd(const float *A, const float *B, float *C, int N)
{
    int i = blockDim.x * blockIdx.x + threadIdx.x;
    if (i < N) C[i] = A[i] + B[i];
}
extern "C" __global__ void scale(float *A, float s, size_t n, int kind) { }
"""
checkCudaErrors(driver.cuInit(0))   # stops here with no device on the real runtime
cuDevice = checkCudaErrors(driver.cuDeviceGet(0))
assert isinstance(cuDevice, driver.CUdevice) and int(cuDevice) == 0, cuDevice
name = checkCudaErrors(driver.cuDeviceGetName(256, cuDevice))
assert type(name) is bytes and len(name) == 256, name
print("device", name.split(b"\0")[0].decode(errors="replace"))
props = checkCudaErrors(runtime.cudaGetDeviceProperties(cuDevice))
assert isinstance(props.name, bytes)
context = checkCudaErrors(driver.cuCtxCreate(None, 0, cuDevice))   # CUDA 13: (ctxCreateParams, flags, dev)

prog = checkCudaErrors(nvrtc.nvrtcCreateProgram(str.encode(vector_add), b"vectorAdd.cu", 0, [], []))
opts = [b"--fmad=false"]
checkCudaErrors(nvrtc.nvrtcCompileProgram(prog, len(opts), opts))
size = checkCudaErrors(nvrtc.nvrtcGetPTXSize(prog))
ptx = bytearray(max(size, 1))   # C writes here: a writable buffer (see SCRIPT)
checkCudaErrors(nvrtc.nvrtcGetPTX(prog, ptx))
module = checkCudaErrors(driver.cuModuleLoadData(ptx))
kernel = checkCudaErrors(driver.cuModuleGetFunction(module, b"vecAdd"))
scale = checkCudaErrors(driver.cuModuleGetFunction(module, b"scale"))

N = 1000
nbytes = N * 4
hA = array.array("f", [float(i) for i in range(N)])
hB = array.array("f", [2.0] * N)
hC = array.array("f", [0.0] * N)
dA = checkCudaErrors(driver.cuMemAlloc(nbytes))
dB = checkCudaErrors(driver.cuMemAlloc(nbytes))
dC = checkCudaErrors(driver.cuMemAlloc(nbytes))
assert isinstance(dA, driver.CUdeviceptr) and isinstance(int(dA), int)
checkCudaErrors(driver.cuMemcpyHtoD(dA, hA, nbytes))
checkCudaErrors(driver.cuMemcpyHtoD(dB, hB, nbytes))
stream = checkCudaErrors(driver.cuStreamCreate(0))
assert isinstance(stream, driver.CUstream)

threads = 256
blocks = (N + threads - 1) // threads
kernelArgs = ((dA, dB, dC, N), (None, None, None, ctypes.c_int))
checkCudaErrors(driver.cuLaunchKernel(kernel, blocks, 1, 1, threads, 1, 1, 0, stream, kernelArgs, 0))
# the other spellings of an argument: an int address as c_void_p, a Python float as c_float
scaleArgs = ((int(dC), 0.5, N, driver.CUmemorytype.CU_MEMORYTYPE_DEVICE),
             (ctypes.c_void_p, ctypes.c_float, ctypes.c_size_t, None))
checkCudaErrors(driver.cuLaunchKernel(scale, blocks, 1, 1, threads, 1, 1, 0, stream, scaleArgs, 0))
checkCudaErrors(driver.cuStreamSynchronize(stream))
checkCudaErrors(driver.cuMemcpyDtoH(hC, dC, nbytes))

checkCudaErrors(driver.cuStreamDestroy(stream))
for d in (dA, dB, dC):
    checkCudaErrors(driver.cuMemFree(d))
checkCudaErrors(driver.cuModuleUnload(module))
checkCudaErrors(driver.cuCtxDestroy(context))
checkCudaErrors(nvrtc.nvrtcDestroyProgram(prog))
print("ok")
'''
