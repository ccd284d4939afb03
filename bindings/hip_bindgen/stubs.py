"""Emit ``.pyi`` stubs for ``hip.hip`` and ``hiprtc`` from the same manifest as the ``.pyx``.

Each stub states what the generated module really does, read from the emitter's own tables:
parameter names, the accepted argument types of each role and the returned tuple, as the
call plan (``plan.py``) decides them: the returned tuple (``(result, *out-parameters)``, with the handle class,
``DeviceArray``, enum or struct each role returns), enums as ``IntEnum`` classes with their
members, structs with their typed fields, and the C prototype as each function's docstring.
Only what a release has is in its stubs, so a type checker flags code that would fail there.
``tests/bindings/test_stubs.py`` runs ``mypy.stubtest`` against the built modules.
Deterministic: everything is emitted in sorted order from the manifest alone.
"""
from __future__ import annotations

import keyword

from . import cheader, libraries, tables
from . import plan as plan_
from .cview import CView

# What each input role accepts (the runtime's _fast_ptr/_slow_ptr/_Holder/_record_arg paths).
PRELUDE = '''\
import enum
from typing import Any, Final, Protocol, TypeAlias, overload

from typing_extensions import Buffer

from hip._util.types import CStr, CString, DeviceArray, Handle, Pointer

class _CudaArray(Protocol):
    @property
    def __cuda_array_interface__(self) -> dict[str, Any]: ...

# An address: None (NULL), an int, a Pointer (handles, DeviceArray, ListOf*), a HIP struct,
# any buffer (bytes, bytearray, memoryview, array, ctypes objects) or a CUDA-array-interface object.
_Ptr: TypeAlias = int | None | Pointer | _Struct | Buffer | _CudaArray
_Str: TypeAlias = str | _Ptr
# list[bytes] and list[int] spelled out: a list is invariant, so list[str | _Ptr] refuses them
_Strs: TypeAlias = list[str | _Ptr] | list[bytes] | list[str] | tuple[str | _Ptr, ...] | _Ptr
# kernel arguments also as NVIDIA's ((values), (ctypes types)): a type None takes a Pointer, handle or struct
_Ptrs: TypeAlias = list[_Ptr] | list[int] | tuple[_Ptr, ...] | tuple[tuple[Any, ...], tuple[Any, ...]] | _Ptr
_Ints: TypeAlias = list[int] | tuple[int, ...] | _Ptr
_Extra: TypeAlias = list[Any] | tuple[Any, ...] | _Ptr

# not a disjoint base: hip._util.runtime.StructBase, the one base of every module's _Struct, is
class _Struct:
    """Base of every HIP struct/union class: fields as attributes, memory as a buffer."""
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    @classmethod
    def from_ptr(cls, ptr: int | Pointer, owner: object = ...) -> Any: ...
    @classmethod
    def fromObj(cls, pyobj: _Ptr) -> Any: ...
    @classmethod
    def PROPERTIES(cls) -> list[str]: ...
    @property
    def ptr(self) -> int: ...
    def getPtr(self) -> int: ...
    def __int__(self) -> int: ...
    def __len__(self) -> int: ...
    def __getitem__(self, key: int | str) -> Any: ...
    def __setitem__(self, key: int | str, value: Any, /) -> None: ...

def sizeof(obj: _Struct | type[_Struct]) -> int: ...

__test__: dict[str, str]   # Cython's docstring-test table
'''
STRUCT_HELPERS = {"ptr", "getPtr", "from_ptr", "fromObj", "PROPERTIES"}   # _Struct's own names
BUILTIN_TYPES = ("int", "float", "bool", "bytes", "list", "str", "type")


