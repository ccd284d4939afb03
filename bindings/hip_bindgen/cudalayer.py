"""The CUDA layer of a release: CUDA names bound to the very objects of ``hip.hip``/``hip.hiprtc``.

Pure: a release's manifest and its hipify table (``hipify.py``) in, the text of the layer's
files out (deterministic). What the files do at run time is ``hip_interop/_hip_layer.py``,
shipped beside them; this module decides which CUDA name is which HIP object:

- a table entry is bound when its HIP name is something the release's bindings expose
  (function, function alias, enum, enum member, struct, handle, typedef of one of those,
  constant); the rest is counted as unresolved (``report``);
- ``driver`` and ``runtime`` carry the same superset of ``cu*`` and ``cuda*`` names (as AMD's,
  which its numba backend relies on); ``nvrtc`` the names of ``hip.hiprtc`` and the
  ``nvrtc*``/``cuLink*``/``CUjit*`` ones;
- the CUDA names of enum members become aliases on the HIP enum class itself
  (``ENUM_ALIASES``), and each HIP enum knows its CUDA type names for the hallucinate switch.
"""
from __future__ import annotations

from pathlib import Path

LAYER_RUNTIME = Path(__file__).resolve().parents[1] / "hip_interop" / "_hip_layer.py"
NVRTC_PREFIXES = ("nvrtc", "NVRTC", "cuLink", "CUlink", "CUjit", "CU_JIT")
# The older layout (hip-python-as-cuda): cuda.cuda, cuda.cudart, cuda.nvrtc are these modules.
# Names CUDA and HIP spell alike, so hipify has no entry for them, that NVIDIA's modules have.
IDENTICAL = ("dim3",)
# What hip_interop/_hip_shapes.py wraps or adds (NVIDIA's shapes): their stubs say so.
SHAPED = ("cuCtxCreate", "cuCtxCreate_v2", "cudaMallocHost", "cudaMallocManaged",
          "cuDeviceGet", "cuCtxGetDevice", "cuDeviceGetName")
HELPERS = ("make_cudaExtent", "make_cudaPitchedPtr", "make_cudaPos")
# NVIDIA's classes for HIP's int/void* typedefs (_hip_shapes.CLASSES), in driver and runtime
CLASSES_STUB = ("import hip._util.types as _types\n"
                "CUdeviceptr = _types.DeviceArray\n"
                "CUdeviceptr_v1 = _types.DeviceArray\n"
                "CUdeviceptr_v2 = _types.DeviceArray\n"
                "class CUdevice(int):\n"
                "    def __new__(cls, init_value: int = 0) -> CUdevice: ...\n"
                "    def getPtr(self) -> int: ...\n"
                "CUdevice_v1 = CUdevice\n"
                "CUstreamCallback = _types.Pointer\n"
                "cudaStreamCallback_t = _types.Pointer\n"
                "CUhostFn = _types.Pointer\n"
                "cudaHostFn_t = _types.Pointer\n")
OLD_SPELLING = {"cuda": "driver", "cudart": "runtime", "nvrtc": "nvrtc"}


def _typedef_target(m: dict, name: str, seen=()) -> tuple | None:
    """(kind, name) of the class a typedef names at run time: an enum, a struct, a handle."""
    t = m["typedefs"][name]["type"]
    while t.get("kind") == "typedef" and t["name"] in m["typedefs"] and t["name"] not in seen:
        seen = (*seen, t["name"])
        t = m["typedefs"][t["name"]]["type"]
    if t.get("kind") == "enum" and t["name"] in m["enums"]:
        return "enum", t["name"]
    if t.get("kind") == "record" and t["name"] in m["records"] and t["name"] != name:
        return "record", t["name"]
    if t.get("kind") == "pointer":
        to = t["to"]
        while to.get("kind") == "typedef" and to["name"] in m["typedefs"]:
            to = m["typedefs"][to["name"]]["type"]
        if to.get("kind") == "record" and to["name"] in m["records"] and not m["records"][to["name"]]["size"]:
            return "handle", to["name"]
    return None


