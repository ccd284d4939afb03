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
