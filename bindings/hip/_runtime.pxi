# The hand-written half of every generated module: library loading, argument conversion,
# lazily built enums and structs.  Included (not imported) so each module is one shared object.
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_SIMPLE
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromString, PyBytes_FromStringAndSize
from cpython.bytearray cimport PyByteArray_AS_STRING
from cpython.long cimport PyLong_AsVoidPtr
from cpython.memoryview cimport PyMemoryView_GET_BUFFER
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy, memset
cdef extern from "Python.h":
    const char* _utf8 "PyUnicode_AsUTF8AndSize"(object, Py_ssize_t*) except? NULL
from posix.dlfcn cimport dlopen, dlsym, dlerror, RTLD_NOW, RTLD_GLOBAL

from hip import _loader

cdef void** _fpp = NULL
cdef tuple _names = ()
cdef void* _handle = NULL
cdef object _lib = None            # the loader's LoadedLibrary for this module's library
cdef list _enum_maps = []
cdef list _ok = []                 # per enum: its member of value 0 (hipSuccess), once built
cdef list _ok1 = []                # per enum: (that member,); tuples are immutable, so shared
cdef dict _enum_by_name = {}
cdef dict _const_to_enum = {}
cdef dict _records = {}
cdef dict _record_classes = {}
cdef dict _aliases = {}
cdef object _other = None
cdef tuple _enums = ()


cdef _init_runtime(str module, Py_ssize_t n, void** fp, tuple names):
    global _fpp, _names
    _fpp = fp
    _names = names
    if module == "hip":
        _loader.check_at_import(module, HIP_VERSION_MAJOR, HIP_VERSION_STRING)


cdef _open_library():
    """Open this module's library once; the hip module then checks the runtime's own version."""
    global _handle, _lib
    _lib = _loader.load(_MODULE, HIP_VERSION_MAJOR, _dlopen)
    _handle = PyLong_AsVoidPtr(_lib.handle)
    if _MODULE != "hip":
        return
    version = _loader.version_from_path(_lib.path)
    cdef int (*get)(int*) noexcept nogil
    cdef int packed = 0
    if version is None:
        get = <int (*)(int*) noexcept nogil>dlsym(_handle, b"hipRuntimeGetVersion")
        if get != NULL and get(&packed) == 0 and packed > 0:
            version = f"{packed // 10000000}.{packed // 100000 % 100}.{packed % 100000}"
    _loader.warn_if_mismatched(HIP_VERSION_STRING, version, _lib.path)


def _dlopen(bytes path):
    """Open a shared library; (handle, error message). Used by hip._loader's search."""
    cdef void* h = dlopen(path, RTLD_NOW | RTLD_GLOBAL)
    if h == NULL:
        err = dlerror()
        return 0, (err or b"").decode(errors="replace")
    return PyLong_FromVoidPtr(h), None


def _dlsym(handle, bytes name):
    return PyLong_FromVoidPtr(dlsym(PyLong_AsVoidPtr(handle), name))


cdef void* _resolve(Py_ssize_t i) except NULL:
    """Look a function up in the loaded library once; a missing one raises a clear error."""
    if _handle == NULL:
        _open_library()
    cdef void* p = dlsym(_handle, <const char*>_names[i])
    if p == NULL:
        raise _loader.missing_function(_names[i].decode(), _lib, HIP_VERSION_STRING, _dlsym)
    _fpp[i] = p
    return p


def _library():
    """The loader's record of the library this module calls into (loading it if needed)."""
    if _handle == NULL:
        _open_library()
    return _lib


cdef inline object _cstr(const char* s):
    if s == NULL:
        return None
    return PyBytes_FromString(s)


# -- pointers ------------------------------------------------------------------------------
cdef inline bint _fast_ptr(object o, void** out):
    if o is None:
        out[0] = NULL
        return True
    if type(o) is int:
        out[0] = PyLong_AsVoidPtr(o)
        return True
    if isinstance(o, _Struct):
        out[0] = (<_Struct>o)._ptr
        return True
    return False


