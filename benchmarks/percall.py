"""Child process of run.py: time calls of one or more implementations, print JSON.

    python percall.py --impl ours,ctypes,floor --lib LIB [--floor DIR] [--cases a,b] [--repeats N]

``ours`` and ``amd`` both are the package ``hip``, so each runs in the interpreter of its own
venv; ``ctypes`` and ``floor`` run beside ``ours``.  Every case is ``timeit.Timer(STMT,
globals={"f": function, ...})`` -- no lambda in the timed statement; a ctypes case that needs
out-parameters or conversions is a small ``def`` doing what a ctypes user would write.
Output: {impl: {case: {"min_ns", "median_ns", ...} or {"error": "..."}}}.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import sys
import timeit

# case: what it exercises (printed by run.py)
CASES = {
    "error_name": "hipGetErrorName(100): enum in, const char* out (pure binding cost)",
    "error_name_lambda": "the same through `lambda: f(100)`, the way the issue's reference figures were timed",
    "scalar_in": "hipSetDevice(0): int in, enum result",
    "enum_return": "hipPeekAtLastError(): no args, enum result",
    "out_int": "hipGetDevice(): int out-parameter",
    "out_handle": "hipStreamCreate(): handle out-parameter",
    "ptr_int": "hipMemcpy(int, int, 16, 0): pointers as ints",
    "ptr_bytearray": "hipMemcpy(bytearray, int, 16, 0): pointer from a buffer",
    "ptr_struct": "hipPointerGetAttributes(struct, int): pointer to a struct",
    "str_bytes": "hipModuleGetFunction(0, b'kernel'): const char* from bytes + handle out",
    "str_str": "hipModuleGetFunction(0, 'kernel'): const char* from str + handle out",
    "str_list": "hiprtcCompileProgram(0, 2, [b'-O3', b'-DX=1']): const char** from a list",
    "struct_by_value": "hipLaunchKernel(0, dim3, dim3, None, 0, 0): two structs by value",
    "enum_in": "hipGetErrorName(e): e the hipError_t member an earlier call returned",
    "memcpy_returned": "hipMemcpy(d, b, 16, kind): d what hipMalloc returned, kind an enum member "
                       "(the floor takes the bytearray and releases the GIL too)",
    "memcpy_returned_gil": "floor only: hipMemcpy(int, int, ...) keeping the GIL (the earlier, unfair floor)",
    "launch_returned": "hipModuleLaunchKernel(f, 1,1,1, 1,1,1, 0, s, None, None): f, s returned handles",
}


def ours_cases():
    from hip import hip, hiprtc

    return {
        "error_name": ("f(100)", {"f": hip.hipGetErrorName}),
        "scalar_in": ("f(0)", {"f": hip.hipSetDevice}),
        "enum_return": ("f()", {"f": hip.hipPeekAtLastError}),
        "out_int": ("f()", {"f": hip.hipGetDevice}),
        "out_handle": ("f()", {"f": hip.hipStreamCreate}),
        "ptr_int": ("f(4096, 8192, 16, 0)", {"f": hip.hipMemcpy}),
        "ptr_bytearray": ("f(b, 8192, 16, 0)", {"f": hip.hipMemcpy, "b": bytearray(16)}),
        "ptr_struct": ("f(s, 4096)", {"f": hip.hipPointerGetAttributes, "s": hip.hipPointerAttribute_t()}),
        "str_bytes": ("f(0, b'kernel')", {"f": hip.hipModuleGetFunction}),
        "str_str": ("f(0, 'kernel')", {"f": hip.hipModuleGetFunction}),
        "str_list": ("f(0, 2, o)", {"f": hiprtc.hiprtcCompileProgram, "o": [b"-O3", b"-DX=1"]}),
        "struct_by_value": ("f(0, d, d, None, 0, 0)", {"f": hip.hipLaunchKernel, "d": hip.dim3(1, 1, 1)}),
        **returned_cases(hip),
    }


def returned_cases(hip):
    """Calls passing back what earlier calls returned (enum members, device memory, handles)."""
    e = hip.hipGetDeviceCount()[0]             # an enum member (hipErrorNoDevice or hipSuccess)
    d = hip.hipMalloc(16)[1]
    f = hip.hipModuleGetFunction(hip.hipModuleLoadData(b"x")[1], b"k")[1]
    s = hip.hipStreamCreate()[1]
    return {
        "enum_in": ("f(e)", {"f": hip.hipGetErrorName, "e": e}),
        "memcpy_returned": ("f(d, b, 16, k)", {"f": hip.hipMemcpy, "d": d, "b": bytearray(16),
                                               "k": hip.hipMemcpyKind.hipMemcpyHostToDevice}),
        "launch_returned": ("f(fn, 1, 1, 1, 1, 1, 1, 0, s, None, None)",
                            {"f": hip.hipModuleLaunchKernel, "fn": f, "s": s}),
    }


def amd_cases():
    from hip import hip, hiprtc

    h2h = hip.hipMemcpyKind.hipMemcpyHostToHost
    return {
        "error_name": ("f(e)", {"f": hip.hipGetErrorName, "e": hip.hipError_t(100)}),
        "scalar_in": ("f(0)", {"f": hip.hipSetDevice}),
        "enum_return": ("f()", {"f": hip.hipPeekAtLastError}),
        "out_int": ("f()", {"f": hip.hipGetDevice}),
        "out_handle": ("f()", {"f": hip.hipStreamCreate}),
        "ptr_int": ("f(4096, 8192, 16, k)", {"f": hip.hipMemcpy, "k": h2h}),
        "ptr_bytearray": ("f(b, 8192, 16, k)", {"f": hip.hipMemcpy, "b": bytearray(16), "k": h2h}),
        "ptr_struct": ("f(s, 4096)", {"f": hip.hipPointerGetAttributes, "s": hip.hipPointerAttribute_t()}),
        "str_bytes": ("f(None, b'kernel')", {"f": hip.hipModuleGetFunction}),
        "str_str": ("f(None, 'kernel')", {"f": hip.hipModuleGetFunction}),
        "str_list": ("f(None, 2, o)", {"f": hiprtc.hiprtcCompileProgram, "o": [b"-O3", b"-DX=1"]}),
        "struct_by_value": ("f(None, d, d, None, 0, None)", {"f": hip.hipLaunchKernel, "d": hip.dim3(1, 1, 1)}),
    }


def ctypes_cases(lib_path: str):
    from ctypes import POINTER, Structure, byref, c_char, c_char_p, c_int, c_size_t, c_uint, c_void_p

    lib = ctypes.CDLL(lib_path)

    def fn(name, restype, *argtypes):
        f = getattr(lib, name)
        f.restype, f.argtypes = restype, list(argtypes)
        return f

    class Dim3(Structure):
        _fields_ = [("x", c_uint), ("y", c_uint), ("z", c_uint)]

    get_device = fn("hipGetDevice", c_int, POINTER(c_int))
    stream_create = fn("hipStreamCreate", c_int, POINTER(c_void_p))
    memcpy = fn("hipMemcpy", c_int, c_void_p, c_void_p, c_size_t, c_int)
    module_get_function = fn("hipModuleGetFunction", c_int, POINTER(c_void_p), c_void_p, c_char_p)
    compile_program = fn("hiprtcCompileProgram", c_int, c_void_p, c_int, POINTER(c_char_p))

    def hipGetDevice():
        v = c_int()
        return get_device(byref(v)), v.value

    def hipStreamCreate():
        s = c_void_p()
        return stream_create(byref(s)), s.value

    def hipMemcpy_buffer(dst, src, size, kind):
        return memcpy((c_char * len(dst)).from_buffer(dst), src, size, kind)

    def hipModuleGetFunction(module, name):
        f = c_void_p()
        return module_get_function(byref(f), module, name), f.value

    def hipModuleGetFunction_str(module, name):
        f = c_void_p()
        return module_get_function(byref(f), module, name.encode()), f.value

    def hiprtcCompileProgram(prog, n, options):
        return compile_program(prog, n, (c_char_p * len(options))(*options))

    return {
        "error_name": ("f(100)", {"f": fn("hipGetErrorName", c_char_p, c_int)}),
        "scalar_in": ("f(0)", {"f": fn("hipSetDevice", c_int, c_int)}),
        "enum_return": ("f()", {"f": fn("hipPeekAtLastError", c_int)}),
        "out_int": ("f()", {"f": hipGetDevice}),
        "out_handle": ("f()", {"f": hipStreamCreate}),
        "ptr_int": ("f(4096, 8192, 16, 0)", {"f": memcpy}),
        "ptr_bytearray": ("f(b, 8192, 16, 0)", {"f": hipMemcpy_buffer, "b": bytearray(16)}),
        "ptr_struct": ("f(s, 4096)", {"f": fn("hipPointerGetAttributes", c_int, c_void_p, c_void_p),
                                      "s": ctypes.create_string_buffer(256)}),
        "str_bytes": ("f(0, b'kernel')", {"f": hipModuleGetFunction}),
        "str_str": ("f(0, 'kernel')", {"f": hipModuleGetFunction_str}),
        "str_list": ("f(0, 2, o)", {"f": hiprtcCompileProgram, "o": [b"-O3", b"-DX=1"]}),
        "struct_by_value": ("f(0, d, d, None, 0, 0)", {
            "f": fn("hipLaunchKernel", c_int, c_void_p, Dim3, Dim3, c_void_p, c_size_t, c_void_p),
            "d": Dim3(1, 1, 1)}),
    }


def built_module(name: str, folder: str):
    """The extension ``name`` that ``setup.py build_ext --inplace`` wrote into ``folder``, imported
    from its file (the folder is on no import path)."""
    import importlib.machinery
    import importlib.util
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(folder, name + suffix)
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location(name, path)
            module = sys.modules[name] = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise ImportError(f"no built {name} in {folder}")


def floor_cases(lib_path: str, floor_dir: str):
    hipfloor = built_module("hipfloor", floor_dir)

    hipfloor.load(lib_path.encode())
    return {
        "error_name": ("f(100)", {"f": hipfloor.hipGetErrorName}),
        "scalar_in": ("f(0)", {"f": hipfloor.hipSetDevice}),
        "out_int": ("f()", {"f": hipfloor.hipGetDevice}),
        "enum_in": ("f(100)", {"f": hipfloor.hipGetErrorName}),
        # the fair floor: the same bytearray source, the GIL released, as ours
        "memcpy_returned": ("f(4096, b, 16, 1)", {"f": hipfloor.hipMemcpyNogil, "b": bytearray(16)}),
        "memcpy_returned_gil": ("f(4096, 8192, 16, 1)", {"f": hipfloor.hipMemcpy}),
        "launch_returned": ("f(4096, 1, 1, 1, 1, 1, 1, 0, 0, None, None)", {"f": hipfloor.hipModuleLaunchKernel}),
    }


def time_stmt(stmt: str, namespace: dict, repeats: int, target: float) -> dict:
    """Per-call ns of ``stmt``: each of ``repeats`` runs loops for ~``target`` seconds."""
    t = timeit.Timer(stmt, globals=namespace)
    number, elapsed = t.autorange()
    number = max(1, int(number * target / elapsed))
    runs = [x / number * 1e9 for x in t.repeat(repeat=repeats, number=number)]
    return {"min_ns": min(runs), "median_ns": statistics.median(runs), "number": number, "repeats": repeats}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", required=True)
    ap.add_argument("--lib", required=True, help="the libamdhip64 file ctypes and the floor open")
    ap.add_argument("--floor", help="directory holding the built hipfloor module")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--target", type=float, default=0.01, help="seconds per repeat")
    a = ap.parse_args()
    wanted = a.cases.split(",")
    out = {}
    for impl in a.impl.split(","):
        builders = {"ours": ours_cases, "amd": amd_cases, "ctypes": lambda: ctypes_cases(a.lib),
                    "floor": lambda: floor_cases(a.lib, a.floor)}
        cases = builders[impl]()
        if "error_name" in cases:
            stmt, ns = cases["error_name"]
            cases["error_name_lambda"] = ("g()", {"g": eval(f"lambda: {stmt}", dict(ns))})
        res = out[impl] = {}
        for name in wanted:
            if name not in cases:
                continue
            stmt, ns = cases[name]
            try:
                eval(stmt, dict(ns))          # the call must work before it is timed
                res[name] = time_stmt(stmt, ns, a.repeats, a.target)
            except Exception as exc:  # noqa: BLE001 -- recorded, e.g. a symbol AMD's wheel maps elsewhere
                res[name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
