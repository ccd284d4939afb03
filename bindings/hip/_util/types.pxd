# The address-carrying types every generated module shares (one class each, whichever module
# made the object): the wrappers' fast path reads ``_ptr`` with one type check.
cdef class Pointer:
    cdef void* _ptr
    cdef object _owner          # whatever keeps the memory at _ptr alive (buffer, parent, storage)
    cdef bint _readonly         # the memory is read-only (bytes, a read-only buffer or array):
                                # the wrappers refuse it where C writes
    cdef _take(self, object pyobj)


cdef class Handle(Pointer):
    pass


cdef class DeviceArray(Pointer):
    # set through configure() (and the properties of the same names), which validates them
    cdef tuple _shape
    cdef str _typestr
    cdef Py_ssize_t _itemsize
    cdef tuple _strides         # None: C-contiguous
    cdef object _stream         # the CUDA Array Interface's "stream": None or an int (never 0)
    cdef Py_ssize_t _capacity   # bytes the allocation holds (-1: unknown)


cdef class CString(DeviceArray):
    pass


cdef Pointer new_pointer(void* p)
cdef object new_cstring(const char* p)
cdef DeviceArray new_device_array(void* p, Py_ssize_t nbytes)
cdef bytearray int_array(object seq, int width, bint signed, str name)
cdef object as_int(object o, str name)
