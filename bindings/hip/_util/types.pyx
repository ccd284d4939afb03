# cython: language_level=3, boundscheck=False, wraparound=False, binding=False
"""Adapter types of HIP Python's documented API (``hip._util.types``).

``Pointer`` is an address plus whatever keeps the memory behind it alive; every bound
function takes one (or a subclass) wherever the C API takes a pointer.  ``Handle`` is the
base of the opaque handle classes (``ihipStream_t`` = ``hipStream_t``, ``_hiprtcProgram``
= ``hiprtcProgram``, ...) the functions return.  ``DeviceArray`` is what ``hipMalloc`` and
its family return: the device address with a shape and element type, the CUDA Array
Interface, and views by subscript.  ``ListOfBytes``/``ListOfPointer``/``ListOfInt``/
``ListOfUnsigned``/``ListOfUnsignedLong`` turn a Python list into the C array a function
expects.  ``int(obj)`` is always the address.
"""
cimport cython
from cpython.long cimport PyLong_AsVoidPtr, PyLong_FromVoidPtr
from hip._limited cimport PyBytes_AS_STRING, PyByteArray_AS_STRING, PyMemoryView_GET_BUFFER
from libc.stdint cimport uintptr_t

__all__ = ["Pointer", "Handle", "DeviceArray", "ListOfBytes", "ListOfPointer", "ListOfInt",
           "ListOfUnsigned", "ListOfUnsignedLong", "CStr"]


cdef void* _cai_address(object o, object cai) except? NULL:
    """The device address in an object's ``__cuda_array_interface__`` (validated)."""
    data = cai.get("data") if isinstance(cai, dict) else None
    if not isinstance(data, tuple) or len(data) != 2 or not hasattr(type(data[0]), "__index__"):
        raise TypeError(f"{type(o).__name__}.__cuda_array_interface__ must be a dict whose 'data' "
                        f"is a (int address, bool read_only) tuple")
    import operator
    return PyLong_AsVoidPtr(operator.index(data[0]))


@cython.no_gc   # _owner never points back at its Pointer: no cycles, and a handle costs ~25 ns less
cdef class Pointer:
    """An address (``int(p)``), built from None, an int, a Pointer, a ``ctypes.c_void_p``, an
    object with ``__cuda_array_interface__`` or any contiguous buffer (kept alive)."""

    def __init__(self, pyobj=None):
        self._take(pyobj)

    cdef _take(self, object o):
        self._owner = None
        if o is None:
            self._ptr = NULL
        elif type(o) is int:
            self._ptr = PyLong_AsVoidPtr(o)
        elif isinstance(o, Pointer):
            self._ptr = (<Pointer>o)._ptr
            self._owner = o
        elif type(o).__module__ == "ctypes" and getattr(type(o), "_type_", None) in ("P", "z", "Z"):
            self._ptr = PyLong_AsVoidPtr(o.value or 0)   # a ctypes pointer means its value
        else:
            cai = getattr(o, "__cuda_array_interface__", None)
            if cai is not None:
                self._ptr = _cai_address(o, cai)
                self._owner = o
                return
            try:
                mv = memoryview(o)
            except TypeError:
                mv = None
            if mv is not None:
                if not mv.contiguous:
                    raise ValueError(f"{type(o).__name__}: the buffer is not contiguous")
                self._ptr = PyMemoryView_GET_BUFFER(mv).buf
                self._owner = mv
            elif hasattr(type(o), "__index__") and not isinstance(o, bool):
                import operator
                self._ptr = PyLong_AsVoidPtr(operator.index(o))
            else:
                raise TypeError(f"{type(self).__name__}: expected None, an int address, a Pointer, "
                                f"a ctypes pointer, an object with __cuda_array_interface__ or a "
                                f"buffer, not {type(o).__name__}")

    @classmethod
    def fromObj(cls, pyobj):
        """``pyobj`` itself when it already is a ``cls``, else a new ``cls`` made from it."""
        if isinstance(pyobj, cls):
            return pyobj
        return cls(pyobj)

    def __int__(self):
        return PyLong_FromVoidPtr(self._ptr)

    @property
    def ptr(self):
        return PyLong_FromVoidPtr(self._ptr)

    def getPtr(self):
        return PyLong_FromVoidPtr(self._ptr)

    def as_c_void_p(self):
        import ctypes
        return ctypes.c_void_p(PyLong_FromVoidPtr(self._ptr))

    def createRef(self):
        """A Pointer to this object's own address slot (a ``T*`` for this ``T``): a function
        writing through it (``hiprtcDestroyProgram(prog.createRef())``) updates this object."""
        cdef Pointer ref = Pointer.__new__(Pointer)
        ref._ptr = <void*>&self._ptr
        ref._owner = self
        return ref

    def __getitem__(self, offset):
        """A Pointer ``offset`` bytes past this one (kept alive with it)."""
        import operator
        cdef Pointer p = Pointer.__new__(Pointer)
        p._ptr = <void*>(<uintptr_t>self._ptr + <Py_ssize_t>operator.index(offset))
        p._owner = self
        return p

    def __eq__(self, other):
        if other is None:
            return self._ptr == NULL
        if isinstance(other, Pointer):
            return self._ptr == (<Pointer>other)._ptr
        if type(other) is int:
            return PyLong_FromVoidPtr(self._ptr) == other
        return NotImplemented

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self):
        return hash(PyLong_FromVoidPtr(self._ptr))

    def __repr__(self):
        return f"<{type(self).__name__} object, ptr={PyLong_FromVoidPtr(self._ptr):#x}>"


