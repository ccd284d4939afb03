# The compact calling convention of the ROCm library modules (hip.hipblas ...), included after
# _runtime.pxi.  The generated header holds, per function, a row of data and a thunk shared by
# every function of the same C ABI (hip_bindgen/compact.py); here one dispatcher is the C
# function of every binding: it converts the arguments by the parameter table with the same
# helpers and rules as the generated `def`s of hip.hip, calls the thunk, builds the result.
from cpython.long cimport PyLong_FromVoidPtr
from cpython.object cimport PyObject
from cpython.buffer cimport PyObject_CheckBuffer
from hip._limited cimport PyFloat_AS_DOUBLE, PyTuple_SET_ITEM
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New
from libc.stdlib cimport malloc

cdef extern from *:
    ctypedef union _hp_slot:
        void* p
        int64_t i64
        uint64_t u64
        int32_t i32
        uint32_t u32
        int16_t i16
        uint16_t u16
        int8_t i8
        uint8_t u8
        float f
        double d
        bint b
    ctypedef void (*_hp_thunk)(void*, _hp_slot*, _hp_slot*) noexcept nogil
    ctypedef struct _hp_param:
        const char* name
        uint8_t code
        uint8_t ctype
        int16_t extra
    ctypedef struct _hp_func:
        const char* name
        const char* doc
        const char* symbol
        _hp_thunk thunk
        uint32_t first
        uint8_t nparams
        uint8_t nin
        uint8_t nouts
        uint8_t ret
        uint8_t rtype
        uint8_t nogil
        int16_t rextra
        int16_t lead        # the enum whose success member leads the tuple (AMD's 10.x), or -1
    const _hp_func _HP_FUNCS[]
    const _hp_param _HP_PARAMS[]
    enum: _HP_NFUNCS
    enum: _HP_MAXP

    ctypedef PyObject* (*_hp_cfunction "PyCFunction")(PyObject*, PyObject*)
    ctypedef struct PyMethodDef:
        const char* ml_name
        _hp_cfunction ml_meth
        int ml_flags
        const char* ml_doc
    object PyCFunction_NewEx(PyMethodDef*, object, object)
    enum: METH_FASTCALL
    enum: METH_KEYWORDS


cdef class _HpFn:
    """The ``self`` of a library binding: which row of the function table it calls."""
    cdef Py_ssize_t i


# Results that need no allocation: (4,) of roctx_version_major is a shared tuple, as hip's
# (hipSuccess,) is (tuples are immutable); a void function without outs returns None, as AMD's do
cdef tuple _hp_small1 = tuple([(v,) for v in range(256)])


cdef tuple _hp_symbols():
    """The exported name of every function, for _resolve's dlsym."""
    return tuple([<bytes>_HP_FUNCS[i].symbol for i in range(_HP_NFUNCS)])


cdef _hp_install(dict ns):
    """One builtin function per table row, named and documented as the row says (the docstring
    starts with the text signature, so inspect.signature reads the parameter names)."""
    cdef PyMethodDef* defs = <PyMethodDef*>malloc(max(<Py_ssize_t>_HP_NFUNCS, 1) * sizeof(PyMethodDef))
    if defs == NULL:
        raise MemoryError()
    cdef Py_ssize_t i
    cdef _HpFn fn
    module = ns["__name__"]
    for i in range(_HP_NFUNCS):
        defs[i].ml_name = _HP_FUNCS[i].name
        defs[i].ml_meth = <_hp_cfunction>_hp_call
        defs[i].ml_flags = METH_FASTCALL | METH_KEYWORDS
        defs[i].ml_doc = _HP_FUNCS[i].doc
        fn = _HpFn.__new__(_HpFn)
        fn.i = i
        ns[(<bytes>_HP_FUNCS[i].name).decode()] = PyCFunction_NewEx(&defs[i], fn, module)


cdef str _hp_pname(const _hp_param* p):
    return (<bytes>p.name).decode()


