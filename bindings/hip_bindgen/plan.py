"""The plan of every call: each parameter and each result of a manifest classified once.

``plan(manifest)`` (pure: no I/O) decides, for every function, how each parameter is passed
from Python and what each out-parameter and the C result become; the renderers (``emit`` for
hip/hiprtc's Cython, ``compact`` for the library tables, ``stubs``, ``capi``) only spell these
decisions.  A new parameter role or result kind is a change here and one line per renderer.
``tests/bindgen`` keeps each case header's plan as readable text (``plan.txt.snap``), so a
classification change shows as one diff.

Per parameter: its ``role`` (``params.py``: value, record, pointer, string, strings, pointers,
ints, launch_extra, handle_ref, out), for a ``value`` its ``arg`` kind (int, float, bool), for a
pointer to an opaque struct ``handle`` (its class, or a raw address, is all it takes), for an
``out`` its ``out`` kind:

``cstr``          ``const char**``: the text, or None
``handle``        a pointer to an opaque struct: the ``handle`` class
``device_array``  ``void**`` of a device allocation: a DeviceArray of ``size_param``'s bytes
``pointer``       any other ``T**``: a Pointer
``enum``          an enum value: a member of ``enum``
``bool``          a C ``bool``
``scalar``        an integer or float

and whether C writes through a pointer (``written``: a read-only buffer is refused), an int
array's element (``element``: width, signed, slot type) and whether a list given for it gets the
values back (``back``), the handle class a pointer input names (``handle``).

Per function: the ``Result`` kind (void, record, enum, cstr, address, bool, scalar), whether it
is the module's error/status enum (``status``), whether the call releases the GIL (``nogil``),
and, for any other result, whether the status's success member leads the tuple (``lead``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from . import libraries
from . import params as P
from .cview import CView

# The error enums of hip and hiprtc; a library's status enum is in libraries.STATUS_ENUMS
ERROR_ENUMS = ("hipError_t", "hiprtcResult")
# AMD's 10.x HIP Python (rocm.bindings.*, and the hip.* alias of it): in a module that has an
# error/status enum, a C result that is not that enum comes after the status's success member,
# `(hipError_t.hipSuccess, text)` for hipGetErrorName, `(HIPSPARSE_STATUS_SUCCESS, fill mode)`
# for hipsparseGetMatFillMode, `(ncclResult_t.ncclSuccess,)` for a void RCCL function; every kind
# of result alike (string, int, struct, enum).  roctx has no status enum: `(int,)`, void None.


@dataclass(frozen=True)
class Param:
    index: int
    name: str                  # the C name
    py: str                    # the Python name (keywords renamed)
    role: str
    carrier: str               # the plain C type a value (or an out's pointee) crosses as
    abi: str | None = None     # its compact slot type (None: no slot holds it)
    arg: str | None = None     # value: int, float or bool; pointer: handle or void_handle
    out: str | None = None     # out: cstr, handle, device_array, pointer, enum, bool, scalar
    written: bool = False      # C writes through this pointer: a read-only buffer is refused
    back: bool = False         # ints: the array is not const, a list given gets the values back
    element: tuple | None = None   # ints: (width in bytes, signed, slot type)
    handle: str | None = None  # the handle class (out handle, or a pointer input naming one)
    enum: str | None = None    # out enum: its enum
    record: str | None = None  # record: its struct
    size_param: int | None = None  # device_array: the position of its byte count


@dataclass(frozen=True)
class Result:
    kind: str                  # void, record, enum, cstr, address, handle, bool, scalar
    carrier: str
    abi: str | None = None
    enum: str | None = None
    record: str | None = None
    status: bool = False       # the module's error/status enum
    nogil: bool = False        # the call releases the GIL
    lead: str | None = None    # the module's status enum, whose success member leads the tuple
    handle: str | None = None  # handle: the class of the opaque struct pointer returned (LLVM-C)


@dataclass(frozen=True)
class Call:
    name: str
    module: str
    symbol: str
    params: tuple
    result: Result
    variadic: bool = False
    # params.STRUCT_OUT_OPTIONAL: the struct returned when the leading struct pointer is left out
    struct_out_optional: str | None = None
    # params.TEXT_OUT_OPTIONAL: the buffer may be left out (AMD's form), the text returned
    text_out_optional: bool = False

    @property
    def ins(self) -> tuple:
        return tuple(p for p in self.params if p.role != "out")

    @property
    def outs(self) -> tuple:
        return tuple(p for p in self.params if p.role == "out")

    @property
    def roles(self) -> list:
        return [p.role for p in self.params]


def _abi(c: CView, ref: dict) -> str | None:
    try:
        return c.abi(ref)
    except ValueError:
        return None


def param(c: CView, name: str, f: dict, i: int, role: str) -> Param:
    p = f["params"][i]
    t = c.resolve(p["type"])
    base = dict(index=i, name=p["name"], py=c.pyname(p["name"]), role=role)
    if role == "value":
        carrier = c.carrier(p["type"])
        arg = "bool" if carrier == "bint" else ("float" if t["kind"] == "float" else "int")
        return Param(**base, carrier=carrier, abi=_abi(c, p["type"]), arg=arg)
    if role == "record":
        return Param(**base, carrier="void*", abi=t["name"], record=t["name"])
    if role == "out":
        to = c.resolve(t["to"])
        if to["kind"] == "pointer":
            inner = c.resolve(to["to"])
            if inner["kind"] == "int" and inner["size"] == 1:
                return Param(**base, carrier="void*", abi="void*", out="cstr")
            if c.handle_of(to):
                return Param(**base, carrier="void*", abi="void*", out="handle", handle=c.handle_of(to))
            size = P.device_array_size(name, f["params"])
            if size:
                return Param(**base, carrier="void*", abi="void*", out="device_array",
                             size_param=[q["name"] for q in f["params"]].index(size))
            return Param(**base, carrier="void*", abi="void*", out="pointer")
        if to["kind"] == "record":   # params.RECORD_OUTS: a handle struct, returned new
            return Param(**base, carrier="void*", abi="void*", out="record", record=to["name"])
        carrier, abi = c.carrier(t["to"]), _abi(c, t["to"])
        if to["kind"] == "enum":
            return Param(**base, carrier=carrier, abi=abi, out="enum", enum=to["name"])
        if to["kind"] == "int" and to["name"] == "bool":
            return Param(**base, carrier=carrier, abi=abi, out="bool")
        return Param(**base, carrier=carrier, abi=abi, out="scalar")
    if role == "pointer":   # a pointer to an opaque struct is a handle: typed by its class (arg "handle")
        handle = c.handle_of(t)
        # a library's own handle typedef of void* (hipblasHandle_t): no class to type it by (its
        # create function gives a Pointer, as AMD's), but a typed handle or a struct is surely
        # another object: refused (arg "void_handle")
        arg = "handle" if handle else "void_handle" if P.void_handle(p["type"], c.td) else None
        return Param(**base, carrier="void*", abi="void*", written=P.written(name, p, c.td), handle=handle,
                     arg=arg)
    if role == "ints":
        el = P.int_element(p["type"], c.td)
        abi = _abi(c, el)
        el = c.m["enums"][el["name"]]["underlying"] if el["kind"] == "enum" else el
        back = not c.resolve(t["to"]).get("const", False)
        return Param(**base, carrier="void*", abi="void*", written=P.written(name, p, c.td), back=back,
                     element=(el["size"], el["signed"], abi))
    return Param(**base, carrier="void*", abi="void*")   # string, strings, pointers, launch_extra, handle_ref


def _status_enum(c: CView, module: str) -> str | None:
    """The error/status enum of ``module`` (``hipError_t`` of hip, ``hipblasStatus_t`` ...)."""
    found = [e for e, d in sorted(c.m["enums"].items()) if d["module"] == module
             and (e in ERROR_ENUMS or e in libraries.STATUS_ENUMS)]
    return found[0] if found else None


def result(c: CView, name: str, f: dict) -> Result:
    r = _result(c, name, f)
    return r if r.status else replace(r, lead=_status_enum(c, f["module"]))


def _result(c: CView, name: str, f: dict) -> Result:
    ret = c.resolve(f["returns"])
    carrier, abi = c.carrier(f["returns"]), _abi(c, f["returns"])
    if ret["kind"] == "void":
        return Result("void", carrier, abi)
    if ret["kind"] == "record":
        return Result("record", carrier, abi, record=ret["name"])
    if ret["kind"] == "pointer":
        to = c.resolve(ret["to"])
        # AMD's LLVM-C returns a handle by value as its class (LLVMContextCreate -> LLVMOpaqueContext)
        if libraries.bare_results(f["module"]) and c.handle_of(ret):
            return Result("handle", carrier, abi, handle=c.handle_of(ret))
        return Result("cstr" if to["kind"] == "int" and to["size"] == 1 else "address", carrier, abi)
    if ret["kind"] == "enum":
        status = ret["name"] in ERROR_ENUMS or ret["name"] in libraries.STATUS_ENUMS
        return Result("enum", carrier, abi, enum=ret["name"], status=status,
                      nogil=status and name not in P.KEEP_GIL)
    if ret["kind"] == "int" and ret["name"] == "bool":
        return Result("bool", carrier, abi)
    return Result("scalar", carrier, abi)


def call(c: CView, name: str) -> Call:
    f = c.m["functions"][name]
    roles = P.roles(name, f, c.td)
    return Call(name=name, module=f["module"], symbol=f.get("symbol", name),
                params=tuple(param(c, name, f, i, r) for i, r in enumerate(roles)),
                result=result(c, name, f), variadic=f["variadic"],
                struct_out_optional=_optional_struct(c, name, f), text_out_optional=_optional_text(name, f))


def _optional_text(name: str, f: dict) -> bool:
    if name not in P.TEXT_OUT_OPTIONAL:
        return False
    assert tuple(p["name"] for p in f["params"][:2]) == P.TEXT_OUT_OPTIONAL[name] and len(f["params"]) == 3, name
    return True


def _optional_struct(c: CView, name: str, f: dict) -> str | None:
    if name not in P.STRUCT_OUT_OPTIONAL:
        return None
    first = f["params"][0]
    assert first["name"] == P.STRUCT_OUT_OPTIONAL[name], name
    return c.resolve(c.resolve(first["type"])["to"])["name"]


def plan(manifest: dict, view: CView | None = None) -> dict[str, Call]:
    """Function name -> its Call, in name order."""
    c = view or CView(manifest)
    return {name: call(c, name) for name in sorted(manifest["functions"])}


def doc(c: CView, k: Call) -> str:
    """A function's docstring: "name(args)\\n--\\n\\n" first, CPython's text signature, so
    inspect.signature (and so stubtest and IDEs) reads the real parameter names from it; the
    same text in a ``def`` (emit.py) and in a library's table row (compact.py)."""
    ins = ", ".join(p.py for p in k.ins)
    first = ["status"] if k.result.lead else []   # AMD's (status, result); a void result is no element
    first += [] if k.result.kind == "void" and k.result.lead else ["result"]
    return (f"{k.name}({ins})\n--\n\n{k.name}({ins}) -> ({', '.join(first + [p.name for p in k.outs])})"
            f"\n\nC: {c.c_signature(k.name)}")


