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
from libc.string cimport strlen
from cpython.bytes cimport PyBytes_FromStringAndSize


__all__ = ["Pointer", "Handle", "DeviceArray", "ListOfBytes", "ListOfPointer", "ListOfInt",
           "ListOfUnsigned", "ListOfUnsignedLong", "CStr"]


cdef void* _cai_address(object o, object cai) except? NULL:
    """The device address in an object's ``__cuda_array_interface__`` (validated)."""
    data = cai.get("data") if isinstance(cai, dict) else None
    if (not isinstance(data, tuple) or len(data) != 2 or not hasattr(type(data[0]), "__index__")
            or isinstance(data[0], bool)):
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
        self._readonly = False
        if o is None:
            self._ptr = NULL
        elif type(o) is int:
            self._ptr = PyLong_AsVoidPtr(o)
        elif isinstance(o, Pointer):
            self._ptr = (<Pointer>o)._ptr
            self._owner = o
            self._readonly = (<Pointer>o)._readonly
        elif type(o).__module__ == "ctypes" and getattr(type(o), "_type_", None) in ("P", "z", "Z"):
            self._ptr = PyLong_AsVoidPtr(o.value or 0)   # a ctypes pointer means its value
        else:
            cai = getattr(o, "__cuda_array_interface__", None)
            if cai is not None:
                self._ptr = _cai_address(o, cai)
                self._owner = o
                self._readonly = bool(cai["data"][1])
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
                self._readonly = mv.readonly   # bytes: C must never write there
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
        p._readonly = self._readonly
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

    # AMD's handle classes are records without fields: ``h[i]`` is an IndexError for every int,
    # so iterating a handle, ``list(h)`` or ``bytes(h)``, gives nothing.  Code written on them
    # relies on it: numba-hip 0.2.1 reads an LLVM alias's target as ``bytes(value)`` (``b""``,
    # which drops the alias line it is cleaning up).  Not Pointer's byte offset, for that reason.
    @staticmethod
    def PROPERTIES():
        return []

    def __contains__(self, item):
        return False

    def __getitem__(self, item):
        if isinstance(item, int):
            raise IndexError(f"a {type(self).__name__} has no fields to index")
        raise _ItemTypeError(f"a {type(self).__name__} is indexed by an int, not {type(item).__name__}")


class _ItemTypeError(TypeError, ValueError):
    """A handle indexed by a non-int: a TypeError, and the ValueError AMD's classes raise."""


_TYPESTRS = {
    "bool": "|b1", "int8": "|i1", "uint8": "|u1", "int16": "<i2", "uint16": "<u2", "int32": "<i4",
    "uint32": "<u4", "int64": "<i8", "uint64": "<u8", "float16": "<f2", "float32": "<f4",
    "float64": "<f8", "complex64": "<c8", "complex128": "<c16",
    "?": "|b1", "b": "|i1", "B": "|u1", "h": "<i2", "H": "<u2", "i": "<i4", "I": "<u4", "l": "<i8",
    "L": "<u8", "q": "<i8", "Q": "<u8", "e": "<f2", "f": "<f4", "d": "<f8", "F": "<c8", "D": "<c16",
    "byte": "|i1", "ubyte": "|u1", "short": "<i2", "ushort": "<u2", "intc": "<i4", "uintc": "<u4",
    "half": "<f2", "single": "<f4", "double": "<f8", "float": "<f8", "int": "<i8",
}


# The largest byte count an array may describe: its extent must fit a C ssize_t (CAI consumers
# multiply shape by strides in 64-bit integers).
cdef object _MAX_BYTES = (1 << 63) - 1


