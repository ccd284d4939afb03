"""Which HIP symbols a user's code uses, and whether each is the same in another release.

``scan`` reads Python sources with ``ast`` (never imports or runs them) and finds uses of
``hip.hip`` / ``hip.hiprtc`` and the ROCm library modules (``hip.hipblas`` ...): functions, enum classes and members, struct classes and the
fields read or written on variables made from them, and constants, through every import
form (``from hip import hip``, ``import hip.hip as h``, ``from hip.hip import hipMalloc``,
``from hip.hip import *``).  ``judge`` compares each use between the wheel's manifest
and the runtime's: identical, changed (and how) or missing, and gives the verdict.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterable, NamedTuple, Optional

from . import apidiff, safefile

# hip.hip, hip.hiprtc and the ROCm library modules (their manifests are the release manifest's
# ``libraries``)
LIBRARY_MODULES = ("amd_comgr", "amdsmi", "hipblas", "hipblaslt", "hipfft", "hiprand", "hipsolver", "hipsparse", "hipsparselt", "rccl",
                   "roctx")
MODULES = ("hip", "hiprtc") + LIBRARY_MODULES
VERDICTS = ("safe", "risky", "broken")


class Use(NamedTuple):
    module: str          # hip, hiprtc or a library module (hipblas ...)
    name: str            # the attribute the code names (hipMalloc, hipDeviceProp_t, ...)
    member: Optional[str]  # enum member or struct field, if any
    file: str
    line: int


class _Scanner(ast.NodeVisitor):
    def __init__(self, file: str):
        self.file = file
        self.modules: dict[str, str] = {}     # local name -> hip / hiprtc
        self.packages: set[str] = set()        # local names bound to the hip package
        self.symbols: dict[str, tuple] = {}    # local name -> (module, name)
        self.star: list[str] = []              # modules imported with *
        self.instances: dict[str, tuple] = {}  # variable -> (module, struct name)
        self.uses: list[Use] = []
        self.imports_read = False              # set after the first pass over the imports

    # imports ------------------------------------------------------------
    def visit_Import(self, node):
        if self.imports_read:
            return
        for a in node.names:
            parts = a.name.split(".")
            if parts[0] != "hip":
                continue
            if len(parts) == 2 and parts[1] in MODULES and a.asname:
                self.modules[a.asname] = parts[1]
            else:
                self.packages.add(a.asname or "hip")

    def visit_ImportFrom(self, node):
        if self.imports_read:
            return
        mod = node.module or ""
        for a in node.names:
            if mod == "hip" and a.name in MODULES:
                self.modules[a.asname or a.name] = a.name
            elif mod.startswith("hip.") and mod.split(".")[1] in MODULES:
                m = mod.split(".")[1]
                if a.name == "*":
                    self.star.append(m)
                else:
                    self.symbols[a.asname or a.name] = (m, a.name)
                    self.uses.append(Use(m, a.name, None, self.file, node.lineno))  # the import needs it

    # uses ------------------------------------------------------------------
    def _chain(self, node):
        names = []
        while isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        return None

    def _resolve(self, chain):
        """(module, [names in module]) for a chain rooted in a hip module, else None."""
        head = chain[0]
        if head in self.modules:
            return self.modules[head], chain[1:]
        if head in self.packages and len(chain) > 1 and chain[1] in MODULES:
            return chain[1], chain[2:]
        if head in self.symbols:
            m, n = self.symbols[head]
            return m, [n] + chain[1:]
        return None

    def _add(self, module, rest, node):
        if rest:
            self.uses.append(Use(module, rest[0], rest[1] if len(rest) > 1 else None, self.file, node.lineno))

    def visit_Attribute(self, node):
        chain = self._chain(node)
        if chain is not None:
            hit = self._resolve(chain)
            if hit:
                self._add(hit[0], hit[1], node)
                return  # the whole chain is one use
            if chain[0] in self.instances and len(chain) >= 2:
                m, struct = self.instances[chain[0]]
                self.uses.append(Use(m, struct, chain[1], self.file, node.lineno))
                return
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in self.symbols:
            m, n = self.symbols[node.id]
            self.uses.append(Use(m, n, None, self.file, node.lineno))
        elif self.star and isinstance(node.ctx, ast.Load):
            self.uses.append(Use(self.star[0], node.id, None, self.file, node.lineno))  # filtered by judge

    def visit_Assign(self, node):
        self.generic_visit(node)
        if isinstance(node.value, ast.Call):
            chain = self._chain(node.value.func)
            hit = self._resolve(chain) if chain else None
            if hit and hit[1]:
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        self.instances[t.id] = (hit[0], hit[1][0])  # judged as a struct if it is one


def scan_source(text: str, file: str = "<string>") -> list[Use]:
    try:
        tree = ast.parse(text, filename=file)
        s = _Scanner(file)
        # imports first, so uses above an import inside a function still resolve
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                s.visit(node)
        s.imports_read = True
        s.visit(tree)
    except (MemoryError, RecursionError):
        raise ValueError(f"{file}: too deeply nested to be read") from None
    return s.uses


def scan(paths: list[str], unread: Optional[list] = None) -> list[Use]:
    """Uses in the given files; directories are searched for ``*.py``.

    A file named directly that cannot be parsed raises; one found in a directory (a Python 2
    leftover, a template) is skipped and appended to ``unread`` as ``(file, reason)``, when given.
    """
    uses = []
    for p in map(Path, paths):
        found = p.is_dir()
        for f in sorted(p.rglob("*.py")) if found else [p]:
            try:
                # a FIFO or device named (or found) here would block a plain read forever
                uses.extend(scan_source(safefile.read_text(f), str(f)))
            except (SyntaxError, ValueError, OSError) as e:
                if not found or unread is None:
                    raise
                unread.append((str(f), f"{type(e).__name__}: {e}"))
    return uses


def _target(name: str, m: dict) -> str:
    alias = m.get("aliases", {}).get(name)
    return alias["target"] if alias else name


def judge_one(use: Use, a: dict, b: dict) -> Optional[dict]:
    """{'status': identical|changed|missing, 'how': ...} for one use, None if not a HIP symbol."""
    name = _target(use.name, a)
    enums_members = {c: e for e, d in a["enums"].items() for c, _ in d["constants"]}
    if name in a["functions"]:
        if use.member is not None:
            return None  # an attribute of a function (e.g. __doc__)
        if name not in b["functions"]:
            return {"kind": "function", "status": "missing", "how": f"{name} is not in HIP {b['hip_version']['string']}"}
        how = apidiff.function_changes(name, a, b)
        if how and apidiff.abi_identical(name, a, b):
            return {"kind": "function", "status": "identical", "how": "const qualifiers only, same ABI: " + "; ".join(how)}
        return {"kind": "function", "status": "changed" if how else "identical", "how": "; ".join(how)}
    if name in a["enums"]:
        if name not in b["enums"]:
            return {"kind": "enum", "status": "missing", "how": f"enum {name} is not in HIP {b['hip_version']['string']}"}
        if use.member is None:
            return {"kind": "enum", "status": "identical", "how": ""}
        va, vb = dict(map(tuple, a["enums"][name]["constants"])), dict(map(tuple, b["enums"][name]["constants"]))
        if use.member not in va:
            return None
        if use.member not in vb:
            return {"kind": "enum member", "status": "missing", "how": f"{name}.{use.member} is not in HIP {b['hip_version']['string']}"}
        if va[use.member] != vb[use.member]:
            return {"kind": "enum member", "status": "changed", "how": f"value {va[use.member]} -> {vb[use.member]}"}
        return {"kind": "enum member", "status": "identical", "how": ""}
    if name in enums_members and use.member is None:
        return judge_one(use._replace(name=enums_members[name], member=name), a, b)
    if name in a["records"]:
        bname = name if name in b["records"] else _target(use.name, b)
        if bname not in b["records"]:
            return {"kind": "struct", "status": "missing", "how": f"struct {name} is not in HIP {b['hip_version']['string']}"}
        if use.member is not None and use.member not in ("ptr", "getPtr", "from_ptr"):
            fa = {f["name"]: f for f in a["records"][name]["fields"]}
            fb = {f["name"]: f for f in b["records"][bname]["fields"]}
            if use.member not in fa:
                return None
            if use.member not in fb:
                return {"kind": "field", "status": "missing", "how": f"{name}.{use.member} is not in HIP {b['hip_version']['string']}"}
            x, y = fa[use.member], fb[use.member]
            how = []
            if x["offset"] != y["offset"]:
                how.append(f"offset {x['offset']} -> {y['offset']}")
            if apidiff._deep(x["type"], a) != apidiff._deep(y["type"], b):
                how.append(f"type {apidiff.spell(x['type'])} -> {apidiff.spell(y['type'])}")
            return {"kind": "field", "status": "changed" if how else "identical", "how": ", ".join(how)}
        rename = [f"{name} is {bname} there"] if bname != name else []
        how = rename + apidiff.record_changes(name, a, {**b, "records": {**b["records"], name: b["records"][bname]}})
        return {"kind": "struct", "status": "changed" if how else "identical", "how": "; ".join(how)}
    if name in a["constants"]:
        if name not in b["constants"]:
            return {"kind": "constant", "status": "missing", "how": f"{name} is not in HIP {b['hip_version']['string']}"}
        va, vb = a["constants"][name]["value"], b["constants"][name]["value"]
        return {"kind": "constant", "status": "identical" if va == vb else "changed", "how": "" if va == vb else f"{va} -> {vb}"}
    if use.member is None and _declares(b, use.name) and not _declares(a, use.name):
        # written for the other release: the wheel itself has no such name (AttributeError)
        return {"kind": "symbol", "status": "missing",
                "how": f"{use.name} is not in the wheel's HIP {a['hip_version']['string']} "
                       f"(it is in {b['hip_version']['string']})"}
    return None


def judge_library(use: Use, a: dict, b: dict) -> Optional[dict]:
    """A use of a ROCm library module, judged between the two releases' manifests of it."""
    la, lb = a.get("libraries", {}).get(use.module), b.get("libraries", {}).get(use.module)
    if la is None:
        return None   # the wheel has no such module: nothing to compare
    if lb is None:
        return {"kind": "module", "status": "missing",
                "how": f"hip.{use.module} ({la['library']['title']}) is not in HIP {b['hip_version']['string']}'s wheel"}
    r = judge_one(use, la, lb)
    if r is not None and r["how"] and la["library"]["version"] != lb["library"]["version"]:
        r["how"] = f"{la['library']['title']} {la['library']['version']} -> {lb['library']['version']}: {r['how']}"
    return r


