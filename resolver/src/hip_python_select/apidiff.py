"""Exact API differences between two HIP releases, from their manifests (pure functions).

A manifest is the JSON API model the bindings generator writes for each release
(functions, enums, records, typedefs, constants, aliases).  Two definitions are the
same when their *deep* form is: typedefs expanded, structs compared by size and by
every field's name, offset and type, enums by their underlying integer type (enum
*values* are compared per constant, because that is how code uses them).
"""
from __future__ import annotations

KINDS = ("functions", "enums", "records", "typedefs", "constants")


ABI = {"abi": True}  # marker: compare as the machine sees it (qualifiers ignored)


def _deep(ref: dict, m: dict, seen: frozenset = frozenset(), abi: bool = False):
    """A hashable, comparable form of a TypeRef with every name it depends on expanded.

    With ``abi`` const qualifiers are ignored: ``const char**`` and ``const char* const*``
    are passed the same way, so code calling one works with the other.
    """
    if abi:
        return _deep_abi(ref, m, seen)
    k = ref["kind"]
    const = bool(ref.get("const"))
    if k == "typedef":
        t = m["typedefs"].get(ref["name"])
        return ("?", ref["name"]) if t is None else _deep(dict(t["type"], const=const or t["type"].get("const")), m, seen)
    if k == "pointer":
        return ("ptr", const, _deep(ref["to"], m, seen))
    if k == "array":
        return ("array", ref["len"], _deep(ref["of"], m, seen))
    if k == "function":
        return ("fn", _deep(ref["returns"], m, seen), tuple(_deep(p, m, seen) for p in ref["params"]),
                ref.get("variadic", False))
    if k == "enum":
        e = m["enums"].get(ref["name"])
        return ("enum", const, None if e is None else _deep(e["underlying"], m, seen))
    if k == "record":
        name = ref["name"]
        r = m["records"].get(name)
        if r is None or r["size"] is None or name in seen:
            return ("record", const, name)  # opaque, or a cycle through a pointer: identity by name
        inner = seen | {name}
        return ("record", const, r["kind"], r["size"],
                tuple((f["name"], f["offset"], f.get("bits"), _deep(f["type"], m, inner)) for f in r["fields"]))
    if k in ("int", "float"):
        return (k, const, ref["size"], ref.get("signed"))
    return (k, const)


def _strip(ref):
    if isinstance(ref, dict):
        return {k: _strip(v) for k, v in ref.items() if k != "const"}
    if isinstance(ref, list):
        return [_strip(v) for v in ref]
    return ref


def _deep_abi(ref, m, seen):
    stripped = {**m, "typedefs": {n: {**t, "type": _strip(t["type"])} for n, t in m["typedefs"].items()},
                "records": {n: {**r, "fields": [{**f, "type": _strip(f["type"])} for f in r["fields"]]}
                            for n, r in m["records"].items()}}
    return _deep(_strip(ref), stripped, seen)


def spell(ref: dict) -> str:
    """A short C-like spelling of a TypeRef, for messages."""
    k = ref["kind"]
    c = "const " if ref.get("const") else ""
    if k == "pointer":
        return spell(ref["to"]) + " *" + (" const" if ref.get("const") else "")
    if k == "array":
        return f"{spell(ref['of'])}[{ref['len']}]"
    if k == "function":
        return f"{spell(ref['returns'])} (*)({', '.join(spell(p) for p in ref['params'])})"
    if k == "void":
        return c + "void"
    return c + ref.get("name", k)


def signature(name: str, m: dict):
    f = m["functions"][name]
    return (_deep(f["returns"], m), tuple(_deep(p["type"], m) for p in f["params"]), f.get("variadic", False))


def abi_identical(name: str, a: dict, b: dict) -> bool:
    """Same calling convention and layouts: differences, if any, are const qualifiers only."""
    fa, fb = a["functions"][name], b["functions"][name]
    return (len(fa["params"]) == len(fb["params"]) and fa.get("variadic") == fb.get("variadic")
            and _deep_abi(fa["returns"], a, frozenset()) == _deep_abi(fb["returns"], b, frozenset())
            and all(_deep_abi(x["type"], a, frozenset()) == _deep_abi(y["type"], b, frozenset())
                    for x, y in zip(fa["params"], fb["params"])))


