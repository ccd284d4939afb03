"""Metadata and symbols of comgr data, as plain Python: ISA metadata, code-object metadata
(``amdhsa.kernels`` ...), the symbol table of a code object.

comgr walks maps and symbol tables only through callbacks (``amd_comgr_iterate_map_metadata``,
``amd_comgr_iterate_symbols``): each walk here makes a ctypes callback that closes over its own
result list (no ``user_data`` pointer games) and returns SUCCESS, as the C signature asks.
"""
from __future__ import annotations

import ctypes

from hip import amd_comgr as _c

from .core import check, to_bytes, to_str, _read

__all__ = ["parse_metadata", "parse_data_metadata", "parse_code_obj_metadata", "parse_code_obj_kernel_names",
           "get_isa_names", "get_isa_metadata", "get_isa_metadata_all", "Symbol", "parse_data_symbols",
           "parse_code_symbols"]

_K = _c.amd_comgr_metadata_kind_t
_SUCCESS = int(_c.amd_comgr_status_t.AMD_COMGR_STATUS_SUCCESS)
_EXECUTABLE = _c.amd_comgr_data_kind_t.AMD_COMGR_DATA_KIND_EXECUTABLE
# a handle struct of one uint64_t travels as a uint64_t by value (x86-64 SysV and Windows x64)
_MAP_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p)
_SYMBOL_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint64, ctypes.c_void_p)


def _address(cb) -> int:
    return ctypes.cast(cb, ctypes.c_void_p).value


def _string(node) -> str:
    return _read(_c.amd_comgr_get_metadata_string, node).rstrip(b"\0").decode("utf-8")


def _map_keys(node) -> list:
    keys = []

    def each(key, _value, _user):
        keys.append(_string(_c.amd_comgr_metadata_node_t(handle=key)))
        return _SUCCESS
    cb = _MAP_CB(each)
    check(_c.amd_comgr_iterate_map_metadata(node, _address(cb), None))
    return keys


def parse_metadata(metadata, level: int = 0):
    """A metadata node as nested ``dict`` / ``list`` / ``str`` (comgr's strings, numbers as text)."""
    kind = check(_c.amd_comgr_get_metadata_kind(metadata))
    if kind == _K.AMD_COMGR_METADATA_KIND_MAP:
        out = {}
        for key in _map_keys(metadata):
            value = check(_c.amd_comgr_metadata_lookup(metadata, key.encode()))
            try:
                out[key] = parse_metadata(value, level + 1)
            finally:
                _c.amd_comgr_destroy_metadata(value)
        return out
    if kind == _K.AMD_COMGR_METADATA_KIND_LIST:
        out = []
        for i in range(check(_c.amd_comgr_get_metadata_list_size(metadata))):
            entry = check(_c.amd_comgr_index_list_metadata(metadata, i))
            try:
                out.append(parse_metadata(entry, level + 1))
            finally:
                _c.amd_comgr_destroy_metadata(entry)
        return out
    if kind == _K.AMD_COMGR_METADATA_KIND_STRING:
        return _string(metadata)
    return None


def parse_data_metadata(data) -> dict:
    """The metadata of a comgr data handle (``amd_comgr_data_t``)."""
    md = check(_c.amd_comgr_get_data_metadata(data))
    try:
        return parse_metadata(md)
    finally:
        _c.amd_comgr_destroy_metadata(md)


class _Loaded:
    """A comgr data object holding ``code`` for the length of a ``with``."""

    def __init__(self, code, code_size, kind):
        self.code = to_bytes(code)
        self.size, self.kind = len(self.code) if code_size is None else code_size, kind

    def __enter__(self):
        self.data = check(_c.amd_comgr_create_data(self.kind))
        check(_c.amd_comgr_set_data(self.data, self.size, self.code))
        return self.data

    def __exit__(self, *exc):
        _c.amd_comgr_release_data(self.data)


def parse_code_obj_metadata(code_obj, code_obj_size, kind=_EXECUTABLE) -> dict:
    """The metadata of a code object (an executable by default), e.g. one hiprtc made."""
    with _Loaded(code_obj, code_obj_size, kind) as data:
        return parse_data_metadata(data)


def parse_code_obj_kernel_names(code, code_size, kind=_EXECUTABLE) -> list:
    """The kernels' names in the code object's metadata, in order."""
    return [k[".name"] for k in parse_code_obj_metadata(code, code_size, kind)["amdhsa.kernels"]]


def get_isa_names(decode: bool = True) -> list:
    """Every ISA name this comgr knows (``amdgcn-amd-amdhsa--gfx90a:sramecc+:xnack-`` ...)."""
    names = []
    for i in range(check(_c.amd_comgr_get_isa_count())):
        name = check(_c.amd_comgr_get_isa_name(i))
        name = name if isinstance(name, bytes) else to_bytes(str(name))
        names.append(name.decode("utf-8") if decode else name)
    return names