cdef str _typestr(object t):
    """A CUDA Array Interface typestr (``'<f4'``) from one, a NumPy dtype name or a struct code."""
    if hasattr(t, "str") and isinstance(getattr(t, "str"), str):  # a numpy dtype
        t = t.str
    if not isinstance(t, str):
        raise TypeError(f"typestr must be a str, not {type(t).__name__}")
    if t in _TYPESTRS:
        return _TYPESTRS[t]
    if (len(t) >= 3 and t[0] in "<>|=" and t[1] in "biufcmMOV" and t[2:].isascii() and t[2:].isdigit()
            and 0 < int(t[2:]) <= _MAX_BYTES):
        return t
    raise ValueError(f"typestr {t!r} names no element type: use e.g. 'float32', '<f4' or 'f' (byte order "
                     f"<, >, | or =, a kind of 'biufcmMOV', a size in bytes of at least 1)")


cdef object _count(object v, str name):
    """``v`` as a Python int (anything with ``__index__`` but a bool), for a shape, a stride or
    an itemsize; a wrong type is a TypeError naming the value."""
    if isinstance(v, bool):
        raise TypeError(f"{name}: expected an int, not a bool ({v!r})")
    import operator
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{name}: expected an int, not {type(v).__name__} ({v!r})") from None


cdef tuple _shape_of(object s):
    if hasattr(type(s), "__index__") and not isinstance(s, bool):
        s = (s,)
    if not isinstance(s, (tuple, list)):
        raise TypeError(f"shape: expected an int or a tuple of ints, not {type(s).__name__}")
    shape = tuple([_count(d, "shape") for d in s])
    for d in shape:
        if d < 0:
            raise ValueError(f"shape {shape}: a dimension is negative ({d})")
        if d > _MAX_BYTES:
            raise ValueError(f"shape {shape}: dimension {d} is larger than any allocation")
    return shape


cdef tuple _strides_of(object s, tuple shape):
    if s is None:
        return None
    if not isinstance(s, (tuple, list)):
        raise TypeError(f"strides: expected None or a tuple of ints (bytes per step of each "
                        f"dimension), not {type(s).__name__}")
    strides = tuple([_count(d, "strides") for d in s])
    if len(strides) != len(shape):
        raise ValueError(f"strides {strides} has {len(strides)} entries; shape {shape} has "
                         f"{len(shape)} dimensions")
    for d in strides:
        if abs(d) > _MAX_BYTES:
            raise ValueError(f"strides {strides}: stride {d} is larger than any allocation")
    return strides


cdef object _stream_of(object v):
    """The CUDA Array Interface (v3) ``stream`` for ``v``: None (no synchronization needed), a
    stream handle (its address; the NULL handle, HIP's default stream, is 1 there: the legacy
    default stream), or an int other than 0, which the interface reserves as ambiguous."""
    if v is None:
        return None
    if isinstance(v, Pointer):
        a = PyLong_FromVoidPtr((<Pointer>v)._ptr)
        return 1 if a == 0 else a
    if isinstance(v, bool) or not hasattr(type(v), "__index__"):
        raise TypeError(f"stream: expected None, a stream handle or an int, not {type(v).__name__} ({v!r})")
    import operator
    a = operator.index(v)
    if a == 0:
        raise ValueError("stream=0 is ambiguous in the CUDA Array Interface: pass 1 for the default "
                         "stream, a stream handle, or None for no synchronization")
    if not 0 < a < (1 << 64):
        raise ValueError(f"stream={a} is no stream address")
    return a


cdef bint _flag(object v, str name) except -1:
    if isinstance(v, bool) or (type(v).__module__ == "numpy" and type(v).__name__ in ("bool_", "bool")):
        return bool(v)
    raise TypeError(f"{name}: expected a bool, not {type(v).__name__} ({v!r})")


cdef object _prod(tuple shape):
    n = 1
    for s in shape:
        n *= s
    return n


cdef tuple _extent(tuple shape, tuple strides, object itemsize):
    """(first, end) byte offsets, relative to the array's address, of the memory its elements
    occupy; (0, 0) for an array of no elements."""
    if 0 in shape:
        return 0, 0
    if strides is None:
        return 0, _prod(shape) * itemsize
    lo = hi = 0
    for d, st in zip(shape, strides):
        span = (d - 1) * st
        if span < 0:
            lo += span
        else:
            hi += span
    return lo, hi + itemsize


