"""The ROCm libraries bound beside ``hip`` (``from hip import hipfft``): descriptions as data,
and the per-library manifest step.

A library's manifest has the hip manifest's shape (functions, enums, records, typedefs,
constants ...) plus ``library``: its name, its own version (the Debian package's upstream
version, and the version its headers declare), its soname and the package that provides it.
Types declared in HIP's headers (``hipStream_t``, ``hipDataType``) are in it under module
``hip`` so the C header can declare them; the Python module takes them from ``hip.hip``.

Which Debian packages hold each library, per release, is pinned in ``releases.json``
(``debian.libraries``); what differs per library but not per release is here.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from . import debian, parse, releases

# name -> header to parse, include dirs that are the library's own, exported-function prefixes,
# the version macros (major, minor, patch) its headers declare, and its title in messages.
LIBRARIES: dict[str, dict] = {
    "hipblas": {"title": "hipBLAS", "header": "hipblas/hipblas.h", "own": ("hipblas", "hipblas-common"),
                "prefixes": ("hipblas",),
                "version": ("hipblasVersionMajor", "hipblasVersionMinor", "hipblasVersionPatch")},
    "hipfft": {"title": "hipFFT", "header": "hipfft/hipfft.h", "extra_headers": ("hipfft/hipfftXt.h",),
               "own": ("hipfft",), "prefixes": ("hipfft",),
               "version": ("hipfftVersionMajor", "hipfftVersionMinor", "hipfftVersionPatch")},
    "hiprand": {"title": "hipRAND", "header": "hiprand/hiprand.h", "own": ("hiprand",),
                "prefixes": ("hiprand",), "version": ("HIPRAND_VERSION",),
                # hiprandGetVersion answers rocRAND's version (rocrand_get_version): sid's hipRAND
                # 6.4.3 declares 2.12.0 and answers 3.3.0, the ROCRAND_VERSION of its rocRAND
                "answers": (("rocrand",), ("ROCRAND_VERSION",))},
    "hipsparse": {"title": "hipSPARSE", "header": "hipsparse/hipsparse.h", "own": ("hipsparse",),
                  "prefixes": ("hipsparse",),
                  "version": ("hipsparseVersionMajor", "hipsparseVersionMinor", "hipsparseVersionPatch")},
    "hipsolver": {"title": "hipSOLVER", "header": "hipsolver/hipsolver.h", "own": ("hipsolver",),
                  "prefixes": ("hipsolver",),
                  "version": ("hipsolverVersionMajor", "hipsolverVersionMinor", "hipsolverVersionPatch")},
    "roctx": {"title": "roctx", "header": "roctracer/roctx.h", "own": ("roctracer",),
              "prefixes": ("roctx",), "version": ("ROCTX_VERSION_MAJOR", "ROCTX_VERSION_MINOR")},
    "rccl": {"title": "RCCL", "header": "rccl/rccl.h", "own": ("rccl",), "prefixes": ("nccl", "pnccl"),
             "version": ("NCCL_MAJOR", "NCCL_MINOR", "NCCL_PATCH")},
    # hipBLASLt's header also includes hipBLAS's and hipblas-common's (its -dev pins carry them):
    # their types it uses (hipblasStatus_t, hipblasOperation_t) are declared in its module, as
    # hipBLAS's copies are in hipBLAS's
    "hipblaslt": {"title": "hipBLASLt", "header": "hipblaslt/hipblaslt.h", "own": ("hipblaslt",),
                  "prefixes": ("hipblasLt",),
                  "version": ("HIPBLASLT_VERSION_MAJOR", "HIPBLASLT_VERSION_MINOR", "HIPBLASLT_VERSION_PATCH")},
    "hipsparselt": {"title": "hipSPARSELt", "header": "hipsparselt/hipsparselt.h", "own": ("hipsparselt",),
                    "prefixes": ("hipsparseLt",),
                    "version": ("hipsparseltVersionMajor", "hipsparseltVersionMinor", "hipsparseltVersionPatch")},
    # the library is libamd_smi.so (Debian's libamd-smi0 / libamd-smi27); 6.1.2 also declares a
    # AMDSMI_LIB_VERSION_YEAR before MAJOR, not part of the version its soname follows
    "amdsmi": {"title": "AMD SMI", "header": "amd_smi/amdsmi.h", "own": ("amd_smi",), "prefixes": ("amdsmi_",),
               "version": ("AMDSMI_LIB_VERSION_MAJOR", "AMDSMI_LIB_VERSION_MINOR", "AMDSMI_LIB_VERSION_RELEASE"),
               # Debian builds it with the EPYC CPU functions (amdsmi_get_cpu_*: exported by
               # libamd_smi.so.0 and .27): declared under this macro.  6.1.2's header then includes
               # e_smi/e_smi.h, which trixie has no package of: there the macro stays undefined
               "defines": {"ENABLE_ESMI_LIB": "e_smi/e_smi.h"},
               # libc's struct, a field of amdsmi_fabric_telemetry_dataset_t: the C header includes
               # its header instead of declaring it again (AMD's module has a timespec class too)
               "system_records": {"timespec": "time.h"}},
    # the code-object manager every HIP runtime compiles through (libamd_comgr.so.2 / .3); its
    # headers declare the interface version (2.4 on bookworm's 5.2.3, 3.0 from 7.0), not the
    # package's.  bookworm's -dev ships the header at include/amd_comgr.h, later ones under
    # amd_comgr/ (trixie's keeps a copy at the old place too)
    "amd_comgr": {"title": "comgr", "header": "amd_comgr/amd_comgr.h", "old_header": "amd_comgr.h",
                  "own": ("amd_comgr", "amd_comgr.h"), "prefixes": ("amd_comgr_",),
                  "version": ("AMD_COMGR_INTERFACE_VERSION_MAJOR", "AMD_COMGR_INTERFACE_VERSION_MINOR")},
    # the LLVM-C API of the LLVM the release's comgr is built on (libLLVM-15.so.1 .. libLLVM.so.22.1):
    # one module over the headers numba-hip imports (and the few they include), its own include
    # roots in the -dev package (releases.json ``include``: llvm-c-N/ and llvm-N/ for llvm-config.h
    # and Targets.def); ``declared_in`` maps each name to its header for AMD's per-header modules
    # (rocm.bindings.llvm.c.core ...).  The C API only: no C++ header is parsed.
    "llvm_c": {"title": "LLVM-C", "header": "llvm-c/Core.h",
               "extra_headers": ("llvm-c/Types.h", "llvm-c/Analysis.h", "llvm-c/BitReader.h", "llvm-c/BitWriter.h",
                                 "llvm-c/Target.h", "llvm-c/TargetMachine.h", "llvm-c/IRReader.h",
                                 "llvm-c/Linker.h", "llvm-c/Error.h", "llvm-c/ErrorHandling.h", "llvm-c/Object.h",
                                 "llvm-c/Support.h", "llvm-c/Transforms/PassBuilder.h"),
               "own": ("llvm-c", "llvm/Config"), "prefixes": ("LLVM",), "version_from": ("llvm/Config/llvm-config.h",),
               "version": ("LLVM_VERSION_MAJOR", "LLVM_VERSION_MINOR", "LLVM_VERSION_PATCH"), "c": True,
               "results": "bare"},
}
# How a loaded library tells its own version without a GPU: (scheme, functions); the import
# warns when it is another MAJOR.MINOR than its headers declare (hip/_loader.py decodes the
# scheme).  hipFFT's GetVersion answers rocFFT's version and hipBLAS, hipSOLVER and hipSPARSE
# need a handle (a GPU) to answer: those are not checked.
VERSION_CALLS = {"hiprand": ("hiprand", ("hiprandGetVersion",)), "rccl": ("nccl", ("ncclGetVersion",)),
                 "roctx": ("pair", ("roctx_version_major", "roctx_version_minor")),
                 # void amd_comgr_get_version(size_t *major, size_t *minor): the interface version
                 "amd_comgr": ("outs", ("amd_comgr_get_version",)),
                 # void LLVMGetVersion(unsigned *Major, *Minor, *Patch), from LLVM 16: on bookworm's
                 # LLVM 15 the symbol is absent and the check falls back to the symbol check
                 "llvm_c": ("outs_u3", ("LLVMGetVersion",))}
# The status enum each library's functions return (as the manifest resolves it): a call
# returning it releases the GIL (it may block on the device or on other ranks), as hip's
# hipError_t calls do, unless ``params.KEEP_GIL`` lists it.  roctx returns ints: it keeps the GIL.
STATUS_ENUMS = frozenset({"hipblasStatus_t", "hipfftResult_t", "hiprandStatus", "hipsparseStatus_t",
                          "hipsolverStatus_t", "ncclResult_t", "amdsmi_status_t", "amd_comgr_status_s"})
# Headers a library's header includes from another -dev package of the same release.
EXTRA_DEV = {"hiprand": "librocrand-dev"}


def bare_results(module: str) -> bool:
    """AMD's LLVM-C shape (``results: "bare"``): a call without outs returns its value alone
    (``LLVMContextCreate()`` -> the context), a handle as its class, and C strings as ``CString``
    (LLVM's address, disposed with ``LLVMDisposeMessage``); ``(result, *outs)`` otherwise."""
    return LIBRARIES.get(module, {}).get("results") == "bare"


def of_release(release: str) -> dict[str, dict]:
    """The libraries Debian has for a supported release: name -> its releases.json entry."""
    return releases.find(release).libraries


def tree(release: str, name: str, with_runtime: bool = True) -> Path:
    """One extracted tree (``usr/``) with the release's HIP headers and the library's packages."""
    rel = releases.find(release)
    entry = of_release(release)[name]
    pins = [rel.debian["headers"], *entry["dev"]]
    if with_runtime and "runtime" in entry:
        pins.append(entry["runtime"])
    return debian.extract(pins, f"lib-{name}-{rel.hip}{'' if with_runtime else '-dev'}") / "usr"


def header_version(include: Path, name: str) -> str:
    """The library's version as its headers declare it (hipFFT 6.1.2 declares 1.0.14)."""
    desc = LIBRARIES[name]
    return declared_version(include, desc.get("version_from", desc["own"]), desc["version"], name)


def include_roots(include: Path, entry: dict) -> list[Path]:
    """Where a library's headers are: the tree's ``include/``, or (LLVM) the -dev package's own
    roots below ``usr/`` (releases.json ``include``), the first holding the parsed headers."""
    return [include.parent / d for d in entry["include"]] if "include" in entry else [include]


def answers_version(include: Path, name: str) -> str:
    """The version the library's version call (``VERSION_CALLS``) must answer, as the headers
    declare it: its own, or its backend's where the call answers that (``answers``)."""
    dirs, macros = LIBRARIES[name].get("answers", (LIBRARIES[name]["own"], LIBRARIES[name]["version"]))
    return declared_version(include, dirs, macros, name)


def declared_version(include: Path, dirs, want, name: str) -> str:
    """MAJOR.MINOR.PATCH from the ``want`` macros of the headers below ``include/<dirs>``."""
    text = "".join(p.read_text(errors="replace") for d in dirs
                   for p in ([include / d] if (include / d).is_file() else sorted((include / d).rglob("*.h"))))
    values = []
    for macro in want:
        m = re.search(rf"#define\s+{macro}\s+(\d+)", text)
        if not m:
            raise parse.ParseError(f"{name}: no #define {macro} in its headers")
        values.append(int(m.group(1)))
    if len(values) == 1:  # HIPRAND_VERSION, ROCRAND_VERSION = major * 100000 + minor * 100 + patch
        v = values[0]
        values = [v // 100000, v // 100 % 1000, v % 100]
    return ".".join(map(str, values))


def parse_library(include: Path, name: str, entry: dict) -> dict:
    """Parse one library's headers (beside the HIP headers in ``include``) into its manifest."""
    import clang.cindex as ci

    desc = LIBRARIES[name]
    include = Path(include).resolve()
    roots = include_roots(include, entry)
    manifest = {"format": parse.FORMAT, "hip_version": parse.read_hip_version(include), "headers": {},
                "functions": {}, "enums": {}, "records": {}, "typedefs": {}, "constants": {},
                "skipped": {}, "aliases": {},
                "library": {"name": name, "title": desc["title"], "version": entry["version"],
                            "header_version": header_version(roots[-1], name), "soname": entry["soname"],
                            **({"answers_version": answers_version(include, name)} if "answers" in desc else {}),
                            "package": entry["package"]}}
    lang = ["-x", "c", "-std=c11"] if desc.get("c") else ["-x", "c++", "-std=c++17", "-D__HIP_PLATFORM_AMD__"]
    args = [*lang, *(f"-I{r}" for r in dict.fromkeys([*roots, include])),
            "-isystem", parse.builtin_include_dir(), *_defines(roots[0], desc)]
    index = ci.Index.create()
    opts = ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD | ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES
    prefixes = desc["prefixes"]
    declared_in: dict[str, str] = {}
    # the library's own headers, as paths below include/ (LLVM: llvm-c-22/llvm-c, and
    # llvm-22/llvm/Config whose Targets.def declares LLVMInitializeAMDGPUTarget & co. through
    # Target.h's LLVM_TARGET macro)
    own = tuple(str((r / d).relative_to(include)) for r in roots for d in desc["own"]
                if (r / d).exists()) if "include" in entry else desc["own"]
    for header in (main_header(roots[0], desc), *desc.get("extra_headers", ())):
        path = roots[0] / header
        if not path.exists():
            raise parse.ParseError(f"{path} not found")
        manifest["headers"][header] = hashlib.sha256(path.read_bytes()).hexdigest()
        tu = index.parse(str(path), args=args, options=opts)
        errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
        if errors:
            raise parse.ParseError(f"{header}: " + "; ".join(str(d) for d in errors[:5]))
        parse._Collector(ci, include, name, manifest, own=own,
                         wants=lambda n: n.startswith(prefixes)).walk(tu.cursor)
        if "include" in entry:
            _declared_in(ci, tu.cursor, roots, header, declared_in)
    for fname in manifest["functions"]:
        manifest["skipped"].pop(fname, None)
    for fname, f in sorted(manifest["functions"].items()):
        why = _by_value_template(f, manifest)
        if why:
            del manifest["functions"][fname]
            manifest["skipped"][fname] = {"module": name, "reason": why}
    _c_layout_notes(manifest, desc)
    names = set(manifest["functions"]) | set(manifest["records"]) | set(manifest["typedefs"]) | set(manifest["enums"])
    manifest["aliases"] = {k: v for k, v in sorted(manifest["aliases"].items())
                           if v["target"] in names and k not in names}
    if declared_in:
        names |= set(manifest["constants"]) | set(manifest["skipped"])
        manifest["library"]["declared_in"] = {k: v for k, v in sorted(declared_in.items()) if k in names}
        # the library's headers each header includes (AMD's per-header module re-exports theirs:
        # numba-hip takes LLVMCopyStringRepOfTargetData, Target.h's, from .targetmachine)
        own_dir = desc["own"][0] + "/"
        manifest["library"]["includes"] = {
            h: sorted(set(re.findall(rf'#include\s+"({re.escape(own_dir)}[^"]+)"', (roots[0] / h).read_text())))
            for h in sorted(set(manifest["library"]["declared_in"].values())) if (roots[0] / h).is_file()}
    return manifest


def _declared_in(ci, cursor, roots: list[Path], main: str, out: dict) -> None:
    """Name -> the header (``llvm-c/Core.h``) that declares it, for the library's top-level
    declarations: functions, types, enum constants and macros (the first header parsed wins).
    What a file outside ``roots[0]`` declares (Targets.def through Target.h's LLVM_TARGET, the
    version macros of llvm-config.h) is the parsed header's."""
    K = ci.CursorKind
    prefixes = tuple(str(r) + "/" for r in roots)
    for c in cursor.get_children():
        if c.kind in (K.LINKAGE_SPEC, K.UNEXPOSED_DECL):
            _declared_in(ci, c, roots, main, out)
            continue
        f = c.location.file
        if not f or not f.name.startswith(prefixes) or not c.spelling:
            continue
        header = f.name[len(prefixes[0]):] if f.name.startswith(prefixes[0]) else main
        out.setdefault(c.spelling, header)
        if c.kind == K.ENUM_DECL:
            for e in c.get_children():
                out.setdefault(e.spelling, header)
        elif c.kind == K.TYPEDEF_DECL:   # typedef struct LLVMOpaqueModule *LLVMModuleRef: the struct too
            t = c.underlying_typedef_type
            while t.kind == ci.TypeKind.POINTER:
                t = t.get_pointee()
            if t.get_declaration().spelling:
                out.setdefault(t.get_declaration().spelling, header)


def main_header(include: Path, desc: dict) -> str:
    """The library's header, where this release's -dev package puts it (``old_header``: where
    an older one did, used when the current place is absent)."""
    if not (include / desc["header"]).exists() and "old_header" in desc and (include / desc["old_header"]).exists():
        return desc["old_header"]
    return desc["header"]


def _defines(include: Path, desc: dict) -> list[str]:
    """``-D`` for each of the library's optional macros (``defines``: macro -> the header it then
    includes) whose header is in the tree or which the library's header does not include."""
    text = (include / main_header(include, desc)).read_text(errors="replace")
    return [f"-D{macro}" for macro, needs in sorted(desc.get("defines", {}).items())
            if (include / needs).exists() or needs not in text]


def _c_layout_notes(manifest: dict, desc: dict) -> None:
    """What the C header needs to redeclare a record as the library's header does: ``packed``
    where it is byte-packed (AMD SMI's ``#pragma pack(1)`` and ``__packed__`` structs: alignment 1
    with wider fields), ``include`` for a system header's struct (``struct timespec``)."""
    from . import params

    def natural(ref: dict) -> int:
        t = params.resolve(ref, manifest["typedefs"])
        if t["kind"] in ("int", "float"):
            return t["size"]
        if t["kind"] == "enum":
            return natural(manifest["enums"][t["name"]]["underlying"]) if t["name"] in manifest["enums"] else 4
        if t["kind"] == "array":
            return natural(t["of"])
        if t["kind"] == "record":
            return (manifest["records"].get(t["name"], {}).get("align") or 1)
        return 8   # pointers
    for name, r in manifest["records"].items():
        if name in desc.get("system_records", {}):
            r["include"] = desc["system_records"][name]
        elif r["align"] == 1 and any(natural(f["type"]) > 1 for f in r["fields"] if "bits" not in f):
            r["packed"] = True


def _by_value_template(f: dict, manifest: dict) -> str | None:
    """Why a function cannot be called through C: it passes a C++ template type by value."""
    from . import params

    for ref in [f["returns"]] + [p["type"] for p in f["params"]]:
        t = params.resolve(ref, manifest["typedefs"])
        if t["kind"] == "record" and "template" in manifest["records"][t["name"]]:
            return (f"passes {manifest['records'][t['name']]['template']} by value: a C++ template "
                    "type with no C layout to call it through")
    return None


def rehome(manifest: dict, hip_manifest: dict) -> dict:
    """HIP-header types the hip module does not bind (``__half`` of hip_fp16.h) are the library's:
    Python finds a type in the module that declares it."""
    for kind in ("records", "enums", "typedefs"):
        for name, entry in manifest[kind].items():
            if entry["module"] == "hip" and name not in hip_manifest[kind]:
                entry["module"] = manifest["library"]["name"]
    return manifest


def manifest(release: str, name: str, hip_manifest: dict | None = None) -> dict:
    """The manifest of a library of a supported release, from its pinned Debian packages."""
    entry = of_release(release).get(name)
    if entry is None:
        suite = releases.find(release).suite
        raise KeyError(f"{LIBRARIES[name]['title']} is not in Debian {suite} (HIP {release})")
    include = tree(release, name, with_runtime=False) / "include"
    hip_manifest = hip_manifest or parse.parse(include)
    return rehome(parse_library(include, name, entry), hip_manifest)


def manifests(release: str, hip_manifest: dict | None = None) -> dict[str, dict]:
    """Every library manifest of a release, by name (sorted)."""
    return {name: manifest(release, name, hip_manifest) for name in sorted(of_release(release))}
