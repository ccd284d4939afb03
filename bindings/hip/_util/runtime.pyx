# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: embedsignature=False, always_allow_keywords=True, binding=False
"""The cold half of every generated module's runtime (``hip/_runtime.pxi`` has the hot half).

Compiled once per wheel and cimported by each generated module (hip, hiprtc, hipblas ...):
each used to compile its own copy, which was most of the wheel's build time and size.  What a
function needs of a module (its library, enum and record tables, the classes built from them)
it takes as that module's ``ModuleState``.  Not part of the API.
"""
cimport cython
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_SIMPLE, PyBUF_WRITABLE
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.long cimport PyLong_AsVoidPtr, PyLong_FromVoidPtr
from cpython.object cimport PyObject
from hip._limited cimport PyBytes_AS_STRING, PyByteArray_AS_STRING, PyMemoryView_GET_BUFFER
from libc.stdint cimport *
from libc.stdlib cimport malloc, free, calloc
from libc.string cimport memcpy, memset
from posix.dlfcn cimport dlopen, dlsym, dlerror, RTLD_NOW, RTLD_GLOBAL
cdef extern from *:
    """
    #if defined(__GLIBC__) && defined(__x86_64__)
    /* Bind the dl* functions to their oldest versions (libdl.so.2 before glibc 2.34, a compat
       alias in libc since), so the wheel keeps the manylinux2014 tag: this module is the
       wheel's only caller of them. */
    __asm__(".symver dlopen,dlopen@GLIBC_2.2.5");
    __asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
    __asm__(".symver dlerror,dlerror@GLIBC_2.2.5");
    #endif
    """

from hip import _loader
from hip._util.types import CStr as _CStr
from hip._util.types cimport Pointer, Handle, int_array
import _thread

include "../_contract.pxi"   # generated (hip_bindgen/contract.py): _KIND_*, _FIELD_*


cdef ModuleState new_state(str module, str qualname, dict ns, str version_string, int version_major,
                           object struct_cls, Py_ssize_t n, void** fp, tuple names):
    """The state of a generated module being imported; a ROCm library module opens its library
    now, so ``from hip import hipblas`` is where a user learns that the library is missing (a
    warning naming its package; calls still raise the loader's error) or is another version
    (HipVersionMismatchWarning).  The import itself never fails: code that imports a module it
    does not call keeps running, as it does with AMD's HIP Python, whose modules open their
    library at the first call."""
    cdef ModuleState S = ModuleState.__new__(ModuleState)
    S.module, S.qualname, S.ns = module, qualname, ns
    S.version_string, S.version_major, S.struct_cls = version_string, version_major, struct_cls
    S.fpp, S.names = fp, names
    if module == "hip":
        _loader.check_at_import(module, version_major, version_string)
    elif module != "hiprtc":
        try:
            S.open_library()
        except _loader.HipLibraryNotFoundError as e:
            _loader.warn_library_missing(module, e)
    return S