cdef Py_ssize_t _hp_out_size(const _hp_param* p) noexcept:
    """Bytes C writes through an out-parameter's pointer: the value's own width (a number, an
    enum's underlying integer, a C bool) or a pointer's (a handle, a string, memory)."""
    if p.code == _OUT_SCALAR or p.code == _OUT_ENUM:
        if p.ctype == _CT_F32: return 4
        if p.ctype == _CT_F64: return 8
        if p.ctype == _CT_BOOL: return 1    # C's bool (1 byte), not Cython's bint (an int)
        if p.ctype == _CT_PTR: return sizeof(void*)
        return _hp_width(p.ctype)
    if p.code == _OUT_BOOL:
        return 1
    return sizeof(void*)


cdef int _hp_check_room(object x, const _hp_param* p) except -1:
    """An out given by the caller must hold what C writes there: a 1-byte view given for an
    ``int*`` would let the library write past it.  Objects that tell their size are checked
    (buffers, ctypes values, struct objects); an int address or a ``Pointer`` is the caller's
    word, as in C.  Only calls that pass their outs come here: the usual call pays nothing."""
    cdef Py_ssize_t need = _hp_out_size(p), room = -1
    if isinstance(x, _Struct):
        room = type(x)._size_
    elif not isinstance(x, (int, Pointer)) and PyObject_CheckBuffer(x):
        with memoryview(x) as m:
            room = m.nbytes
    if 0 <= room < need:
        raise ValueError(f"{_hp_pname(p)}: the buffer given holds {room} byte{'s' if room != 1 else ''}, "
                         f"C writes {need} here: pass at least {need} bytes, or leave the outs out "
                         f"and take them from the returned tuple")
    return 0


cdef int _hp_not_a_handle(object x, const _hp_param* p) except -1:
    """A library's ``void*`` handle (``hipblasHandle_t``) given a typed handle of another kind
    (a stream, a generator ...) or a struct: C would take that object for the library's own."""
    raise TypeError(f"{_hp_pname(p)}: expected the library's handle (the Pointer its create function "
                    f"returns), an int address or None, not {type(x).__name__}")


cdef int _hp_args(const _hp_func* F, PyObject** args, Py_ssize_t nargs, object kwnames,
                  PyObject** av) except -1:
    """Arguments by keyword (or too few/many): into ``av`` in parameter order, as Cython's
    argument parsing of a ``def`` would, with its messages.  Returns 1 when the caller passed
    every C parameter, out-parameters included (see ``_hp_call``), else 0."""
    name = (<bytes>F.name).decode()
    cdef Py_ssize_t nin = F.nin, k, j, nkw = 0 if kwnames is None else len(<tuple>kwnames)
    cdef bint full = F.nouts != 0 and nkw == 0 and nargs == F.nparams   # positionally, as C's order
    cdef Py_ssize_t n = F.nparams if full else nin
    if nargs > nin and not full:
        if nin == 0:
            raise TypeError(f"{name}() takes no arguments ({nargs} given)")
        raise TypeError(f"{name}() takes exactly {nin} positional argument{'s' if nin != 1 else ''} ({nargs} given)")
    for k in range(n):
        av[k] = NULL
    for k in range(nargs):
        av[k] = args[k]
    cdef list inputs = [_hp_pname(&_HP_PARAMS[F.first + k]) for k in range(F.nparams)
                        if full or _HP_PARAMS[F.first + k].code < _OUT_CSTR]
    for j in range(nkw):
        key = (<tuple>kwnames)[j]
        try:
            k = inputs.index(key)
        except ValueError:
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'") from None
        if av[k] != NULL:
            raise TypeError(f"{name}() got multiple values for keyword argument '{key}'")
        av[k] = args[nargs + j]
    for k in range(n):
        if av[k] == NULL:
            raise TypeError(f"{name}() takes exactly {nin} positional argument{'s' if nin != 1 else ''} "
                            f"({k} given)" if k >= nargs and nkw == 0 else
                            f"{name}() missing required argument '{inputs[k]}' (pos {k + 1})")
    return full


