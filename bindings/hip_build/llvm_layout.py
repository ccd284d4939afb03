"""AMD's LLVM-C module names over this wheel's one ``hip.llvm_c`` module (``rocm.bindings.llvm.c.core``,
``.target``, ``.transforms.passbuilder``, ``.types`` ...).

``hip.llvm_c`` binds the llvm-c headers of the release's LLVM in one module (one libLLVM opened,
one set of handle classes); AMD splits the API by header.  Each header gets a small module here
naming what that header declares (the manifest's ``library.declared_in``) and handing out
``hip.llvm_c``'s objects on first access (PEP 562): importing one does not build the others'
enums.  ``types`` holds the handle classes (``LLVMOpaqueModule`` for ``LLVMModuleRef`` ...) as
llvm-c/Types.h declares their structs.

A module also hands out what the llvm-c headers its header includes declare, as AMD's do
(``rocm.bindings.llvm.c.targetmachine.LLVMCopyStringRepOfTargetData``, Target.h's).

Target.h's ``LLVMInitializeAllTargets`` and its siblings are static inline (not in libLLVM): the
``target`` module composes them, as the header does, from the exported per-target functions of
the targets this LLVM was built with (those Targets.def declared: in the manifest).
"""
from __future__ import annotations

import re

MODULE = '''\
"""``rocm.bindings.llvm.c.{name}``: what ``{header}`` of LLVM {version} declares, served by
``hip.llvm_c`` (one module over the release's llvm-c headers). Generated: do not edit."""
from hip import llvm_c as _llvm_c

__all__ = {names!r}
_NAMES = frozenset(__all__)


def __getattr__(name):
    if name in _NAMES:
        value = getattr(_llvm_c, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}: {header} of LLVM {version} declares no such name")


def __dir__():
    return sorted(set(globals()) | _NAMES)
'''

# Target.h's static inline functions: name -> the per-target function suffix each calls
INLINE_INITIALIZERS = {"LLVMInitializeAllTargetInfos": ("TargetInfo",), "LLVMInitializeAllTargets": ("Target",),
                       "LLVMInitializeAllTargetMCs": ("TargetMC",), "LLVMInitializeAllAsmPrinters": ("AsmPrinter",),
                       "LLVMInitializeAllAsmParsers": ("AsmParser",),
                       "LLVMInitializeAllDisassemblers": ("Disassembler",)}

TARGET_EXTRA = '''

# Target.h defines these static inline: composed here from the exported per-target functions
# of the targets LLVM {version} was built with, in Targets.def's order
_TARGETS = {targets!r}


def _each(suffix, targets):
    for target in targets:
        fn = getattr(_llvm_c, f"LLVMInitialize{{target}}{{suffix}}", None)
        if fn is not None:
            fn()


def LLVMInitializeAllTargetInfos():
    _each("TargetInfo", _TARGETS)


def LLVMInitializeAllTargets():
    _each("Target", _TARGETS)


def LLVMInitializeAllTargetMCs():
    _each("TargetMC", _TARGETS)


def LLVMInitializeAllAsmPrinters():
    _each("AsmPrinter", _TARGETS)


def LLVMInitializeAllAsmParsers():
    _each("AsmParser", _TARGETS)


def LLVMInitializeAllDisassemblers():
    _each("Disassembler", _TARGETS)


__all__ = __all__ + {inline!r}
'''

PACKAGE = '''\
"""``rocm.bindings.llvm{sub}``: AMD's HIP Python package of the LLVM bindings (this wheel's LLVM-C is
LLVM {version}'s, in ``hip.llvm_c``)."""
'''


def module_of(header: str) -> str:
    """``llvm-c/Transforms/PassBuilder.h`` -> ``transforms/passbuilder`` (AMD's module path)."""
    return header.removeprefix("llvm-c/").removesuffix(".h").lower()


def targets(manifest: dict) -> list[str]:
    """The targets this LLVM was built with: those whose ``LLVMInitialize<T>Target`` it declares."""
    found = [m.group(1) for f in manifest["functions"] if (m := re.fullmatch(r"LLVMInitialize(\w+)TargetInfo", f))]
    return sorted(found)


def files(manifest: dict) -> dict[str, str]:
    """Path in the wheel -> text, for the release's ``llvm_c`` library manifest."""
    lib = manifest["library"]
    version = lib["version"]
    bound = (set(manifest["functions"]) | set(manifest["enums"]) | set(manifest["records"])
             | set(manifest["typedefs"]) | set(manifest["constants"])
             | {c for e in manifest["enums"].values() for c, _ in e["constants"]})
    by_module: dict[str, list[str]] = {}
    headers: dict[str, str] = {}
    for name, header in sorted(lib["declared_in"].items()):
        if not header.startswith("llvm-c/"):
            continue
        m = module_of(header)
        headers[m] = header
        by_module.setdefault(m, [])
        if name in bound:
            by_module[m].append(name)
    # and, as AMD's, each module re-exports what the llvm-c headers its header includes declare
    includes = lib.get("includes", {})
    own = {m: list(names) for m, names in by_module.items()}
    for m in by_module:
        for inc in includes.get(headers[m], ()):
            by_module[m] += [n for n in own.get(module_of(inc), ()) if n not in by_module[m]]
        by_module[m].sort()
    out = {"rocm/bindings/llvm/c/__init__.py": PACKAGE.format(sub=".c", version=version)}
    for m, names in sorted(by_module.items()):
        text = MODULE.format(name=m.replace("/", "."), header=headers[m], version=version, names=names)
        if m == "target":
            text += TARGET_EXTRA.format(version=version, targets=targets(manifest), inline=sorted(INLINE_INITIALIZERS))
        out[f"rocm/bindings/llvm/c/{m}.py"] = text
        if "/" in m:
            pkg = m.rsplit("/", 1)[0]
            out.setdefault(f"rocm/bindings/llvm/c/{pkg}/__init__.py", PACKAGE.format(sub=f".c.{pkg.replace('/', '.')}", version=version))
    return out