cdef class ModuleState:
    """One generated module's library, tables and built classes (one instance per module)."""

    def __cinit__(self):
        self.enums = ()
        self.records, self.aliases = {}, {}
        self.enum_by_name, self.const_to_enum, self.record_classes = {}, {}, {}
        self.enum_maps, self.enum_classes, self.ok, self.ok1, self.handle_classes = [], [], [], [], []
        self.handle_names = self.record_names = ()
        # Held while an enum or struct class is first built (threads touching one at once get one
        # class); re-entrant: building a struct class may name another module's class, built
        # under its own lock.
        self.build_lock = _thread.RLock()

    cdef init_tables(self, tuple enums, dict records, dict aliases, str other, tuple handles):
        self.handle_names = handles
        self.handle_classes = [None] * len(handles)
        self.record_names = tuple(sorted(records))
        self.enums = enums
        self.records = records
        self.aliases = aliases
        self.other = other
        self.enum_maps = [None] * len(enums)
        self.enum_classes = [None] * len(enums)
        self.ok = [None] * len(enums)
        self.ok1 = [None] * len(enums)
        self.ok_c = <PyObject**>calloc(max(len(enums), 1), sizeof(PyObject*))
        if self.ok_c == NULL:
            raise MemoryError()
        for i, e in enumerate(enums):
            self.enum_by_name[e[0]] = i

    # -- the library ---------------------------------------------------------------------
    cdef open_library(self):
        """Open this module's library once; the hip module then checks the runtime's own version."""
        self.lib = _loader.load(self.module, self.version_major, _dlopen)
        self.handle = PyLong_AsVoidPtr(self.lib.handle)
        if self.module != "hip":
            if self.module != "hiprtc":
                self._check_library_version()
            return
        version = _loader.version_from_path(self.lib.path)
        cdef int (*get)(int*) noexcept nogil
        cdef int packed = 0
        if version is None:
            get = <int (*)(int*) noexcept nogil>dlsym(self.handle, b"hipRuntimeGetVersion")
            if get != NULL and get(&packed) == 0 and packed > 0:
                version = ".".join(map(str, _loader._hipfacts.unpack(packed)))
        _loader.warn_if_mismatched(self.version_string, version, self.lib.path)

    cdef _check_library_version(self):
        """A ROCm library's own answer to "which version are you" (when it can give one without a
        GPU: hipRAND, RCCL, roctx, comgr), checked against the headers this module was generated from."""
        from hip import _libraries
        call = _libraries.VERSION_CALLS.get(self.module)
        if call is None:
            self._check_library_symbols()
            return
        cdef int (*get)(int*) noexcept nogil
        cdef unsigned (*get_u)() noexcept nogil
        cdef void (*get_outs)(size_t*, size_t*) noexcept nogil
        cdef void (*get_u3)(unsigned*, unsigned*, unsigned*) noexcept nogil
        cdef size_t major = 0, minor = 0
        cdef unsigned u_major = 0, u_minor = 0, u_patch = 0
        cdef void* p
        cdef int v
        values = []
        for symbol in call[1]:
            p = dlsym(self.handle, symbol.encode())
            if p == NULL:   # LLVM 15 has no LLVMGetVersion: its soname names the version; check the symbols
                self._check_library_symbols()
                return
            if call[0] == "outs_u3":   # LLVM-C: void LLVMGetVersion(unsigned *Major, *Minor, *Patch)
                get_u3 = <void (*)(unsigned*, unsigned*, unsigned*) noexcept nogil>p
                get_u3(&u_major, &u_minor, &u_patch)
                values += [u_major, u_minor, u_patch]
            elif call[0] == "outs":   # comgr: void f(size_t *major, size_t *minor), always answers
                get_outs = <void (*)(size_t*, size_t*) noexcept nogil>p
                get_outs(&major, &minor)
                values += [major, minor]
            elif call[0] == "pair":
                get_u = <unsigned (*)() noexcept nogil>p
                values.append(get_u())
            else:
                get = <int (*)(int*) noexcept nogil>p
                v = 0
                if get(&v) != 0:
                    return
                values.append(v)
        _loader.warn_if_library_mismatched(self.module, call[0], values, self.lib.path)

    cdef _check_library_symbols(self):
        """For a library that cannot tell its version without a GPU (hipBLAS, hipFFT, hipSPARSE,
        hipSOLVER): look every bound function up now (~0.2 ms per 1000; the calls then need no first
        lookup).  Functions this module binds but the file lacks mean another version of the library
        than the module's: one warning, naming them.  A file of the right version exports them all
        (tests/bindings/test_libraries.py checks every release's real library with ``nm -D``)."""
        cdef Py_ssize_t i
        cdef void* p
        missing = []
        for i in range(len(self.names)):
            p = dlsym(self.handle, <const char*>self.names[i])
            if p == NULL:
                missing.append(self.names[i].decode())
            else:
                self.fpp[i] = p
        if missing:
            _loader.warn_library_incomplete(self.module, missing, len(self.names), self.lib.path)

    cdef void* resolve(self, Py_ssize_t i) except NULL:
        """Look a function up in the loaded library once; a missing one raises a clear error."""
        if self.handle == NULL:
            self.open_library()
        cdef void* p = dlsym(self.handle, <const char*>self.names[i])
        if p == NULL:
            raise _loader.missing_function(self.names[i].decode(), self.lib, self.version_string, _dlsym)
        self.fpp[i] = p
        return p

    def library(self):
        """The loader's record of the library this module calls into (loading it if needed)."""
        if self.handle == NULL:
            self.open_library()
        return self.lib

    # -- enums ---------------------------------------------------------------------------
    cdef object build_enum(self, Py_ssize_t i):
        """Enum ``i``'s value -> member map, its class built on first use and only then: a typedef
        alias (``hiprandStatus_t`` of ``hiprandStatus``) and a status a call returned before the
        alias was named are the one class, so ``isinstance`` holds whichever name is used.  Built
        under the module's lock: ``enum`` runs Python code, so without it two threads touching
        the enum first could each build (and one publish) a class of their own."""
        m = self.enum_maps[i]
        if m is not None:
            return m
        with self.build_lock:
            m = self.enum_maps[i]
            if m is not None:
                return m
            name, module, constants = self.enums[i]
            if module != self.module:
                cls = getattr(self._other_module(), name)
            else:
                import enum  # here, not at import: enum costs ~1 ms that many programs never need
                cls = enum.IntEnum(name, constants or (("_empty", 0),), module=self.qualname)
            m = {int(v): v for v in cls}
            self.ns[name] = cls
            self.enum_classes[i] = cls
            if 0 in m:
                self.ok[i] = m[0]
                self.ok1[i] = (self.ok[i],)
                self.ok_c[i] = <PyObject*>self.ok[i]
            self.enum_maps[i] = m   # last: a reader seeing the map sees the class and ok published
        return m

    cdef object enum_member(self, Py_ssize_t i, int64_t v):
        m = self.enum_maps[i]
        if m is None:
            m = self.build_enum(i)
        r = (<dict>m).get(v)
        return v if r is None else r

    def _other_module(self):
        import importlib
        return importlib.import_module("hip." + self.other)

    cdef object attribute(self, str name):
        """The module's ``__getattr__``: enums, structs and their typedef names are built on first
        use to keep import fast."""
        cdef Py_ssize_t i
        if name in self.enum_by_name:
            i = self.enum_by_name[name]
            self.build_enum(i)
            return self.enum_classes[i]
        if name in self.records:
            return self.record_class(name)
        if name in self.aliases:
            value = self.attribute(self.aliases[name])   # the class itself, built once (never rebuilt)
            self.ns[name] = value
            return value
        if not self.const_to_enum:
            consts = {}
            for i, e in enumerate(self.enums):
                for cname, _ in e[2]:
                    consts[cname] = i
            self.const_to_enum.update(consts)   # whole, so another thread never sees half of it
        if name in self.const_to_enum:
            cls = self.attribute(self.enums[self.const_to_enum[name]][0])
            return cls[name]
        if name.startswith(self.other) and not name.startswith("__"):
            other = self._other_module()
            if name in other.__dict__:
                return getattr(other, name)
        if name == "ext" and self.module == "hiprtc":   # AMD's hiprtc.ext: hiprtcLinkCreate2 & co.
            import hip.hiprtc_pyext as ext
            self.ns["ext"] = ext
            return ext
        if name.startswith(("hip", "HIP", "__hip", "ihip", "_hip")):
            raise AttributeError(f"module {self.qualname!r} has no attribute {name!r}: no function, enum, "
                                 f"struct, typedef or constant of that name in the HIP "
                                 f"{self.version_string} headers this wheel was generated from")
        raise AttributeError(f"module {self.qualname!r} has no attribute {name!r}")

    # -- records -------------------------------------------------------------------------
    cdef object record_class(self, str name):
        """The class of record ``name``, built once (under the module's lock, as enums are)."""
        cls = self.record_classes.get(name)
        if cls is not None:
            return cls
        with self.build_lock:
            cls = self.record_classes.get(name)
            if cls is None:
                cls = self._build_record_class(name)
                self.record_classes[name] = cls
                self.ns[name] = cls
        return cls

    cdef object handle_class(self, Py_ssize_t i):
        """The class of handle ``i`` (``handle_names[i]``), built once."""
        cls = self.handle_classes[i]
        if cls is None:
            cls = self.handle_classes[i] = self.record_class(self.handle_names[i])
        return cls

    cdef object _build_record_class(self, str name):
        module, size, table, defaults = self.records[name]
        if module != self.module:
            return getattr(self._other_module(), name)
        if size == 0:
            # an opaque struct: only pointers to it exist, i.e. it is a handle type
            return type(name, (Handle,), {"__module__": self.qualname, "__slots__": (),
                                          "__doc__": f"Handle to an opaque C {name} (int(h) is its value)"})
        ns = {"_size_": size, "_fields_": {n: (off, spec) for n, off, spec in table},
              "_order_": tuple(n for n, _, _ in table), "_defaults_": defaults,
              "_rid_": self.record_names.index(name), "_state_": self,
              "__module__": self.qualname, "__slots__": (),
              "__doc__": f"C {name} ({size} bytes): " + ", ".join(n for n, _, _ in table)}
        for n, _, _ in table:
            if hasattr(StructBase, n):   # a field named like a helper (hipPitchedPtr.ptr): the field wins
                ns[n] = property(lambda self, n=n: _field_get(self, n), lambda self, v, n=n: _field_set(self, n, v))
        return type(name, (self.struct_cls,), ns)


