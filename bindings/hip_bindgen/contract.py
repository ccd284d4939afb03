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
KINDS = {"pointer": KIND_POINTER, "string": KIND_STRING, "strings": KIND_STRINGS,
         "pointers": KIND_POINTERS, "launch_extra": KIND_LAUNCH_EXTRA, "ints": KIND_INTS}

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
