"""Emit the Cython ``cimport`` API of a release: ``hip/chip.pxd``, ``hip/chiprtc.pxd``, ``hip/_capi.h``,
and per ROCm library module ``hip/c<lib>.pxd`` + ``hip/_capi_<lib>.h`` (AMD's names: ``hip.chipblas``,
``hip.chipfft``, ``hip.chiprand``, ``hip.chipsparse``, ``hip.chipsolver``, ``hip.croctx``, ``hip.crccl``).

A user's Cython extension writes ``from hip.chip cimport hipRuntimeGetVersion, hipError_t``
and calls the C function as in C.  Nothing links against ``libamdhip64`` and nothing opens
it a second time: ``_capi.h`` defines each function as a ``static inline`` that calls
through the *same* function-pointer table the ``hip.hip`` module fills (one load, one test,
one indirect call, like a hand-written binding).  The first call of a function takes the GIL
once to import ``hip.hip`` and have it resolve the pointer (``_capi_resolve``); a digest of
the function table, compiled in, must match the installed module's, so an extension built
against another release's wheel fails with a clear error instead of calling the wrong slot.
If a function cannot be resolved, the error is printed as unraisable and the call returns
``hipErrorSharedObjectSymbolNotFound`` (``HIPRTC_ERROR_INTERNAL_ERROR``, NULL or 0).

Declarations: every enum (``ctypedef enum`` with its members, values as C macros in
``_capi.h``), struct (fields whose types Cython can spell), typedef and non-variadic
function of the release; both pxds are self-contained.  Deterministic, from the manifest.

A library's pxd declares the library's own types and functions and cimports HIP's (the manifest's
module ``"hip"`` entries: ``hipStream_t``, ``hipDataType``) from ``hip.chip``, never redeclaring
them; its header includes hip's ``_api.h`` for their C side.  Its functions call through the
function table of ``hip.<lib>`` (the one the Python module's dispatcher uses), resolved and
digest-checked on the first call as hip's are; a missing function returns the library's status
member for "not supported" (``MISSING_STATUS``), or 0 / NULL for functions that return no status
(roctx's ``int``s).
"""
from __future__ import annotations

import hashlib
import keyword

from . import cheader
from . import plan as plan_
from .cview import CView, topo

CY_RESERVED = set(keyword.kwlist) | {
    "cdef", "cpdef", "ctypedef", "struct", "union", "enum", "extern", "api", "public", "readonly",
    "include", "cimport", "by", "gil", "nogil", "inline", "const", "volatile", "signed", "unsigned",
    "long", "short", "int", "char", "float", "double", "void", "object", "sizeof", "NULL", "new",
    "fused", "DEF", "IF", "ELIF", "ELSE", "bint", "type", "property", "print", "exec", "operator"}
C_INT_NAMES = {"char", "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned int",
               "long", "unsigned long", "long long", "unsigned long long", "size_t", "int8_t", "uint8_t",
               "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t", "uint64_t", "intptr_t", "uintptr_t"}
ERROR_ON_MISSING = {"hipError_t": ("hipErrorSharedObjectSymbolNotFound", "hipErrorNotFound"),
                    "hiprtcResult": ("HIPRTC_ERROR_INTERNAL_ERROR",)}
# A library function that cannot be resolved returns its status enum's member for "this is not
# available here" (the first one the release declares), else its internal error: no library has a
# "symbol not found" status.  RCCL's ncclSystemError is its code for a failed system call (dlsym).
MISSING_STATUS = {"hipblasStatus_t": ("HIPBLAS_STATUS_NOT_SUPPORTED", "HIPBLAS_STATUS_INTERNAL_ERROR"),
                  "hipfftResult_t": ("HIPFFT_NOT_IMPLEMENTED", "HIPFFT_INTERNAL_ERROR"),
                  "hiprandStatus": ("HIPRAND_STATUS_NOT_IMPLEMENTED", "HIPRAND_STATUS_INTERNAL_ERROR"),
                  "hipsparseStatus_t": ("HIPSPARSE_STATUS_NOT_SUPPORTED", "HIPSPARSE_STATUS_INTERNAL_ERROR"),
                  "hipsolverStatus_t": ("HIPSOLVER_STATUS_NOT_SUPPORTED", "HIPSOLVER_STATUS_INTERNAL_ERROR"),
                  "ncclResult_t": ("ncclSystemError", "ncclInternalError"),
                  "amdsmi_status_t": ("AMDSMI_STATUS_NOT_SUPPORTED", "AMDSMI_STATUS_INTERNAL_EXCEPTION"),
                  "amd_comgr_status_s": ("AMD_COMGR_STATUS_ERROR",)}