cdef inline object _hp_value(const _hp_slot* s, int ct):
    """A number slot as a Python int/float."""
    if ct == _CT_I32: return s.i32
    if ct == _CT_U32: return s.u32
    if ct == _CT_I64: return s.i64
    if ct == _CT_U64: return s.u64
    if ct == _CT_I8: return s.i8
    if ct == _CT_U8: return s.u8
    if ct == _CT_I16: return s.i16
    if ct == _CT_U16: return s.u16
    if ct == _CT_F32: return s.f
    if ct == _CT_F64: return s.d
    if ct == _CT_BOOL: return s.b
    return PyLong_FromVoidPtr(s.p)


cdef inline int64_t _hp_int(const _hp_slot* s, int ct) noexcept:
    if ct == _CT_I32: return s.i32
    if ct == _CT_U32: return s.u32
    if ct == _CT_I8: return s.i8
    if ct == _CT_U8: return s.u8
    if ct == _CT_I16: return s.i16
    if ct == _CT_U16: return s.u16
    return s.i64


cdef inline int _hp_width(int ct) noexcept:
    """Bytes of an integer slot type."""
    if ct == _CT_I8 or ct == _CT_U8: return 1
    if ct == _CT_I16 or ct == _CT_U16: return 2
    if ct == _CT_I32 or ct == _CT_U32: return 4
    return 8


cdef inline bint _hp_signed(int ct) noexcept:
    return ct == _CT_I8 or ct == _CT_I16 or ct == _CT_I32 or ct == _CT_I64


cdef extern from *:
    """
    #if !defined(Py_LIMITED_API) && PY_VERSION_HEX < 0x030B0000
    #include "longintrepr.h"
    #endif
    #if defined(__GNUC__)
    #define __HP_ALWAYS_INLINE static inline __attribute__((always_inline))
    #else
    #define __HP_ALWAYS_INLINE static inline
    #endif
    /* An exact int of one digit (|v| < 2**30) read in place: 1 and its value, else 0 (anything
       else, a bool or a bigger int, then takes the overflow-checked conversion).  The library
       modules are compiled at -O1, which inlines nothing that is not forced.  The limited API
       has no access to the digits: always 0 there. */
    __HP_ALWAYS_INLINE int __hp_small_int(PyObject* o, long long* v) {
    #if defined(Py_LIMITED_API)
        (void)o; (void)v;
        return 0;
    #elif PY_VERSION_HEX >= 0x030C0000
        if (!PyLong_CheckExact(o) || !PyUnstable_Long_IsCompact((PyLongObject*)o)) return 0;
        *v = (long long)PyUnstable_Long_CompactValue((PyLongObject*)o);
        return 1;
    #else
        Py_ssize_t n;
        if (!PyLong_CheckExact(o)) return 0;
        n = Py_SIZE(o);
        if (n == 0) { *v = 0; return 1; }
        if (n == 1) { *v = (long long)((PyLongObject*)o)->ob_digit[0]; return 1; }
        if (n == -1) { *v = -(long long)((PyLongObject*)o)->ob_digit[0]; return 1; }
        return 0;
    #endif
    }
    """
    bint _small_int "__hp_small_int"(object, long long*) noexcept
    # a number out as a new reference, put into the tuple without a Cython temporary (no
    # incref/decref pair per out); NULL only with MemoryError set
    PyObject* _new_i32 "PyLong_FromLong"(long) except NULL
    PyObject* _new_u64 "PyLong_FromUnsignedLongLong"(unsigned long long) except NULL
    void _tuple_put "__hp_tuple_set"(object, Py_ssize_t, PyObject*)   # steals the reference
    void _incref "Py_INCREF"(PyObject*)


cdef inline bint _hp_set_small(_hp_slot* s, int ct, long long v) noexcept:
    """A one-digit int (``_small_int``: |v| < 2**30) into a 32- or 64-bit slot, where only the
    sign can be out of range; 0 for what this does not decide (a negative value for an unsigned
    type, the 8- and 16-bit types): ``_hp_set_int`` then checks it and names the parameter."""
    if ct == _CT_I32:
        s.i32 = <int32_t>v
    elif ct == _CT_I64:
        s.i64 = <int64_t>v
    elif v < 0:
        return False
    elif ct == _CT_U32:
        s.u32 = <uint32_t>v
    elif ct == _CT_U64:
        s.u64 = <uint64_t>v
    else:
        return False
    return True