cdef class Handle(Pointer):
    """An opaque HIP handle (``hipStream_t``, ``hiprtcProgram``, ...): its value is the address.

    ``h == None`` and ``not h`` are true for the NULL handle; ``h.createRef()`` is the ``T*``
    that functions such as ``hiprtcDestroyProgram`` take."""

    def __bool__(self):
        return self._ptr != NULL


_TYPESTRS = {
    "bool": "|b1", "int8": "|i1", "uint8": "|u1", "int16": "<i2", "uint16": "<u2", "int32": "<i4",
    "uint32": "<u4", "int64": "<i8", "uint64": "<u8", "float16": "<f2", "float32": "<f4",
    "float64": "<f8", "complex64": "<c8", "complex128": "<c16",
    "?": "|b1", "b": "|i1", "B": "|u1", "h": "<i2", "H": "<u2", "i": "<i4", "I": "<u4", "l": "<i8",
    "L": "<u8", "q": "<i8", "Q": "<u8", "e": "<f2", "f": "<f4", "d": "<f8", "F": "<c8", "D": "<c16",
    "byte": "|i1", "ubyte": "|u1", "short": "<i2", "ushort": "<u2", "intc": "<i4", "uintc": "<u4",
    "half": "<f2", "single": "<f4", "double": "<f8", "float": "<f8", "int": "<i8",
}


cdef str _typestr(object t):
    """A CUDA Array Interface typestr (``'<f4'``) from one, a NumPy dtype name or a struct code."""
    if hasattr(t, "str") and isinstance(getattr(t, "str"), str):  # a numpy dtype
        t = t.str
    if not isinstance(t, str):
        raise TypeError(f"typestr must be a str, not {type(t).__name__}")
    if t in _TYPESTRS:
        return _TYPESTRS[t]
    if len(t) >= 3 and t[0] in "<>|=" and t[1] in "biufcmMOV" and t[2:].isdigit():
        return t
    raise ValueError(f"unknown element type {t!r} (use e.g. 'float32', '<f4' or 'f')")


cdef Py_ssize_t _prod(tuple shape):
    cdef Py_ssize_t n = 1
    for s in shape:
        n *= <Py_ssize_t>s
    return n


cdef Pointer new_pointer(void* p):
    """A Pointer holding ``p`` (what a ``void**`` out-parameter returns)."""
    cdef Pointer o = Pointer.__new__(Pointer)
    o._ptr = p
    o._owner = None
    return o


cdef DeviceArray new_device_array(void* p, Py_ssize_t nbytes):
    cdef DeviceArray a = DeviceArray.__new__(DeviceArray)
    a._ptr = p
    a._owner = None
    a.shape = (nbytes,)
    a.typestr = "|u1"
    a.itemsize = 1
    a.strides = None
    a.read_only = False
    a._capacity = nbytes
    return a