def text(calls: dict[str, Call]) -> str:
    """The plan as readable lines (the snapshot tests keep it): one per function, one per parameter."""
    out = []
    for name, k in calls.items():
        r = k.result
        flags = [f for f, on in (("status", r.status), ("nogil", r.nogil), ("variadic", k.variadic)) if on]
        of = r.enum or r.record
        lead = f"{r.lead} success, " if r.lead else ""
        out.append(f"{name} [{k.module}] -> {lead}{r.kind}{f' {of}' if of else ''} ({r.carrier})"
                   + (f" {' '.join(flags)}" if flags else "")
                   + (f" optional={k.struct_out_optional}" if k.struct_out_optional else "")
                   + (" optional=text" if k.text_out_optional else ""))
        for p in k.params:
            kind = p.out or p.arg or ""
            extra = [f"{a}={getattr(p, a)}" for a in ("handle", "enum", "record", "size_param", "element")
                     if getattr(p, a) is not None]
            extra += [a for a in ("written", "back") if getattr(p, a)]
            # the C type a number crosses as (and its slot type where that differs)
            ctype = "" if p.carrier == "void*" else f" ({p.carrier}{'' if p.abi == p.carrier else f', slot {p.abi}'})"
            out.append(f"  {p.index} {p.name}{f' as {p.py}' if p.py != p.name else ''}: {p.role}"
                       f"{f' {kind}' if kind else ''}{ctype}{''.join(' ' + e for e in extra)}")
    return "\n".join(out) + "\n"