cdef Pointer new_pointer(void* p):
    """A Pointer holding ``p`` (what a ``void**`` out-parameter returns)."""
    cdef Pointer o = Pointer.__new__(Pointer)
    o._ptr = p
    o._owner = None
    return o


cdef DeviceArray new_device_array(void* p, Py_ssize_t nbytes):
    return _bytes_at(DeviceArray.__new__(DeviceArray), p, nbytes, nbytes)


cdef DeviceArray _bytes_at(DeviceArray a, void* p, Py_ssize_t n, Py_ssize_t capacity):
    """``a`` (new, unowning) made ``n`` bytes at ``p``, of ``capacity`` bytes in all."""
    a._ptr = p
    a._owner = None
    a._shape = (n,)
    a._typestr = "|u1"
    a._itemsize = 1
    a._strides = None
    a._stream = None
    a._capacity = capacity
    return a


cdef class DeviceArray(Pointer):
    """Device memory with a shape and an element type (the CUDA Array Interface, version 3).

    ``hipMalloc(n)`` gives a ``DeviceArray`` of ``n`` bytes (``.size == n``, ``.itemsize == 1``);
    ``.configure(typestr="float32", shape=(3, 20))`` retypes it in place (returns it), and
    ``a[r, :]`` / ``a[2:5]`` are views of contiguous parts.  ``shape``, ``typestr``,
    ``itemsize``, ``strides``, ``read_only`` and ``stream`` are validated as the interface
    requires whether set through ``configure`` or assigned: a wrong type is a TypeError, a
    wrong value (a negative or zero size, strides not matching the shape, elements reaching past
    the allocation) a ValueError.  A read-only array is refused where C writes.
    """

    def __init__(self, pyobj=None):
        self._take(pyobj)     # a read-only buffer or array interface makes a read-only array
        self._shape, self._typestr, self._itemsize, self._strides, self._stream = (), "|u1", 1, None, None
        self._capacity = -1
        cdef DeviceArray o
        if isinstance(pyobj, DeviceArray):
            o = <DeviceArray>pyobj
            self._shape, self._typestr, self._itemsize = o._shape, o._typestr, o._itemsize
            self._strides, self._stream, self._capacity = o._strides, o._stream, o._capacity
            return
        cai = getattr(pyobj, "__cuda_array_interface__", None) if pyobj is not None else None
        if isinstance(cai, dict):
            # another library's array: its own description, whose size we cannot know
            self.configure(_force=True, shape=cai.get("shape", ()), typestr=cai.get("typestr", "|u1"),
                           strides=cai.get("strides"), stream=cai.get("stream"))
        elif isinstance(self._owner, memoryview):
            self._capacity = (<memoryview>self._owner).nbytes

    def configure(self, _force=False, **kwargs):
        """Set ``shape``, ``typestr``, ``itemsize``, ``strides``, ``read_only``, ``stream``;
        returns self.  Nothing changes unless all of them are valid.

        ``typestr`` also sets ``itemsize``; an ``itemsize`` alone that differs from the
        typestr's makes the elements opaque (``'|V<itemsize>'``).  ``stream`` (published in
        ``__cuda_array_interface__``): None, a stream handle, or an int but 0.  Elements reaching
        past the allocation are refused unless ``_force=True`` (as AMD's ``configure`` takes)."""
        unknown = set(kwargs) - {"shape", "typestr", "itemsize", "strides", "read_only", "stream"}
        if unknown:
            raise TypeError(f"configure() got unexpected keyword arguments {sorted(unknown)}")
        shape, strides, stream = self._shape, self._strides, self._stream
        typestr, itemsize, read_only = self._typestr, self._itemsize, self._readonly
        if "typestr" in kwargs:
            typestr = _typestr(kwargs["typestr"])
            itemsize = int(typestr[2:])
        if "itemsize" in kwargs:
            n = _count(kwargs["itemsize"], "itemsize")
            if not 0 < n <= _MAX_BYTES:
                raise ValueError(f"itemsize must be a positive number of bytes, not {n}")
            if n != int(typestr[2:]):
                if "typestr" in kwargs:
                    raise ValueError(f"itemsize={n} contradicts typestr {typestr!r} "
                                     f"({int(typestr[2:])}-byte elements)")
                typestr = f"|V{n}"
            itemsize = n
        if "shape" in kwargs:
            shape = _shape_of(kwargs["shape"])
        elif ("typestr" in kwargs or "itemsize" in kwargs) and len(shape) <= 1 and strides is None:
            # retyping a flat byte range keeps its byte size
            if (_prod(shape) * self._itemsize) % itemsize == 0:
                shape = (_prod(shape) * self._itemsize // itemsize,)
        if "strides" in kwargs:
            strides = _strides_of(kwargs["strides"], shape)
        elif strides is not None and len(strides) != len(shape):
            raise ValueError(f"the array's strides {strides} do not fit shape {shape}: pass strides "
                             f"too (None: C-contiguous)")
        if "read_only" in kwargs:
            read_only = _flag(kwargs["read_only"], "read_only")
        if "stream" in kwargs:
            stream = _stream_of(kwargs["stream"])
        first, end = _extent(shape, strides, itemsize)
        if end - first > _MAX_BYTES:
            raise ValueError(f"shape {shape} of {itemsize}-byte elements spans {end - first} bytes, "
                             f"more than any allocation")
        if not _force and self._capacity >= 0 and (first < 0 or end > self._capacity):
            raise ValueError(f"shape {shape} of {itemsize}-byte elements"
                             + (f" with strides {strides}" if strides is not None else "")
                             + f" needs bytes {first}..{end}; the allocation holds {self._capacity} "
                             f"(pass _force=True to override)")
        self._shape, self._typestr, self._itemsize, self._strides = shape, typestr, itemsize, strides
        self._readonly, self._stream = read_only, stream
        return self

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, value):
        self.configure(shape=value)

    @property
    def typestr(self):
        return self._typestr

    @typestr.setter
    def typestr(self, value):
        self.configure(typestr=value)

    @property
    def itemsize(self):
        return self._itemsize

    @itemsize.setter
    def itemsize(self, value):
        self.configure(itemsize=value)

    @property
    def strides(self):
        return self._strides

    @strides.setter
    def strides(self, value):
        self.configure(strides=value)

    @property
    def read_only(self):
        return self._readonly

    @read_only.setter
    def read_only(self, value):
        self.configure(read_only=value)

    @property
    def stream(self):
        """The interface's ``stream``: None, or the stream a consumer synchronizes on."""
        return self._stream

    @stream.setter
    def stream(self, value):
        self.configure(stream=value)

    @property
    def size(self):
        """Number of elements (bytes, until configured)."""
        return _prod(self._shape)

    @property
    def nbytes(self):
        return _prod(self._shape) * self._itemsize

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def is_read_only(self):
        return self._readonly

    @property
    def __cuda_array_interface__(self):
        cai = {"shape": self._shape, "typestr": self._typestr,
               "data": (PyLong_FromVoidPtr(self._ptr), bool(self._readonly)),
               "strides": self._strides, "version": 3}
        if self._stream is not None:
            cai["stream"] = self._stream
        return cai

    def __getitem__(self, key):
        """A view of a contiguous part: ints and step-1 slices, C order."""
        if self._strides is not None:
            raise ValueError("subscripting a DeviceArray with explicit strides is not supported")
        import operator
        if not isinstance(key, tuple):
            key = (key,)
        shape = self._shape
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
        v._ptr = <void*>(<uintptr_t>self._ptr + offset * self._itemsize)
        v._owner = self
        v._shape = tuple(new_shape)
        v._typestr, v._itemsize, v._strides, v._readonly = self._typestr, self._itemsize, None, self._readonly
        v._stream = self._stream
        v._capacity = _prod(v._shape) * self._itemsize
        return v

    def __repr__(self):
        return (f"<DeviceArray ptr={PyLong_FromVoidPtr(self._ptr):#x} shape={self._shape} "
                f"typestr={self._typestr!r}>")


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
            if b"\0" in item:
                raise ValueError(f"{name}[{i}]: embedded null character (C would see the string cut there)")
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


