"""The compact backend of the ROCm library modules (``hip.hipblas`` ...): tables, not code.

``emit.py`` writes one Cython ``def`` per function: ~33 KB of C each once Cython is done, which
for hipBLAS's 1849 functions is 62 MB of C and minutes of gcc per wheel.  Here a function is
data plus one line of C:

``_api_<lib>.h``  the types (as ``emit.py`` declares them, layouts checked), one *thunk* per
                  distinct C signature (``static void _t3(void* f, _hp_slot* a, _hp_slot* r)``
                  reads the arguments from a union array, calls ``f`` through a pointer of that
                  ABI, stores the result), a parameter table (code, C type, extra index, name
                  per parameter) and a function table (name, docstring, symbol, thunk, its
                  parameters, its return code).
``<lib>.pyx``     the enum/record tables and a few lines; ``hip/_dispatch.pxi`` turns every row
                  into a builtin function whose C function is one generic dispatcher.

Two functions share a thunk when their parameters and results are passed alike by the C ABI:
every pointer is a ``void*``, an enum is its underlying integer (hipBLAS: 1849 functions, a few
hundred thunks).  Each row spells the call plan (``plan.py``), as ``emit.py``'s ``def``s do.
"""
from __future__ import annotations

from . import cheader, libraries, tables
from . import contract as C
from . import plan as plan_
from .cview import CView


def c_string(text: str) -> str:
    """``text`` as a C string literal (ASCII; anything else as octal escapes of its UTF-8)."""
    out = []
    for b in text.encode():
        ch = chr(b)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


