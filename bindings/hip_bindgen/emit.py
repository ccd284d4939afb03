"""Emit Cython (and one C header) from an API manifest.

Output, all deterministic text:

``_api.h``      C declarations of every type (layouts checked against the manifest with
                ``_Static_assert``) and one ``static inline`` call shim per function that casts
                plain carrier types (fixed-width ints, ``void*``) to the real prototype.
``hip.pyx`` / ``hiprtc.pyx``  one ``def`` per function plus compact tables for enums,
                structs and constants, built into Python objects lazily on first use.
``hip.pxd`` / ``hiprtc.pxd``  the C types for Cython users (``cimport hip.hip``).

The wrappers call through a function pointer cached in a C array, so a call costs one
argument conversion, one indirect call and one tuple.
"""
from __future__ import annotations

import keyword

from . import contract as C
from . import params as P

GENERATOR_VERSION = "1"
ERROR_ENUMS = ("hipError_t", "hiprtcResult")
STRUCT_DEFAULTS = {"dim3": {"x": 1, "y": 1, "z": 1}}
# Enum members AMD's HIP Python has under the older hiprtc names: from HIP 6.4 the hiprtc
# enums are aliases of the hip ones (hiprtcJITInputType = hipJitInputType) and the HIPRTC_*
# names are #defines; constants of the hiprtc module with this prefix join the enum as aliases.
ENUM_EXTRA_MEMBERS = {"hipJitInputType": "HIPRTC_JIT_INPUT_", "hipJitOption": "HIPRTC_JIT_"}
PY_KEYWORDS = set(keyword.kwlist) | {"None", "True", "False"}
PY_RESERVED = PY_KEYWORDS | {"print", "exec", "None", "True", "False", "object", "type",
                                     "int", "float", "bytes", "str", "len", "range", "id"}