def function_changes(name: str, a: dict, b: dict) -> list[str]:
    """How function ``name`` differs between manifests a and b (empty when identical)."""
    fa, fb = a["functions"][name], b["functions"][name]
    out = []
    if _deep(fa["returns"], a) != _deep(fb["returns"], b):
        out.append(f"return type {spell(fa['returns'])} -> {spell(fb['returns'])}{_why(fa['returns'], fb['returns'], a, b)}")
    if len(fa["params"]) != len(fb["params"]):
        out.append(f"parameter count {len(fa['params'])} -> {len(fb['params'])}")
    for i, (pa, pb) in enumerate(zip(fa["params"], fb["params"])):
        if _deep(pa["type"], a) != _deep(pb["type"], b):
            out.append(f"parameter {i} ({pa['name']}) type {spell(pa['type'])} -> {spell(pb['type'])}"
                       f"{_why(pa['type'], pb['type'], a, b)}")
    if fa.get("variadic") != fb.get("variadic"):
        out.append("variadic changed")
    return out


def _records_in(ref: dict, m: dict, seen=None) -> list[str]:
    seen = set() if seen is None else seen
    k = ref["kind"]
    if k == "typedef" and ref["name"] in m["typedefs"] and ref["name"] not in seen:
        seen.add(ref["name"])
        return _records_in(m["typedefs"][ref["name"]]["type"], m, seen)
    if k in ("pointer",):
        return _records_in(ref["to"], m, seen)
    if k == "array":
        return _records_in(ref["of"], m, seen)
    if k == "record":
        return [ref["name"]]
    return []


def _why(ra: dict, rb: dict, a: dict, b: dict) -> str:
    """Name the struct whose layout changed, when that is the reason two types differ."""
    for name in _records_in(ra, a):
        if name in b["records"]:
            changes = record_changes(name, a, b)
            if changes:
                return f" ({name}: {changes[0]}{'; ...' if len(changes) > 1 else ''})"
    return ""


def record_changes(name: str, a: dict, b: dict) -> list[str]:
    ra, rb = a["records"][name], b["records"][name]
    out = []
    if ra["size"] != rb["size"]:
        out.append(f"size {ra['size']} -> {rb['size']}")
    fa = {f["name"]: f for f in ra["fields"]}
    fb = {f["name"]: f for f in rb["fields"]}
    for n in sorted(fa.keys() - fb.keys()):
        out.append(f"field {n or '(anonymous)'} removed")
    for n in sorted(fb.keys() - fa.keys()):
        out.append(f"field {n or '(anonymous)'} added")
    for n in [f["name"] for f in ra["fields"] if f["name"] in fb]:
        x, y = fa[n], fb[n]
        label = n or "(anonymous member)"
        if x["offset"] != y["offset"]:
            out.append(f"field {label} offset {x['offset']} -> {y['offset']}")
        elif _deep(x["type"], a, frozenset({name})) != _deep(y["type"], b, frozenset({name})) or x.get("bits") != y.get("bits"):
            out.append(f"field {label} type {spell(x['type'])} -> {spell(y['type'])}{_why(x['type'], y['type'], a, b)}")
    if not out and _deep({"kind": "record", "name": name}, a) != _deep({"kind": "record", "name": name}, b):
        out.append("layout changed")
    return out


def enum_changes(name: str, a: dict, b: dict) -> list[str]:
    ea, eb = a["enums"][name], b["enums"][name]
    va, vb = dict(map(tuple, ea["constants"])), dict(map(tuple, eb["constants"]))
    out = [f"{c} removed" for c in sorted(va.keys() - vb.keys())]
    out += [f"{c} added" for c in sorted(vb.keys() - va.keys())]
    out += [f"{c} value {va[c]} -> {vb[c]}" for c in sorted(va.keys() & vb.keys()) if va[c] != vb[c]]
    if _deep(ea["underlying"], a) != _deep(eb["underlying"], b):
        out.append(f"underlying type {spell(ea['underlying'])} -> {spell(eb['underlying'])}")
    return out