ERROR_ON_MISSING.update(MISSING_STATUS)


class Unsupported(Exception):
    """A type Cython cannot spell (``_Float16``, ``__int128``): its field/function is left out."""


def table_digest(symbols) -> str:
    """What ``hip.hip._capi_resolve`` compares: the module's function table, in order."""
    return hashlib.sha256(b"\0".join(s.encode() for s in symbols)).hexdigest()[:16]


def pxd_name(library: str) -> str:
    """AMD's module name of a library's cimport API: ``hipblas`` -> ``chipblas``, ``roctx`` -> ``croctx``."""
    return f"c{library}"


class CapiEmitter:
    def __init__(self, manifest: dict, own: set[str] | None = None):
        self.m = manifest
        self.c = CView(manifest)
        self.td = self.c.td
        self.plan = plan_.plan(manifest, self.c)
        self.declared: set[str] = set()
        # the type names this pxd/header declares (None: all of them, hip's and hiprtc's pxds)
        self.own = own

    # -- types, spelled for Cython (cy=True) or for the C side of the same declaration ------
    def base(self, ref, cy: bool) -> str:
        k = ref["kind"]
        if k == "void":
            return "void"
        if k == "int":
            if ref["name"] == "bool":
                return "bint" if cy else "int"   # Cython's bint is a C int
            if ref["size"] == 16:
                raise Unsupported("__int128")
            # the headers' spelling (int, unsigned int, size_t, uint64_t), so a user's `int v`
            # matches `int *runtimeVersion` as it would in C
            return ref["name"] if ref["name"] in C_INT_NAMES else self.c.c_base(ref)
        if k == "float":
            if ref["size"] == 2:
                raise Unsupported("_Float16")
            return self.c.c_base(ref)
        return ref["name"]

    def decl(self, ref, inner: str = "", cy: bool = True, const_ok: bool = True) -> str:
        """``ref`` declaring ``inner``; a pointer to a type not yet declared becomes ``void*``
        (a cycle between structs; C converts ``void*`` both ways)."""
        k = ref["kind"]
        if k == "pointer":
            to = ref["to"]
            if cy and to["kind"] in ("record", "typedef") and to["name"] not in self.declared:
                return f"void *{inner}".strip()
            star = "*" + inner
            if to["kind"] in ("function", "array"):
                star = f"({star})"
            return self.decl(to, star, cy)
        if k == "array":
            return self.decl(ref["of"], f"{inner}[{ref['len']}]", cy)
        if k == "function":
            if ref["variadic"]:
                raise Unsupported("variadic")
            ps = ", ".join(self.decl(p, "", cy) for p in ref["params"])
            return self.decl(ref["returns"], f"{inner}({ps or 'void'})", cy)
        const = "const " if ref.get("const") and const_ok else ""
        return f"{const}{self.base(ref, cy)} {inner}".strip()

    @staticmethod
    def ident(name: str) -> str:
        """A name Cython accepts, with the C name kept (``uint32_t from_ "from"``)."""
        return f'{name}_ "{name}"' if name in CY_RESERVED else name

    # -- ordering: a name is declared after everything it mentions (pointer cycles aside) --
    def _mentions(self, ref):
        k = ref["kind"]
        if k in ("record", "typedef", "enum"):
            yield ref["name"]
        elif k == "pointer":
            yield from self._mentions(ref["to"])
        elif k == "array":
            yield from self._mentions(ref["of"])
        elif k == "function":
            yield from self._mentions(ref["returns"])
            for p in ref["params"]:
                yield from self._mentions(p)

    def type_order(self) -> list[str]:
        m = self.m

        def deps(n):
            if n in self.td:
                return set(self._mentions(self.td[n]["type"]))
            if n in m["records"]:
                return {d for f in m["records"][n]["fields"] for d in self._mentions(f["type"])}
            return set()
        names = self._owned((set(self.td) | set(m["records"])) - set(m["enums"]))
        return topo(names, lambda n: {d for d in deps(n) if d in names and d != n})

    def _owned(self, names) -> set[str]:
        return set(names) if self.own is None else set(names) & self.own

    # -- the pxd ----------------------------------------------------------------------------
    def type_decls(self) -> tuple[list[str], list[str]]:
        """(declaration lines, names left out and why)."""
        m, out, skipped = self.m, [], []
        for name in sorted(self._owned(m["enums"])):
            consts = [c for c, _ in m["enums"][name]["constants"]]
            out.append(f"    ctypedef enum {name}:" + "".join(f"\n        {self.ident(c)}" for c in consts)
                       + ("" if consts else "\n        pass"))
            self.declared.add(name)
        for name in self.type_order():
            if name in self.td:
                try:
                    out.append(f"    ctypedef {self.decl(self.td[name]['type'], self.ident(name))}")
                except Unsupported as e:
                    skipped.append(f"{name} ({e})")
                    out.append(f"    ctypedef struct {name}:\n        pass")   # size unknown to Cython
                self.declared.add(name)
                continue
            r = m["records"][name]
            kw = "union" if r["kind"] == "union" else "struct"
            fields = []
            self.declared.add(name)    # a struct may point to itself
            for f in r["fields"]:
                if not f["name"] or "bits" in f:
                    continue   # anonymous members and bit-fields: not declared (C still lays them out)
                try:
                    fields.append(f"        {self.decl(f['type'], self.ident(f['name']))}")
                except Unsupported as e:
                    skipped.append(f"{name}.{f['name']} ({e})")
            out.append(f"    ctypedef {kw} {name}:\n" + ("\n".join(fields) if fields else "        pass"))
        for alias, target in self.type_aliases():
            out.append(f"    ctypedef {target} {alias}")
        return out, skipped

    def type_aliases(self) -> list[tuple[str, str]]:
        """The headers' ``#define``d type names (``hipDeviceProp_t`` -> ``hipDeviceProp_tR0600``)."""
        m = self.m
        return [(a, t["target"]) for a, t in sorted(m["aliases"].items())
                if t["target"] in self._owned(set(m["records"]) | set(m["enums"]) | set(self.td))]

    def functions(self, module: str) -> list[tuple[str, str, int]]:
        """(name, the function it calls, its index in the module's table), aliases included."""
        funcs = sorted(n for n, f in self.m["functions"].items() if f["module"] == module)
        index = {n: i for i, n in enumerate(funcs)}
        rows = [(n, n, index[n]) for n in funcs]
        rows += [(a, t["target"], index[t["target"]]) for a, t in sorted(self.m["aliases"].items())
                 if t["target"] in index and a not in index]
        return sorted(rows)

    def pxd(self, module: str) -> tuple[str, list[str]]:
        v = self.m["hip_version"]
        self.declared = set()
        types, skipped = self.type_decls()
        out = [f"# Generated by hip_bindgen {cheader.GENERATOR_VERSION} from HIP {v['string']} headers. Do not edit.",
               f"# The C API of hip.{module} for Cython: `from hip.c{module} cimport ...` (see hip/_capi.h).",
               "from libc.stdint cimport *", "",
               'cdef extern from "hip/_capi.h" nogil:',
               f'    const char* HIP_CAPI_VERSION_STRING "__HIP_CAPI_VERSION_STRING"']
        out += types
        out += self.function_decls(module, skipped)
        return "\n".join(out) + "\n", skipped

    def function_decls(self, module: str, skipped: list[str]) -> list[str]:
        out = []
        for name, target, _ in self.functions(module):
            f = self.m["functions"][target]
            try:
                ps = ", ".join(self.decl(p["type"], p["name"] + "_" if p["name"] in CY_RESERVED else p["name"])
                               for p in f["params"])
                out.append(f"    {self.decl(f['returns'], f'{name}({ps})')}")
            except Unsupported as e:
                skipped.append(f"{name} ({e})")
        return out

    # -- a ROCm library's pxd and header ----------------------------------------------------------
    def hip_types(self) -> list[str]:
        """HIP's types the library mentions (module ``"hip"``): cimported from ``hip.chip``."""
        m = self.m
        return sorted(n for kind in ("records", "enums", "typedefs") for n, e in m[kind].items()
                      if e["module"] == "hip")

    def library_pxd(self) -> tuple[str, list[str]]:
        m, lib = self.m, self.m["library"]
        name = lib["name"]
        self.declared = set(self.hip_types())
        types, skipped = self.type_decls()
        out = [f"# Generated by hip_bindgen {cheader.GENERATOR_VERSION} from {lib['title']} {lib['version']} headers "
               f"(HIP {m['hip_version']['string']}). Do not edit.",
               f"# The C API of hip.{name} for Cython: `from hip.{pxd_name(name)} cimport ...` "
               f"(see hip/_capi_{name}.h).",
               "from libc.stdint cimport *"]
        if self.hip_types():   # HIP's own types are hip.chip's, never declared twice
            out.append("from hip.chip cimport " + ", ".join(self.hip_types()))
        out += ["", f'cdef extern from "hip/_capi_{name}.h" nogil:']
        body = types + self.function_decls(name, skipped)
        return "\n".join(out + (body or ["    pass"])) + "\n", skipped

    def library_header(self) -> str:
        m, lib = self.m, self.m["library"]
        name = lib["name"]
        out = [f"/* Generated by hip_bindgen {cheader.GENERATOR_VERSION} from {lib['title']} {lib['version']} headers "
               f"(HIP {m['hip_version']['string']}). Do not edit.",
               f"   The cimport API of hip.{name} (hip/{pxd_name(name)}.pxd): each function calls through the",
               f"   function-pointer table of the loaded hip.{name} module. */",
               "#pragma once", "#include <Python.h>", "#include <string.h>",
               '#include "_api.h"   /* HIP\'s types (hipStream_t ...), as hip/chip.pxd declares them */']
        # the library's own types, as its module's _api_<lib>.h declares them (layouts checked)
        own = {k: {n: e for n, e in m[k].items() if n in self.own} for k in ("records", "enums", "typedefs")}
        out += cheader.types(CView(dict(m, **own)), preamble=False, guarded=True)
        for enum in sorted(own["enums"]):
            for c, value in m["enums"][enum]["constants"]:
                out.append(f"#define {c} (({enum}){value})")
        out += [f"typedef {t} {a};" for a, t in self.type_aliases()] + [""]
        out += self.calls(name, fn_typedefs=False)
        return "\n".join(out) + "\n"

    # -- the header ---------------------------------------------------------------------------
    def header(self) -> str:
        m, v = self.m, self.m["hip_version"]
        out = [f"/* Generated by hip_bindgen {cheader.GENERATOR_VERSION} from HIP {v['string']} headers. Do not edit.",
               "   The cimport API (hip/chip.pxd, hip/chiprtc.pxd): each function calls through the",
               "   function-pointer table of the loaded hip.hip / hip.hiprtc module. */",
               "#pragma once", "#include <Python.h>", "#include <string.h>", '#include "_api.h"',
               f'#define __HIP_CAPI_VERSION_STRING "{v["string"]}"', ""]
        for name in sorted(m["enums"]):
            for c, value in m["enums"][name]["constants"]:
                out.append(f"#define {c} (({name}){value})")
        out += [f"typedef {t} {a};" for a, t in self.type_aliases()] + [""]
        for module in ("hip", "hiprtc"):
            out += self.calls(module)
        return "\n".join(out) + "\n"

    def calls(self, module: str, fn_typedefs: bool = True) -> list[str]:
        """The function table of ``hip.<module>`` as this extension sees it, and one inline per
        function calling through it (``fn_typedefs``: cast through ``_api.h``'s ``_fn_<name>``;
        a library's header spells the pointer type itself)."""
        m = self.m
        symbols = [m["functions"][n].get("symbol", n)
                   for n in sorted(n for n, f in m["functions"].items() if f["module"] == module)]
        # until the first call the table is a private one of NULLs: the hot path then
        # has one test (is slot i filled), not two
        out = [f"static void *__hip_capi_unset_{module}[{max(len(symbols), 1)}];",
               f"static void **__hip_capi_fp_{module} = __hip_capi_unset_{module};",
               f"static void *__hip_capi_slow_{module}(Py_ssize_t i) {{",
               "    /* first call of function i: hip.{0} resolves it (GIL held here only) */".format(module),
               "    void *p = NULL;",
               "    PyGILState_STATE st = PyGILState_Ensure();",
               f'    PyObject *mod = PyImport_ImportModule("hip.{module}");',
               f'    PyObject *r = mod ? PyObject_CallMethod(mod, "_capi_resolve", "ns", i, "{table_digest(symbols)}") : NULL;',
               "    if (r && PyTuple_Check(r) && PyTuple_Size(r) == 2) {",
               "        void **table = (void **)PyLong_AsVoidPtr(PyTuple_GetItem(r, 0));",
               "        p = PyLong_AsVoidPtr(PyTuple_GetItem(r, 1));",
               f"        if (table != NULL && !PyErr_Occurred()) __hip_capi_fp_{module} = table;",
               "    }",
               "    if (PyErr_Occurred()) { PyErr_WriteUnraisable(mod); p = NULL; }",
               "    Py_XDECREF(r); Py_XDECREF(mod);",
               "    PyGILState_Release(st);",
               "    return p;",
               "}"]
        for name, target, i in self.functions(module):
            f = m["functions"][target]
            try:
                out.append(self._inline(name, target, f, module, i, fn_typedefs))
            except Unsupported:
                pass
        return out

    def _inline(self, name, target, f, module, i, fn_typedefs: bool = True) -> str:
        self.declared = set(self.td) | set(self.m["records"]) | set(self.m["enums"])
        args, call = [], []
        for k, p in enumerate(f["params"]):
            args.append(self.decl(p["type"], f"a{k}", cy=False))
            t = self.c.resolve(p["type"])
            call.append(f"a{k}" if t["kind"] == "record" else f"({self.c.cdecl(dict(p['type'], const=False))})a{k}")
        self.decl(f["returns"], "", cy=True)   # raises Unsupported as the pxd does
        r = self.plan[target].result
        rdecl = self.decl(f["returns"], "", cy=False)
        if fn_typedefs:
            fn = f"_fn_{target}"
        else:
            proto = ", ".join(self.c.cdecl(p["type"]) for p in f["params"]) or "void"
            fn = self.c.cdecl(f["returns"], f"(*)({proto})")
        invoke = f"(({fn})f)({', '.join(call)})"
        # a function that cannot be resolved returns, by the plan's result kind: nothing, a zeroed
        # struct, its status enum's "not available" member, else 0 / NULL
        if r.kind == "void":
            fail, body = "return;", f"{invoke};"
        else:
            body = f"return {invoke};" if r.kind == "record" else f"return ({rdecl}){invoke};"
            if r.kind == "record":
                fail = f"{{ {rdecl} z; memset(&z, 0, sizeof z); return z; }}"
            elif r.kind == "enum" and r.enum in ERROR_ON_MISSING:
                have = {c for c, _ in self.m["enums"][r.enum]["constants"]}
                code = next((c for c in ERROR_ON_MISSING[r.enum] if c in have), "1")
                fail = f"return ({rdecl}){code};"
            else:
                fail = f"return ({rdecl})0;"
        proto = self.decl(f["returns"], f"{name}({', '.join(args) or 'void'})", cy=False)
        return (f"static inline {proto} {{\n"
                f"    void *f = __hip_capi_fp_{module}[{i}];\n"
                f"    if (__builtin_expect(f == NULL, 0) && (f = __hip_capi_slow_{module}({i})) == NULL) {fail}\n"
                f"    {body}\n}}")


def generate(manifest: dict) -> dict[str, str]:
    """Package-relative file name -> text: the two pxds and the header they declare from."""
    e = CapiEmitter(manifest)
    hip, _ = e.pxd("hip")
    hiprtc, _ = e.pxd("hiprtc")
    return {"chip.pxd": hip, "chiprtc.pxd": hiprtc, "_capi.h": e.header()}


def generate_library(manifest: dict) -> dict[str, str]:
    """A ROCm library's cimport API: ``c<lib>.pxd`` and ``_capi_<lib>.h`` (package-relative)."""
    name = manifest["library"]["name"]
    own = {n for kind in ("records", "enums", "typedefs") for n, e in manifest[kind].items() if e["module"] != "hip"}
    e = CapiEmitter(manifest, own)
    pxd, _ = e.library_pxd()
    return {f"{pxd_name(name)}.pxd": pxd, f"_capi_{name}.h": e.library_header()}


def skipped(manifest: dict) -> list[str]:
    """What the pxds leave out (types Cython cannot spell), for the coverage report."""
    e = CapiEmitter(manifest)
    return sorted(set(e.pxd("hip")[1]) | set(e.pxd("hiprtc")[1]))