def exposed(m: dict) -> dict:
    """Every name the release's bindings expose: name -> (module, kind, enum it belongs to or None)."""
    out: dict = {}
    for name, f in m["functions"].items():
        out[name] = (f["module"], "function", None)
    for name, a in m.get("aliases", {}).items():
        if a["target"] in m["functions"]:
            out.setdefault(name, (m["functions"][a["target"]]["module"], "function", None))
    for name, e in m["enums"].items():
        out[name] = (e["module"], "enum", name)
        for member, _ in e["constants"]:
            out.setdefault(member, (e["module"], "member", name))
    for name, r in m["records"].items():
        out.setdefault(name, (r["module"], "record" if r["size"] else "handle", None))
    for name, td in m["typedefs"].items():
        target = _typedef_target(m, name)
        if target and name not in out:
            module = (m["enums"] if target[0] == "enum" else m["records"])[target[1]]["module"]
            out[name] = (module, "typedef", target[1] if target[0] == "enum" else None)
    # macro aliases of types (7.x: hipDeviceProp_t -> hipDeviceProp_tR0600): the class of their target
    for name, a in m.get("aliases", {}).items():
        target = a["target"]
        if name in out:
            continue
        if target in m["enums"]:
            out[name] = (m["enums"][target]["module"], "typedef", target)
        elif target in m["records"]:
            out[name] = (m["records"][target]["module"], "typedef", None)
        elif target in m["typedefs"] and _typedef_target(m, target):
            kind, to = _typedef_target(m, target)
            module = (m["enums"] if kind == "enum" else m["records"])[to]["module"]
            out[name] = (module, "typedef", to if kind == "enum" else None)
    for name, c in m["constants"].items():
        out.setdefault(name, (c["module"], "constant", None))
    return out


def plan(m: dict, table: dict) -> dict:
    """What the layer binds: the data of ``_hip_names.py`` plus the unresolved table entries."""
    ex = exposed(m)
    functions, lazy, nv_functions, nv_lazy = {}, {}, {}, {}
    aliases: dict = {}
    cuda_names: dict = {}
    unresolved = {}
    for cuda, entry in sorted(table.items()):
        hip = entry["hip"]
        if hip not in ex:
            unresolved[cuda] = entry
            continue
        module, kind, enum = ex[hip]
        nvrtc = module == "hiprtc" or cuda.startswith(NVRTC_PREFIXES)
        if kind == "function" and module == "hip":
            functions[cuda] = hip
        else:
            lazy[cuda] = (module, hip)
        if nvrtc:
            if kind == "function" and module == "hiprtc":
                nv_functions[cuda] = hip
            else:
                nv_lazy[cuda] = (module, hip)
        if kind == "member":
            aliases.setdefault(enum, []).append((cuda, hip))
        elif enum is not None:   # an enum class or a typedef of one
            cuda_names.setdefault(enum, []).append(cuda)
    for name in IDENTICAL:
        if name in ex and name not in lazy:
            lazy[name] = (ex[name][0], name)
    enum_of = {n: e for n, (_, k, e) in sorted(ex.items()) if k in ("enum", "typedef") and e}
    return {"functions": functions, "lazy": lazy, "nvrtc_functions": nv_functions, "nvrtc": nv_lazy,
            "enum_aliases": {k: tuple(v) for k, v in sorted(aliases.items())},
            "enum_cuda_names": {k: tuple(v) for k, v in sorted(cuda_names.items())},
            "enum_of_name": enum_of, "unresolved": unresolved}


def report(m: dict, table: dict) -> dict:
    """Counts for the README: table size, bound (by kind) and unresolved."""
    p = plan(m, table)
    ex = exposed(m)
    bound = {**p["functions"], **{c: h for c, (_, h) in p["lazy"].items()}, **p["nvrtc_functions"],
             **{c: h for c, (_, h) in p["nvrtc"].items()}}
    bound = {c: h for c, h in bound.items() if c in table}   # IDENTICAL names are not the table's
    kinds: dict = {}
    for cuda, hip in bound.items():
        k = ex[hip][1]
        kinds[k] = kinds.get(k, 0) + 1
    return {"table": len(table), "bound": len(bound), "unresolved": len(p["unresolved"]),
            "by_kind": dict(sorted(kinds.items())),
            "functions": len(p["functions"]) + len(p["nvrtc_functions"])}


def _dict(name: str, d: dict) -> str:
    rows = "".join(f"    {k!r}: {v!r},\n" for k, v in d.items())
    return f"{name} = {{\n{rows}}}\n"


