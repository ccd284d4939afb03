# The hot half of every generated module's runtime, included (not imported) so each call's
# conversions and results compile into the module's own code: the fast paths of the arguments,
# enum members of a status (_e), handles (_h), strings (_cstr*).  The cold half (library
# loading, enum and struct classes, struct fields, holders, the slow paths) is compiled once
# per wheel in hip/_util/runtime.pyx; it takes this module's tables as its ModuleState (_S).
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_SIMPLE, PyBUF_WRITABLE
from cpython.bytes cimport PyBytes_FromString
from cpython.object cimport PyObject
from hip._limited cimport PyBytes_AS_STRING
from libc.string cimport memcpy, strcmp, strlen
from libc.stdlib cimport calloc
cdef extern from "Python.h":
    const char* _utf8 "PyUnicode_AsUTF8AndSize"(object, Py_ssize_t*) except? NULL

from hip._util.types import CStr as _CStr
# a module global of every generated module since the first release: user code reaches the
# loader's errors through it (``hip.hip._loader.HipFunctionNotFoundError``)
from hip import _loader
from hip._util.types cimport Pointer, Handle, new_device_array, new_pointer, new_cstring
from hip._util cimport runtime as _rt
from hip._util.runtime cimport (ModuleState, StructBase, Holder as _Holder, _as_address, _err_occurred, _err_clear,
                                int_arg as _index, fast_ptr as _fast_ptr, any_struct as _any_struct,
                                read_only as _read_only, slow_ptr as _slow_ptr, ref_arg as _ref_arg, hold as _hold,
                                text_filled as _text_filled, text_room as _text_room)


cdef class _Struct(StructBase):
    """Base of this module's HIP struct/union classes (hip._util.runtime.StructBase has the
    fields, buffer and constructors): a class per module, so a struct's record id (``_rid``)
    is read against its own module's table."""
    pass


cdef ModuleState _S = None          # this module's library and tables (hip._util.runtime)
# what the calls read of _S, held here so each is one load: the function table, the
# status-enum members of value 0 (_e, _e1), the handle classes (_h), records by id
cdef void** _fpp = NULL
cdef PyObject** _ok_c = NULL        # per enum: its member of value 0 as a C array (_S.ok keeps it alive)
cdef list _ok1 = []                 # per enum: (that member,); tuples are immutable, so shared
cdef list _handle_classes = []
cdef tuple _record_names = ()

cdef const char** _str_ptrs = NULL  # per function returning a string: the string last returned
cdef list _str_tuples = []          # ... and (the tuple built for it, its bytes)
cdef tuple _none1 = (None,)         # what such a function returns for NULL


cdef _init_runtime(str module, Py_ssize_t n, void** fp, tuple names):
    global _S, _fpp, _str_ptrs, _str_tuples
    _fpp = fp
    _str_ptrs = <const char**>calloc(max(n, 1), sizeof(char*))
    if _str_ptrs == NULL:
        raise MemoryError()
    _str_tuples = [None] * n
    _S = _rt.new_state(module, __name__, globals(), HIP_VERSION_STRING, HIP_VERSION_MAJOR, _Struct, n, fp, names)


cdef _init_tables(tuple enums, dict records, dict aliases, str other, tuple handles):
    global _ok_c, _ok1, _handle_classes, _record_names
    _S.init_tables(enums, records, aliases, other, handles)
    _ok_c, _ok1, _handle_classes, _record_names = _S.ok_c, _S.ok1, _S.handle_classes, _S.record_names


cdef inline void* _resolve(Py_ssize_t i) except NULL:
    return _S.resolve(i)


def _library():
    """The loader's record of the library this module calls into (loading it if needed)."""
    return _S.library()


def __getattr__(str name):
    """Enums, structs and their typedef names are built on first use to keep import fast."""
    return _S.attribute(name)


cdef object _enum_member(Py_ssize_t i, int64_t v):
    return _S.enum_member(i, v)


cdef object _new_record(str name):
    return _S.record_class(name)()


cdef object _handle_hold(object o, Py_ssize_t i, str name, int kind):
    return _rt.handle_hold(_S, o, i, name, kind)


cdef _Struct _record_arg(object o, Py_ssize_t rid, str name):
    return <_Struct>_rt.record_arg(_S, o, rid, name)


def sizeof(obj):
    """Size in bytes of a HIP struct class or instance."""
    cls = obj if isinstance(obj, type) else type(obj)
    return cls._size_


_NOARG = object()   # "argument not given", where None is a meaningful value


# -- the cimport API (hip/_capi.h + hip/chip.pxd; a library's hip/_capi_<lib>.h + hip/c<lib>.pxd) --
def _capi_resolve(Py_ssize_t i, str digest):
    """(address of this module's function-pointer table, address of function ``i``).

    Called once per function by a Cython extension's first call through ``hip/_capi.h``; the
    digest of the table it was compiled against must be this module's."""
    return _rt.capi_resolve(_S, i, digest)


cdef inline object _cstr(const char* s):
    """A C string as AMD's ``CStr`` behaves: text with ``.decode()`` and ``bytes()`` (hip._util.types)."""
    if s == NULL:
        return None
    return _CStr(PyBytes_FromString(s), "utf-8", "surrogateescape")


cdef object _out_str_last = None   # (CStr, its bytes, the address it came from): the last out string


