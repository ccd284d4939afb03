"""LLVM-C (``rocm.bindings.llvm.c.*`` over ``hip.llvm_c``) on each suite's real libLLVM, no GPU.

The release's pinned ``libllvmN`` (the LLVM its comgr is built on) goes over the cached root file
system (``library_cells.library_env``, that library alone), the release's abi3 wheel carrying only
the ``llvm_c`` library module into a venv, and :data:`CODE` runs in the suite's Python, called the
way numba-hip 0.2.1 calls AMD's bindings: a small LLVM IR module parsed in a context and
verified, written to bitcode in a memory buffer and read back, the AMDGPU target initialised, a
target machine for ``amdgcn-amd-amdhsa``/``gfx90a`` made, an object file emitted to a memory
buffer.  It answers JSON; the tests judge it.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import library_cells as lc

CODE = r'''
import json, sys, warnings
out = {"stage": "import"}
IR = b"""target triple = "amdgcn-amd-amdhsa"

define amdgpu_kernel void @hip_python_probe(ptr addrspace(1) %a) {
  store float 42.0, ptr addrspace(1) %a, align 4
  ret void
}
"""
try:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        from rocm.bindings.llvm.c import analysis, bitreader, bitwriter, core, irreader, target, targetmachine, types
        from rocm.bindings.llvm.c import error, linker, object, support   # noqa: F401 (numba-hip imports them)
        from rocm.bindings.llvm.c.transforms import passbuilder
        from hip import _loader
        import hip.llvm_c as L
        out["stage"] = "calls"
        out["version"] = list(core.LLVMGetVersion()) if hasattr(L, "LLVMGetVersion") else None
        ctx = core.LLVMContextCreate()
        out["context_type"] = type(ctx).__name__
        out["context_is_types_class"] = isinstance(ctx, types.LLVMOpaqueContext)
        buf = core.LLVMCreateMemoryBufferWithMemoryRange(IR, len(IR), b"probe.ll", 0)
        status, mod, msg = irreader.LLVMParseIRInContext(ctx, buf)    # the module owns buf now
        out["parse"] = [status, type(mod).__name__, None if msg is None else str(msg)]
        bad, vmsg = analysis.LLVMVerifyModule(mod, analysis.LLVMVerifierFailureAction.LLVMReturnStatusAction)
        out["verify"] = [bad, None if vmsg is None else str(vmsg)]
        if vmsg is not None:
            core.LLVMDisposeMessage(vmsg)
        bc = bitwriter.LLVMWriteBitcodeToMemoryBuffer(mod)
        n = core.LLVMGetBufferSize(bc)
        data = bytes(core.LLVMGetBufferStart(bc).configure(_force=True, shape=(n,)))
        out["bitcode"] = [n, data[:4].hex()]
        status, mod2 = bitreader.LLVMParseBitcodeInContext2(ctx, bc)
        text = core.LLVMPrintModuleToString(mod2)
        out["reread"] = [status, "@hip_python_probe" in str(text), type(text).__name__]
        core.LLVMDisposeMessage(text)
        core.LLVMDisposeMemoryBuffer(bc)
        for part in ("TargetInfo", "Target", "TargetMC", "AsmPrinter"):
            getattr(target, "LLVMInitializeAMDGPU" + part)()
        target.LLVMInitializeAllTargetInfos()   # static inline in Target.h: composed from the exported ones
        status, tgt, err = targetmachine.LLVMGetTargetFromTriple(b"amdgcn-amd-amdhsa")
        out["target"] = [status, str(targetmachine.LLVMGetTargetName(tgt)), None if err is None else str(err)]
        TM = targetmachine
        tm = TM.LLVMCreateTargetMachine(tgt, b"amdgcn-amd-amdhsa", b"gfx90a", b"",
                                        TM.LLVMCodeGenOptLevel.LLVMCodeGenLevelDefault, TM.LLVMRelocMode.LLVMRelocDefault,
                                        TM.LLVMCodeModel.LLVMCodeModelDefault)
        cpu = TM.LLVMGetTargetMachineCPU(tm)
        out["machine"] = [type(tm).__name__, str(cpu)]
        core.LLVMDisposeMessage(cpu)
        # numba-hip's data layout: Target.h's function taken from .targetmachine, as AMD's re-exports it
        from rocm.bindings.llvm.c.targetmachine import LLVMCopyStringRepOfTargetData, LLVMCreateTargetDataLayout
        layout = LLVMCopyStringRepOfTargetData(LLVMCreateTargetDataLayout(tm))
        out["datalayout"] = str(layout)
        core.LLVMDisposeMessage(layout)
        status, err, obj = TM.LLVMTargetMachineEmitToMemoryBuffer(tm, mod2, TM.LLVMCodeGenFileType.LLVMObjectFile)
        n = core.LLVMGetBufferSize(obj)
        elf = bytes(core.LLVMGetBufferStart(obj).configure(_force=True, shape=(n,)))
        out["object"] = [status, None if err is None else str(err), n, elf[:4].hex(), int.from_bytes(elf[18:20], "little")]
        core.LLVMDisposeMemoryBuffer(obj)
        TM.LLVMDisposeTargetMachine(tm)
        core.LLVMDisposeModule(mod2)
        core.LLVMDisposeModule(mod)
        core.LLVMContextDispose(ctx)
        # a wrong-typed argument is a TypeError, not a crash
        try:
            core.LLVMGetBufferSize("not a buffer")
            out["typeerror"] = "no error"
        except TypeError as e:
            out["typeerror"] = "TypeError"
        out["inline_initializers"] = sorted(n for n in dir(target) if n.startswith("LLVMInitializeAll"))
        out["loaded"] = [r for r in _loader.report() if r["module"] == "llvm_c"]
    out["warnings"] = [f"{w.category.__name__}: {w.message}" for w in seen]
    out["stage"] = "done"
except BaseException as exc:
    out["exception"] = f"{type(exc).__name__}: {exc}"
print("\n" + json.dumps(out), flush=True)
'''


def run_release(release: str, wheel: Path, say=lc.log) -> dict:
    """The cell's answer on ``release``'s real libLLVM, and ``nm -D`` of the file it loaded."""
    t0 = time.perf_counter()
    result: dict = {"wheel": wheel.name}
    with lc.library_env(release, wheel, say, only=frozenset({"llvm_c"})) as env:
        proc = env.run([env.python, "-c", CODE])
        result["cell"] = lc.last_json(proc.stdout) or {}
        result["exit"], result["stderr"] = proc.returncode, proc.stderr[-3000:]
        result["not_exported"] = None
        for rep in result["cell"].get("loaded", []):
            result["not_exported"] = sorted(set(lc.bound_functions(wheel, "llvm_c")) - lc.exported(env.path(rep["path"])))
            result["bound"] = len(lc.bound_functions(wheel, "llvm_c"))
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


if __name__ == "__main__":   # python tests/matrix/llvm_cell.py RELEASE WHEEL
    import sys
    print(json.dumps(run_release(sys.argv[1], Path(sys.argv[2])), indent=1))