cdef inline bint _fast_str(object o, void** out):
    if type(o) is bytes:
        out[0] = <void*>PyBytes_AS_STRING(o)
        return True
    if o is None:
        out[0] = NULL
        return True
    if type(o) is str:
        # the str caches its UTF-8 form and outlives the call; a lone surrogate raises here
        out[0] = <void*>_utf8(o, NULL)
        return True
    return False


cdef void* _slow_ptr(object o, str name, list keep, Py_ssize_t index=-1) except? NULL:
    cdef void* p
    if _fast_ptr(o, &p):
        return p
    cai = getattr(o, "__cuda_array_interface__", None)
    if cai is not None:
        return PyLong_AsVoidPtr(int(cai["data"][0]))
    try:
        mv = memoryview(o)
    except TypeError:
        mv = None
    if mv is not None:
        if type(o).__module__ == "ctypes" and getattr(type(o), "_type_", None) in ("P", "z", "Z"):
            return PyLong_AsVoidPtr(o.value or 0)  # a ctypes pointer means its value, not its storage
        keep.append(mv)
        return PyMemoryView_GET_BUFFER(mv).buf
    if hasattr(o, "_handle") or type(o).__name__ == "CFunctionType":
        import ctypes
        return PyLong_AsVoidPtr(ctypes.cast(o, ctypes.c_void_p).value or 0)
    if hasattr(type(o), "__index__"):  # numpy integers; not __int__: a float is no address
        import operator
        return PyLong_AsVoidPtr(operator.index(o))
    if index >= 0:
        name = f"{name}[{index}]"
    raise TypeError(f"{name}: expected an int address, None, a buffer, an object with "
                    f"__cuda_array_interface__ or a HIP struct, not {type(o).__name__}")


cdef class _Holder:
    """Keeps whatever a converted argument points into alive for the duration of a call."""
    cdef void* ptr
    cdef void** array
    cdef list keep
    cdef Py_buffer view
    cdef bint has_view

    def __cinit__(self, object o, str name, int kind=0):
        self.keep = []
        self.array = NULL
        self.has_view = False
        if type(o) is bytes:
            self.ptr = <void*>PyBytes_AS_STRING(o)   # immutable, and the caller holds it
        elif type(o) is bytearray or type(o) is memoryview:
            # an exported buffer (no temporary object): the memory cannot move during the call
            PyObject_GetBuffer(o, &self.view, PyBUF_SIMPLE)
            self.has_view = True
            self.ptr = self.view.buf
        elif kind == 1 and isinstance(o, str):
            b = (<str>o).encode()
            self.keep.append(b)
            self.ptr = <void*>PyBytes_AS_STRING(b)
        elif kind in (2, 3, 4) and isinstance(o, (list, tuple)):
            if kind == 4 and not _is_raw_extra(o):
                o = _pack_extra(o, self.keep)
            self.array = <void**>malloc(max(len(o), 1) * sizeof(void*))
            if self.array == NULL:
                raise MemoryError()
            for i, item in enumerate(o):
                if type(item) is bytes:
                    self.array[i] = <void*>PyBytes_AS_STRING(item)
                    continue
                if kind == 2 and isinstance(item, str):
                    item = (<str>item).encode()
                    self.keep.append(item)
                self.array[i] = _slow_ptr(item, name, self.keep, i)
            self.ptr = <void*>self.array
        else:
            self.ptr = _slow_ptr(o, name, self.keep)

    def __dealloc__(self):
        if self.array != NULL:
            free(self.array)
        if self.has_view:
            PyBuffer_Release(&self.view)


cdef bint _is_raw_extra(object o):
    return len(o) > 0 and type(o[0]) is int and o[0] in (1, 2, 3) and o[len(o) - 1] == 3


