"""The tables a generated module hands its runtime: enums, records, aliases, constants, handles.

The same Python literals in ``hip.hip``/``hip.hiprtc`` (``emit.py``) and every ROCm library
module (``compact.py``); ``stubs.py`` reads the same rows to type the enums and structs.
"""
from __future__ import annotations

from . import contract as C
from .cview import CView

STRUCT_DEFAULTS = {"dim3": {"x": 1, "y": 1, "z": 1}}
# Enum members AMD's HIP Python has under the older hiprtc names: from HIP 6.4 the hiprtc
# enums are aliases of the hip ones (hiprtcJITInputType = hipJitInputType) and the HIPRTC_*
# names are #defines; constants of the hiprtc module with this prefix join the enum as aliases.
ENUM_EXTRA_MEMBERS = {"hipJitInputType": "HIPRTC_JIT_INPUT_", "hipJitOption": "HIPRTC_JIT_"}


def field_spec(c: CView, ref: dict):
    """(code, size, extra) describing a struct field for the runtime's generic accessors."""
    t = c.resolve(ref)
    k = t["kind"]
    if k == "int":
        code = C.FIELD_BOOL if t["name"] == "bool" else (C.FIELD_SIGNED if t["signed"] else C.FIELD_UNSIGNED)
        return (code, t["size"], None)
    if k == "float":
        return (C.FIELD_FLOAT, t["size"], None)
    if k == "enum":
        u = c.m["enums"][t["name"]]["underlying"]
        return (C.FIELD_ENUM, u["size"], (c.enum_index[t["name"]], u["signed"]))
    if k == "record":
        return (C.FIELD_RECORD, c.m["records"][t["name"]]["size"] or 0, t["name"])
    if k == "array":
        return (C.FIELD_ARRAY, t["len"], field_spec(c, t["of"]))
    return (C.FIELD_POINTER, 8, None)


def record_table(c: CView, name: str, base: int = 0) -> list:
    """Fields of a record, anonymous members flattened, as (name, offset, spec)."""
    rows = []
    for f in c.m["records"][name]["fields"]:
        spec = field_spec(c, f["type"])
        if not f["name"]:
            inner = c.resolve(f["type"])
            rows.extend(record_table(c, inner["name"], base + f["offset"]))
            continue
        if "bits" in f:
            t = c.resolve(f["type"])
            signed = t.get("signed", False) if t["kind"] == "int" else False
            spec = (C.FIELD_BITFIELD, spec[1], (f["bit_offset"], f["bits"], signed))
        rows.append((f["name"], base + f["offset"], spec))
    return rows


def runtime_aliases(c: CView) -> dict:
    """Typedef name -> the class it names at run time (the module's ``_ALIASES``)."""
    m, aliases = c.m, {}
    for name in sorted(c.td):
        t = c.resolve({"kind": "typedef", "name": name})
        if t["kind"] in ("record", "enum") and t["name"] != name:
            aliases[name] = t["name"]
        elif c.handle_of(t):   # hipStream_t -> the handle class ihipStream_t, as AMD's
            aliases[name] = c.handle_of(t)
    for name, a in sorted(m["aliases"].items()):
        if a["target"] in m["records"] or a["target"] in m["enums"] or a["target"] in c.td:
            t = c.resolve({"kind": "typedef", "name": a["target"]}) if a["target"] in c.td else {"name": a["target"]}
            if t.get("kind", "record") in ("record", "enum"):
                aliases[name] = t["name"]
    return aliases


def enum_members(c: CView, name: str) -> tuple:
    """(name, value) pairs of an enum: its constants, then AMD's extra names for them."""
    e = c.m["enums"][name]
    members = tuple(tuple(x) for x in e["constants"])
    prefix = ENUM_EXTRA_MEMBERS.get(name)
    if prefix:
        have = {x[0] for x in members}
        nested = tuple(p for p in ENUM_EXTRA_MEMBERS.values() if p != prefix and p.startswith(prefix))
        members += tuple((n, k["value"]) for n, k in sorted(c.m["constants"].items())
                         if n.startswith(prefix) and not n.startswith(nested) and n not in have
                         and isinstance(k["value"], int))
    return members


def lines(c: CView, module: str) -> list:
    """The module's enum, record, alias, constant and handle tables (Python literals)."""
    m, out = c.m, []
    # enums (all of them: both modules may return/accept any)
    enum_rows = []
    for name in sorted(m["enums"]):
        e = m["enums"][name]
        enum_rows.append(f"    ({name!r}, {e['module']!r}, {enum_members(c, name)!r}),")
    out.append("_ENUMS = (\n" + "\n".join(enum_rows) + "\n)")
    rec_rows = []
    for name in sorted(m["records"]):
        r = m["records"][name]
        rec_rows.append(f"    {name!r}: ({r['module']!r}, {r['size'] or 0}, {tuple(record_table(c, name)) if r['size'] else ()!r}, "
                        f"{STRUCT_DEFAULTS.get(name, {})!r}),")
    out.append("_RECORDS = {\n" + "\n".join(rec_rows) + "\n}")
    out.append(f"_ALIASES = {runtime_aliases(c)!r}")
    consts = {n: k["value"] for n, k in sorted(m["constants"].items()) if k["module"] == module}
    out.append(f"_CONSTANTS = {consts!r}")
    out.append("globals().update(_CONSTANTS)")
    out.append(f"_HANDLES = {tuple(c.handles)!r}")
    return out