cdef extern from "Python.h":
    # x is an int (or subclass) here: neither can fail, an out-of-range value sets the flag / -1
    long long _as_ll "PyLong_AsLongLongAndOverflow"(object, int*) noexcept
    unsigned long long _as_ull "PyLong_AsUnsignedLongLong"(object) noexcept


cdef int _hp_set_int(_hp_slot* s, int ct, object x, const _hp_param* p) except -1:
    """An int/enum argument into its slot: objects with __index__, or integral real numbers
    (``_index``), range-checked against the C type here, in C (no exception state saved on the
    way: a call's int arguments cost what Cython's own conversion did), so the OverflowError
    names the parameter."""
    if not isinstance(x, int):
        x = _index(x, _hp_pname(p))
    cdef int over = 0
    cdef long long v = _as_ll(x, &over)
    cdef unsigned long long u
    if over == 0:
        if ct == _CT_I32:
            if -2147483648LL <= v <= 2147483647LL:
                s.i32 = <int32_t>v
                return 0
        elif ct == _CT_U32:
            if 0 <= v <= 4294967295LL:
                s.u32 = <uint32_t>v
                return 0
        elif ct == _CT_I64:
            s.i64 = <int64_t>v
            return 0
        elif ct == _CT_U64:
            if v >= 0:
                s.u64 = <uint64_t>v
                return 0
        elif ct == _CT_I8:
            if -128 <= v <= 127:
                s.i8 = <int8_t>v
                return 0
        elif ct == _CT_U8:
            if 0 <= v <= 255:
                s.u8 = <uint8_t>v
                return 0
        elif ct == _CT_I16:
            if -32768 <= v <= 32767:
                s.i16 = <int16_t>v
                return 0
        elif 0 <= v <= 65535:
            s.u16 = <uint16_t>v
            return 0
    elif over > 0 and ct == _CT_U64:   # 2**63 .. 2**64 - 1
        u = _as_ull(x)
        if not (u == <unsigned long long>-1 and _err_occurred() != NULL):
            s.u64 = <uint64_t>u
            return 0
        _err_clear()
    return _hp_out_of_range(x, ct, p)


cdef int _hp_out_of_range(object x, int ct, const _hp_param* p) except -1:
    bits = 8 * _hp_width(ct)
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if _hp_signed(ct) else (0, (1 << bits) - 1)
    ctype = f"{'' if _hp_signed(ct) else 'u'}int{bits}_t"
    raise OverflowError(f"{_hp_pname(p)}: {int(x)} does not fit the C {ctype} it is passed as ({lo} .. {hi})")


cdef double _hp_float(object x, const _hp_param* p) except? -1.0:
    """A float argument that is no ``float``: any real number (``__float__``/``__index__``), as
    Cython converts it; anything else is a TypeError naming the parameter."""
    try:
        return x
    except TypeError:
        raise TypeError(f"{_hp_pname(p)}: expected a real number (float or int), not {type(x).__name__}") from None
    except OverflowError as e:   # an int beyond a double's range
        raise OverflowError(f"{_hp_pname(p)}: {e}") from None