def diff(a: dict, b: dict) -> dict:
    """Everything added, removed and changed from manifest ``a`` to manifest ``b``."""
    result = {"from": a["hip_version"]["string"], "to": b["hip_version"]["string"]}
    for kind in KINDS:
        ka, kb = set(a.get(kind, {})), set(b.get(kind, {}))
        changed = {}
        for name in sorted(ka & kb):
            if kind == "functions":
                c = function_changes(name, a, b)
            elif kind == "records":
                c = record_changes(name, a, b) if a["records"][name]["size"] is not None or b["records"][name]["size"] is not None else []
            elif kind == "enums":
                c = enum_changes(name, a, b)
            elif kind == "typedefs":
                ta, tb = a["typedefs"][name]["type"], b["typedefs"][name]["type"]
                c = [f"{spell(ta)} -> {spell(tb)}"] if _deep(ta, a) != _deep(tb, b) else []
            else:
                va, vb = a["constants"][name]["value"], b["constants"][name]["value"]
                c = [f"{va} -> {vb}"] if va != vb else []
            if c:
                changed[name] = c
        result[kind] = {"added": sorted(kb - ka), "removed": sorted(ka - kb), "changed": changed}
    aa, ab = a.get("aliases", {}), b.get("aliases", {})
    result["aliases"] = {n: [aa.get(n, {}).get("target"), ab.get(n, {}).get("target")]
                         for n in sorted(set(aa) | set(ab)) if aa.get(n) != ab.get(n)}
    la, lb = a.get("libraries"), b.get("libraries")
    if la is not None or lb is not None:   # the ROCm library modules, when the manifests have them
        la, lb = la or {}, lb or {}
        result["libraries"] = {"added": sorted(set(lb) - set(la)), "removed": sorted(set(la) - set(lb)),
                               "changed": {n: dict(diff(la[n], lb[n]), versions=[la[n]["library"]["version"],
                                                                                  lb[n]["library"]["version"]])
                                           for n in sorted(set(la) & set(lb))}}
    return result


def is_empty(d: dict) -> bool:
    libs = d.get("libraries")
    same_libs = not libs or (not libs["added"] and not libs["removed"]
                             and all(is_empty(x) for x in libs["changed"].values()))
    return not d["aliases"] and all(not any(d[k].values()) for k in KINDS) and same_libs


def format_text(d: dict, limit: int = 0) -> str:
    lines = [f"HIP {d['from']} -> HIP {d['to']}"]
    if is_empty(d):
        return lines[0] + ": identical API"
    for kind in KINDS:
        part = d[kind]
        counts = ", ".join(f"{len(part[x])} {x}" for x in ("added", "removed", "changed"))
        lines.append(f"{kind}: {counts}")
        for x in ("added", "removed"):
            names = part[x] if not limit else part[x][:limit]
            for n in names:
                lines.append(f"  {'+' if x == 'added' else '-'} {n}")
            if limit and len(part[x]) > limit:
                lines.append(f"  ... {len(part[x]) - limit} more {x}")
        items = list(part["changed"].items())
        for n, how in (items[:limit] if limit else items):
            lines.append(f"  ~ {n}: {'; '.join(how)}")
        if limit and len(items) > limit:
            lines.append(f"  ... {len(items) - limit} more changed")
    for n, (x, y) in d["aliases"].items():
        lines.append(f"alias {n}: {x or '(none)'} -> {y or '(none)'}")
    libs = d.get("libraries")
    if libs:
        for x in ("added", "removed"):
            for n in libs[x]:
                lines.append(f"library module {'+' if x == 'added' else '-'} hip.{n}")
        for n, ld in libs["changed"].items():
            head = f"hip.{n} ({' -> '.join(ld['versions'])})"
            lines.append(f"{head}: identical API" if is_empty(ld) else
                         "\n".join("  " + line for line in [head] + format_text(ld, limit).splitlines()[1:]))
    return "\n".join(lines)
