# Direct accesses of the full C API and, under Py_LIMITED_API (the abi3 wheel built for the
# Pythons no per-version wheel serves, e.g. 3.14), the limited-API functions that replace them.
# The per-version wheels compile exactly the macros, so their calls cost nothing more; the abi3
# wheel pays a function call for each (measured in the README).
cdef extern from *:
    """
    #ifndef HIP_PYTHON_LIMITED_SHIMS
    #define HIP_PYTHON_LIMITED_SHIMS
    /* CPython's 3.12.0-3.13.3 headers return None/True/False without a new reference even for
       the limited API of 3.11 (gh-134989), where they are not immortal: a module built by such a
       Python drops a reference to False at each ``==`` Cython's utility code answers, and 3.11
       aborts after a few hundred ("deallocating True or False").  So say it again, as fixed. */
    #if defined(Py_LIMITED_API) && Py_LIMITED_API+0 < 0x030c0000
    #undef Py_RETURN_NONE
    #undef Py_RETURN_TRUE
    #undef Py_RETURN_FALSE
    #undef Py_RETURN_NOTIMPLEMENTED
    #define Py_RETURN_NONE return Py_NewRef(Py_None)
    #define Py_RETURN_TRUE return Py_NewRef(Py_True)
    #define Py_RETURN_FALSE return Py_NewRef(Py_False)
    #define Py_RETURN_NOTIMPLEMENTED return Py_NewRef(Py_NotImplemented)
    #endif
    #ifdef Py_LIMITED_API
    static Py_buffer __hp_view;
    /* the memoryview is kept alive by the caller, so its data outlives this export */
    static Py_buffer* __hp_mv_buffer(PyObject* mv) {
        if (PyObject_GetBuffer(mv, &__hp_view, PyBUF_FULL_RO) == 0) PyBuffer_Release(&__hp_view);
        else { PyErr_Clear(); __hp_view.buf = NULL; }
        return &__hp_view;
    }
    #define __hp_bytes_ptr(o) PyBytes_AsString(o)
    #define __hp_bytearray_ptr(o) PyByteArray_AsString(o)
    #define __hp_tp_new(cls) ((newfunc)PyType_GetSlot((PyTypeObject*)(cls), Py_tp_new))
    #define __hp_float_value(o) PyFloat_AsDouble(o)
    /* steals the reference, as the macro does; cannot fail on a new tuple and an index in range */
    #define __hp_tuple_set(t, i, v) ((void)PyTuple_SetItem((t), (i), (v)))
    #else
    #define __hp_mv_buffer(mv) PyMemoryView_GET_BUFFER(mv)
    #define __hp_bytes_ptr(o) PyBytes_AS_STRING(o)
    #define __hp_bytearray_ptr(o) PyByteArray_AS_STRING(o)
    #define __hp_tp_new(cls) (((PyTypeObject*)(cls))->tp_new)
    #define __hp_float_value(o) PyFloat_AS_DOUBLE(o)
    #define __hp_tuple_set(t, i, v) PyTuple_SET_ITEM((t), (i), (v))
    #endif
    #endif
    """
    ctypedef struct Py_buffer_view "Py_buffer":
        void* buf
    double PyFloat_AS_DOUBLE "__hp_float_value"(object)   # only ever given an exact float
    char* PyBytes_AS_STRING "__hp_bytes_ptr"(object)
    char* PyByteArray_AS_STRING "__hp_bytearray_ptr"(object)
    Py_buffer_view* PyMemoryView_GET_BUFFER "__hp_mv_buffer"(object)
    void PyTuple_SET_ITEM "__hp_tuple_set"(object, Py_ssize_t, object)   # steals: Py_INCREF first