def _dlopen(bytes path):
    """Open a shared library; (handle, error message). Used by hip._loader's search."""
    cdef void* h = dlopen(path, RTLD_NOW | RTLD_GLOBAL)
    if h == NULL:
        err = dlerror()
        return 0, (err or b"").decode(errors="replace")
    return PyLong_FromVoidPtr(h), None


def _dlsym(handle, bytes name):
    return PyLong_FromVoidPtr(dlsym(PyLong_AsVoidPtr(handle), name))


cdef read_only(str name, object o):
    raise TypeError(f"{name}: C writes through this pointer; expected a writable buffer (bytearray, "
                    f"array, writable memoryview) or an address, not a read-only {type(o).__name__}")


cdef object handle_hold(ModuleState S, object o, Py_ssize_t i, str name, int kind):
    """A handle parameter's slow path.  A raw address is taken as AMD takes it (an int subclass
    or anything with ``__index__``, e.g. a numpy integer; a ``Pointer``; a buffer or ctypes
    pointer, as for any pointer); a handle of another type, a struct, a bool or a float is a
    TypeError naming the parameter and the class it takes: ``hiprandSetStream(stream,
    generator)`` with the two swapped, or ``hiprandDestroyGenerator(hip.dim3())``, would hand C
    the wrong object."""
    cls = S.handle_classes[i]
    if cls is None:
        cls = S.handle_class(i)
    if isinstance(o, cls):
        return hold(o, name, kind)
    if isinstance(o, (Handle, bool, float)) or any_struct(o):
        raise TypeError(f"{name}: expected {cls.__name__} (or an int address, a Pointer or None), "
                        f"not {type(o).__name__}")
    if not isinstance(o, Pointer) and hasattr(type(o), "__index__"):
        o = int_arg(o, name)
    return hold(o, name, kind)


cdef object capi_resolve(ModuleState S, Py_ssize_t i, str digest):
    """(address of the module's function-pointer table, address of function ``i``): see the
    module's ``_capi_resolve``."""
    import hashlib
    if digest != hashlib.sha256(b"\0".join(S.names)).hexdigest()[:16] or not 0 <= i < len(S.names):
        header = "_capi.h" if S.module in ("hip", "hiprtc") else f"_capi_{S.module}.h"
        raise ImportError(f"a Cython extension compiled against another hip-python wheel's "
                          f"hip/{header} called into hip.{S.module} of HIP {S.version_string}: "
                          f"rebuild it against the installed wheel")
    cdef void* p = S.fpp[i]
    if p == NULL:
        p = S.resolve(i)
    return PyLong_FromVoidPtr(<void*>S.fpp), PyLong_FromVoidPtr(p)


# -- pointers ------------------------------------------------------------------------------
cdef void* slow_ptr(object o, str name, list keep, Py_ssize_t index=-1, bint written=False) except? NULL:
    """``written``: C writes through the pointer, so a read-only buffer is refused."""
    cdef void* p
    if fast_ptr(o, &p):
        return p
    if isinstance(o, bool):   # True is no address 1: a flag passed where a pointer goes
        raise TypeError(f"{name if index < 0 else f'{name}[{index}]'}: expected an address (int, "
                        f"None, a buffer, a Pointer or a HIP struct), not a bool")
    if isinstance(o, Pointer):   # over read-only memory (the fast path took the others)
        if written:
            read_only(name, o)
        return (<Pointer>o)._ptr
    cai = getattr(o, "__cuda_array_interface__", None)
    if cai is not None:
        return _cai_data(o, cai, name if written else None, name)
    try:
        mv = memoryview(o)
    except TypeError:
        mv = None
    if mv is not None:
        if type(o).__module__ == "ctypes" and getattr(type(o), "_type_", None) in ("P", "z", "Z"):
            return PyLong_AsVoidPtr(o.value or 0)  # a ctypes pointer means its value, not its storage
        if written and mv.readonly:
            read_only(name, o)
        keep.append(mv)
        return PyMemoryView_GET_BUFFER(mv).buf
    if hasattr(o, "_handle") or type(o).__name__ == "CFunctionType":
        import ctypes
        return PyLong_AsVoidPtr(ctypes.cast(o, ctypes.c_void_p).value or 0)
    if index >= 0:
        name = f"{name}[{index}]"
    if hasattr(type(o), "__index__"):  # numpy integers; not __int__: a float is no address
        return _address(o, name)
    raise TypeError(f"{name}: expected an int address, None, a buffer, an object with "
                    f"__cuda_array_interface__ or a HIP struct, not {type(o).__name__}")


