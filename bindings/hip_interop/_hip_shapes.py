"""NVIDIA's call shapes where HIP's differ and HIP can do the same (shipped as ``cuda/bindings/_hip_shapes.py``).

Every other CUDA name of the layer is the HIP object itself; these few are small wrappers,
because NVIDIA's cuda-bindings (12.x and 13.x) call or answer differently and programs
written for it would stop on the difference:

- ``cuCtxCreate(ctxCreateParams, flags, dev)`` (CUDA 13) beside ``cuCtxCreate(flags, dev)``
  (CUDA 12): HIP has no context-creation parameters, so only ``None`` is accepted for them;
- ``cudaMallocHost(size)``: NVIDIA's takes no flags (HIP's hipHostMalloc does) and, as
  ``cudaMallocManaged(size, flags)``, answers the address as an ``int``;
- ``make_cudaExtent``, ``make_cudaPitchedPtr``, ``make_cudaPos``: inline helpers in C (so not
  in any library), NVIDIA's runtime module has them; here they build the HIP structs;
- ``CUdevice``: NVIDIA's device ordinal is a class; here an ``int`` subclass (so it goes wherever
  an ordinal goes, AMD's plain-int style included) that ``cuDeviceGet`` and ``cuCtxGetDevice``
  return; ``cuDeviceGetName(len, dev)`` answers NVIDIA's ``bytes`` of length ``len``;
- ``CUdeviceptr`` is ``DeviceArray``, the class of what ``cuMemAlloc`` (``hipMalloc``) returns:
  ``int(d)``, ``CUdeviceptr(address)``, ``isinstance(d, CUdeviceptr)`` hold with no wrapper.

The other handle classes (``CUstream``, ``CUevent``, ``CUmodule``, ``CUfunction``, ``CUcontext``)
are HIP's own through the hipify table; kernel arguments as ``((values), (types))`` are taken by
the HIP launch functions themselves (``hip/_runtime.pxi``), so ``cuLaunchKernel`` stays the HIP
object.
"""
import hip.hip as _hip
from hip._util.types import DeviceArray as _DeviceArray, Pointer as _Pointer


def _ctx_create(f):
    def cuCtxCreate(*args):
        if len(args) == 3:
            params, flags, dev = args
            if params is not None:
                raise TypeError("cuCtxCreate: HIP has no CUctxCreateParams (execution affinity, "
                                "green contexts); pass None as the first of three arguments")
            return f(flags, dev)
        return f(*args)
    return cuCtxCreate


def _int_address(result):
    err, ptr = result
    return err, (None if ptr is None else int(ptr))


def _malloc_host(f):
    takes_flags = f.__name__ == "hipHostMalloc"

    def cudaMallocHost(size):
        return _int_address(f(size, 0) if takes_flags else f(size))
    return cudaMallocHost


def _malloc_managed(f):
    def cudaMallocManaged(size, flags=1):   # cudaMemAttachGlobal, NVIDIA's default in C++
        return _int_address(f(size, flags))
    return cudaMallocManaged


class CUdevice(int):
    """A device ordinal, as NVIDIA's ``CUdevice``: ``CUdevice(0)``, ``int(d)``, and an ``int``
    itself, so every function taking an ordinal takes it at the price of an int."""

    def __new__(cls, init_value=0):
        import operator   # here, not at import: the module costs the layer's import ~0.5 ms
        return super().__new__(cls, operator.index(init_value))   # a float is no ordinal

    def __repr__(self):
        return f"<CUdevice {int(self)}>"

    def getPtr(self):
        """NVIDIA's meaning: the address of a C ``int`` holding the ordinal (kept with this object)."""
        import ctypes
        cell = self.__dict__.get("_cell")
        if cell is None:
            cell = self.__dict__["_cell"] = ctypes.c_int(self)
        return ctypes.addressof(cell)


_new_int = int.__new__   # the ordinal C wrote is an int already: no __new__ frame, no check


def _device_get(f):
    def cuDeviceGet(ordinal):
        err, dev = f(ordinal)
        return err, _new_int(CUdevice, dev)
    return cuDeviceGet


def _ctx_get_device(f):
    def cuCtxGetDevice():
        err, dev = f()
        return err, _new_int(CUdevice, dev)
    return cuCtxGetDevice


def _device_name(f):
    def cuDeviceGetName(*args):
        if len(args) != 2:   # HIP's own (name, len, device): the buffer is the caller's
            return f(*args)
        length, dev = args
        import operator
        # NVIDIA's answer: the whole buffer of ``length`` bytes, space-filled, C's NUL-ended name in front
        buf = bytearray(b" " * operator.index(length))
        err = f(buf, length, dev)[0]
        return err, bytes(buf)
    return cuDeviceGetName


# CUDA name -> (wrapper of the HIP function bound under that name)
WRAPPERS = {"cuCtxCreate": _ctx_create, "cuCtxCreate_v2": _ctx_create,
            "cudaMallocHost": _malloc_host, "cudaMallocManaged": _malloc_managed,
            "cuDeviceGet": _device_get, "cuCtxGetDevice": _ctx_get_device, "cuDeviceGetName": _device_name}
# NVIDIA's classes HIP has as typedefs of int and void* (hipify maps them to no class)
CLASSES = {"CUdevice": CUdevice, "CUdevice_v1": CUdevice,
           "CUdeviceptr": _DeviceArray, "CUdeviceptr_v1": _DeviceArray, "CUdeviceptr_v2": _DeviceArray,
           # a C function's address, as NVIDIA's classes of callbacks take it (numba-hip:
           # ``binding.CUstreamCallback(ptr)`` for cuStreamAddCallback); HIP's callback
           # parameters take a Pointer or int address
           "CUstreamCallback": _Pointer, "cudaStreamCallback_t": _Pointer, "CUhostFn": _Pointer,
           "cudaHostFn_t": _Pointer}


def make_cudaExtent(w, h, d):
    return _hip.hipExtent(width=w, height=h, depth=d)


def make_cudaPitchedPtr(d, p, xsz, ysz):
    return _hip.hipPitchedPtr(ptr=d, pitch=p, xsize=xsz, ysize=ysz)


def make_cudaPos(x, y, z):
    return _hip.hipPos(x=x, y=y, z=z)


HELPERS = {f.__name__: f for f in (make_cudaExtent, make_cudaPitchedPtr, make_cudaPos)}
