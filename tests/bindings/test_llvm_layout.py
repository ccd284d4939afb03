"""LLVM-C's module shape, from the real llvm-N-dev headers of two suites (no wheel built): AMD's
per-header modules over the one ``hip.llvm_c``, the outs numba-hip relies on, the handles."""
from __future__ import annotations

import pytest

from hip_bindgen import libraries, params as P, plan
from hip_build import llvm_layout

# What numba-hip 0.2.1 imports, by AMD's module (numba/hip/util/llvmutils.py, numba/hip/amdgcn.py)
NUMBA_HIP = {
    "analysis": ("LLVMVerifierFailureAction", "LLVMVerifyModule"),
    "bitreader": ("LLVMGetBitcodeModuleInContext2",),
    "bitwriter": ("LLVMWriteBitcodeToMemoryBuffer",),
    "core": ("LLVMContextCreate", "LLVMContextDispose", "LLVMCreateMemoryBufferWithMemoryRange",
             "LLVMDisposeMemoryBuffer", "LLVMDisposeMessage", "LLVMDisposeModule", "LLVMGetBufferSize",
             "LLVMGetBufferStart", "LLVMGetValueName2", "LLVMModuleCreateWithNameInContext",
             "LLVMPrintModuleToString", "LLVMLinkage", "LLVMVisibility", "LLVMCallConv", "LLVMIsAFunction"),
    "error": ("LLVMDisposeErrorMessage", "LLVMGetErrorMessage"),
    "irreader": ("LLVMParseIRInContext",),
    "linker": ("LLVMLinkModules2",),
    "target": ("LLVMInitializeAllTargetInfos", "LLVMInitializeAllTargetMCs", "LLVMInitializeAllTargets"),
    "targetmachine": ("LLVMCodeGenOptLevel", "LLVMCodeModel", "LLVMCopyStringRepOfTargetData",
                      "LLVMCreateTargetDataLayout", "LLVMCreateTargetMachine", "LLVMDisposeTargetMachine",
                      "LLVMGetTargetFromTriple", "LLVMRelocMode"),
    "transforms/passbuilder": ("LLVMCreatePassBuilderOptions", "LLVMDisposePassBuilderOptions", "LLVMRunPasses"),
    "types": ("LLVMOpaqueContext", "LLVMOpaqueModule", "LLVMOpaqueValue"),
}


@pytest.fixture(scope="module", params=["5.2.3", "7.2.4"])
def manifest(request):
    return libraries.manifest(request.param, "llvm_c")


def _names(text: str) -> list:
    ns: dict = {}
    exec(compile(text.replace("from hip import llvm_c as _llvm_c", "_llvm_c = None"), "<m>", "exec"), ns)
    return ns["__all__"]


def test_amds_modules_name_what_numba_hip_imports(manifest):
    files = llvm_layout.files(manifest)
    for module, names in NUMBA_HIP.items():
        text = files[f"rocm/bindings/llvm/c/{module}.py"]
        missing = set(names) - set(_names(text))
        assert not missing, (module, missing)
    assert "rocm/bindings/llvm/c/transforms/__init__.py" in files
    # every name is in the module of the header declaring it, and in those of the headers including
    # that header (AMD's: targetmachine re-exports Target.h's and Types.h's, core ErrorHandling.h's)
    lib = manifest["library"]
    for name, header in lib["declared_in"].items():
        if header.startswith("llvm-c/") and name in manifest["functions"]:
            home = f"rocm/bindings/llvm/c/{llvm_layout.module_of(header)}.py"
            assert name in _names(files[home]), (name, home)
    assert "llvm-c/Target.h" in lib["includes"]["llvm-c/TargetMachine.h"]
    assert "LLVMOpaqueModule" in _names(files["rocm/bindings/llvm/c/types.py"])


def test_static_inline_initializers_are_composed_from_exported_ones(manifest):
    inline = {n for n, s in manifest["skipped"].items() if n.startswith("LLVMInitializeAll")}
    assert inline == set(llvm_layout.INLINE_INITIALIZERS)          # the header's static inline six
    assert "AMDGPU" in llvm_layout.targets(manifest)
    assert {f"LLVMInitializeAMDGPU{p}" for p in ("TargetInfo", "Target", "TargetMC", "AsmPrinter")} <= set(manifest["functions"])


def test_llvm_outs_and_arrays(manifest):
    td = manifest["typedefs"]
    roles = {n: P.roles(n, manifest["functions"][n], td) for n in (
        "LLVMParseIRInContext", "LLVMVerifyModule", "LLVMGetTargetFromTriple", "LLVMTargetMachineEmitToMemoryBuffer",
        "LLVMFunctionType", "LLVMGetParams", "LLVMGetValueName2", "LLVMDisposeMessage")}
    assert roles["LLVMParseIRInContext"] == ["pointer", "pointer", "out", "out"]     # (status, module, message)
    assert roles["LLVMVerifyModule"] == ["pointer", "value", "out"]
    assert roles["LLVMGetTargetFromTriple"] == ["string", "out", "out"]
    assert roles["LLVMTargetMachineEmitToMemoryBuffer"] == ["pointer", "pointer", "value", "out", "out"]
    assert roles["LLVMFunctionType"] == ["pointer", "pointer", "value", "value"]     # ParamTypes: the caller's array
    assert roles["LLVMGetParams"] == ["pointer", "pointer"]                         # Params: filled by LLVM
    assert roles["LLVMGetValueName2"] == ["pointer", "out"]
    assert roles["LLVMDisposeMessage"] == ["pointer"]
    calls = plan.plan(manifest)
    assert calls["LLVMContextCreate"].result.kind == "handle" and calls["LLVMContextCreate"].result.handle == "LLVMOpaqueContext"
    assert calls["LLVMPrintModuleToString"].result.kind == "cstr"
    assert libraries.bare_results("llvm_c") and not libraries.bare_results("amd_comgr")
