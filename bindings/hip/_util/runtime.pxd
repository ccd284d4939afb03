# The cold half of every generated module's runtime, compiled once per wheel (runtime.pyx):
# library loading, enum and struct classes, struct fields, argument holders and the slow paths
# of argument conversion.  Each module's hot paths (its calls' fast paths, _e, _h, the function
# table) stay in hip/_runtime.pxi, compiled into the module; a module's own tables live in its
# ModuleState, which these functions take.
from cpython.object cimport PyObject
from libc.stdint cimport int64_t
from hip._util.types cimport Pointer, as_int

cdef extern from "Python.h":
    # the fast paths' int -> address: NULL with an error set (an int beyond 64 bits) is left to
    # the slow path, whose message names the parameter
    void* _as_address "PyLong_AsVoidPtr"(object) noexcept
    void* _err_occurred "PyErr_Occurred"() noexcept   # a PyObject* (borrowed): compared with NULL, never an int
    void _err_clear "PyErr_Clear"() noexcept


cdef class StructBase:
    """Base of every module's ``_Struct`` (runtime.pyx has the methods)."""
    cdef char* _ptr
    cdef object _owner
    cdef Py_ssize_t _rid       # the record's id (its position in the module's sorted record table)
    cdef bint _readonly        # a view of read-only memory (bytes, a read-only buffer): no writes


cdef class Holder:
    cdef void* ptr
    cdef void** array
    cdef list keep
    cdef Py_buffer view
    cdef bint has_view
    cdef object ints             # (list given, packed bytearray, width, signed) of an int array
    cdef write_back(self)


cdef class ModuleState:
    # what the module is
    cdef str module              # "hip", "hiprtc", "hipfft" ...
    cdef str qualname            # its __name__ ("hip.hipfft")
    cdef dict ns                 # its globals: classes built on first use are published there
    cdef str version_string      # the HIP release it was generated from
    cdef int version_major
    cdef object struct_cls       # its _Struct (record classes derive from it)
    # its library and functions
    cdef void** fpp              # the module's function-pointer table
    cdef tuple names             # exported symbol per function
    cdef void* handle
    cdef object lib              # the loader's LoadedLibrary
    # its enum, record and handle tables (emit: tables.py), the classes built from them
    cdef tuple enums
    cdef dict records
    cdef dict aliases
    cdef str other               # the module whose names it re-exports ("hip" or "hiprtc")
    cdef list enum_maps
    cdef list enum_classes       # per enum: its one class, once built (build_enum)
    cdef list ok                 # per enum: its member of value 0 (hipSuccess), once built
    cdef list ok1                # per enum: (that member,); tuples are immutable, so shared
    cdef PyObject** ok_c         # per enum: ok's member as a C array (ok keeps it alive): _e reads it without a check
    cdef dict enum_by_name
    cdef dict const_to_enum
    cdef dict record_classes
    cdef tuple handle_names      # opaque record per handle index (emit: HANDLE_TABLE)
    cdef list handle_classes
    cdef tuple record_names      # record per record id (sorted names, as the emitter numbers them)
    cdef object build_lock

    cdef init_tables(self, tuple enums, dict records, dict aliases, str other, tuple handles)
    cdef open_library(self)
    cdef _check_library_version(self)
    cdef _check_library_symbols(self)
    cdef void* resolve(self, Py_ssize_t i) except NULL
    cdef object build_enum(self, Py_ssize_t i)
    cdef object enum_member(self, Py_ssize_t i, int64_t v)
    cdef object record_class(self, str name)
    cdef object _build_record_class(self, str name)
    cdef object handle_class(self, Py_ssize_t i)
    cdef object attribute(self, str name)


cdef ModuleState new_state(str module, str qualname, dict ns, str version_string, int version_major,
                           object struct_cls, Py_ssize_t n, void** fp, tuple names)
cdef object handle_hold(ModuleState S, object o, Py_ssize_t i, str name, int kind)
cdef StructBase record_arg(ModuleState S, object o, Py_ssize_t rid, str name)
cdef object capi_resolve(ModuleState S, Py_ssize_t i, str digest)

cdef read_only(str name, object o)
cdef void* slow_ptr(object o, str name, list keep, Py_ssize_t index=*, bint written=*) except? NULL
cdef void* ref_arg(object o, void** slot, str name) except NULL
cdef Holder hold(object o, str name, int kind=*, int width=*, bint signed=*, bint written=*)
cdef object text_filled(object fill, object n, object rest)
cdef int text_room(object buf, object n, str name) except -1


cdef inline object int_arg(object o, str name):
    """``o`` as an int where C takes an integer (``hip._util.types.as_int``: ``__index__``
    objects and integral real numbers, so ``16.0`` but not ``16.7``, ``nan`` or a Decimal)."""
    if type(o) is int:
        return o
    return as_int(o, name)


cdef inline bint any_struct(object o):
    """A struct of any generated module (a ``hip.dim3`` given to ``hip.hiprand`` is a struct there too)."""
    return isinstance(o, StructBase)


cdef inline bint fast_ptr(object o, void** out):
    if o is None:
        out[0] = NULL
        return True
    if type(o) is int:
        out[0] = _as_address(o)
        if out[0] == NULL and _err_occurred() != NULL:
            _err_clear()
            return False
        return True
    if isinstance(o, Pointer):   # handles, DeviceArray, hip._util.types adapters
        if (<Pointer>o)._readonly:
            return False    # read-only memory: the slow path refuses it where C writes
        out[0] = (<Pointer>o)._ptr
        return True
    if isinstance(o, StructBase):
        if (<StructBase>o)._readonly:
            return False    # a view of read-only memory: the slow path refuses it where C writes
        out[0] = (<StructBase>o)._ptr
        return True
    return False