cdef object _hp_call(object self, PyObject** args, Py_ssize_t nargs, PyObject* kwnames):
    """The C function (METH_FASTCALL | METH_KEYWORDS) of every binding of this module.

    A call passing every C parameter positionally, out-parameters included (``hipfftGetVersion(
    ctypes.addressof(v))``, as AMD's bindings take some outs: a pointer C writes through), gives
    each out the caller's pointer (a writable buffer, an address ...; None or 0: storage of ours)
    and returns the result alone; the usual call leaves them out and gets ``(result, *outs)``."""
    cdef Py_ssize_t fi = (<_HpFn>self).i
    cdef const _hp_func* F = &_HP_FUNCS[fi]
    cdef PyObject* buf[_HP_MAXP]
    cdef PyObject** av = args
    cdef int nouts = F.nouts
    if kwnames != NULL or nargs != F.nin:
        if _hp_args(F, args, nargs, <object>kwnames if kwnames != NULL else None, buf):
            nouts = 0
        av = buf
    cdef _hp_slot a[_HP_MAXP]
    cdef _hp_slot o[_HP_MAXP]
    cdef _hp_slot r
    cdef const _hp_param* p
    cdef Py_ssize_t k, j = 0
    cdef int code
    cdef double dv
    cdef long long iv
    cdef list keep = None
    cdef list back = None        # int arrays the call may write, given as lists: copied back after
    cdef const _hp_param* params = &_HP_PARAMS[F.first]   # once: -O1 reloads F per iteration otherwise
    cdef Py_ssize_t start = 0
    if F.nin == 0 and nouts != 0:   # outs only (a version, a count): storage of ours for each, at once
        for k in range(F.nparams):
            o[k].u64 = 0
            a[k].p = &o[k]
        start = F.nparams
    for k in range(start, F.nparams):
        p = &params[k]
        code = p.code
        if code >= _OUT_CSTR and nouts != 0:
            o[k].u64 = 0
            a[k].p = &o[k]
            continue
        x = <object>av[j]
        j += 1
        if code == _ARG_POINTER or code >= _OUT_CSTR:   # >=: an out the caller passed, its own pointer
            if p.extra & 2 and code == _ARG_POINTER and type(x) is not int and (isinstance(x, Handle) or _any_struct(x)):
                _hp_not_a_handle(x, p)
            if not _fast_ptr(x, &a[k].p):
                # extra bit 0: C writes through it, so a read-only buffer is a TypeError
                h = _hold(x, _hp_pname(p), _KIND_POINTER_OUT if (code == _ARG_POINTER and p.extra & 1)
                          or code >= _OUT_CSTR else _KIND_POINTER)
                a[k].p = (<_Holder>h).ptr
                if keep is None: keep = [h]
                else: keep.append(h)
            if code >= _OUT_CSTR:
                if a[k].p == NULL:
                    o[k].u64 = 0    # None/0 for an out: storage of ours, C never writes through NULL
                    a[k].p = &o[k]
                else:
                    _hp_check_room(x, p)
        elif code == _ARG_HANDLE:   # extra: handle index * 2 + C writes through it
            if not _fast_handle(x, p.extra >> 1, &a[k].p):
                h = _handle_hold(x, p.extra >> 1, _hp_pname(p), _KIND_POINTER_OUT if p.extra & 1 else _KIND_POINTER)
                a[k].p = (<_Holder>h).ptr
                if keep is None: keep = [h]
                else: keep.append(h)
        elif code == _ARG_INT:
            if not (_small_int(x, &iv) and _hp_set_small(&a[k], p.ctype, iv)):
                _hp_set_int(&a[k], p.ctype, x, p)
        elif code == _ARG_FLOAT:
            dv = PyFloat_AS_DOUBLE(x) if type(x) is float else _hp_float(x, p)
            if p.ctype == _CT_F32: a[k].f = <float>dv
            else: a[k].d = dv
        elif code == _ARG_BOOL:
            a[k].b = x
        elif code == _ARG_STRING:
            if not _fast_str(x, &a[k].p):
                h = _hold(x, _hp_pname(p), _KIND_STRING)
                a[k].p = (<_Holder>h).ptr
                if keep is None: keep = [h]
                else: keep.append(h)
        elif code == _ARG_RECORD:
            if isinstance(x, _Struct) and (<_Struct>x)._rid == p.extra:
                a[k].p = (<_Struct>x)._ptr
            else:
                h = _record_arg(x, p.extra, _hp_pname(p))
                a[k].p = (<_Struct>h)._ptr
                if keep is None: keep = [h]
                else: keep.append(h)
        elif code == _ARG_INTS:
            if not _fast_ptr(x, &a[k].p):
                # extra bit 1: C writes through it, a read-only buffer is refused; bit 0: a list
                # given gets the values C wrote
                h = _hold(x, _hp_pname(p), _KIND_INTS, _hp_width(p.ctype), _hp_signed(p.ctype), p.extra & 2)
                a[k].p = (<_Holder>h).ptr
                if keep is None: keep = [h]
                else: keep.append(h)
                if p.extra & 1:
                    if back is None: back = [h]
                    else: back.append(h)
        elif code == _ARG_HANDLE_REF:
            o[k].p = NULL
            a[k].p = _ref_arg(x, &o[k].p, _hp_pname(p))
        else:   # _ARG_HOLDER
            if x is None:
                a[k].p = NULL
            else:
                h = _hold(x, _hp_pname(p), p.extra)
                a[k].p = (<_Holder>h).ptr
                if keep is None: keep = [h]
                else: keep.append(h)
    cdef void* fp = _fpp[fi]
    if fp == NULL:
        fp = _resolve(fi)
    res = None
    if F.ret == _RET_RECORD:
        res = _new_record(_record_names[F.rextra])
        r.p = (<_Struct>res)._ptr
    if F.nogil:
        with nogil:
            F.thunk(fp, a, &r)
    else:
        F.thunk(fp, a, &r)
    if back is not None:
        for h in back:
            (<_Holder>h).write_back()
    return _hp_result(F, fi, &r, o, a, res, nouts)