def _declares(m: dict, name: str) -> bool:
    return any(name in m.get(k, ()) for k in ("functions", "enums", "records", "constants", "aliases"))


def judge(uses: list[Use], a: dict, b: dict, unread: Iterable = ()) -> dict:
    """Per symbol status and the overall verdict (safe / risky / broken) of the code that was read."""
    rows: dict[tuple, dict] = {}
    for u in uses:
        r = judge_library(u, a, b) if u.module in LIBRARY_MODULES else judge_one(u, a, b)
        if r is None:
            continue
        key = (u.module, u.name, u.member)
        if key not in rows:
            label = f"{u.name}.{u.member}" if u.member else u.name
            rows[key] = dict(r, symbol=label, module=u.module, where=[f"{u.file}:{u.line}"])
        else:
            rows[key]["where"].append(f"{u.file}:{u.line}")
    statuses = {r["status"] for r in rows.values()}
    verdict = "broken" if "missing" in statuses else "risky" if "changed" in statuses else "safe"
    return {"wheel": a["hip_version"]["string"], "runtime": b["hip_version"]["string"], "verdict": verdict,
            "symbols": sorted(rows.values(), key=lambda r: (r["status"] == "identical", r["module"], r["symbol"])),
            "unread": [{"file": f, "reason": why} for f, why in unread]}


def _shorten(how: str, keep: int = 6) -> str:
    """A struct can change in a hundred ways; the text shows the first few (``--json`` has all)."""
    items = how.split("; ")
    return how if len(items) <= keep else "; ".join(items[:keep]) + f"; and {len(items) - keep} more (--json lists all)"


def format_text(result: dict) -> str:
    lines = [f"Code checked: wheel HIP {result['wheel']} against runtime HIP {result['runtime']}"]
    for r in result["symbols"]:
        how = f" ({_shorten(r['how'])})" if r["how"] else ""
        lines.append(f"  {r['status']:<9} {r['module']}.{r['symbol']}{how}  [{r['where'][0]}]")
    if not result["symbols"]:
        lines.append("  no HIP symbols found")
    for u in result.get("unread", ()):
        lines.append(f"  not read  {u['file']} ({u['reason']})")
    n = len(result.get("unread", ()))
    lines.append(f"Verdict: {result['verdict']}" + (f" (for the code read; {n} file(s) could not be parsed)" if n else ""))
    return "\n".join(lines)