cdef list _pack_extra(object items, list keep):
    """Pack kernel arguments into HIP_LAUNCH_PARAM_BUFFER form, each at its natural alignment."""
    buf = bytearray()
    for item in items:
        if isinstance(item, _Struct):
            data, align = bytes(memoryview(item)), 8
        elif isinstance(item, int) or item is None:
            data, align = (item or 0).to_bytes(8, "little"), 8
        else:
            data = bytes(memoryview(item))
            align = len(data) if len(data) in (1, 2, 4, 8) else 8
        buf += b"\0" * (-len(buf) % align)
        buf += data
    size = bytearray(len(buf).to_bytes(8, "little"))
    keep.append(buf)
    keep.append(size)
    return [1, PyLong_FromVoidPtr(PyByteArray_AS_STRING(buf)), 2,
            PyLong_FromVoidPtr(PyByteArray_AS_STRING(size)), 3]


# -- enums -----------------------------------------------------------------------------------
cdef _init_tables(tuple enums, dict records, dict aliases, str other):
    global _enums, _records, _aliases, _other, _enum_maps, _ok, _ok1
    _enums = enums
    _records = records
    _aliases = aliases
    _other = other
    _enum_maps = [None] * len(enums)
    _ok = [None] * len(enums)
    _ok1 = [None] * len(enums)
    for i, e in enumerate(enums):
        _enum_by_name[e[0]] = i


cdef object _build_enum(Py_ssize_t i):
    name, module, constants = _enums[i]
    if module != _MODULE:
        cls = getattr(_other_module(), name)
    else:
        import enum  # here, not at import: enum costs ~1 ms that many programs never need
        cls = enum.IntEnum(name, constants or (("_empty", 0),), module=__name__)
    _enum_maps[i] = {int(m): m for m in cls}
    if 0 in _enum_maps[i]:
        _ok[i] = _enum_maps[i][0]
        _ok1[i] = (_ok[i],)
    globals()[name] = cls
    return _enum_maps[i]


cdef object _enum_member(Py_ssize_t i, int64_t v):
    m = _enum_maps[i]
    if m is None:
        m = _build_enum(i)
    r = (<dict>m).get(v)
    return v if r is None else r


cdef inline object _e(Py_ssize_t i, int64_t v):
    """Enum ``i``'s member of value ``v`` (the plain int when it has none)."""
    if v == 0:
        r = _ok[i]
        if r is not None:
            return r
    return _enum_member(i, v)


cdef inline tuple _e1(Py_ssize_t i, int64_t v):
    """``(_e(i, v),)``, without building a tuple on success."""
    if v == 0:
        r = _ok1[i]
        if r is not None:
            return <tuple>r
    return (_enum_member(i, v),)


def _other_module():
    import importlib
    return importlib.import_module("hip." + _other)


def __getattr__(str name):
    """Enums, structs and their typedef names are built on first use to keep import fast."""
    if name in _enum_by_name:
        _build_enum(_enum_by_name[name])
        return globals()[name]
    if name in _records:
        return _record_class(name)
    if name in _aliases:
        value = __getattr__(_aliases[name])
        globals()[name] = value
        return value
    if not _const_to_enum:
        for i, e in enumerate(_enums):
            for cname, _ in e[2]:
                _const_to_enum[cname] = i
    if name in _const_to_enum:
        cls = __getattr__(_enums[_const_to_enum[name]][0])
        return cls[name]
    if name.startswith(_other) and not name.startswith("__"):
        other = _other_module()
        if name in other.__dict__:
            return getattr(other, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r} "
                         f"(not in the HIP {HIP_VERSION_STRING} API this wheel was generated from)")


# -- structs -----------------------------------------------------------------------------
cdef Py_ssize_t _spec_size(tuple spec):
    code, size, extra = spec
    if code == "a":
        return size * _spec_size(extra)
    return size