class StubEmitter:
    def __init__(self, manifest: dict):
        self.m = manifest
        self.c = CView(manifest)
        self.plan = plan_.plan(manifest, self.c)
        self.aliases = tables.runtime_aliases(self.c)

    # -- types -------------------------------------------------------------------------
    def field_type(self, spec) -> str:
        code, size, extra = spec
        if code in "iuB":
            return "int"
        if code == "b":
            return "bool"
        if code == "f":
            return "float" if size in (4, 8) else "bytes"
        if code == "e":
            return f"{sorted(self.m['enums'])[extra[0]]} | int"
        if code == "r":
            return extra
        if code == "p":
            return "int"
        if extra[0] in "iu" and extra[1] == 1:
            return "bytes"
        return f"list[{self.field_type(extra)}]"

    def param_type(self, p: plan_.Param) -> str:
        if p.role == "value":
            return p.arg
        if p.role == "record":
            return f"{p.record} | tuple[Any, ...] | int | Buffer"
        if p.arg == "handle":   # its class, or a raw address
            return f"{p.handle} | Pointer | int | None"
        if p.role == "handle_ref":
            return "Pointer | int | None"
        return {"pointer": "_Ptr", "string": "_Str", "strings": "_Strs", "pointers": "_Ptrs",
                "launch_extra": "_Extra", "ints": "_Ints"}[p.role]

    def out_type(self, p: plan_.Param) -> str:
        return {"cstr": "CStr | None", "handle": p.handle, "device_array": "DeviceArray", "pointer": "Pointer",
                "enum": p.enum, "bool": "bool", "scalar": self.scalar_type(p.carrier), "record": p.record}[p.out]

    def result_type(self, r: plan_.Result) -> str:
        return {"void": "None", "record": r.record, "cstr": "CStr | None", "address": "int", "enum": r.enum,
                "bool": "bool", "scalar": self.scalar_type(r.carrier), "handle": f"{r.handle} | None"}[r.kind]

    @staticmethod
    def scalar_type(carrier: str) -> str:
        """A number as the module returns it: long double (and _Float16) as their bytes."""
        return "float" if carrier in ("float", "double") else "bytes" if carrier == "long double" else "int"

    # -- stub text -----------------------------------------------------------------------
    def function_stub(self, name: str) -> list[str]:
        k = self.plan[name]
        args = [f"{p.py}: {self.param_type(p)}" for p in k.ins]
        r = k.result   # AMD's (hipSuccess, value); a void result is no element, (ncclSuccess,), or None (roctx)
        vals = [r.lead] * bool(r.lead) + [self.result_type(r)] * (r.kind != "void" or not r.lead)
        vals += [self.out_type(p) for p in k.outs]
        ret = "None" if r.kind == "void" and not r.lead and not k.outs else f"tuple[{', '.join(vals)}]"
        if libraries.bare_results(k.module) and not k.outs:   # AMD's LLVM-C: the value alone
            ret = vals[0] if vals else "None"
        elif libraries.bare_results(k.module) and r.kind == "void":   # the outs alone
            ret = f"tuple[{', '.join(vals[1:])}]"
        if libraries.bare_results(k.module):   # C strings keep LLVM's address (LLVMDisposeMessage frees them)
            ret = ret.replace("CStr | None", "CString | None")
        doc = f'    """C: {self.c.c_signature(name)}"""'
        if k.struct_out_optional:
            first, other = args[0], args[1].split(":")[0]
            rec = k.struct_out_optional
            err = self.result_type(k.result)
            return ["@overload", f"def {name}({first.split(':')[0]}: int) -> tuple[{err}, {rec}]:", doc,
                    "@overload", f"def {name}({first.split(':')[0]}: {rec} | _Ptr, {other}: int) -> tuple[{err}]:", doc]
        if k.text_out_optional:
            err = self.result_type(k.result)
            (buf, n, rest) = (a.split(":")[0] for a in args)
            return ["@overload", f"def {name}({buf}: int, {n}: int) -> tuple[{err}, str]:", doc,
                    "@overload", f"def {name}({', '.join(args)}) -> {ret}:", doc]
        return [f"def {name}({', '.join(args)}) -> {ret}:", doc]

    def enum_stub(self, name: str) -> list[str]:
        members = tables.enum_members(self.c, name) or (("_empty", 0),)
        out = [f"class {name}(enum.IntEnum):"]
        out += [f"    {n} = {v}" for n, v in members]
        return out

    def record_stub(self, name: str) -> list[str]:
        r = self.m["records"][name]
        if not r["size"]:
            return [f"class {name}(Handle):", f'    """Handle to an opaque C {name} (int(h) is its value)."""']
        # a name met twice (two anonymous members sharing it) is the later field at run time
        typed = {n: self.field_type(spec) for n, _, spec in tables.record_table(self.c, name)}
        rows = [(n, t) for n, t in typed.items() if not keyword.iskeyword(n)]
        shadow = {n for n, _ in rows} & set(BUILTIN_TYPES)

        def q(t: str) -> str:
            return " ".join(f"builtins.{w}" if w in shadow else w for w in t.replace("[", " [ ").replace("]", " ] ").split()) \
                .replace(" [ ", "[").replace(" ] ", "]").replace(" ]", "]")

        out = [f"class {name}(_Struct):", f'    """C {name} ({r["size"]} bytes)."""']
        for n, t in rows:
            if n in STRUCT_HELPERS:   # the field wins over the helper (a property at run time)
                ignore = "" if (n, t) == ("ptr", "int") else "  # type: ignore[override]"
                out += [f"    @property{ignore}", f"    def {n}(self) -> {q(t)}: ...",
                        f"    @{n}.setter", f"    def {n}(self, value: {q(t)}) -> None: ..."]
            else:
                out.append(f"    {n}: {q(t)}")
        params = ", ".join(f"{n}: {q(t)} = ..." for n, t in rows)
        out.append(f"    def __init__(self{', ' if params else ''}{params}) -> None: ...")
        return out

    def stub(self, module: str) -> str:
        m = self.m
        v = m["hip_version"]
        other = "hiprtc" if module == "hip" else "hip"
        funcs = sorted(n for n, f in m["functions"].items() if f["module"] == module)
        out = [f"# Generated by hip_bindgen {cheader.GENERATOR_VERSION} from HIP {v['string']} headers. Do not edit.",
               f'"""Types of hip.{module} for HIP {v["string"]}: every function returns (result, *out-parameters)."""',
               "import builtins", ""]
        out.append(PRELUDE)
        imports = sorted({n for n, e in m["enums"].items() if e["module"] == other}
                         | {n for n, r in m["records"].items() if r["module"] == other})
        if imports:
            out.append(f"from hip.{other} import (\n" + "".join(f"    {n} as {n},\n" for n in imports) + ")\n")
        consts = {n: c["value"] for n, c in sorted(m["constants"].items()) if c["module"] == module}
        header = {"HIP_VERSION_STRING": f'"{v["string"]}"', "HIP_VERSION": v["packed"], "HIP_VERSION_MAJOR": v["major"],
                  "HIP_VERSION_MINOR": v["minor"], "HIP_VERSION_PATCH": v["patch"]}
        # the module sets these, then its constants (the same #defines, when present) replace them
        out += [f"{n}: Final = {c}" for n, c in header.items() if n not in consts] + [""]
        for name in sorted(n for n, e in m["enums"].items() if e["module"] == module):
            out += self.enum_stub(name) + [""]
        for name in sorted(n for n, r in m["records"].items() if r["module"] == module):
            out += self.record_stub(name) + [""]
        for name, target in sorted(self.aliases.items()):
            if name not in m["records"] and name not in m["enums"]:
                out.append(f"{name}: TypeAlias = {target}")
        out.append("")
        out += [f"{n}: Final = {c}" for n, c in consts.items()]
        # every enum's members are also module attributes (hip.hipSuccess), unless a constant
        # of the same name takes the place
        for ename in sorted(m["enums"]):
            for n, _ in tables.enum_members(self.c, ename):
                if n not in consts:
                    out.append(f"{n}: Final = {ename}.{n}")
        out.append("")
        for name in funcs:
            out += self.function_stub(name)
        for name, a in sorted(m["aliases"].items()):
            if a["target"] in funcs:
                out.append(f"{name} = {a['target']}")
        return "\n".join(out) + "\n"


def generate(manifest: dict) -> dict[str, str]:
    """Package-relative file name -> text of the stubs of one release."""
    e = StubEmitter(manifest)
    return {"hip.pyi": e.stub("hip"), "hiprtc.pyi": e.stub("hiprtc"), "py.typed": ""}


def generate_library(manifest: dict) -> dict[str, str]:
    """``<lib>.pyi`` of a ROCm library module (``hip.hipfft``): HIP's types imported from
    ``hip.hip``, plus the library's version facts."""
    lib = manifest["library"]
    text = StubEmitter(manifest).stub(lib["name"])
    text += (f"LIBRARY_VERSION: Final = {lib['version']!r}\nLIBRARY_HEADER_VERSION: Final = {lib['header_version']!r}\n"
             f"LIBRARY_SONAME: Final = {lib['soname']!r}\n")
    return {f"{lib['name']}.pyi": text}