cdef void* _cai_data(object o, object cai, str written=None, str name=None) except? NULL:
    """The address of a ``__cuda_array_interface__``; ``written`` (the parameter's name): C
    writes there, so an array marked read-only is refused; ``name``: the parameter, for messages."""
    data = cai.get("data") if isinstance(cai, dict) else None
    if (not isinstance(data, tuple) or len(data) != 2 or not hasattr(type(data[0]), "__index__")
            or isinstance(data[0], bool)):
        raise TypeError(f"{name + ': ' if name else ''}{type(o).__name__}.__cuda_array_interface__ must be "
                        f"a dict whose 'data' is a (int address, bool read_only) tuple")
    if written is not None and data[1]:
        read_only(written, o)
    return _address(data[0], name or "__cuda_array_interface__['data'][0]")


cdef void* _address(object o, str name) except? NULL:
    """An object with ``__index__`` as a C address: beyond 64 bits is an OverflowError naming
    the parameter (negative values wrap, as C's cast of an integer to a pointer does)."""
    import operator
    v = operator.index(o)
    if not -(1 << 63) <= v < (1 << 64):
        raise OverflowError(f"{name}: {v} does not fit a 64-bit address")
    return PyLong_AsVoidPtr(v)


cdef void* ref_arg(object o, void** slot, str name) except NULL:
    """The ``T*`` to pass for a handle taken by address (``hiprtcDestroyProgram(&prog)``).

    A handle object passes its own slot (so the call updates it, as in C); a Pointer (e.g.
    ``prog.createRef()``) is that address itself; an int handle value passes a copy."""
    if isinstance(o, Handle):
        return <void*>&(<Pointer>o)._ptr
    if isinstance(o, Pointer):
        if (<Pointer>o)._readonly:
            read_only(name, o)   # C writes the handle there
        return (<Pointer>o)._ptr
    if not fast_ptr(o, slot):
        raise TypeError(f"{name}: expected a handle, its createRef(), an int or None, not {type(o).__name__}")
    return <void*>slot