cdef object _read_int(char* p, Py_ssize_t size, bint signed):
    cdef int64_t s = 0
    cdef uint64_t u = 0
    if signed:
        if size == 1: s = (<int8_t*>p)[0]
        elif size == 2: s = (<int16_t*>p)[0]
        elif size == 4: s = (<int32_t*>p)[0]
        else: s = (<int64_t*>p)[0]
        return s
    if size == 1: u = (<uint8_t*>p)[0]
    elif size == 2: u = (<uint16_t*>p)[0]
    elif size == 4: u = (<uint32_t*>p)[0]
    else: u = (<uint64_t*>p)[0]
    return u


cdef _write_int(char* p, Py_ssize_t size, bint signed, object value):
    if signed:
        if size == 1: (<int8_t*>p)[0] = value
        elif size == 2: (<int16_t*>p)[0] = value
        elif size == 4: (<int32_t*>p)[0] = value
        else: (<int64_t*>p)[0] = value
    else:
        if size == 1: (<uint8_t*>p)[0] = value
        elif size == 2: (<uint16_t*>p)[0] = value
        elif size == 4: (<uint32_t*>p)[0] = value
        else: (<uint64_t*>p)[0] = value


cdef object _get(char* p, tuple spec, object owner):
    code, size, extra = spec
    if code == "i" or code == "u":
        return _read_int(p, size, code == "i")
    if code == "b":
        return p[0] != 0
    if code == "f":
        if size == 4:
            return (<float*>p)[0]
        if size == 8:
            return (<double*>p)[0]
        return PyBytes_FromStringAndSize(p, size)
    if code == "e":
        return _enum_member(extra[0], _read_int(p, size, extra[1]))
    if code == "p":
        return PyLong_FromVoidPtr((<void**>p)[0])
    if code == "r":
        return _record_class(extra).from_ptr(PyLong_FromVoidPtr(p), owner)
    if code == "B":
        bit, bits, signed = extra
        v = (_read_int(p, size, False) >> bit) & ((1 << bits) - 1)
        return v - (1 << bits) if signed and v >> (bits - 1) else v
    # arrays: char arrays read as bytes up to the first NUL, others as lists
    if extra[0] in "iu" and extra[1] == 1:
        raw = PyBytes_FromStringAndSize(p, size)
        return raw.split(b"\0", 1)[0]
    step = _spec_size(extra)
    return [_get(p + k * step, extra, owner) for k in range(size)]


cdef _set(char* p, tuple spec, object value):
    code, size, extra = spec
    cdef void* q
    cdef list keep
    if code == "i" or code == "u":
        _write_int(p, size, code == "i", value)
    elif code == "b":
        p[0] = 1 if value else 0
    elif code == "f" and size == 4:
        (<float*>p)[0] = value
    elif code == "f" and size == 8:
        (<double*>p)[0] = value
    elif code == "e":
        _write_int(p, size, extra[1], int(value))
    elif code == "p":
        keep = []
        q = _slow_ptr(value, "field", keep)
        if keep:
            raise TypeError("a pointer field takes an address (int), None or a HIP struct, "
                            "not a temporary buffer")
        (<void**>p)[0] = q
    elif code == "r":
        if not isinstance(value, _record_class(extra)):
            raise TypeError(f"expected a {extra}, not {type(value).__name__}")
        memcpy(p, (<_Struct>value)._ptr, size)
    elif code == "B":
        bit, bits, signed = extra
        mask = ((1 << bits) - 1) << bit
        old = _read_int(p, size, False)
        _write_int(p, size, False, (old & ~mask) | ((int(value) << bit) & mask))
    elif code == "a":
        step = _spec_size(extra)
        if isinstance(value, (bytes, bytearray)) and extra[0] in "iu" and extra[1] == 1:
            if len(value) > size:
                raise ValueError(f"at most {size} bytes")
            memset(p, 0, size)
            memcpy(p, <char*>value if isinstance(value, bytes) else PyByteArray_AS_STRING(value), len(value))
            return
        items = list(value)
        if len(items) > size:
            raise ValueError(f"at most {size} items")
        for k, item in enumerate(items):
            _set(p + k * step, extra, item)
    else:
        raise TypeError("this field cannot be set from Python")