class Compact:
    """The library renderer: the call plan as table rows."""
    def __init__(self, manifest: dict):
        self.m = manifest
        self.c = CView(manifest)
        self.plan = plan_.plan(manifest, self.c)

    @staticmethod
    def ctype(abi: str | None, what: str) -> int:
        if abi not in C.CTYPES:
            raise ValueError(f"{what}: no slot for it")
        return C.CTYPES[abi]

    # -- per function ------------------------------------------------------------------------
    def param_rows(self, k: plan_.Call) -> list:
        """(code, ctype, extra, python name) per parameter, as ``emit.Emitter.function`` converts it."""
        c, A = self.c, C.ARG_CODES
        rows = []
        for p in k.params:
            ct, extra = 0, 0
            if p.role == "value":
                ct = self.ctype(p.abi, f"{k.name}({p.name})")
                code = {"bool": A["ARG_BOOL"], "float": A["ARG_FLOAT"], "int": A["ARG_INT"]}[p.arg]
            elif p.role == "handle_ref":
                code = A["ARG_HANDLE_REF"]
            elif p.role == "out":
                if p.out in ("scalar", "enum", "bool"):
                    ct = self.ctype(p.abi, f"{k.name}({p.name})")
                code = A[{"cstr": "OUT_CSTR", "handle": "OUT_HANDLE", "device_array": "OUT_DEVARRAY",
                          "pointer": "OUT_VOIDP", "enum": "OUT_ENUM", "bool": "OUT_BOOL", "scalar": "OUT_SCALAR",
                          "record": "OUT_RECORD"}[p.out]]
                extra = (c.handle_index[p.handle] if p.out == "handle" else p.size_param if p.out == "device_array"
                         else c.enum_index[p.enum] if p.out == "enum" else c.record_index[p.record] if p.out == "record"
                         else 0)
            elif p.role == "record":
                code, extra = A["ARG_RECORD"], c.record_index[p.record]
            elif p.arg == "handle":   # typed by its class: extra = handle index * 2 + written
                code, extra = A["ARG_HANDLE"], 2 * c.handle_index[p.handle] + int(p.written)
            elif p.role == "pointer":
                # extra bit 0: C writes through it (params.written), a read-only buffer is refused;
                # bit 1: a library's void* handle, a typed handle or a struct is refused
                code, extra = A["ARG_POINTER"], int(p.written) | 2 * (p.arg == "void_handle")
            elif p.role == "ints":
                # the element's C type; extra bit 0: the C side may write, a list given gets the
                # values back; bit 1: C writes through it (params.written), a read-only buffer is
                # refused (as emit.py's _hold(..., written=True))
                ct = self.ctype(p.element[2], f"{k.name}({p.name})")
                code, extra = A["ARG_INTS"], int(p.back) | 2 * int(p.written)
            elif p.role == "string":
                code = A["ARG_STRING"]
            else:
                code, extra = A["ARG_HOLDER"], C.KINDS[p.role]
            rows.append((code, ct, extra, p.py))
        return rows

    def return_row(self, k: plan_.Call) -> tuple:
        """(code, ctype, extra, release the GIL) of a function's result."""
        r, R = k.result, C.RET_CODES
        if r.kind == "void":
            return (R["RET_VOID"], 0, 0, 0)
        if r.kind == "record":
            return (R["RET_RECORD"], 0, self.c.record_index[r.record], 0)
        if r.kind == "handle":
            return (R["RET_HANDLE"], C.CTYPES["void*"], self.c.handle_index[r.handle], 0)
        if r.kind in ("cstr", "address"):
            return (R["RET_CSTR"] if r.kind == "cstr" else R["RET_VOIDP"], C.CTYPES["void*"], 0, 0)
        ct = self.ctype(r.abi, k.name)
        if r.kind == "enum":
            return (R["RET_ENUM"], ct, self.c.enum_index[r.enum], int(r.nogil))
        return (R["RET_BOOL"] if r.kind == "bool" else R["RET_SCALAR"], ct, 0, 0)

    def signature(self, f: dict) -> tuple:
        """What a thunk is keyed by: the ABI types of the result and of each parameter."""
        return (self.c.abi(f["returns"]), tuple(self.c.abi(p["type"]) for p in f["params"]))

    @staticmethod
    def thunk(index: int, sig: tuple) -> str:
        ret, params = sig
        args = []
        for k, t in enumerate(params):
            if t in C.CTYPES:
                cast = "(char)" if t == "char" else ""
                args.append(f"{cast}a[{k}].{C.SLOT_FIELDS[C.CTYPES[t]]}")
            else:   # a record by value: the caller's struct, copied by the call
                args.append(f"*({t}*)a[{k}].p")
        proto = ", ".join(params) or "void"
        call = f"(({ret} (*)({proto}))f)({', '.join(args)})"
        if ret == "void":
            body = f"{call};"
        elif ret in C.CTYPES:
            body = f"r->{C.SLOT_FIELDS[C.CTYPES[ret]]} = {call};"
        else:
            body = f"*({ret}*)r->p = {call};"
        return f"static void _t{index}(void* f, _hp_slot* a, _hp_slot* r) {{ {body} }}"

    # -- outputs -------------------------------------------------------------------------------
    def functions(self) -> list:
        return sorted(self.m["functions"])

    def header(self) -> str:
        funcs = self.functions()
        out = cheader.types(self.c)
        out += ["/* The compact calling convention (hip_bindgen/compact.py, hip/_dispatch.pxi). */",
                "typedef union { void* p; int64_t i64; uint64_t u64; int32_t i32; uint32_t u32; int16_t i16;",
                "                uint16_t u16; int8_t i8; uint8_t u8; float f; double d; _Bool b; } _hp_slot;",
                "typedef void (*_hp_thunk)(void*, _hp_slot*, _hp_slot*);",
                "typedef struct { const char* name; uint8_t code; uint8_t ctype; int16_t extra; } _hp_param;",
                "typedef struct { const char* name; const char* doc; const char* symbol; _hp_thunk thunk;",
                "                 uint32_t first; uint8_t nparams; uint8_t nin; uint8_t nouts; uint8_t ret;",
                "                 uint8_t rtype; uint8_t nogil; int16_t rextra; int16_t lead; } _hp_func;"]
        thunks: dict[tuple, int] = {}
        params, rows, maxp = [], [], 1
        for name in funcs:
            f = self.m["functions"][name]
            if f["variadic"]:
                raise ValueError(f"{name}: variadic functions have no compact binding")
            k = self.plan[name]
            sig = self.signature(f)
            if sig not in thunks:
                thunks[sig] = len(thunks)
                out.append(self.thunk(thunks[sig], sig))
            prow = self.param_rows(k)
            rcode, rct, rextra, nogil = self.return_row(k)
            lead = self.c.enum_index[k.result.lead] if k.result.lead else -1   # AMD's (SUCCESS, value)
            nouts = len(k.outs)
            rows.append(f"    {{{c_string(name)}, {c_string(plan_.doc(self.c, k))}, "
                        f"{c_string(f.get('symbol', name))}, _t{thunks[sig]}, {len(params)}, {len(prow)}, "
                        f"{len(prow) - nouts}, {nouts}, {rcode}, {rct}, {nogil}, {rextra}, {lead}}},")
            params += [f"    {{{c_string(pn)}, {code}, {ct}, {extra}}}," for code, ct, extra, pn in prow]
            maxp = max(maxp, len(prow))
        out.append(f"#define _HP_NFUNCS {len(funcs)}")
        out.append(f"#define _HP_MAXP {maxp}")
        out.append("static const _hp_param _HP_PARAMS[] = {\n" + "\n".join(params or ['    {"", 0, 0, 0},']) + "\n};")
        out.append("static const _hp_func _HP_FUNCS[] = {\n" + "\n".join(rows or ['    {"", "", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, -1},']) + "\n};")
        return "\n".join(out) + "\n"

    def module(self, name: str, api_header: str, doc: str) -> str:
        """The library's ``.pyx``: the tables of ``emit.py``'s module, no function bodies."""
        m = self.m
        v = m["hip_version"]
        funcs = self.functions()
        lines = [
            "# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True",
            "# cython: embedsignature=False, always_allow_keywords=True, binding=False",
            f"# Generated by hip_bindgen {cheader.GENERATOR_VERSION} (compact) from HIP {v['string']} headers "
            f"({', '.join(f'{h} sha256:{d[:16]}' for h, d in sorted(m['headers'].items()))}). Do not edit.",
            '"""' + doc,
            "",
            "Every function returns a tuple ``(result, *out_params)``; errors are returned, never raised.",
            '"""',
            "from libc.stdint cimport *",
            "from cpython.long cimport PyLong_FromVoidPtr",
            f'cdef extern from "{api_header}":',
            "    pass",
            "",
            *C.runtime_constants(),
            *C.dispatch_constants(),
            # AMD's LLVM-C shape: a result without outs comes alone, strings keep LLVM's address
            f"cdef bint _BARE_RESULTS = {int(libraries.bare_results(name))}",
            'include "_runtime.pxi"',
            'include "_dispatch.pxi"',
            "",
            f'_MODULE = "{name}"',
            f'HIP_VERSION_STRING = "{v["string"]}"',
            f"HIP_VERSION = {v['packed']}",
            f"HIP_VERSION_MAJOR, HIP_VERSION_MINOR, HIP_VERSION_PATCH = {v['major']}, {v['minor']}, {v['patch']}",
            f"cdef void* _fp[{max(len(funcs), 1)}]",
            f"_init_runtime({name!r}, {len(funcs)}, _fp, _hp_symbols())",
        ]
        lines += tables.lines(self.c, name)
        lines.append("_init_tables(_ENUMS, _RECORDS, _ALIASES, 'hip', _HANDLES)")
        lines.append("_hp_install(globals())")
        for alias, a in sorted(m["aliases"].items()):
            if a["target"] in funcs:   # installed at run time: no name Cython knows when it compiles
                lines.append(f"{alias} = globals()[{a['target']!r}]")
        return "\n".join(lines) + "\n"
