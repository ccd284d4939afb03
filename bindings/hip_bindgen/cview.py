"""The manifest seen as C: how a type resolves and how it is spelled, for every renderer.

``emit`` (the hip/hiprtc Cython), ``compact`` (the library tables), ``stubs``, ``capi`` and
``plan`` all ask the same questions of a manifest type (what does this typedef name, how is it
declared in C, which plain type does a value cross into a shim as, which handle class does a
pointer name); the answers live here once, on a ``CView`` each renderer holds (none subclasses
another to borrow them).
"""
from __future__ import annotations

import keyword

from . import contract as C
from . import params as P

PY_KEYWORDS = set(keyword.kwlist) | {"None", "True", "False"}
PY_RESERVED = PY_KEYWORDS | {"print", "exec", "None", "True", "False", "object", "type",
                             "int", "float", "bytes", "str", "len", "range", "id"}
# the ABI types a compact slot holds (compact.py, hip/_dispatch.pxi's _hp_slot)
SLOT_INTS = {"int8_t", "char", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t", "uint64_t", "_Bool"}


class CView:
    def __init__(self, manifest: dict):
        self.m = manifest
        self.td = manifest["typedefs"]
        self.enum_index = C.positions(manifest["enums"])
        self.record_index = C.positions(manifest["records"])
        # opaque structs (declared, never defined): only pointers to them exist, i.e. handles
        self.handles = sorted(n for n, r in manifest["records"].items() if not r["size"])
        self.handle_index = C.positions(self.handles)

    def resolve(self, ref: dict) -> dict:
        return P.resolve(ref, self.td)

    def c_base(self, ref: dict) -> str:
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

    def cdecl(self, ref: dict, inner: str = "") -> str:
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

    def carrier(self, ref: dict) -> str:
        """The plain C type a Python value crosses into a Cython shim as."""
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

    def abi(self, ref: dict) -> str:
        """The type a compact thunk passes a value as: a fixed-width integer, float/double,
        ``void*``, or a record's own name (by value); ValueError when no slot holds it."""
        t = self.resolve(ref)
        if t["kind"] == "enum":
            t = self.m["enums"][t["name"]]["underlying"]
        if t["kind"] == "int":
            c = self.c_base(dict(t, const=False))
            if c not in SLOT_INTS:
                raise ValueError(f"no slot for a {c}")
            return c
        if t["kind"] == "float":
            c = self.c_base(t)
            if c not in ("float", "double"):
                raise ValueError(f"no slot for a {c}")
            return c
        if t["kind"] == "void":
            return "void"
        if t["kind"] == "record":
            return t["name"]
        return "void*"

    def handle_of(self, t: dict) -> str | None:
        """The opaque record a (resolved) pointer type points to, i.e. its handle class."""
        if t["kind"] != "pointer":
            return None
        to = self.resolve(t["to"])
        return to["name"] if to["kind"] == "record" and to["name"] in self.handle_index else None

    def pyname(self, name: str) -> str:
        # a generated def's body calls builtins (isinstance, int), so a parameter may not shadow
        # them; a ROCm library's functions have no Python body (compact.py), so they keep the C
        # names AMD's keywords use (hipfftPlan1d(..., type=...), roctxRangeStop(id=...)) and only
        # Python keywords are renamed
        reserved = PY_KEYWORDS if "library" in self.m else PY_RESERVED
        return name + "_" if name in reserved else name

    def c_signature(self, name: str) -> str:
        """``name``'s C prototype, as the docstrings and stubs quote it."""
        f = self.m["functions"][name]
        return self.cdecl(f["returns"], f"{name}(" + ", ".join(self.cdecl(p["type"], p["name"]) for p in f["params"]) + ")")


def topo(names, deps_of) -> list:
    """``names`` sorted so each comes after its dependencies (cycles broken where met)."""
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