cdef object as_int(object o, str name):
    """``o`` as a Python int where C takes an integer or an enum value: anything with
    ``__index__`` (ints, enum members, numpy integers), or a real number whose value is an
    integer (``16.0``, ``numpy.float32(16)``, ``Fraction(32, 2)``): AMD's own examples pass
    ``dim3(n / block[0])``.  "Real" is Python's numeric tower (``numbers.Real``), the one rule:
    floats, numpy floating scalars and fractions are in it; ``Decimal`` is not (the tower keeps
    it out because it does not mix with float) and is refused like a ``str``.  A real number
    with a fraction, ``nan`` or an infinity is a TypeError saying so, never truncated as AMD's
    conversion does (``dim3(16.7)`` is 16 there): a silently wrong size is worse than an error.
    The callers' fast path (``type(o) is int``) never comes here."""
    if type(o) is float:   # the common one, without the exception and the ABC check below
        if o.is_integer():  # False for nan and the infinities
            return int(o)
        raise TypeError(f"{name} must be an integer; {o!r} is not integral")
    import operator
    try:
        return operator.index(o)
    except TypeError:
        pass
    import math
    import numbers
    if isinstance(o, numbers.Real):
        try:
            v = math.trunc(o)
        except (ValueError, OverflowError):   # nan, inf
            v = None
        if v is not None and v == o:
            return v
        raise TypeError(f"{name} must be an integer; {o!r} is not integral") from None
    raise TypeError(f"{name}: expected an int, not {type(o).__name__}") from None