class Emitter:
    api_header = "_api.h"   # a ROCm library's module includes its own header (libemit.py)
    module_doc = None       # and has its own first docstring line

    def __init__(self, manifest: dict):
        self.m = manifest
        self.td = manifest["typedefs"]
        self.enum_index = C.positions(manifest["enums"])
        self.record_index = C.positions(manifest["records"])
        # opaque structs (declared, never defined): only pointers to them exist, i.e. handles
        self.handles = sorted(n for n, r in manifest["records"].items() if not r["size"])
        self.handle_index = C.positions(self.handles)

    # -- C side ---------------------------------------------------------------
    def resolve(self, ref):
        return P.resolve(ref, self.td)

    def c_base(self, ref) -> str:
        k = ref["kind"]
        if k == "void":
            return "void"
        if k == "int":
            if ref["name"] == "char":
                return "char"
            if ref["name"] == "bool":
                return "_Bool"
            if ref["size"] == 16:
                return "__int128" if ref["signed"] else "unsigned __int128"
            return f"{'' if ref['signed'] else 'u'}int{ref['size'] * 8}_t"
        if k == "float":
            return {2: "_Float16", 4: "float", 8: "double"}.get(ref["size"], "long double")
        return ref["name"]  # typedef, enum, record: all declared as typedef names

    def cdecl(self, ref, inner: str = "") -> str:
        k = ref["kind"]
        const = "const " if ref.get("const") else ""
        if k == "pointer":
            to = ref["to"]
            star = "*" + (" const " if ref.get("const") else "") + inner
            if to["kind"] in ("function", "array"):
                star = f"({star})"
            return self.cdecl(to, star)
        if k == "array":
            return self.cdecl(ref["of"], f"{inner}[{ref['len']}]")
        if k == "function":
            ps = ", ".join(self.cdecl(p) for p in ref["params"])
            if ref["variadic"]:
                ps = ps + ", ..." if ps else "..."
            return self.cdecl(ref["returns"], f"{inner}({ps or 'void'})")
        return f"{const}{self.c_base(ref)} {inner}".strip()

    def carrier(self, ref) -> str:
        """The plain C type a Python value crosses into the shim as."""
        t = self.resolve(ref)
        if t["kind"] == "enum":
            t = self.m["enums"][t["name"]]["underlying"]
        if t["kind"] == "int":
            return "bint" if t["name"] == "bool" else ("char" if t["name"] == "char" else self.c_base(dict(t, const=False)))
        if t["kind"] == "float":
            return {8: "double"}.get(t["size"], "float") if t["size"] <= 8 else "long double"
        if t["kind"] == "void":
            return "void"
        return "void*"  # pointers, arrays, records (by address), functions

    def header(self) -> str:
        m = self.m
        out = self.header_types()
        for name in sorted(m["functions"]):
            f = m["functions"][name]
            ps = [self.cdecl(p["type"]) for p in f["params"]]
            proto = ", ".join(ps) + (", ..." if f["variadic"] and ps else "") or "void"
            out.append(f"typedef {self.cdecl(f['returns'], f'(*_fn_{name})({proto})')};")
            out.append(self._shim(name, f))
        return "\n".join(out) + "\n"

    def header_types(self, preamble: bool = True, guarded: bool = False) -> list:
        """The header's lines up to the functions: every type, layouts checked.  ``guarded``: each
        struct body once per translation unit (``capi.py``: two libraries' cimport headers both
        define the HIP vector types their modules bind, e.g. ``float2``)."""
        m = self.m
        v = m["hip_version"]
        out = [f"/* Generated by hip_bindgen {GENERATOR_VERSION} from HIP {v['string']} headers. Do not edit. */",
               "#pragma once", "#include <stddef.h>", "#include <stdint.h>",
               "#if defined(__GLIBC__) && defined(__x86_64__)",
               "/* Bind the dl* functions to their oldest versions (libdl.so.2 before glibc 2.34, a compat",
               "   alias in libc since), so the wheel keeps the manylinux2014 tag. */",
               '__asm__(".symver dlopen,dlopen@GLIBC_2.2.5");',
               '__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");',
               '__asm__(".symver dlerror,dlerror@GLIBC_2.2.5");',
               "#endif", ""] if preamble else []
        for name in sorted(m["records"]):
            r = m["records"][name]
            out.append(f"typedef {r['kind']} {name} {name};")
        for name in sorted(m["enums"]):
            out.append(f"typedef {self.cdecl(m['enums'][name]['underlying'], name)};")
        for name in self._typedef_order():
            out.append(f"typedef {self.cdecl(self.td[name]['type'], name)};")
        # a system header's struct (libraries.py marks it ``include``) is that header's, not redeclared
        out += [f"#include <{h}>" for h in sorted({r["include"] for r in m["records"].values() if "include" in r})]
        for name in self._record_order():
            r = m["records"][name]
            fields = []
            for i, f in enumerate(r["fields"]):
                fname = f["name"] or f"_anon{i}"
                bits = f" : {f['bits']}" if "bits" in f else ""
                fields.append(f"    {self.cdecl(f['type'], fname)}{bits};")
            if guarded:
                out += [f"#ifndef _HP_RECORD_{name}", f"#define _HP_RECORD_{name}"]
            if "include" not in r:
                packed = "__attribute__((packed)) " if r.get("packed") else ""   # libraries.py: byte-packed
                out.append(f"{r['kind']} {packed}{name} {{\n" + "\n".join(fields) + "\n};")
            out.append(f'_Static_assert(sizeof({name}) == {r["size"]}, "{name}: size");')
            for i, f in enumerate(r["fields"]):
                if "bits" not in f:
                    fname = f["name"] or f"_anon{i}"
                    out.append(f'_Static_assert(offsetof({name}, {fname}) == {f["offset"]}, "{name}.{fname}");')
            if guarded:
                out.append("#endif")
        out.append("")
        return out

    def _shim(self, name, f) -> str:
        args, call = ["void *fp"], []
        ret = self.resolve(f["returns"])
        by_value_ret = ret["kind"] == "record"
        if by_value_ret:
            args.append("void *out")
        for i, p in enumerate(f["params"]):
            t = self.resolve(p["type"])
            carrier = self.carrier(p["type"])
            args.append(f"{'int' if carrier == 'bint' else carrier} a{i}")
            real = self.cdecl(dict(p["type"], const=False))
            if t["kind"] == "record":
                call.append(f"*({real} *)a{i}")
            else:
                call.append(f"({real})a{i}")
        invoke = f"((_fn_{name})fp)({', '.join(call)})"
        if by_value_ret:
            return f"static inline void _call_{name}({', '.join(args)}) {{ *({self.cdecl(dict(f['returns'], const=False))} *)out = {invoke}; }}"
        rcarrier = self.carrier(f["returns"])
        rtype = "int" if rcarrier == "bint" else rcarrier
        if rcarrier == "void*" and ret["kind"] == "pointer":
            rtype = "const void *"
        body = f"{invoke};" if rcarrier == "void" else f"return ({rtype}){invoke};"
        return f"static inline {rtype} _call_{name}({', '.join(args)}) {{ {body} }}"

    def _deps(self, ref, by_value_only: bool):
        k = ref["kind"]
        if k in ("record", "typedef"):
            yield ref["name"]
        elif k == "array":
            yield from self._deps(ref["of"], by_value_only)
        elif k == "pointer" and not by_value_only:
            yield from self._deps(ref["to"], by_value_only)
        elif k == "function" and not by_value_only:
            yield from self._deps(ref["returns"], False)
            for p in ref["params"]:
                yield from self._deps(p, False)

    def _topo(self, names, deps_of):
        done, order = set(), []

        def visit(n, stack=()):
            if n in done or n in stack:
                return
            for d in sorted(deps_of(n)):
                visit(d, stack + (n,))
            done.add(n)
            order.append(n)

        for n in sorted(names):
            visit(n)
        return order

    def _typedef_order(self):
        names = set(self.td)
        return self._topo(names, lambda n: {d for d in self._deps(self.td[n]["type"], False) if d in names})

    def _record_order(self):
        recs = {n for n, r in self.m["records"].items() if r["size"] is not None}

        def deps(n):
            out = set()
            for f in self.m["records"][n]["fields"]:
                for d in self._deps(f["type"], True):
                    t = self.resolve({"kind": "typedef", "name": d}) if d in self.td else {"kind": "record", "name": d}
                    for dd in ([t["name"]] if t["kind"] == "record" else self._deps(t, True)):
                        if dd in recs:
                            out.add(dd)
            return out

        return self._topo(recs, deps)

    # -- Python side --------------------------------------------------------------
    def pyname(self, name: str) -> str:
        # a generated def's body calls builtins (isinstance, int), so a parameter may not shadow
        # them; a ROCm library's functions have no Python body (compact.py), so they keep the C
        # names AMD's keywords use (hipfftPlan1d(..., type=...), roctxRangeStop(id=...)) and only
        # Python keywords are renamed
        reserved = PY_KEYWORDS if "library" in self.m else PY_RESERVED
        return name + "_" if name in reserved else name

    def field_spec(self, ref):
        """(code, size, extra) describing a struct field for the runtime's generic accessors."""
        t = self.resolve(ref)
        k = t["kind"]
        if k == "int":
            code = C.FIELD_BOOL if t["name"] == "bool" else (C.FIELD_SIGNED if t["signed"] else C.FIELD_UNSIGNED)
            return (code, t["size"], None)
        if k == "float":
            return (C.FIELD_FLOAT, t["size"], None)
        if k == "enum":
            u = self.m["enums"][t["name"]]["underlying"]
            return (C.FIELD_ENUM, u["size"], (self.enum_index[t["name"]], u["signed"]))
        if k == "record":
            return (C.FIELD_RECORD, self.m["records"][t["name"]]["size"] or 0, t["name"])
        if k == "array":
            return (C.FIELD_ARRAY, t["len"], self.field_spec(t["of"]))
        return (C.FIELD_POINTER, 8, None)

    def record_table(self, name, base=0):
        """Fields of a record, anonymous members flattened, as (name, offset, spec)."""
        rows = []
        for f in self.m["records"][name]["fields"]:
            spec = self.field_spec(f["type"])
            if not f["name"]:
                inner = self.resolve(f["type"])
                rows.extend(self.record_table(inner["name"], base + f["offset"]))
                continue
            if "bits" in f:
                t = self.resolve(f["type"])
                signed = t.get("signed", False) if t["kind"] == "int" else False
                spec = (C.FIELD_BITFIELD, spec[1], (f["bit_offset"], f["bits"], signed))
            rows.append((f["name"], base + f["offset"], spec))
        return rows

    def runtime_aliases(self) -> dict:
        """Typedef name -> the class it names at run time (the module's ``_ALIASES``)."""
        m, aliases = self.m, {}
        for name in sorted(self.td):
            t = self.resolve({"kind": "typedef", "name": name})
            if t["kind"] in ("record", "enum") and t["name"] != name:
                aliases[name] = t["name"]
            elif self.handle_of(t):   # hipStream_t -> the handle class ihipStream_t, as AMD's
                aliases[name] = self.handle_of(t)
        for name, a in sorted(m["aliases"].items()):
            if a["target"] in m["records"] or a["target"] in m["enums"] or a["target"] in self.td:
                t = self.resolve({"kind": "typedef", "name": a["target"]}) if a["target"] in self.td else {"name": a["target"]}
                if t.get("kind", "record") in ("record", "enum"):
                    aliases[name] = t["name"]
        return aliases

    def module(self, module: str) -> str:
        m = self.m
        v = m["hip_version"]
        funcs = sorted(n for n, f in m["functions"].items() if f["module"] == module)
        other = "hiprtc" if module == "hip" else "hip"
        lines = [
            "# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True",
            "# cython: embedsignature=False, always_allow_keywords=True, binding=False",
            f"# Generated by hip_bindgen {GENERATOR_VERSION} from HIP {v['string']} headers "
            f"({', '.join(f'{h} sha256:{d[:16]}' for h, d in sorted(m['headers'].items()))}). Do not edit.",
            '"""' + (self.module_doc or f'HIP {"runtime" if module == "hip" else "runtime compilation (hiprtc)"} API of HIP {v["string"]}.'),
            "",
            "Every function returns a tuple ``(result, *out_params)``; HIP errors are returned, never raised.",
            '"""',
            "from libc.stdint cimport *",
            "from cpython.long cimport PyLong_FromVoidPtr",
            f'cdef extern from "{self.api_header}" nogil:',
        ]
        shims = []
        for name in funcs:
            f = m["functions"][name]
            ret = self.resolve(f["returns"])
            args = ["void* fp"] + (["void* out"] if ret["kind"] == "record" else [])
            args += [f"{self.carrier(p['type'])} a{i}" for i, p in enumerate(f["params"])]
            rc = "void" if ret["kind"] == "record" else self.carrier(f["returns"])
            if rc == "void*":
                rc = "const void*"
            shims.append(f"    {rc} _call_{name}({', '.join(args)})")
        lines += shims or ["    pass"]
        lines += ["", *C.runtime_constants(), 'include "_runtime.pxi"', ""]
        lines.append(f'_MODULE = "{module}"')
        lines.append(f'HIP_VERSION_STRING = "{v["string"]}"')
        lines.append(f"HIP_VERSION = {v['packed']}")
        lines.append(f"HIP_VERSION_MAJOR, HIP_VERSION_MINOR, HIP_VERSION_PATCH = {v['major']}, {v['minor']}, {v['patch']}")
        symbols = tuple(m["functions"][n].get("symbol", n).encode() for n in funcs)
        lines.append(f"_FUNCTIONS = {symbols!r}")
        lines.append(f"cdef void* _fp[{max(len(funcs), 1)}]")
        lines.append(f"_init_runtime({module!r}, {len(funcs)}, _fp, _FUNCTIONS)")
        lines += self.tables(module)
        lines.append(f"_init_tables(_ENUMS, _RECORDS, _ALIASES, {other!r}, _HANDLES)")
        lines.append("")
        for i, name in enumerate(funcs):
            lines.append(self.function(name, i))
            if name in P.STRUCT_OUT_OPTIONAL:
                lines.append(self.struct_out_optional(name))
        for name, a in sorted(m["aliases"].items()):
            if a["target"] in funcs:
                lines.append(f"{name} = {a['target']}")
        return "\n".join(lines) + "\n"

    def tables(self, module: str) -> list:
        """The module's enum, record, alias, constant and handle tables (Python literals)."""
        m, lines = self.m, []
        # enums (all of them: both modules may return/accept any)
        enum_rows = []
        for name in sorted(m["enums"]):
            e = m["enums"][name]
            enum_rows.append(f"    ({name!r}, {e['module']!r}, {self.enum_members(name)!r}),")
        lines.append("_ENUMS = (\n" + "\n".join(enum_rows) + "\n)")
        rec_rows = []
        for name in sorted(m["records"]):
            r = m["records"][name]
            rec_rows.append(f"    {name!r}: ({r['module']!r}, {r['size'] or 0}, {tuple(self.record_table(name)) if r['size'] else ()!r}, "
                            f"{STRUCT_DEFAULTS.get(name, {})!r}),")
        lines.append("_RECORDS = {\n" + "\n".join(rec_rows) + "\n}")
        aliases = self.runtime_aliases()
        lines.append(f"_ALIASES = {aliases!r}")
        consts = {n: c["value"] for n, c in sorted(m["constants"].items()) if c["module"] == module}
        lines.append(f"_CONSTANTS = {consts!r}")
        lines.append("globals().update(_CONSTANTS)")
        lines.append(f"_HANDLES = {tuple(self.handles)!r}")
        return lines

    def enum_members(self, name: str) -> tuple:
        """(name, value) pairs of an enum: its constants, then AMD's extra names for them."""
        e = self.m["enums"][name]
        members = tuple(tuple(c) for c in e["constants"])
        prefix = ENUM_EXTRA_MEMBERS.get(name)
        if prefix:
            have = {c[0] for c in members}
            nested = tuple(p for p in ENUM_EXTRA_MEMBERS.values() if p != prefix and p.startswith(prefix))
            members += tuple((n, c["value"]) for n, c in sorted(self.m["constants"].items())
                             if n.startswith(prefix) and not n.startswith(nested) and n not in have
                             and isinstance(c["value"], int))
        return members

    def handle_of(self, t) -> str | None:
        """The opaque record a (resolved) pointer type points to, i.e. its handle class."""
        if t["kind"] != "pointer":
            return None
        to = self.resolve(t["to"])
        return to["name"] if to["kind"] == "record" and to["name"] in self.handle_index else None

    def struct_out_optional(self, name: str) -> str:
        """Wrap ``name`` so that leaving out its leading struct pointer returns a new struct."""
        f = self.m["functions"][name]
        first, rest = f["params"][0], [self.pyname(p["name"]) for p in f["params"][1:]]
        assert first["name"] == P.STRUCT_OUT_OPTIONAL[name] and len(rest) == 1, name
        rec = self.resolve(self.resolve(first["type"])["to"])["name"]
        pn, other = self.pyname(first["name"]), rest[0]
        return (f"_{name}_filling = {name}\n"
                f"def {name}({pn}, {other}=_NOARG):\n"
                f"    \"{name}({pn}, {other}) -> (result,) fills {pn}; {name}({other}) -> (result, {rec})\"\n"
                f"    if {other} is _NOARG:\n"
                f"        _s_ = _new_record({rec!r})\n"
                f"        return (_{name}_filling(_s_, {pn})[0], _s_)\n"
                f"    return _{name}_filling({pn}, {other})\n")

    @staticmethod
    def released(body: list[str], views: list[int]) -> list[str]:
        """``body`` in ``try``/``finally`` releasing the buffers exported into ``_b{i}``.

        Any conversion after an export (a later argument, an overflowing size) may raise, and
        a buffer left exported locks its bytearray against resizing for good.  Cython allows no
        ``cdef`` inside ``try``: declarations go first (a constant initialiser with them, any
        other one becomes an assignment in place, keeping the order of conversions)."""
        decls, stmts = [], []
        for line in "\n".join(body).split("\n"):
            if line.startswith("    cdef "):
                decl, eq, value = line.partition(" = ")
                if not eq or value in ("None", "NULL", "0"):
                    decls.append(line)
                    continue
                decls.append(decl)
                line = "    " + decl.split()[-1] + " = " + value
            stmts.append("    " + line)
        decls += [f"    cdef Py_buffer _b{i}" for i in views]
        decls += [f"    _view_init(&_b{i})" for i in views]
        return (decls + ["    try:"] + stmts + ["    finally:"]
                + [f"        _view_release(&_b{i})" for i in views])

    def function(self, name: str, index: int) -> str:
        f = self.m["functions"][name]
        roles = P.roles(name, f, self.td)
        ret = self.resolve(f["returns"])
        sig, pre, call, outs, post = [], [], [], [], []
        views = []   # indices of the parameters that may export a buffer into _b{i}
        for i, (p, role) in enumerate(zip(f["params"], roles)):
            pn = self.pyname(p["name"])
            carrier = self.carrier(p["type"])
            if role == "value" and carrier not in ("float", "double", "long double", "bint"):
                # integers and enums: only objects with __index__ (1.5 is a TypeError, as for
                # range()); an IntEnum member is an int and takes the fast path
                sig.append(pn)
                pre.append(f"    if not isinstance({pn}, int): {pn} = _index({pn}, {p['name']!r})")
                pre.append(f"    cdef {carrier} _v{i} = {pn}")
                call.append(f"_v{i}")
            elif role == "value":
                sig.append(f"{carrier} {pn}")
                call.append(pn)
            elif role == "handle_ref":
                sig.append(pn)
                pre.append(f"    cdef void* _o{i} = NULL")
                pre.append(f"    cdef void* _r{i} = _ref_arg({pn}, &_o{i}, {p['name']!r})")
                call.append(f"_r{i}")
            elif role == "out":
                to = self.resolve(self.resolve(p["type"])["to"])
                if to["kind"] == "pointer":
                    inner = self.resolve(to["to"])
                    if inner["kind"] == "int" and inner["size"] == 1:
                        pre.append(f"    cdef const char* _o{i} = NULL")
                        outs.append(f"_cstr(_o{i})")
                    else:
                        pre.append(f"    cdef void* _o{i} = NULL")
                        handle = self.handle_of(to)
                        if handle:
                            outs.append(f"_h({self.handle_index[handle]}, _o{i})")
                        elif size := P.device_array_size(name, f["params"]):
                            size = self.pyname(size)
                            outs.append(f"new_device_array(_o{i}, {size})")
                        else:
                            outs.append(f"new_pointer(_o{i})")
                else:
                    oc = self.carrier(self.resolve(p["type"])["to"])
                    pre.append(f"    cdef {oc} _o{i} = 0")
                    if to["kind"] == "enum":
                        outs.append(f"_e({self.enum_index[to['name']]}, _o{i})")
                    elif to["kind"] == "int" and to["name"] == "bool":
                        outs.append(f"bool(_o{i})")
                    else:
                        outs.append(f"_o{i}")
                call.append(f"&_o{i}")
            else:
                sig.append(pn)
                pre.append(f"    cdef void* _p{i}")
                pre.append(f"    cdef object _k{i} = None")
                if role == "record":
                    rid = self.record_index[self.resolve(p["type"])["name"]]
                    pre.append(f"    if isinstance({pn}, _Struct) and (<_Struct>{pn})._rid == {rid}:")
                    pre.append(f"        _p{i} = (<_Struct>{pn})._ptr")
                    pre.append(f"    else:")
                    pre.append(f"        _k{i} = _record_arg({pn}, {rid}, {p['name']!r}); _p{i} = (<_Struct>_k{i})._ptr")
                elif role == "pointer":
                    # Only the slow path differs for a pointer C writes through: there a
                    # read-only buffer is refused (the parameter named in the error)
                    written = P.written(name, p, self.td)
                    kind = f", {C.KIND_POINTER_OUT}" if written else ""
                    checked = f", {p['name']!r}" if written else ""
                    pre.append(f"    if not _fast_ptr({pn}, &_p{i}):")
                    if self.handle_of(self.resolve(p["type"])):
                        # a handle (stream, module, ...) is no buffer in practice: no stack
                        # view, so a launch pays no try/finally; a buffer still works by holder
                        pre.append(f"        _k{i} = _hold({pn}, {p['name']!r}{kind}); _p{i} = (<_Holder>_k{i}).ptr")
                    else:
                        # a bytearray/memoryview is exported into a Py_buffer on this call's C
                        # stack (released in the finally below): no holder object per call
                        views.append(i)
                        pre.append(f"        if not _view_ptr({pn}, &_b{i}, &_p{i}{checked}):")
                        pre.append(f"            _k{i} = _hold({pn}, {p['name']!r}{kind}); _p{i} = (<_Holder>_k{i}).ptr")
                elif role == "ints":
                    el = P.int_element(p["type"], self.td)
                    el = self.m["enums"][el["name"]]["underlying"] if el["kind"] == "enum" else el
                    # an array the C function may write: a list passed for it gets the values back
                    back = not self.resolve(self.resolve(p["type"])["to"]).get("const", False)
                    pre.append(f"    if not _fast_ptr({pn}, &_p{i}):")
                    written = ", True" if P.written(name, p, self.td) else ""   # read-only buffers refused
                    pre.append(f"        _k{i} = _hold({pn}, {p['name']!r}, {C.KIND_INTS}, {el['size']}, "
                               f"{el['signed']}{written}); _p{i} = (<_Holder>_k{i}).ptr")
                    if back:
                        post.append(f"    if _k{i} is not None: (<_Holder>_k{i}).write_back()")
                elif role == "string":
                    pre.append(f"    if not _fast_str({pn}, &_p{i}):")
                    pre.append(f"        _k{i} = _hold({pn}, {p['name']!r}, {C.KIND_STRING}); _p{i} = (<_Holder>_k{i}).ptr")
                else:
                    kind = C.KINDS[role]
                    pre.append(f"    if {pn} is None:\n        _p{i} = NULL\n    else:")
                    pre.append(f"        _k{i} = _hold({pn}, {p['name']!r}, {kind}); _p{i} = (<_Holder>_k{i}).ptr")
                call.append(f"_p{i}")
        rc = self.carrier(f["returns"])
        body = list(pre)
        body.append(f"    cdef void* _f_ = _fp[{index}]")
        body.append(f"    if _f_ == NULL: _f_ = _resolve({index})")
        nogil = ret["kind"] == "enum" and ret["name"] in ERROR_ENUMS and name not in P.KEEP_GIL
        argl = ", ".join(["_f_"] + call)
        enum_args = None  # (enum index, value) when the result is an enum member
        if ret["kind"] == "record":
            body.append(f"    _r_ = _new_record({ret['name']!r})")
            body.append(f"    _call_{name}(_f_, (<_Struct>_r_)._ptr{', ' if call else ''}{', '.join(call)})")
            result = "_r_"
        elif rc == "void":
            body.append(f"    _call_{name}({argl})")
            result = "None"
        else:
            ctype = "const void*" if rc == "void*" else rc
            body.append(f"    cdef {ctype} _r_")
            if nogil:
                body.append(f"    with nogil:\n        _r_ = _call_{name}({argl})")
            else:
                body.append(f"    _r_ = _call_{name}({argl})")
            if ret["kind"] == "enum":
                enum_args = f"{self.enum_index[ret['name']]}, _r_"
                result = f"_e({enum_args})"
            elif ret["kind"] == "pointer":
                to = self.resolve(ret["to"])
                result = "_cstr(<const char*>_r_)" if to["kind"] == "int" and to["size"] == 1 else "PyLong_FromVoidPtr(<void*>_r_)"
            elif ret["kind"] == "int" and ret["name"] == "bool":
                result = "bool(_r_)"
            else:
                result = "_r_"
        body += post
        if enum_args and not outs:
            body.append(f"    return _e1({enum_args})")  # the shared (hipSuccess,) on success
        elif result.startswith("_cstr(") and not outs:
            body.append(f"    return _cstr1(<const char*>_r_, {index})")  # a static string's tuple, reused
        else:
            body.append(f"    return ({', '.join([result] + outs)},)")
        if views:
            body = self.released(body, views)
        doc = self.doc(name, roles).replace("\n", "\\n")
        return f"def {name}({', '.join(sig)}):\n    \"{doc}\"\n" + "\n".join(body) + "\n"

    def doc(self, name: str, roles: list) -> str:
        """A function's docstring: "name(args)\\n--\\n\\n" first, CPython's text signature, so
        inspect.signature (and so stubtest and IDEs) reads the real parameter names from it."""
        f = self.m["functions"][name]
        c_sig = self.cdecl(f["returns"], f"{name}(" + ", ".join(self.cdecl(p["type"], p["name"]) for p in f["params"]) + ")")
        out_names = [p["name"] for p, r in zip(f["params"], roles) if r == "out"]
        in_names = ', '.join(self.pyname(p['name']) for p, r in zip(f['params'], roles) if r != 'out')
        return f"{name}({in_names})\n--\n\n{name}({in_names}) -> ({', '.join(['result'] + out_names)})\n\nC: {c_sig}"

    def pxd(self, module: str) -> str:
        """C types and call shims for Cython users (``from hip cimport hip``)."""
        v = self.m["hip_version"]
        out = [f"# Generated by hip_bindgen {GENERATOR_VERSION} from HIP {v['string']} headers. Do not edit.",
               "from libc.stdint cimport *", 'cdef extern from "hip/_api.h":']
        names = sorted(n for n, r in self.m["records"].items() if r["module"] == module)
        for n in names:
            out.append(f"    ctypedef struct {n}:\n        pass")
        for n in sorted(e for e, d in self.m["enums"].items() if d["module"] == module):
            out.append(f"    ctypedef {self.carrier(self.m['enums'][n]['underlying'])} {n}")
        return "\n".join(out) + "\n"