cdef inline object _cstr_out(const char* s):
    """``_cstr(s)`` for a string a call wrote into a ``const char**`` out (comgr's
    ``amd_comgr_status_string``): those are static too, so the last one is kept (one object, so
    one assignment replaces it whole) and returned again while the address holds the same text;
    building the CStr each call cost the call 3.2x the hand-written floor."""
    global _out_str_last
    cdef tuple t
    if s == NULL:
        return None
    if _out_str_last is not None:
        t = <tuple>_out_str_last
        if <size_t>t[2] == <size_t>s and strcmp(s, PyBytes_AS_STRING(t[1])) == 0:
            return t[0]
    b = PyBytes_FromString(s)
    text = _CStr(b, "utf-8", "surrogateescape")
    _out_str_last = (text, b, <size_t>s)
    return text


cdef inline tuple _cstr1(const char* s, Py_ssize_t i, Py_ssize_t lead):
    """``(_cstr(s),)`` for function ``i``, which returns a C string, or ``(success, _cstr(s))``
    when ``lead`` is the position of the module's status enum (AMD's 10.x shape; -1: none).
    Those strings are static (``hipGetErrorName``'s names): when the function returns the same
    address holding the same text as last time, the tuple built then is returned again
    (immutable, so sharing is safe), and the call allocates nothing: building the string and
    the tuple was what cost the call ~1.4x the hand-written floor.  A function reusing a buffer
    for other text gets a new tuple."""
    cdef tuple t
    if s == NULL:
        return _none1 if lead < 0 else (_e(lead, 0), None)
    if s == _str_ptrs[i]:
        t = <tuple>_str_tuples[i]
        if strcmp(s, PyBytes_AS_STRING(t[1])) == 0:
            return <tuple>t[0]
    b = PyBytes_FromString(s)
    text = _CStr(b, "utf-8", "surrogateescape")
    t = (text,) if lead < 0 else (_e(lead, 0), text)
    _str_ptrs[i] = s
    _str_tuples[i] = (t, b)
    return t




cdef inline bint _fast_handle(object o, Py_ssize_t i, void** out):
    """A handle parameter's fast path: None, an int, or a handle of its own class ``i``."""
    if o is None:
        out[0] = NULL
        return True
    if type(o) is int:
        out[0] = _as_address(o)
        if out[0] == NULL and _err_occurred() != NULL:
            _err_clear()
            return False
        return True
    if type(o) is _handle_classes[i]:
        out[0] = (<Pointer>o)._ptr
        return True
    return False



cdef inline bint _fast_str(object o, void** out):
    if type(o) is bytes:
        out[0] = <void*>PyBytes_AS_STRING(o)
        return True
    if o is None:
        out[0] = NULL
        return True
    cdef Py_ssize_t n
    cdef const char* s
    if type(o) is str:
        # the str caches its UTF-8 form and outlives the call; a lone surrogate raises here
        s = _utf8(o, &n)
        if <Py_ssize_t>strlen(s) != n:
            return False   # an embedded NUL would cut the string: the slow path refuses it
        out[0] = <void*>s
        return True
    return False



cdef extern from *:
    """
    /* A wrapper's stack Py_buffer: empty until _view_ptr exports into it (Cython types
       Py_buffer.obj as an object, so the NULL test is written in C). */
    #define _hip_view_init(v) ((v)->obj = NULL)
    static inline void _hip_view_release(Py_buffer* v) { if (v->obj != NULL) PyBuffer_Release(v); }
    """
    void _view_init "_hip_view_init"(Py_buffer*) noexcept nogil
    void _view_release "_hip_view_release"(Py_buffer*) noexcept


cdef inline bint _view_ptr(object o, Py_buffer* view, void** out, str written=None) except -1:
    """Export a bytearray's or memoryview's buffer into ``view``, on the generated wrapper's C
    stack (no holder object per call); the wrapper releases it in a ``finally`` once the C call
    returned, so the memory cannot move or go while C uses it, with or without the GIL.
    ``written`` (the parameter's name): C writes there, so a read-only view is refused."""
    if type(o) is bytearray or type(o) is memoryview:
        if written is None:
            PyObject_GetBuffer(o, view, PyBUF_SIMPLE)
        else:
            if type(o) is memoryview and o.readonly:
                _read_only(written, o)
            PyObject_GetBuffer(o, view, PyBUF_WRITABLE)
        out[0] = view.buf
        return True
    return False


cdef extern from *:
    """
    /* tp_new of a handle class, called directly: Handle.__new__(cls) through Python's
       generic call costs ~70 ns more per returned handle. */
    static PyObject* _hip_type_new(PyObject* cls, PyObject* empty) {
        return __hp_tp_new(cls)((PyTypeObject*)cls, empty, NULL);
    }
    """
    object _hip_type_new(object cls, object empty)

cdef tuple _empty = ()


cdef inline object _h(Py_ssize_t i, void* p):
    """A handle object of opaque type ``_S.handle_names[i]`` holding ``p``."""
    cls = _handle_classes[i]
    if cls is None:
        cls = _S.handle_class(i)
    h = _hip_type_new(cls, _empty)
    (<Pointer>h)._ptr = p
    return h




cdef inline object _e(Py_ssize_t i, int64_t v):
    """Enum ``i``'s member of value ``v`` (the plain int when it has none)."""
    if v == 0 and _ok_c[i] != NULL:
        return <object>_ok_c[i]
    return _enum_member(i, v)


cdef inline tuple _e1(Py_ssize_t i, int64_t v):
    """``(_e(i, v),)``, without building a tuple on success."""
    if v == 0:
        r = _ok1[i]
        if r is not None:
            return <tuple>r
    return (_enum_member(i, v),)