cdef inline object _hp_result(const _hp_func* F, Py_ssize_t fi, _hp_slot* r, _hp_slot* o, _hp_slot* a, object res,
                              int nouts):
    """``(result, *outs)`` after the call (``res``: a struct result, already built; ``nouts``: 0
    when the caller passed the outs itself).  A function of its own, so the call's few object
    locals are all the dispatcher cleans up per call."""
    cdef int ret = F.ret
    if _BARE_RESULTS:   # AMD's LLVM-C: the value alone when no out follows; strings keep LLVM's address
        if ret == _RET_HANDLE:
            res = _h(F.rextra, r.p) if r.p != NULL else None
        elif ret == _RET_CSTR:
            res = new_cstring(<const char*>r.p)
        elif ret == _RET_SCALAR:
            res = _hp_value(r, F.rtype)
        elif ret == _RET_ENUM:
            res = _e(F.rextra, _hp_int(r, F.rtype))
        elif ret == _RET_BOOL:
            res = bool(r.b)
        elif ret == _RET_VOIDP:
            res = PyLong_FromVoidPtr(r.p)
        if nouts == 0:
            return res
        if ret == _RET_VOID:   # the outs alone: LLVMGetVersion() -> (22, 1, 8)
            return (<tuple>_hp_tuple(F, o, a, <PyObject*>None, NULL))[1:]
        return _hp_tuple(F, o, a, <PyObject*>res, NULL)
    if ret == _RET_ENUM:
        if nouts == 0 and F.lead < 0:
            return _e1(F.rextra, _hp_int(r, F.rtype))
        res = _e(F.rextra, _hp_int(r, F.rtype))
    elif ret == _RET_SCALAR:
        if nouts == 0 and F.lead < 0 and (F.rtype == _CT_I32 or F.rtype == _CT_U32) and r.u32 < 256:
            return <tuple>_hp_small1[r.u32]     # roctx returns (value,): a shared tuple, no allocation
        res = _hp_value(r, F.rtype)
    elif ret == _RET_VOID:
        if nouts == 0:
            return None if F.lead < 0 else (_e(F.lead, 0),)   # roctx: None; RCCL: (ncclSuccess,)
        if F.lead >= 0:   # AMD's (SUCCESS, *outs): a void result is no element (amd_comgr_get_version)
            if _ok_c[F.lead] != NULL:   # the success member as is: no temporary to count references of
                return _hp_tuple(F, o, a, _ok_c[F.lead], NULL)
            ok = _e(F.lead, 0)
            return _hp_tuple(F, o, a, <PyObject*>ok, NULL)
    elif ret == _RET_CSTR:
        if nouts == 0:
            return _cstr1(<const char*>r.p, fi, F.lead)   # a static string's tuple, reused
        res = _cstr(<const char*>r.p)
    elif ret == _RET_VOIDP:
        res = PyLong_FromVoidPtr(r.p)
    elif ret == _RET_BOOL:
        res = bool(r.b)
    if F.lead >= 0:   # AMD's (HIPSPARSE_STATUS_SUCCESS, value, *outs) for a result that is no status
        if nouts == 0:
            return (_e(F.lead, 0), res)
        ok = _e(F.lead, 0)
        return _hp_tuple(F, o, a, <PyObject*>ok, <PyObject*>res)
    if nouts == 0:
        return (res,)
    cdef const _hp_param* p = &_HP_PARAMS[F.first]
    cdef Py_ssize_t k = 0
    if F.nouts == 1:   # most calls with outs have one (a version, a handle, a property)
        while p[k].code < _OUT_CSTR:
            k += 1
        if p[k].code == _OUT_SCALAR:
            return (res, _hp_value(&o[k], p[k].ctype))
        return (res, _hp_out(&p[k], &o[k], a))
    return _hp_tuple(F, o, a, <PyObject*>res, NULL)