def rocm_release(hip: str) -> str | None:
    """The ROCm release whose headers a supported HIP release's wheel is generated from."""
    from . import releases
    try:
        rel = releases.find(hip)
    except KeyError:
        return None
    return rel["debian"]["headers"]["version"].split("-")[0].split("+")[0]


def version_py(manifest: dict, version: str) -> str:
    """``hip/_version.py``: the wheel's version and the facts ``hip`` exports as AMD's names.

    ``HIP_VERSION_STRING`` is the ``MAJOR.MINOR.PATCH`` string the loader compares (the name
    means what it means in ``hip`` and ``hip.hip``, where ``HIP_VERSION`` is AMD's packed int);
    ``hip`` builds AMD's ``HIP_VERSION``, ``*_NAME`` and ``*_TUPLE`` from these.
    An installed ROCm tree that is no supported release (``--rocm-path``) names no ROCm
    release: ``ROCM_VERSION_NAME`` is then the HIP ``MAJOR.MINOR.0``.
    """
    v = manifest["hip_version"]
    rocm = rocm_release(v["string"]) or f"{v['major']}.{v['minor']}.0"
    return (f'__version__ = "{version}"\nHIP_VERSION_STRING = "{v["string"]}"\n'
            f'HIP_VERSION_PACKED = {v["packed"]}\nHIP_VERSION_GITHASH = "{v["githash"]}"\n'
            f'ROCM_VERSION_NAME = "{rocm}"\n')


def generate(manifest: dict) -> dict[str, str]:
    """File name -> text, for everything the wheel's build compiles."""
    e = Emitter(manifest)
    files = {"_api.h": e.header()}
    for module in ("hip", "hiprtc"):
        files[f"{module}.pyx"] = e.module(module)
        files[f"{module}.pxd"] = e.pxd(module)
    return files