def get_isa_metadata(isa_name) -> dict:
    """The metadata comgr holds for one ISA (wavefront size, LDS size, SGPR/VGPR counts ...)."""
    md = check(_c.amd_comgr_get_isa_metadata(to_bytes(isa_name)))
    try:
        return parse_metadata(md)
    finally:
        _c.amd_comgr_destroy_metadata(md)


def get_isa_metadata_all() -> dict:
    """ISA name -> :func:`get_isa_metadata`, for every ISA this comgr knows."""
    return {name: get_isa_metadata(name) for name in get_isa_names()}


class Symbol:
    """One symbol's facts: ``type`` (``"FUNC"``, ``"OBJECT"`` ... the enum name without its
    ``AMD_COMGR_SYMBOL_TYPE_`` prefix), ``name``, ``size`` (-1 unless FUNC/OBJECT),
    ``is_undefined``, ``value`` (its ELF virtual address)."""

    def __init__(self):
        self.type = None
        self.name = None
        self.size = -1
        self.is_undefined = -1
        self.value = -1


def _info(symbol, attribute, ctype):
    value = ctype()
    check(_c.amd_comgr_symbol_get_info(symbol, getattr(_c.amd_comgr_symbol_info_t, attribute),
                                       ctypes.addressof(value)))
    return value.value


def _symbol(handle) -> dict:
    symbol = _c.amd_comgr_symbol_t(handle=handle)
    s = Symbol()
    s.type = _c.amd_comgr_symbol_type_t(_info(symbol, "AMD_COMGR_SYMBOL_INFO_TYPE", ctypes.c_int)).name \
        .replace("AMD_COMGR_SYMBOL_TYPE_", "")
    n = _info(symbol, "AMD_COMGR_SYMBOL_INFO_NAME_LENGTH", ctypes.c_uint64)
    name = ctypes.create_string_buffer(n + 1)   # the length excludes the NUL comgr writes
    check(_c.amd_comgr_symbol_get_info(symbol, _c.amd_comgr_symbol_info_t.AMD_COMGR_SYMBOL_INFO_NAME, name))
    s.name = name.value.decode("utf-8")
    if s.type in ("OBJECT", "FUNC"):
        s.size = _info(symbol, "AMD_COMGR_SYMBOL_INFO_SIZE", ctypes.c_uint64)
    s.is_undefined = bool(_info(symbol, "AMD_COMGR_SYMBOL_INFO_IS_UNDEFINED", ctypes.c_bool))
    s.value = _info(symbol, "AMD_COMGR_SYMBOL_INFO_VALUE", ctypes.c_uint64)
    return s.__dict__


def _file_offset(data, code: bytes, vaddr: int):
    """(offset in the code object, slice size, nobits) of ELF virtual address ``vaddr``: comgr's
    answer where it has the call (interface 2.5 on), else the ELF's own program headers."""
    fn = getattr(_c, "amd_comgr_map_elf_virtual_address_to_code_object_offset", None)
    if fn is not None:
        off, size, nobits = ctypes.c_uint64(0), ctypes.c_uint64(0), ctypes.c_bool(False)
        check(fn(data, vaddr, ctypes.addressof(off), ctypes.addressof(size), ctypes.addressof(nobits)))
        return off.value, size.value, nobits.value
    import struct
    phoff, = struct.unpack_from("<Q", code, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", code, 0x36)
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz, p_memsz, _align = \
            struct.unpack_from("<IIQQQQQQ", code, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= vaddr < p_vaddr + p_memsz:   # PT_LOAD
            inside = vaddr - p_vaddr
            if inside >= p_filesz:
                return 0, p_memsz - inside, True
            return p_offset + inside, p_filesz - inside, False
    raise RuntimeError(f"no loaded segment holds address {vaddr:#x}")


def parse_data_symbols(data, code: bytes = None) -> dict:
    """name -> :class:`Symbol` facts (a dict) of every symbol of a data object; a FUNC or OBJECT
    also gets ``code_object_offset`` (``None`` when ``nobits``: made at run time), ``slice_size``
    (``None`` unless nobits) and ``nobits``.  ``code``: the object's bytes (read from comgr if not given)."""
    found = {}

    def each(handle, _user):
        s = _symbol(handle)
        found[s["name"]] = s
        return _SUCCESS
    cb = _SYMBOL_CB(each)
    check(_c.amd_comgr_iterate_symbols(data, _address(cb), None))
    for s in found.values():
        if s["type"] in ("OBJECT", "FUNC"):
            if code is None:
                code = _read(_c.amd_comgr_get_data, data)
            off, size, nobits = _file_offset(data, code, s["value"])
            s["nobits"] = nobits
            s["code_object_offset"] = None if nobits else off
            s["slice_size"] = size if nobits else None
    return found


def parse_code_symbols(code, code_size, kind=_EXECUTABLE) -> dict:
    """:func:`parse_data_symbols` of a code object's bytes (an executable by default)."""
    with _Loaded(code, code_size, kind) as data:
        return parse_data_symbols(data, to_bytes(code)[:code_size])