cdef bytearray int_array(object seq, int width, bint signed, str name):
    """The C array of ``width``-byte integers holding ``seq`` (ints, enum members, anything with
    ``__index__``, integral real numbers: ``as_int``); a value that does not fit is an
    OverflowError.  Never empty (a C function may read one element of a zero-length array)."""
    storage = bytearray()
    for i, item in enumerate(seq):
        v = item if type(item) is int else as_int(item, f"{name}[{i}]")
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


cdef class CString(DeviceArray):
    """A C string a library returned and still owns (AMD's LLVM-C ``CStr``): its address, so the
    library's own free function takes it back (``LLVMDisposeMessage(msg)``: copying the text into
    a Python object would lose the address, and freeing a copy crashes).  ``bytes(s)`` and
    ``s.decode()`` read the bytes up to the NUL it had when returned (``shape``), or as many as
    ``configure(_force=True, shape=(n,))`` says (``LLVMGetBufferStart``: bitcode holds NULs);
    ``str(s)`` is the text.  Valid until the library frees it: the object does not own it."""

    def __bytes__(self):
        if self._ptr == NULL:
            return b""
        return PyBytes_FromStringAndSize(<const char*>self._ptr, _prod(self._shape) * self._itemsize)

    def decode(self, encoding="utf-8", errors="strict"):
        return self.__bytes__().decode(encoding, errors)

    def __str__(self):
        return self.decode("utf-8", "surrogateescape")

    def __repr__(self):
        return f"CString({self.__bytes__()!r} at {<uintptr_t>self._ptr:#x})"

    def __len__(self):
        return _prod(self._shape) * self._itemsize

    def __eq__(self, other):
        if isinstance(other, CString):
            return self._ptr == (<CString>other)._ptr
        if isinstance(other, (bytes, str)):
            return (self.__bytes__() if isinstance(other, bytes) else str(self)) == other
        return NotImplemented

    def __hash__(self):
        return hash(<uintptr_t>self._ptr)


cdef object new_cstring(const char* p):
    """None for NULL, else a ``CString`` over the ``strlen(p)`` bytes at ``p``."""
    if p == NULL:
        return None
    cdef Py_ssize_t n = strlen(p)
    return _bytes_at(CString.__new__(CString), <void*>p, n, n + 1)   # the NUL is C's too
