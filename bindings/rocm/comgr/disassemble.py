"""Disassembling AMD GPU machine code with comgr (``amd_comgr_disassemble_instruction``), AMD's
``rocm.comgr`` functions: a program, a function of a code object, a kernel of a code object v6.

comgr pulls the bytes through a read-memory callback and pushes each instruction's text through
another; the callbacks here close over the program and the output list of one call.
"""
from __future__ import annotations

import ctypes
import struct
import textwrap

from hip import amd_comgr as _c

from .core import SUCCESS, check, to_bytes
from .metadata import parse_code_obj_metadata, parse_code_symbols

__all__ = ["disassemble_program", "disassemble_code_obj_function", "disassemble_amdhsa_code_obj_v6_kernel",
           "dump_metadata_yaml", "kernel_descriptor_directives"]

_READ = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p)
_INSTRUCTION = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
_ANNOTATION = ctypes.CFUNCTYPE(None, ctypes.c_uint64, ctypes.c_void_p)


def _address(cb) -> int:
    return ctypes.cast(cb, ctypes.c_void_p).value


def disassemble_program(isa_name, program, append_address_annotation: bool = False) -> str:
    """The instructions of ``program`` (machine code bytes), one a line."""
    program = to_bytes(program)
    lines = []

    def read(at, dest, size, _user):
        if at >= len(program):
            return 0
        n = min(size, len(program) - at)
        ctypes.memmove(dest, program[at:at + n], n)
        return n

    def instruction(text, _user):
        lines.append(text.decode().strip())

    def annotation(address, _user):
        if append_address_annotation and lines:
            lines[-1] += f" ; addr: {address:#x}"
    callbacks = (_READ(read), _INSTRUCTION(instruction), _ANNOTATION(annotation))
    info = check(_c.amd_comgr_create_disassembly_info(to_bytes(isa_name), *map(_address, callbacks)))
    try:
        address, size = 0, ctypes.c_uint64(0)
        while address < len(program):
            result = _c.amd_comgr_disassemble_instruction(info, address, None, ctypes.addressof(size))
            if (result[0] if isinstance(result, tuple) else result) != SUCCESS or size.value == 0:
                break
            address += size.value
    finally:
        _c.amd_comgr_destroy_disassembly_info(info)
    return "\n".join(lines) + "\n"


def _symbol_bytes(code_obj: bytes, symbols: dict, name: str) -> bytes:
    if name not in symbols:
        raise KeyError(f"no symbol named '{name}' stored in the code object")
    s = symbols[name]
    if s.get("nobits"):
        raise ValueError(f"symbol '{name}' is created at runtime")
    return code_obj[s["code_object_offset"]:s["code_object_offset"] + s["size"]]


def disassemble_code_obj_function(code_obj, isa_name, func_name=None, append_address_annotation: bool = False) -> str:
    """The instructions of function ``func_name`` (default: the first FUNC symbol) of a code object."""
    code_obj = to_bytes(code_obj)
    symbols = parse_code_symbols(code_obj, len(code_obj))
    if not func_name:
        func_name = next((k for k, s in symbols.items() if s["type"] == "FUNC"), None)
        if func_name is None:
            raise KeyError("no function found in code object")
    return disassemble_program(isa_name, _symbol_bytes(code_obj, symbols, func_name), append_address_annotation)


def dump_metadata_yaml(metadata: dict) -> str:
    """Code-object metadata (a dict of lists and values, lists of dicts) as the YAML of an
    ``.amdgpu_metadata`` block; ``.uses_*`` flags as true/false."""
    def value(key, v):
        if key and key.startswith(".uses_"):
            v = "false" if int(v) == 0 else "true"
        return f"{v}\n"

    def node(key, v):
        if isinstance(v, dict):
            out = ""
            for k, x in v.items():
                out += f"{k}:\n" + textwrap.indent(node(k, x), "  ") if isinstance(x, list) else f"{k}: {node(k, x)}"
            return out
        if isinstance(v, (list, tuple)):
            out = ""
            for x in v:
                for i, line in enumerate(node(None, x).splitlines(keepends=True)):
                    out += ("- " if i == 0 else "  ") + line
            return out
        return value(key, v)
    return node(None, metadata)