cdef class DeviceArray(Pointer):
    """Device memory with a shape and an element type (the CUDA Array Interface, version 3).

    ``hipMalloc(n)`` gives a ``DeviceArray`` of ``n`` bytes (``.size == n``, ``.itemsize == 1``);
    ``.configure(typestr="float32", shape=(3, 20))`` retypes it in place (returns it), and
    ``a[r, :]`` / ``a[2:5]`` are views of contiguous parts.
    """

    def __init__(self, pyobj=None):
        self._take(pyobj)
        self.shape, self.typestr, self.itemsize, self.strides, self.read_only = (), "|u1", 1, None, False
        self._capacity = -1
        cdef DeviceArray o
        cai = getattr(pyobj, "__cuda_array_interface__", None) if pyobj is not None else None
        if isinstance(pyobj, DeviceArray):
            o = <DeviceArray>pyobj
            self.shape, self.typestr, self.itemsize = o.shape, o.typestr, o.itemsize
            self.strides, self.read_only, self._capacity = o.strides, o.read_only, o._capacity
        elif isinstance(cai, dict):
            self.configure(_force=True, shape=tuple(cai.get("shape", ())), typestr=cai.get("typestr", "|u1"),
                           strides=cai.get("strides"), read_only=bool(cai["data"][1]))

    def configure(self, _force=False, **kwargs):
        """Set ``shape``, ``typestr``, ``itemsize``, ``strides``, ``read_only``; returns self.

        A shape and type needing more bytes than the allocation holds is refused unless
        ``_force=True``."""
        unknown = set(kwargs) - {"shape", "typestr", "itemsize", "strides", "read_only", "stream"}
        if unknown:
            raise TypeError(f"configure() got unexpected keyword arguments {sorted(unknown)}")
        shape = self.shape
        typestr, itemsize = self.typestr, self.itemsize
        if "typestr" in kwargs:
            typestr = _typestr(kwargs["typestr"])
            itemsize = int(typestr[2:])
        if "itemsize" in kwargs:
            import operator
            itemsize = operator.index(kwargs["itemsize"])
        if "shape" in kwargs:
            s = kwargs["shape"]
            import operator
            shape = (operator.index(s),) if hasattr(type(s), "__index__") else tuple(operator.index(d) for d in s)
            if any(d < 0 for d in shape):
                raise ValueError(f"negative dimension in shape {shape}")
        elif "typestr" in kwargs or "itemsize" in kwargs:
            # retyping a flat byte range keeps its byte size
            if len(shape) <= 1 and self.itemsize and (_prod(shape) * self.itemsize) % itemsize == 0:
                shape = (_prod(shape) * self.itemsize // itemsize,)
        if not _force and self._capacity >= 0 and _prod(shape) * itemsize > self._capacity:
            raise ValueError(f"shape {shape} of {itemsize}-byte elements needs {_prod(shape) * itemsize} "
                             f"bytes; the allocation holds {self._capacity} (pass _force=True to override)")
        self.shape, self.typestr, self.itemsize = shape, typestr, itemsize
        if "strides" in kwargs:
            self.strides = None if kwargs["strides"] is None else tuple(kwargs["strides"])
        if "read_only" in kwargs:
            self.read_only = bool(kwargs["read_only"])
        return self

    @property
    def size(self):
        """Number of elements (bytes, until configured)."""
        return _prod(self.shape)

    @property
    def nbytes(self):
        return _prod(self.shape) * self.itemsize

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def is_read_only(self):
        return self.read_only

    @property
    def __cuda_array_interface__(self):
        return {"shape": self.shape, "typestr": self.typestr,
                "data": (PyLong_FromVoidPtr(self._ptr), bool(self.read_only)),
                "strides": self.strides, "version": 3}

    def __getitem__(self, key):
        """A view of a contiguous part: ints and step-1 slices, C order."""
        if self.strides is not None:
            raise ValueError("subscripting a DeviceArray with explicit strides is not supported")
        import operator
        if not isinstance(key, tuple):
            key = (key,)
        shape = self.shape
        if len(key) > len(shape):
            raise IndexError(f"{len(key)} indices for a {len(shape)}-dimensional array")
        cdef Py_ssize_t offset = 0, stride, n
        cdef bint partial = False
        new_shape = []
        for d, k in enumerate(key):
            n = shape[d]
            stride = _prod(shape[d + 1:])
            if isinstance(k, slice):
                start, stop, step = k.indices(n)
                if step != 1:
                    raise ValueError("only slices with step 1 give a contiguous view")
                length = max(0, stop - start)
                if partial and length != n:
                    raise ValueError("this subscript does not select a contiguous part")
                offset += start * stride
                new_shape.append(length)
                partial = partial or length != n
            else:
                i = operator.index(k)
                if i < 0:
                    i += n
                if not 0 <= i < n:
                    raise IndexError(f"index {k} out of range for dimension {d} of size {n}")
                if partial:
                    raise ValueError("this subscript does not select a contiguous part")
                offset += i * stride
        new_shape.extend(shape[len(key):])
        cdef DeviceArray v = DeviceArray.__new__(DeviceArray)
        v._ptr = <void*>(<uintptr_t>self._ptr + offset * self.itemsize)
        v._owner = self
        v.shape = tuple(new_shape)
        v.typestr, v.itemsize, v.strides, v.read_only = self.typestr, self.itemsize, None, self.read_only
        v._capacity = _prod(v.shape) * self.itemsize
        return v

    def __repr__(self):
        return (f"<DeviceArray ptr={PyLong_FromVoidPtr(self._ptr):#x} shape={self.shape} "
                f"typestr={self.typestr!r}>")


cdef _address_array(Pointer self, object seq, bint strings, str name):
    """Point ``self`` at a C ``void*[]`` holding each item's address; the array and the items
    (bytes of each string, or a Pointer made from each item) live as long as ``self``."""
    storage = bytearray(8 * max(len(seq), 1))
    keep = []
    cdef void** arr = <void**>PyByteArray_AS_STRING(storage)
    for i, item in enumerate(seq):
        if strings:
            if isinstance(item, str):
                item = (<str>item).encode()
            if type(item) is not bytes:
                raise TypeError(f"{name}[{i}]: expected bytes or str, not {type(item).__name__}")
            arr[i] = <void*>PyBytes_AS_STRING(item)
        else:
            item = Pointer.fromObj(item)
            arr[i] = (<Pointer>item)._ptr
        keep.append(item)
    self._ptr = <void*>arr
    self._owner = (storage, keep)


cdef class ListOfBytes(Pointer):
    """A C ``const char*[]`` from a list/tuple of bytes (or str, as UTF-8); else as Pointer."""

    def __init__(self, pyobj):
        if isinstance(pyobj, (list, tuple)):
            _address_array(self, pyobj, True, "ListOfBytes")
        else:
            self._take(pyobj)


cdef class ListOfPointer(Pointer):
    """A C ``void*[]`` from a list/tuple of anything ``Pointer`` takes; else as Pointer."""

    def __init__(self, pyobj):
        if isinstance(pyobj, (list, tuple)):
            _address_array(self, pyobj, False, "ListOfPointer")
        else:
            self._take(pyobj)


cdef bytearray int_array(object seq, int width, bint signed, str name):
    """The C array of ``width``-byte integers holding ``seq`` (ints, enum members, anything with
    ``__index__``); a value that does not fit is an OverflowError.  Never empty (a C function
    may read one element of a zero-length array)."""
    import operator
    storage = bytearray()
    for i, item in enumerate(seq):
        try:
            v = operator.index(item)
        except TypeError:
            raise TypeError(f"{name}[{i}]: expected an int, not {type(item).__name__}") from None
        try:
            storage += v.to_bytes(width, "little", signed=signed)
        except OverflowError:
            raise OverflowError(f"{name}[{i}]: {v} does not fit a {width * 8}-bit "
                                f"{'signed' if signed else 'unsigned'} integer") from None
    return storage or bytearray(width)


cdef _int_array(Pointer self, object pyobj, int width, bint signed, str name):
    if not isinstance(pyobj, (list, tuple)):
        self._take(pyobj)
        return
    storage = int_array(pyobj, width, signed, name)
    self._ptr = <void*>PyByteArray_AS_STRING(storage)
    self._owner = storage


cdef class ListOfInt(Pointer):
    """A C ``int[]`` from a list/tuple of ints; else as Pointer."""

    def __init__(self, pyobj):
        _int_array(self, pyobj, 4, True, "ListOfInt")


cdef class ListOfUnsigned(Pointer):
    """A C ``unsigned int[]`` from a list/tuple of ints; else as Pointer."""

    def __init__(self, pyobj):
        _int_array(self, pyobj, 4, False, "ListOfUnsigned")


cdef class ListOfUnsignedLong(Pointer):
    """A C ``unsigned long[]`` from a list/tuple of ints; else as Pointer."""

    def __init__(self, pyobj):
        _int_array(self, pyobj, 8, False, "ListOfUnsignedLong")


class CStr(str):
    """A C string a function returned (``hipGetErrorName``'s name, ``hiprtcGetLoweredName``'s out).

    AMD's HIP Python returns a ``CStr`` there, documented as bytes and behaving as text: ``str()``,
    f-strings, ``repr`` and indexing give the text, ``.decode()`` and ``bytes()`` the C bytes.  A
    ``str`` with AMD's two bytes-like calls keeps both kinds of client code working: ``name.decode()``
    and ``f"{name}"``, ``name == "hipSuccess"``, ``name.startswith("hip")``.  Bytes that are not
    UTF-8 are kept (surrogateescape), so ``bytes(name)`` is what C returned."""
    __slots__ = ()

    def decode(self, encoding="utf-8", errors="strict"):
        return bytes(self).decode(encoding, errors)

    def __bytes__(self):
        return str.encode(self, "utf-8", "surrogateescape")
