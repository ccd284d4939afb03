"""What a release's headers declare versus what its wheel binds, with a reason for each gap."""
from __future__ import annotations

from . import params as P


def report(manifest: dict) -> dict:
    """Counts per kind (``in_headers``, ``bound``) and the unbound entities with reasons."""
    td = manifest["typedefs"]
    unbound: list[dict] = []
    funcs_bound = 0
    for name, f in sorted(manifest["functions"].items()):
        try:
            P.roles(name, f, td)
            funcs_bound += 1
        except (ValueError, KeyError) as exc:
            unbound.append({"kind": "function", "name": name, "reason": str(exc)})
    for name, s in sorted(manifest["skipped"].items()):
        unbound.append({"kind": "function", "name": name, "reason": s["reason"]})
    opaque = [n for n, r in manifest["records"].items() if r["size"] is None]
    for name in sorted(opaque):
        unbound.append({"kind": "struct", "name": name,
                        "reason": "opaque (declared, never defined): used only through handles, which are ints"})
    plain_typedefs = []
    for name in sorted(td):
        t = P.resolve({"kind": "typedef", "name": name}, td)
        if t["kind"] not in ("record", "enum"):
            plain_typedefs.append(name)
            unbound.append({"kind": "typedef", "name": name,
                            "reason": f"alias of a {t['kind']}: Python values are plain ints/floats"})
    counts = {
        "functions": {"in_headers": len(manifest["functions"]) + len(manifest["skipped"]), "bound": funcs_bound},
        "enums": {"in_headers": len(manifest["enums"]), "bound": len(manifest["enums"])},
        "structs": {"in_headers": len(manifest["records"]), "bound": len(manifest["records"]) - len(opaque)},
        "typedefs": {"in_headers": len(td), "bound": len(td) - len(plain_typedefs)},
        "constants": {"in_headers": len(manifest["constants"]), "bound": len(manifest["constants"])},
    }
    by_module = {m: sum(1 for f in manifest["functions"].values() if f["module"] == m) for m in ("hip", "hiprtc")}
    return {"hip_version": manifest["hip_version"]["string"], "counts": counts,
            "functions_by_module": by_module, "unbound": unbound}


def format_table(reports: list[dict]) -> str:
    kinds = ("functions", "enums", "structs", "typedefs", "constants")
    head = f"{'HIP':<11}" + "".join(f"{k:>16}" for k in kinds) + f"{'hip/hiprtc fns':>16}"
    rows = [head, "-" * len(head)]
    for r in reports:
        cells = "".join(f"{c['bound']:>9}/{c['in_headers']:<6}" for c in (r["counts"][k] for k in kinds))
        fm = r["functions_by_module"]
        rows.append(f"{r['hip_version']:<11}{cells}{fm['hip']:>10}/{fm['hiprtc']:<5}")
    rows.append("(bound/in headers; run with --unbound to list what is not bound and why)")
    return "\n".join(rows)


def format_library_table(reports: list[dict]) -> str:
    """One row per ROCm library and release: functions bound / declared, and the other kinds."""
    kinds = ("functions", "enums", "structs", "typedefs", "constants")
    head = f"{'library':<12}{'version':<9}{'HIP':<11}" + "".join(f"{k:>14}" for k in kinds)
    rows = [head, "-" * len(head)]
    for r in reports:
        cells = "".join(f"{c['bound']:>8}/{c['in_headers']:<5}" for c in (r["counts"][k] for k in kinds))
        rows.append(f"{r['library']['title']:<12}{r['library']['version']:<9}{r['hip_version']:<11}{cells}")
    rows.append("(bound/declared in the library's own headers; HIP's types stay in hip.hip; --unbound lists why)")
    return "\n".join(rows)


def library_report(manifest: dict) -> dict:
    """``report`` of a library manifest, counting only the library's own declarations."""
    lib = manifest["library"]["name"]
    full = report(manifest)
    own = {k: {n for n, e in manifest[k].items() if e["module"] == lib}
           for k in ("functions", "enums", "records", "typedefs", "constants", "skipped")}
    kind_of = {"function": own["functions"] | own["skipped"], "struct": own["records"], "typedef": own["typedefs"]}
    unbound = [u for u in full["unbound"] if u["name"] in kind_of[u["kind"]]]
    gaps = {k: sum(1 for u in unbound if u["kind"] == k) for k in kind_of}
    sizes = {"functions": len(kind_of["function"]), "enums": len(own["enums"]), "structs": len(own["records"]),
             "typedefs": len(own["typedefs"]), "constants": len(own["constants"])}
    gap = {"functions": gaps["function"], "structs": gaps["struct"], "typedefs": gaps["typedef"]}
    counts = {k: {"in_headers": n, "bound": n - gap.get(k, 0)} for k, n in sizes.items()}
    return {"hip_version": full["hip_version"], "library": manifest["library"], "counts": counts, "unbound": unbound}