def kernel_descriptor_directives(kd: bytes, kernel_name: str) -> str:
    """The ``.amdhsa_kernel`` block of a 64-byte kernel descriptor, its architecture-independent
    fields as directives (sizes, kernarg size, user SGPR enables, wave32, dynamic stack) and the
    three ``COMPUTE_PGM_RSRC`` words, whose bit fields differ per GPU generation, as comments."""
    group, private, kernarg = struct.unpack_from("<III", kd, 0)
    entry, = struct.unpack_from("<q", kd, 16)
    rsrc3, rsrc1, rsrc2 = struct.unpack_from("<III", kd, 44)
    props, preload = struct.unpack_from("<HH", kd, 56)
    bits = ("private_segment_buffer", "dispatch_ptr", "queue_ptr", "kernarg_segment_ptr", "dispatch_id",
            "flat_scratch_init", "private_segment_size")
    lines = [f".amdhsa_kernel {kernel_name}", f"  .amdhsa_group_segment_fixed_size {group}",
             f"  .amdhsa_private_segment_fixed_size {private}", f"  .amdhsa_kernarg_size {kernarg}"]
    lines += [f"  .amdhsa_user_sgpr_{b} {props >> i & 1}" for i, b in enumerate(bits)]
    lines += [f"  .amdhsa_wavefront_size32 {props >> 10 & 1}", f"  .amdhsa_uses_dynamic_stack {props >> 11 & 1}",
              f"  ; kernel_code_entry_byte_offset {entry}, kernarg_preload {preload:#06x}",
              f"  ; compute_pgm_rsrc1 {rsrc1:#010x}, compute_pgm_rsrc2 {rsrc2:#010x}, compute_pgm_rsrc3 {rsrc3:#010x}",
              ".end_amdhsa_kernel"]
    return "\n".join(lines) + "\n"


def disassemble_amdhsa_code_obj_v6_kernel(code_obj, isa_name, kernel_name=None, append_address_annotation=False,
                                          raw: bool = False) -> str:
    """Kernel ``kernel_name`` (default: the first in the metadata) of a code object (v6 by AMD's
    name; the code object's own version is what ``.amdhsa_code_object_version`` states) as assembly:
    ``raw``: its instructions only; else with the target and symbol directives before, its kernel
    descriptor (:func:`kernel_descriptor_directives`) and its metadata (``.amdgpu_metadata``) after."""
    code_obj = to_bytes(code_obj)
    metadata = parse_code_obj_metadata(code_obj, len(code_obj))
    names = [k[".name"] for k in metadata["amdhsa.kernels"]]
    if kernel_name is None:
        kernel_name = names[0]
    elif kernel_name not in names:
        raise RuntimeError(f"no AMD GPU kernel '{kernel_name}' declared in code object's metadata")
    instructions = disassemble_code_obj_function(code_obj, isa_name, kernel_name, append_address_annotation)
    if raw:
        return instructions
    isa = isa_name.decode() if isinstance(isa_name, bytes) else str(isa_name)
    symbols = parse_code_symbols(code_obj, len(code_obj))
    kd = _symbol_bytes(code_obj, symbols, kernel_name + ".kd")
    major, minor = (int(x) for x in metadata.get("amdhsa.version", ["1", "3"])[:2])
    version = minor + 3 if major == 1 else 6   # amdhsa.version 1.0 is code object v3 ... 1.3 is v6
    head = (f'.amdgcn_target "{isa}"\n.amdhsa_code_object_version {version}\n.text\n.protected {kernel_name}\n'
            f".globl {kernel_name}\n.p2align 8\n.type {kernel_name},@function\n")
    reduced = dict(metadata, **{"amdhsa.kernels": [k for k in metadata["amdhsa.kernels"] if k[".name"] == kernel_name]})
    return (textwrap.indent(head, "\t") + f"{kernel_name}:\n" + textwrap.indent(instructions, "\t")
            + textwrap.indent(kernel_descriptor_directives(kd, kernel_name), "\t")
            + f"\n\t.amdgpu_metadata\n---\n{dump_metadata_yaml(reduced)}...\n\t.end_amdgpu_metadata\n")
