"""The contract between the generator (``emit.py``) and the runtime (``hip/_runtime.pxi``).

The generated module hands the runtime compact tables and small codes; both sides name them
from here, once.  ``emit.py`` writes ``runtime_constants()`` into every generated module,
before ``include "_runtime.pxi"``, so the runtime uses these names and never a bare literal.
``tests/bindings/test_contract.py`` checks that each side uses exactly these names.

Argument kinds (``_hold(obj, name, kind)``): how a non-trivial argument is converted.
Field codes (``(code, size, extra)`` specs in ``_RECORDS``): how a struct field is read and
written; ``extra`` is per code (see ``FIELD_CODES``).
Table positions: enums, records and handle types are referred to by their position in the
sorted list of names (``_ENUMS``, ``_RECORDS``, ``_HANDLES``), e.g. ``_e(3, value)`` is a member
of the fourth enum by name.
"""
from __future__ import annotations

# _Holder kinds: the role of a parameter -> how the runtime converts what the caller passed
KIND_POINTER = 0        # any pointer input (int, None, buffer, __cuda_array_interface__, adapter)
KIND_STRING = 1         # const char*: str (UTF-8) or bytes
KIND_STRINGS = 2        # const char**: a sequence of str/bytes
KIND_POINTERS = 3       # void**: a sequence of pointer inputs
KIND_LAUNCH_EXTRA = 4   # extra of the module launches: values packed into HIP_LAUNCH_PARAM_BUFFER
KIND_INTS = 5           # an int/enum array: a sequence of ints packed at (width, signed)
KIND_POINTER_OUT = 6    # a pointer C writes through (params.written): as KIND_POINTER, but writable
KINDS = {"pointer": KIND_POINTER, "string": KIND_STRING, "strings": KIND_STRINGS,
         "pointers": KIND_POINTERS, "launch_extra": KIND_LAUNCH_EXTRA, "ints": KIND_INTS,
         "pointer_out": KIND_POINTER_OUT}

# struct field codes -> what ``extra`` holds
FIELD_SIGNED = "i"      # None
FIELD_UNSIGNED = "u"    # None
FIELD_BOOL = "b"        # None
FIELD_FLOAT = "f"       # None (size 2, 4 or 8)
FIELD_ENUM = "e"        # (enum position, underlying type is signed)
FIELD_POINTER = "p"     # None
FIELD_RECORD = "r"      # the record's name
FIELD_ARRAY = "a"       # the element's spec; size is the element count
FIELD_BITFIELD = "B"    # (bit offset, bit count, signed); size is the storage unit's
FIELD_CODES = {"FIELD_SIGNED": FIELD_SIGNED, "FIELD_UNSIGNED": FIELD_UNSIGNED, "FIELD_BOOL": FIELD_BOOL,
               "FIELD_FLOAT": FIELD_FLOAT, "FIELD_ENUM": FIELD_ENUM, "FIELD_POINTER": FIELD_POINTER,
               "FIELD_RECORD": FIELD_RECORD, "FIELD_ARRAY": FIELD_ARRAY, "FIELD_BITFIELD": FIELD_BITFIELD}


def positions(names) -> dict[str, int]:
    """Name -> table position: the order both sides index enums, records and handles by."""
    return {name: i for i, name in enumerate(sorted(names))}


def runtime_constants() -> list[str]:
    """Cython lines defining the contract's names in a generated module (before the runtime)."""
    lines = ["cdef enum:"]
    lines += [f"    _KIND_{name.upper()} = {value}" for name, value in KINDS.items()]
    lines += [f"_{name} = {value!r}" for name, value in FIELD_CODES.items()]
    return lines


# The compact calling convention of the ROCm library modules (``compact.py`` emits the tables,
# ``hip/_dispatch.pxi`` reads them): one code per parameter, one per return, one per C type.
ARG_CODES = {
    "ARG_INT": 1,         # int/enum by value; ctype says which; __index__ or integral real (1.5 is a TypeError)
    "ARG_FLOAT": 2,       # float/double by value (ctype)
    "ARG_BOOL": 3,        # bool by value (truth value)
    "ARG_HANDLE_REF": 4,  # a handle taken by address (see _ref_arg)
    "ARG_RECORD": 5,      # struct by value; extra: its record id
    "ARG_POINTER": 6,     # pointer input (_fast_ptr, else _Holder); extra bit 0: C writes through it,
                          # bit 1: a library's void* handle (a typed handle or struct is refused)
    "ARG_STRING": 7,      # const char* (_fast_str, else _Holder)
    "ARG_HOLDER": 8,      # None or _Holder of kind extra (strings, pointers, launch_extra)
    "ARG_INTS": 9,        # int/enum array (ctype: the element; extra 1: written back into a list)
    "ARG_HANDLE": 10,     # a handle (typed): extra = handle index * 2 + 1 if C writes through it
    "OUT_CSTR": 16,       # const char** out -> bytes or None
    "OUT_HANDLE": 17,     # handle out; extra: handle index
    "OUT_DEVARRAY": 18,   # void** out -> DeviceArray; extra: the size parameter's position
    "OUT_VOIDP": 19,      # void** out -> Pointer
    "OUT_SCALAR": 20,     # number out (ctype)
    "OUT_ENUM": 21,       # enum out; extra: enum position
    "OUT_BOOL": 22,       # bool out
    "OUT_RECORD": 23,     # a struct of one 8-byte handle out (comgr's amd_comgr_data_t): a new struct; extra: record id
}
RET_CODES = {"RET_VOID": 0, "RET_ENUM": 1, "RET_RECORD": 2, "RET_CSTR": 3, "RET_VOIDP": 4,
             "RET_BOOL": 5, "RET_SCALAR": 6, "RET_HANDLE": 7}
# C type of a value slot: the union member the thunk reads or writes (``_hp_slot``)
CTYPES = {"int8_t": 1, "char": 1, "uint8_t": 2, "int16_t": 3, "uint16_t": 4, "int32_t": 5, "uint32_t": 6,
          "int64_t": 7, "uint64_t": 8, "float": 9, "double": 10, "_Bool": 11, "void*": 12}
CTYPE_NAMES = {"CT_I8": 1, "CT_U8": 2, "CT_I16": 3, "CT_U16": 4, "CT_I32": 5, "CT_U32": 6, "CT_I64": 7,
               "CT_U64": 8, "CT_F32": 9, "CT_F64": 10, "CT_BOOL": 11, "CT_PTR": 12}
SLOT_FIELDS = {1: "i8", 2: "u8", 3: "i16", 4: "u16", 5: "i32", 6: "u32", 7: "i64", 8: "u64",
               9: "f", 10: "d", 11: "b", 12: "p"}


def dispatch_constants() -> list[str]:
    """Cython lines defining the compact convention's codes in a library module (before
    ``include "_dispatch.pxi"``)."""
    lines = ["cdef enum:"]
    for table in (ARG_CODES, RET_CODES, CTYPE_NAMES):
        lines += [f"    _{name} = {value}" for name, value in table.items()]
    return lines
