"""The floor: the least a hand-written Cython binding can do per call.

A tiny module, built with Cython + setuptools in the cache directory (same compiler flags as
the wheels), that looks each function up once with dlsym and calls it through the cached
pointer: convert the argument, call, build the Python result.  No tuple, no enum, no checks.
``hipGetDevice`` returns ``(err, value)`` so an out-parameter call has a floor too.
``hipMemcpyNogil`` takes a buffer for ``src`` and releases the GIL around the call, as ours does
for a call that may block: ``memcpy_returned`` (a bytearray source) is timed against it, the
fair floor; ``memcpy_returned_gil`` is the earlier floor (int addresses, GIL kept), for reference.
``hipModuleLaunchKernel`` releases the GIL too.
"""
from __future__ import annotations

import sys
from pathlib import Path

from _common import cython_module

PYX = r'''
# cython: language_level=3
from posix.dlfcn cimport dlopen, dlsym, RTLD_NOW, RTLD_GLOBAL
from cpython.bytes cimport PyBytes_FromString
from cpython.long cimport PyLong_AsVoidPtr
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_SIMPLE

ctypedef const char* (*name_fn)(int) noexcept nogil
ctypedef int (*int_fn)(int) noexcept nogil
ctypedef int (*out_fn)(int*) noexcept nogil
ctypedef int (*memcpy_fn)(void*, const void*, size_t, int) noexcept nogil
ctypedef int (*launch_fn)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                          unsigned, void*, void**, void**) noexcept nogil
cdef memcpy_fn _memcpy = NULL
cdef launch_fn _launch = NULL
cdef name_fn _name = NULL
cdef int_fn _set = NULL
cdef out_fn _get = NULL

def load(bytes path):
    global _name, _set, _get, _memcpy, _launch
    cdef void* h = dlopen(path, RTLD_NOW | RTLD_GLOBAL)
    if h == NULL:
        raise OSError(path)
    _name = <name_fn>dlsym(h, b"hipGetErrorName")
    _set = <int_fn>dlsym(h, b"hipSetDevice")
    _get = <out_fn>dlsym(h, b"hipGetDevice")
    _memcpy = <memcpy_fn>dlsym(h, b"hipMemcpy")
    _launch = <launch_fn>dlsym(h, b"hipModuleLaunchKernel")

def hipGetErrorName(int e):
    cdef const char* s = _name(e)
    if s == NULL:
        return None
    return PyBytes_FromString(s)

def hipSetDevice(int d):
    return _set(d)

def hipMemcpy(dst, src, size_t n, int kind):
    """Pointers as int addresses only: the least a binding can do (keeps the GIL)."""
    return _memcpy(PyLong_AsVoidPtr(dst), PyLong_AsVoidPtr(src), n, kind)

def hipMemcpyNogil(dst, src, size_t n, int kind):
    """The fair floor for ``memcpy_returned``: ``src`` an int or any buffer (a bytearray in that
    case: its buffer is exported for the call), and the GIL released around the call, as any
    binding of a call that may block must (ours does)."""
    cdef void* d = PyLong_AsVoidPtr(dst)
    cdef void* s
    cdef Py_buffer view
    cdef bint exported = type(src) is not int
    if exported:
        PyObject_GetBuffer(src, &view, PyBUF_SIMPLE)
        s = view.buf
    else:
        s = PyLong_AsVoidPtr(src)
    cdef int r
    with nogil:
        r = _memcpy(d, s, n, kind)
    if exported:
        PyBuffer_Release(&view)
    return r

def hipModuleLaunchKernel(f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                          unsigned bz, unsigned shared, stream, params, extra):
    """Releases the GIL around the launch, as ours does (a launch may block on a full queue)."""
    cdef void* fp = PyLong_AsVoidPtr(f)
    cdef void* sp = PyLong_AsVoidPtr(stream)
    cdef int r
    with nogil:
        r = _launch(fp, gx, gy, gz, bx, by, bz, shared, sp, NULL, NULL)
    return r

def hipGetDevice():
    cdef int v = 0
    cdef int r = _get(&v)
    return r, v
'''

SETUP = '''
from setuptools import Extension, setup
from Cython.Build import cythonize
LIMITED = {limited!r}   # the stable ABI (abi3): one wheel for every CPython >= 3.11
macros = [("Py_LIMITED_API", "0x030B0000"), ("CYTHON_LIMITED_API", "1")] if LIMITED else []
setup(ext_modules=cythonize([Extension("hipfloor", ["hipfloor.pyx"], extra_compile_args=["-O2", "-g0"],
                                       define_macros=macros, py_limited_api=LIMITED,
                                       libraries=["dl"])], quiet=True))
'''


def build(python: str = sys.executable, limited: bool = False) -> Path:
    """Build (once per source and interpreter) and return the directory holding ``hipfloor``."""
    return cython_module("hipfloor", PYX, SETUP.format(limited=limited), python, "floor")


if __name__ == "__main__":
    print(build())
