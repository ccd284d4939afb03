"""NVIDIA's call shapes where HIP's differ and HIP can do the same (shipped as ``cuda/bindings/_hip_shapes.py``).

Every other CUDA name of the layer is the HIP object itself; these few are small wrappers,
because NVIDIA's cuda-bindings (12.x and 13.x) call or answer differently and programs
written for it would stop on the difference:

- ``cuCtxCreate(ctxCreateParams, flags, dev)`` (CUDA 13) beside ``cuCtxCreate(flags, dev)``
  (CUDA 12): HIP has no context-creation parameters, so only ``None`` is accepted for them;
- ``cudaMallocHost(size)``: NVIDIA's takes no flags (HIP's hipHostMalloc does) and, as
  ``cudaMallocManaged(size, flags)``, answers the address as an ``int``;
- ``make_cudaExtent``, ``make_cudaPitchedPtr``, ``make_cudaPos``: inline helpers in C (so not
  in any library), NVIDIA's runtime module has them; here they build the HIP structs.
"""
import hip.hip as _hip


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


# CUDA name -> (wrapper of the HIP function bound under that name)
WRAPPERS = {"cuCtxCreate": _ctx_create, "cuCtxCreate_v2": _ctx_create,
            "cudaMallocHost": _malloc_host, "cudaMallocManaged": _malloc_managed}


def make_cudaExtent(w, h, d):
    return _hip.hipExtent(width=w, height=h, depth=d)


def make_cudaPitchedPtr(d, p, xsz, ysz):
    return _hip.hipPitchedPtr(ptr=d, pitch=p, xsize=xsz, ysize=ysz)


def make_cudaPos(x, y, z):
    return _hip.hipPos(x=x, y=y, z=z)


HELPERS = {f.__name__: f for f in (make_cudaExtent, make_cudaPitchedPtr, make_cudaPos)}