cdef class Holder:
    """Keeps whatever a converted argument points into alive for the duration of a call.
    Made by ``_hold`` (no Python-level constructor: a call argument costs no argument parsing)."""

    cdef write_back(self):
        """Copy what the call wrote into a packed int array back into the list it came from
        (only items that changed: enum members the caller put there stay members)."""
        if self.ints is None or type(self.ints[0]) is not list:
            return
        items, packed, width, signed = self.ints
        for k in range(min(len(items), len(packed) // width)):
            v = int.from_bytes(packed[k * width:(k + 1) * width], "little", signed=signed)
            if items[k] != v:
                items[k] = v

    def __dealloc__(self):
        if self.array != NULL:
            free(self.array)
        if self.has_view:
            PyBuffer_Release(&self.view)


cdef Holder hold(object o, str name, int kind=_KIND_POINTER, int width=0, bint signed=False,
                   bint written=False):
    """The holder of argument ``name`` converted as ``kind`` (an int array: of ``width``-byte
    items), whose ``ptr`` the call gets.  ``written``: C writes through the pointer (kind
    ``_KIND_POINTER_OUT``, or an int array C fills), so a read-only buffer is refused."""
    cdef Holder h = Holder.__new__(Holder)
    written = written or kind == _KIND_POINTER_OUT
    if kind == _KIND_INTS and isinstance(o, (list, tuple)):
        packed = int_array(o, width, signed, name)
        h.ints = (o, packed, width, signed)
        h.ptr = <void*>PyByteArray_AS_STRING(packed)
    elif type(o) is bytes:
        if written:
            read_only(name, o)               # C would overwrite an immutable object
        h.ptr = <void*>PyBytes_AS_STRING(o)   # immutable, and the caller holds it
    elif type(o) is bytearray or type(o) is memoryview:
        # an exported buffer (no temporary object): the memory cannot move during the call
        if written:
            if type(o) is memoryview and o.readonly:
                read_only(name, o)
            PyObject_GetBuffer(o, &h.view, PyBUF_WRITABLE)
        else:
            PyObject_GetBuffer(o, &h.view, PyBUF_SIMPLE)
        h.has_view = True
        h.ptr = h.view.buf
    elif kind == _KIND_STRING and isinstance(o, str):
        if "\0" in o:
            raise ValueError(f"{name}: embedded null character (C would see the string cut there)")
        b = (<str>o).encode()
        h.keep = [b]
        h.ptr = <void*>PyBytes_AS_STRING(b)
    elif kind == _KIND_POINTERS and _is_typed_args(o):
        h.keep = []
        h.array = _pack_typed_args(o, h.keep, name)
        h.ptr = <void*>h.array
    elif kind in (_KIND_STRINGS, _KIND_POINTERS, _KIND_LAUNCH_EXTRA) and isinstance(o, (list, tuple)):
        h.keep = []
        if kind == _KIND_LAUNCH_EXTRA and not _is_raw_extra(o):
            o = _pack_extra(o, h.keep)
        h.array = <void**>malloc(max(len(o), 1) * sizeof(void*))
        if h.array == NULL:
            raise MemoryError()
        for i, item in enumerate(o):
            if type(item) is bytes:
                h.array[i] = <void*>PyBytes_AS_STRING(item)
                continue
            if kind == _KIND_STRINGS and isinstance(item, str):
                if "\0" in item:
                    raise ValueError(f"{name}[{i}]: embedded null character")
                item = (<str>item).encode()
                h.keep.append(item)
            h.array[i] = slow_ptr(item, name, h.keep, i)
        h.ptr = <void*>h.array
    else:
        h.keep = []
        h.ptr = slow_ptr(o, name, h.keep, -1, written)
    return h


# -- kernel arguments as ((values), (types)), NVIDIA's cuda-bindings form --------------------
# A void** list given as two tuples of equal length: the values and their ctypes types.  No


cdef object _ctypes = None
cdef object _scalar_ctypes = None     # ctypes scalar type -> its _put code (0: through ctypes)


cdef bint _is_typed_args(object o):
    return (isinstance(o, tuple) and len(o) == 2 and isinstance(o[0], tuple)
            and isinstance(o[1], tuple))


cdef void** _pack_typed_args(object o, list keep, str name) except? NULL:
    """The ``void**`` of NVIDIA's ``((values), (types))``: each value in an 8-byte slot of one
    buffer (the widest type the form takes), the array pointing at the slots; ``((), ())`` is
    NULL, as NVIDIA's.  The array is the holder's (freed with it), the buffer in ``keep``."""
    global _ctypes, _scalar_ctypes
    values, types = o
    cdef Py_ssize_t n = len(values), i
    if len(types) != n:
        raise TypeError(f"{name}: ((values), (types)) of different lengths ({n} values, {len(types)} types)")
    if n == 0:
        return NULL
    if _ctypes is None:
        import ctypes
        c = ctypes
        # c_size_t is c_ulong on this platform: the same key
        _scalar_ctypes = {c.c_bool: 0, c.c_char: 0, c.c_wchar: 0, c.c_byte: 1, c.c_ubyte: 2, c.c_short: 3,
                          c.c_ushort: 4, c.c_int: 5, c.c_uint: 6, c.c_long: 7, c.c_ulong: 8, c.c_longlong: 9,
                          c.c_ulonglong: 10, c.c_size_t: 8 if c.c_size_t is c.c_ulong else 10,
                          c.c_float: 12, c.c_double: 13}
        _ctypes = ctypes
    data = bytearray(8 * n)
    keep.append(data)
    cdef char* base = PyByteArray_AS_STRING(data)
    cdef void** arr = <void**>malloc(n * sizeof(void*))
    if arr == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            arr[i] = _typed_arg(values[i], types[i], base + 8 * i, keep, f"{name}[{i}]")
    except BaseException:
        free(arr)
        raise
    return arr


cdef void* _typed_arg(object value, object t, char* slot, list keep, str name) except? NULL:
    """Where kernel argument ``value`` of ctypes type ``t`` is: its slot, filled, or (a struct)
    its own memory."""
    ct = _ctypes
    if t is None:   # NVIDIA: a pointer-like object (CUdeviceptr, CUstream, ...), a struct, an enum
        if isinstance(value, Pointer):
            # DeviceArray (cuMemAlloc), a handle, a Pointer: the address it holds is the argument
            # (NVIDIA's getPtr() points at that; AMD's Pointer.getPtr() is the address itself)
            (<void**>slot)[0] = (<Pointer>value)._ptr
            return <void*>slot
        if isinstance(value, StructBase):       # a HIP struct passed by value: its own memory
            keep.append(value)
            return (<StructBase>value)._ptr
        if isinstance(value, (ct.Structure, ct.Union)):
            keep.append(value)
            return PyLong_AsVoidPtr(ct.addressof(value))
        if isinstance(value, int) and hasattr(type(value), "_member_map_"):   # an enum member: a C int
            (<int*>slot)[0] = int(value)
            return <void*>slot
        get_ptr = getattr(value, "getPtr", None)
        if callable(get_ptr) and not isinstance(value, bool):   # NVIDIA's getPtr(): where the value is
            return PyLong_AsVoidPtr(int_arg(get_ptr(), name))
        raise TypeError(f"{name}: type None takes a pointer-like object (what cuMemAlloc or "
                        f"cuStreamCreate return, a Pointer), a struct or an enum member, "
                        f"not {type(value).__name__}")
    if t is ct.c_void_p:   # an address: an int, None, a c_void_p, anything a pointer parameter takes
        if isinstance(value, ct.c_void_p):
            (<void**>slot)[0] = PyLong_AsVoidPtr(value.value or 0)
        else:
            (<void**>slot)[0] = slow_ptr(value, name, keep)
        return <void*>slot
    code = _scalar_ctypes.get(t) if isinstance(t, type) else None
    if code is None:
        raise TypeError(f"{name}: unsupported type {t!r}: a ctypes scalar type (c_int, c_float, "
                        f"c_size_t, ...), ctypes.c_void_p or None")
    is_int = 0 < code < 12
    if (type(value) is int and code) or (type(value) is float and code >= 12):
        _put(slot, code, value, name, t)   # a Python int/float: written at C width, no ctypes object
        return <void*>slot
    if isinstance(value, t):
        c = value
    elif t is ct.c_double and isinstance(value, ct.c_float):
        c = t(value.value)
    else:
        try:
            c = t(value)   # ctypes refuses another kind of value (a float for c_int)
        except TypeError as e:
            raise TypeError(f"{name}: {e}") from None
        if is_int and not isinstance(value, ct._SimpleCData) and c.value != value:
            raise OverflowError(f"{name}: {value!r} does not fit {t.__name__}")
    memcpy(slot, PyLong_AsVoidPtr(ct.addressof(c)), ct.sizeof(t))
    return <void*>slot


cdef int _put(char* slot, int code, object v, str name, object t) except -1:
    """``v`` at the C type of ``_scalar_ctypes`` code ``code``; C's conversion checks the range
    (OverflowError, where ctypes would cut the value)."""
    try:
        if code == 1:
            (<signed char*>slot)[0] = v
        elif code == 2:
            (<unsigned char*>slot)[0] = v
        elif code == 3:
            (<short*>slot)[0] = v
        elif code == 4:
            (<unsigned short*>slot)[0] = v
        elif code == 5:
            (<int*>slot)[0] = v
        elif code == 6:
            (<unsigned int*>slot)[0] = v
        elif code == 7:
            (<long*>slot)[0] = v
        elif code == 8:
            (<unsigned long*>slot)[0] = v
        elif code == 9:
            (<long long*>slot)[0] = v
        elif code == 10:
            (<unsigned long long*>slot)[0] = v
        elif code == 12:
            (<float*>slot)[0] = <float>(<double>v)
        else:
            (<double*>slot)[0] = v
    except OverflowError:
        raise OverflowError(f"{name}: {v!r} does not fit {t.__name__}") from None
    return 0


cdef bint _is_raw_extra(object o):
    return len(o) > 0 and type(o[0]) is int and o[0] in (1, 2, 3) and o[len(o) - 1] == 3


cdef list _pack_extra(object items, list keep):
    """Pack kernel arguments into HIP_LAUNCH_PARAM_BUFFER form, each at its natural alignment."""
    buf = bytearray()
    for item in items:
        if isinstance(item, StructBase):
            data, align = bytes(memoryview(item)), 8
        elif isinstance(item, int) or item is None:
            data, align = (item or 0).to_bytes(8, "little"), 8
        elif isinstance(item, Pointer) or hasattr(item, "__cuda_array_interface__"):
            # device memory (hipMalloc's DeviceArray, a handle, a CuPy-like array): its address
            data, align = PyLong_FromVoidPtr(slow_ptr(item, "extra", keep)).to_bytes(8, "little"), 8
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



# -- structs -----------------------------------------------------------------------------
cdef Py_ssize_t _spec_size(tuple spec):
    code, size, extra = spec
    if code == _FIELD_ARRAY:
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


cdef object _read_bits(char* p, Py_ssize_t bit, Py_ssize_t bits):
    """The bytes a bitfield occupies, little-endian, and no more: its declared storage unit
    (``unsigned int``) may reach past the end of the struct, into memory that is not ours."""
    return int.from_bytes(PyBytes_FromStringAndSize(p, (bit + bits + 7) // 8), "little")


cdef object _get(char* p, tuple spec, object owner, ModuleState S):
    code, size, extra = spec
    if code == _FIELD_SIGNED or code == _FIELD_UNSIGNED:
        return _read_int(p, size, code == _FIELD_SIGNED)
    if code == _FIELD_BOOL:
        return p[0] != 0
    if code == _FIELD_FLOAT:
        if size == 4:
            return (<float*>p)[0]
        if size == 8:
            return (<double*>p)[0]
        return PyBytes_FromStringAndSize(p, size)
    if code == _FIELD_ENUM:
        return S.enum_member(extra[0], _read_int(p, size, extra[1]))
    if code == _FIELD_POINTER:
        return PyLong_FromVoidPtr((<void**>p)[0])
    if code == _FIELD_RECORD:
        return S.record_class(extra).from_ptr(PyLong_FromVoidPtr(p), owner)
    if code == _FIELD_BITFIELD:
        bit, bits, signed = extra
        v = (_read_bits(p, bit, bits) >> bit) & ((1 << bits) - 1)
        return v - (1 << bits) if signed and v >> (bits - 1) else v
    # arrays: char arrays read as bytes up to the first NUL, others as lists
    if extra[0] in (_FIELD_SIGNED, _FIELD_UNSIGNED) and extra[1] == 1:
        raw = PyBytes_FromStringAndSize(p, size)
        return raw.split(b"\0", 1)[0]
    cdef Py_ssize_t step = _spec_size(extra), k, n = size
    return [_get(p + k * step, extra, owner, S) for k in range(n)]


cdef _set(char* p, tuple spec, object value, ModuleState S):
    code, size, extra = spec
    cdef void* q
    cdef list keep
    cdef Py_ssize_t step, k
    if code == _FIELD_SIGNED or code == _FIELD_UNSIGNED:
        _write_int(p, size, code == _FIELD_SIGNED, int_arg(value, "field"))
    elif code == _FIELD_BOOL:
        p[0] = 1 if value else 0
    elif code == _FIELD_FLOAT and (size == 4 or size == 8):
        if not isinstance(value, (int, float)):
            raise TypeError(f"field: expected a float, not {type(value).__name__}")
        if size == 4:
            (<float*>p)[0] = value
        else:
            (<double*>p)[0] = value
    elif code == _FIELD_ENUM:
        _write_int(p, size, extra[1], int_arg(value, "field"))
    elif code == _FIELD_POINTER:
        if isinstance(value, StructBase) and (<StructBase>value)._readonly:
            raise TypeError("a pointer field cannot hold a struct viewing read-only memory "
                            "(C may write through the field)")
        keep = []
        q = slow_ptr(value, "field", keep)
        if keep:
            raise TypeError("a pointer field takes an address (int), None or a HIP struct, "
                            "not a temporary buffer")
        (<void**>p)[0] = q
    elif code == _FIELD_RECORD:
        if not isinstance(value, S.record_class(extra)):
            raise TypeError(f"expected a {extra}, not {type(value).__name__}")
        memcpy(p, (<StructBase>value)._ptr, size)
    elif code == _FIELD_BITFIELD:
        bit, bits, signed = extra
        value = int_arg(value, "field")
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        if not lo <= value <= hi:
            raise OverflowError(f"{value} does not fit a {bits}-bit {'signed' if signed else 'unsigned'} field")
        mask = ((1 << bits) - 1) << bit
        unit = ((_read_bits(p, bit, bits) & ~mask) | ((value << bit) & mask)).to_bytes((bit + bits + 7) // 8, "little")
        memcpy(p, <const char*>unit, len(unit))
    elif code == _FIELD_ARRAY:
        _set_array(p, size, extra, value, S)
    else:
        raise TypeError("this field cannot be set from Python")


cdef _set_array(char* p, Py_ssize_t n, tuple item, object value, ModuleState S):
    """Assign a whole ``n``-element array field, as C's ``T a[n] = {...}`` initializes one:
    elements not given are zero (a shorter list never leaves the old tail).  A ``char[]`` takes
    bytes (binary: NULs allowed) or a str (UTF-8, no NUL); other arrays an ordered sequence of
    element values.  The items are checked (and written into scratch memory) first, so a bad
    one leaves the field as it was."""
    cdef Py_ssize_t step = _spec_size(item), k = 0
    cdef bint chars = item[0] in (_FIELD_SIGNED, _FIELD_UNSIGNED) and item[1] == 1
    if chars and isinstance(value, str):
        if "\0" in value:
            raise ValueError("field: embedded null character in a str for a char array "
                             "(pass bytes for binary data)")
        value = (<str>value).encode()
    if chars and isinstance(value, (bytes, bytearray)):
        if len(value) > n:
            raise ValueError(f"field: {len(value)} bytes given, the char array holds {n}")
        memset(p, 0, n)
        memcpy(p, <char*>value if isinstance(value, bytes) else PyByteArray_AS_STRING(value), len(value))
        return
    # a mapping would give its keys, a set an arbitrary order, a str its characters
    if isinstance(value, (str, set, frozenset)) or hasattr(value, "keys") or not hasattr(value, "__iter__"):
        kind = "bytes, a str or " if chars else ""
        raise TypeError(f"field: an array of {n} takes {kind}a list or tuple of its elements, "
                        f"not {type(value).__name__}")
    items = list(value)
    if len(items) > n:
        raise ValueError(f"field: {len(items)} items given, the array holds {n}")
    scratch = bytearray(n * step)
    cdef char* q = PyByteArray_AS_STRING(scratch)
    for v in items:
        _set(q + k * step, item, v, S)
        k += 1
    memcpy(p, q, n * step)


cdef class StructBase:
    """Base of every HIP struct/union class: fields as attributes, memory as a buffer.

    ``int(s)``/``s.ptr``/``s.getPtr()`` give the address, ``Cls.from_ptr(addr)`` views
    existing memory, ``Cls.fromObj(obj)`` views whatever ``obj`` points to, iteration and
    ``s[i]`` yield field values in declaration order, ``Cls.PROPERTIES()`` names the fields.
    """

    def __cinit__(self, *args, **kwargs):
        self._rid = -1

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if len(args) > len(cls._order_):
            raise TypeError(f"{cls.__name__}() takes at most {len(cls._order_)} positional "
                            f"arguments ({len(args)} given)")
        buf = bytearray(max(cls._size_, 1))
        self._owner = buf
        self._ptr = PyByteArray_AS_STRING(buf)
        self._rid = cls._rid_
        for k, v in cls._defaults_.items():
            _set(self._ptr + <Py_ssize_t>cls._fields_[k][0], cls._fields_[k][1], v, cls._state_)
        for k, v in zip(cls._order_, args):
            self.__setattr__(k, v)
        for k, v in kwargs.items():
            self.__setattr__(k, v)

    @classmethod
    def from_ptr(cls, ptr, owner=None):
        """A view of the struct at address ``ptr`` (kept alive by ``owner`` if given)."""
        if isinstance(ptr, Pointer):
            ptr, owner = int(ptr), (ptr if owner is None else owner)
        if not hasattr(type(ptr), "__index__") or isinstance(ptr, bool):
            raise TypeError(f"{cls.__name__}.from_ptr: expected an int address, not {type(ptr).__name__}")
        import operator
        cdef StructBase s = cls.__new__(cls)
        s._ptr = <char*>PyLong_AsVoidPtr(operator.index(ptr))
        s._owner = owner
        s._rid = cls._rid_
        s._readonly = _views_read_only(owner)
        return s

    @classmethod
    def fromObj(cls, pyobj):
        """``pyobj`` if it is a ``cls``; else a view of the ``cls`` it points to: an int address,
        a Pointer, a ``ctypes.c_void_p``, an object with ``__cuda_array_interface__`` or a buffer
        of at least ``sizeof(cls)`` bytes (kept alive).  ``None`` (NULL) gives ``None``."""
        if pyobj is None or isinstance(pyobj, cls):
            return pyobj
        if type(pyobj) is int or isinstance(pyobj, Pointer):
            return cls.from_ptr(pyobj)
        if type(pyobj).__module__ == "ctypes" and getattr(type(pyobj), "_type_", None) == "P":
            return cls.from_ptr(pyobj.value or 0)
        cai = getattr(pyobj, "__cuda_array_interface__", None)
        if cai is not None:
            return cls.from_ptr(PyLong_FromVoidPtr(_cai_data(pyobj, cai)), pyobj)
        try:
            mv = memoryview(pyobj).cast("B")
        except TypeError:
            raise TypeError(f"{cls.__name__}.fromObj: cannot view a {type(pyobj).__name__} "
                            f"as a {cls.__name__}") from None
        if mv.nbytes < cls._size_:
            raise ValueError(f"{cls.__name__}.fromObj: the buffer holds {mv.nbytes} bytes, "
                             f"a {cls.__name__} needs {cls._size_}")
        return cls.from_ptr(PyLong_FromVoidPtr(PyMemoryView_GET_BUFFER(mv).buf), mv)

    @classmethod
    def PROPERTIES(cls):
        """The field names, in declaration order (anonymous members' fields flattened)."""
        return list(cls._order_)

    def __dir__(self):
        return list(type(self)._order_) + [n for n in object.__dir__(self) if n not in type(self)._fields_]

    def __contains__(self, name):
        return name in type(self)._fields_

    def __len__(self):
        return len(type(self)._order_)

    def __getitem__(self, key):
        """``s[i]`` is the value of the i-th field (so ``x, y, z = dim3(...)``); ``s["x"]`` by name."""
        order = type(self)._order_
        if isinstance(key, str):
            if key not in type(self)._fields_:
                raise KeyError(key)
            return self.__getattr__(key)
        if isinstance(key, slice):
            return [self.__getattr__(n) for n in order[key]]
        return self.__getattr__(order[key])

    def __setitem__(self, key, value):
        order = type(self)._order_
        if isinstance(key, str):
            if key not in type(self)._fields_:
                raise KeyError(key)
            self.__setattr__(key, value)
        else:
            self.__setattr__(order[key], value)

    def __getattr__(self, str name):
        f = type(self)._fields_.get(name)
        if f is None:   # names the release, and the releases that have the field (when shown)
            raise _loader.MissingFieldError(type(self).__name__, name, type(self).__module__, self)
        return _get(self._ptr + <Py_ssize_t>f[0], f[1], self, type(self)._state_)

    def __setattr__(self, str name, value):
        f = type(self)._fields_.get(name)
        if f is None:   # names the release, and the releases that have the field (when shown)
            raise _loader.MissingFieldError(type(self).__name__, name, type(self).__module__, self)
        if self._readonly:
            _struct_read_only(self)
        _set(self._ptr + <Py_ssize_t>f[0], f[1], value, type(self)._state_)

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
        if self._readonly and flags & 0x0001:  # PyBUF_WRITABLE
            raise BufferError(f"this {type(self).__name__} views read-only memory")
        view.buf = self._ptr
        view.obj = self
        view.len = type(self)._size_
        view.readonly = self._readonly
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


cdef bint _views_read_only(object owner) except -1:
    """Whether the memory ``owner`` keeps alive is read-only (a struct over it must be too):
    ``bytes`` and read-only buffers, a read-only struct (a nested struct of it), a Pointer made
    from one, an array interface or ``DeviceArray`` marked read-only."""
    if owner is None:
        return False
    if isinstance(owner, StructBase):
        return (<StructBase>owner)._readonly
    if isinstance(owner, memoryview):
        return owner.readonly
    if isinstance(owner, Pointer):
        return (<Pointer>owner)._readonly
    if isinstance(owner, (tuple, list)):     # the owners ListOf* keep: (storage, items)
        return False
    cai = getattr(owner, "__cuda_array_interface__", None)
    if isinstance(cai, dict):
        data = cai.get("data")
        return isinstance(data, tuple) and len(data) == 2 and bool(data[1])
    try:
        return memoryview(owner).readonly
    except TypeError:
        return False


cdef _struct_read_only(StructBase s):
    name = type(s).__name__
    raise TypeError(f"this {name} views read-only memory (bytes or a read-only buffer), so its "
                    f"fields cannot be set: view a writable copy instead, e.g. "
                    f"{name}.fromObj(bytearray(data))")


def _field_get(StructBase self, str name):
    f = type(self)._fields_[name]
    return _get(self._ptr + <Py_ssize_t>f[0], f[1], self, type(self)._state_)


def _field_set(StructBase self, str name, value):
    f = type(self)._fields_[name]
    if self._readonly:
        _struct_read_only(self)
    _set(self._ptr + <Py_ssize_t>f[0], f[1], value, type(self)._state_)



cdef StructBase record_arg(ModuleState S, object o, Py_ssize_t rid, str name):
    """The struct ``S.record_names[rid]`` to pass by value for argument ``o``.

    A struct of that type; a tuple/list (``dim3(*t)``) or an int (``dim3(x)``) building one,
    as CUDA users write for a ``dim3``; or a buffer of exactly its size.  Anything else,
    including another struct type or a wrongly sized buffer, is a TypeError.
    """
    rname = S.record_names[rid]
    cls = S.record_class(rname)
    if isinstance(o, StructBase) and (<StructBase>o)._rid == rid and type(o).__module__ == S.qualname:
        return <StructBase>o
    try:
        if isinstance(o, (tuple, list)):
            return <StructBase>cls(*o)
        if hasattr(type(o), "__index__") and not isinstance(o, (bool, Pointer)):
            return <StructBase>cls(o)
        if (isinstance(o, float) or _is_real(o)) and cls._order_ and \
                cls._fields_[cls._order_[0]][1][0] in (_FIELD_SIGNED, _FIELD_UNSIGNED):
            # dim3(n / block[0]) as AMD's examples write it (as_int refuses 16.7); only where the
            # first field is an integer: a float would silently fill a {float x, y} complex
            return <StructBase>cls(o)
    except (TypeError, ValueError, OverflowError) as e:
        raise type(e)(f"{name}: {e}") from None
    # another module's struct is another type (its own class, e.g. hip.hip's dim3 in a library module, is not)
    if not isinstance(o, (StructBase, Pointer, str)) and o is not None and (type(o) is cls or not any_struct(o)):
        try:
            mv = memoryview(o).cast("B")
        except TypeError:
            mv = None
        if mv is not None:
            if mv.nbytes != cls._size_:
                raise TypeError(f"{name}: a {rname} is {cls._size_} bytes, the buffer given holds {mv.nbytes}")
            return <StructBase>cls.from_ptr(PyLong_FromVoidPtr(PyMemoryView_GET_BUFFER(mv).buf), mv)
    raise TypeError(f"{name}: expected a {rname} (or a tuple/int to build one), not {type(o).__name__}")


cdef bint _is_real(object o):
    """A real number of Python's numeric tower (numpy floating scalars, fractions); not a bool
    (an int, but never a size), nor a struct, pointer or string, which are never in it."""
    if isinstance(o, (bool, StructBase, Pointer, str, bytes)) or o is None:
        return False
    import numbers
    return isinstance(o, numbers.Real)


_NOARG = object()   # "argument not given", where None is a meaningful value


cdef object text_filled(object fill, object n, object rest):
    """AMD's form of a call that fills a caller's ``char`` buffer of ``n`` bytes
    (``hipDeviceGetName(len, device)``, params.TEXT_OUT_OPTIONAL): the buffer is made here, and
    the call's status and the text up to its NUL come back, ``(hipSuccess, CStr)``."""
    size = int_arg(n, "len")
    if not 0 <= size <= 0x7FFFFFFF:
        raise ValueError(f"len: {size} is not a buffer size (C takes an int of 0 to {0x7FFFFFFF})")
    buf = bytearray(size)
    status = fill(buf, size, rest)[0]
    return (status, _CStr(bytes(buf).split(b"\0", 1)[0], "utf-8", "surrogateescape"))


cdef int text_room(object buf, object n, str name) except -1:
    """The caller's buffer must hold the ``n`` bytes C may write there: a shorter one would be
    written past its end.  Objects that tell their size are checked; an int address or a
    ``Pointer`` is the caller's word, as in C."""
    if buf is None or isinstance(buf, (int, Pointer)):
        return 0
    try:
        m = memoryview(buf)
    except TypeError:
        return 0   # not a buffer: the call's own conversion refuses it, naming the parameter
    room = m.nbytes
    m.release()
    need = int_arg(n, "len")
    if room < need:
        raise ValueError(f"{name}: the buffer given holds {room} byte{'s' if room != 1 else ''}, and len "
                         f"lets C write {need}: pass a buffer of at least len bytes, or leave {name} out "
                         f"and take the text from the returned tuple")
    return 0