cdef object _hp_tuple(const _hp_func* F, _hp_slot* o, _hp_slot* a, PyObject* x0, PyObject* x1):
    """``(x0, *outs)``, or ``(x0, x1, *outs)`` when ``x1`` is no NULL (both borrowed), the outs in parameter order: the
    tuple made at its size and filled in place, a number out converted without going through
    ``_hp_out`` (gathering the outs first, then packing them, cost comgr's two-out
    ``amd_comgr_get_version`` 1.5x the floor)."""
    cdef Py_ssize_t i = 1 if x1 == NULL else 2, k
    cdef Py_ssize_t n = i + F.nouts
    cdef const _hp_param* p = &_HP_PARAMS[F.first]
    t = PyTuple_New(n)
    _incref(x0)
    _tuple_put(t, 0, x0)
    if x1 != NULL:
        _incref(x1)
        _tuple_put(t, 1, x1)
    cdef int code, ct
    for k in range(F.nparams):
        code = p[k].code
        if code < _OUT_CSTR:
            continue
        if i == n:   # never past the tuple, whatever the table says (it counts the outs it lists)
            break
        ct = p[k].ctype
        if code == _OUT_SCALAR and ct == _CT_I32:   # int*, and the size_t* of versions and sizes:
            _tuple_put(t, i, _new_i32(o[k].i32))     # converted here, not called for
        elif code == _OUT_SCALAR and ct == _CT_U64:
            _tuple_put(t, i, _new_u64(o[k].u64))
        else:
            v = _hp_value(&o[k], ct) if code == _OUT_SCALAR else _hp_out(&p[k], &o[k], a)
            Py_INCREF(v)
            PyTuple_SET_ITEM(t, i, v)
        i += 1
    return t


cdef object _hp_out(const _hp_param* p, _hp_slot* o, _hp_slot* a):
    """The Python value of an out-parameter after the call, as the def emitter returns it."""
    cdef int code = p.code
    if code == _OUT_SCALAR:
        return _hp_value(o, p.ctype)
    if code == _OUT_HANDLE:   # LLVM-C: a handle not made (a failed parse) is None, as AMD's
        return None if _BARE_RESULTS and o.p == NULL else _h(p.extra, o.p)
    if code == _OUT_ENUM:
        return _e(p.extra, _hp_int(o, p.ctype))
    if code == _OUT_CSTR:   # LLVM-C's char** messages: the caller frees them (LLVMDisposeMessage)
        return new_cstring(<const char*>o.p) if _BARE_RESULTS else _cstr_out(<const char*>o.p)
    if code == _OUT_VOIDP:
        return new_pointer(o.p)
    if code == _OUT_BOOL:
        return bool(o.b)
    if code == _OUT_RECORD:   # a handle struct (8 bytes, in the out slot): a new struct holding it
        rec = _new_record(_record_names[p.extra])
        memcpy((<_Struct>rec)._ptr, o, 8)
        return rec
    # _OUT_DEVARRAY: the size argument as converted for the call
    return new_device_array(o.p, <Py_ssize_t>a[p.extra].u64)