def render(m: dict, table: dict, hipify_version: str, built_with: str) -> dict:
    """``{path in the wheel: text}`` of the layer's files for this release."""
    p = plan(m, table)
    v = m["hip_version"]["string"] if isinstance(m["hip_version"], dict) and "string" in m["hip_version"] else \
        "{major}.{minor}.{patch}".format(**m["hip_version"])
    head = (f"# Generated by hip_bindgen.cudalayer from the HIP {v} manifest and hipify-perl "
            f"{hipify_version} table. Do not edit.\n")
    # what import needs (the functions, as one string: cheaper to load than a dict literal) and
    # what the first lazy name needs, in two modules: import costs only the first
    pairs = lambda d: "".join(f"{c} {h}\n" for c, h in d.items())   # noqa: E731
    data = [head, f'"""The CUDA -> HIP function names of this release (read by _hip_layer.py at import)."""\n',
            f"HIP_VERSION_STRING = {v!r}\n", f"HIPIFY_VERSION = {hipify_version!r}\n",
            f"BUILT_WITH = {built_with!r}\n",
            f"FUNCTIONS = {pairs(p['functions'])!r}\n", f"NVRTC_FUNCTIONS = {pairs(p['nvrtc_functions'])!r}\n"]
    lazy = [head, '"""The other CUDA -> HIP names of this release: (module, HIP name), read on first use."""\n',
            _dict("LAZY", p["lazy"]), _dict("NVRTC", p["nvrtc"]),
            _dict("ENUM_OF_NAME", p["enum_of_name"]), _dict("ENUM_ALIASES", p["enum_aliases"]),
            _dict("ENUM_CUDA_NAMES", p["enum_cuda_names"])]
    files = {"cuda/bindings/_hip_names.py": "".join(data), "cuda/bindings/_hip_lazy.py": "".join(lazy),
             "cuda/bindings/_hip_layer.py": LAYER_RUNTIME.read_text(),
             "cuda/bindings/_hip_shapes.py": (LAYER_RUNTIME.parent / "_hip_shapes.py").read_text(),
             "cuda/bindings/_hip_foreign.py": (LAYER_RUNTIME.parent / "_hip_foreign.py").read_text()}
    for which, what in (("driver", "driver API"), ("runtime", "runtime API"), ("nvrtc", "NVRTC")):
        files[f"cuda/bindings/{which}.py"] = (
            head + f'"""CUDA {what} names on HIP {v}: each is the object of hip.hip/hip.hiprtc it maps to."""\n'
            "from cuda.bindings import _hip_layer\n\n"
            f"_hip_layer.bind(globals(), {which!r})\n")
        files[f"cuda/bindings/{which}.pyi"] = stub(p, which)
    for old, new in OLD_SPELLING.items():
        files[f"cuda/{old}.py"] = (
            head + f'"""The older spelling (``from cuda import {old}``): the module cuda.bindings.{new} itself."""\n'
            "import sys\n\n"
            f"from cuda.bindings import {new} as _layer\n\n"
            "sys.modules[__name__] = _layer\n")
    return files


def stub(p: dict, which: str) -> str:
    """Typed stubs: each CUDA name re-exports the HIP object's own stub."""
    if which == "nvrtc":
        pairs = [(c, "hiprtc", h) for c, h in p["nvrtc_functions"].items()] + \
                [(c, mod, h) for c, (mod, h) in p["nvrtc"].items()]
    else:
        pairs = [(c, "hip", h) for c, h in p["functions"].items()] + \
                [(c, mod, h) for c, (mod, h) in p["lazy"].items()]
    # ``name = module.object``, not ``from m import object as name``: a stub re-exports an
    # imported name only as ``import x as x``, so type checkers saw none of the CUDA names
    mods = sorted({mod for _, mod, _ in pairs})
    lines = ["# Generated by hip_bindgen.cudalayer. Do not edit.\n", "from typing import Any\n"]
    lines += [f"import hip.{mod} as _{mod.replace('.', '_')}\n" for mod in mods]
    # an enum the layer gives CUDA member names (CUresult.CUDA_SUCCESS) at run time: the HIP
    # class's stub knows none of them, so a checker would refuse NVIDIA-style code: Any
    aliased = {h for h, e in p["enum_of_name"].items() if e in p["enum_aliases"]}
    for cuda, mod, hip in sorted(pairs):
        if cuda in SHAPED:
            continue
        lines.append(f"{cuda}: Any\n" if hip in aliased else f"{cuda} = _{mod.replace('.', '_')}.{hip}\n")
    if which != "nvrtc":
        shaped = [c for c, _, _ in sorted(pairs) if c in SHAPED]
        shaped += list(HELPERS) if which == "runtime" else []
        lines += [f"def {name}(*args: Any) -> Any: ...\n" for name in shaped]
        lines.append(CLASSES_STUB)
    return "".join(lines)