cdef class _Struct:
    """Base of every HIP struct/union class: fields as attributes, memory as a buffer.

    ``int(s)``/``s.ptr``/``s.getPtr()`` give the address, ``Cls.from_ptr(addr)`` views
    existing memory, iteration yields field values in declaration order.
    """
    cdef char* _ptr
    cdef object _owner

    def __init__(self, *args, **kwargs):
        cls = type(self)
        buf = bytearray(max(cls._size_, 1))
        self._owner = buf
        self._ptr = PyByteArray_AS_STRING(buf)
        for k, v in cls._defaults_.items():
            _set(self._ptr + <Py_ssize_t>cls._fields_[k][0], cls._fields_[k][1], v)
        for k, v in zip(cls._order_, args):
            self.__setattr__(k, v)
        for k, v in kwargs.items():
            self.__setattr__(k, v)

    @classmethod
    def from_ptr(cls, ptr, owner=None):
        """A view of the struct at address ``ptr`` (kept alive by ``owner`` if given)."""
        cdef _Struct s = cls.__new__(cls)
        s._ptr = <char*>PyLong_AsVoidPtr(int(ptr))
        s._owner = owner
        return s

    def __getattr__(self, str name):
        f = type(self)._fields_.get(name)
        if f is None:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        return _get(self._ptr + <Py_ssize_t>f[0], f[1], self)

    def __setattr__(self, str name, value):
        f = type(self)._fields_.get(name)
        if f is None:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        _set(self._ptr + <Py_ssize_t>f[0], f[1], value)

    def __int__(self):
        return PyLong_FromVoidPtr(self._ptr)

    @property
    def ptr(self):
        return PyLong_FromVoidPtr(self._ptr)

    def getPtr(self):
        return PyLong_FromVoidPtr(self._ptr)

    def __iter__(self):
        for name in type(self)._order_:
            yield self.__getattr__(name)

    def __eq__(self, other):
        return type(self) is type(other) and bytes(memoryview(self)) == bytes(memoryview(other))

    __hash__ = None

    def __repr__(self):
        fields = ", ".join(f"{n}={self.__getattr__(n)!r}" for n in type(self)._order_[:12])
        more = ", ..." if len(type(self)._order_) > 12 else ""
        return f"{type(self).__name__}({fields}{more})"

    def __getbuffer__(self, Py_buffer* view, int flags):
        view.buf = self._ptr
        view.obj = self
        view.len = type(self)._size_
        view.readonly = 0
        view.itemsize = 1
        view.format = NULL
        view.shape = NULL
        view.strides = NULL
        view.ndim = 1
        if flags & 0x0004:  # PyBUF_FORMAT
            view.format = "B"
        if flags & 0x0008:  # PyBUF_ND
            view.shape = &view.len
        if (flags & 0x0018) == 0x0018:  # PyBUF_STRIDES
            view.strides = &view.itemsize
        view.suboffsets = NULL
        view.internal = NULL

    def __releasebuffer__(self, Py_buffer* view):
        pass


cdef object _record_class(str name):
    cls = _record_classes.get(name)
    if cls is not None:
        return cls
    module, size, table, defaults = _records[name]
    if module != _MODULE:
        cls = getattr(_other_module(), name)
    else:
        ns = {"_size_": size, "_fields_": {n: (off, spec) for n, off, spec in table},
              "_order_": tuple(n for n, _, _ in table), "_defaults_": defaults,
              "__module__": __name__, "__slots__": (),
              "__doc__": f"C {name} ({size} bytes): " + ", ".join(n for n, _, _ in table)}
        cls = type(name, (_Struct,), ns)
    _record_classes[name] = cls
    globals()[name] = cls
    return cls


cdef object _new_record(str name):
    return _record_class(name)()


def sizeof(obj):
    """Size in bytes of a HIP struct class or instance."""
    cls = obj if isinstance(obj, type) else type(obj)
    return cls._size_
