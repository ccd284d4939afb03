"""Compiling with comgr, AMD's ``rocm.comgr`` functions: HIP source -> LLVM bitcode, bitcode ->
HSA assembly or code object, assembly -> code object.  Each returns ``(result bytes, log or None,
diagnostics or None)`` and raises RuntimeError (with comgr's log when logging is on) on failure.

Every step is one single-input, single-output comgr action (:func:`run_action`).  The option
lists follow what hiprtc hands comgr (AMD's note: comgr's verbose log of a hiprtc compile).
"""
from __future__ import annotations

from .core import SUCCESS, Action, Data, DataSet, to_bytes, to_str
from .hiprtc_header import get_hiprtc_runtime_header

__all__ = ["run_action", "compile_hip_to_bc", "compile_bc_to_hsa", "compile_hip_to_hsa", "compile_bc", "compile_hsa"]

HIP_TO_BC_OPTS = ("-fgpu-rdc", "-O3", "-mcumode", "-std=c++14", "-nogpuinc", "-Wno-gnu-line-marker",
                  "-Wno-missing-prototypes")
HIP_TO_HSA_OPTS = ("-S", "-O3", "-mcumode", "-std=c++14", "-nogpuinc", "-Wno-gnu-line-marker",
                   "-Wno-missing-prototypes")


def _isa(isa_name) -> str:
    name = to_str(isa_name)
    if not (name.startswith("amdgcn-amd-amdhsa--gfx") or name.startswith("gfx")):
        raise ValueError(f"Argument 'isa_name' must start with 'gfx' or 'amdgcn-amd-amdhsa--'; is: {name}")
    return name


def run_action(action_kind: str, data: Data, isa_name, lang_str: str, output_kind: str, options,
               logging: bool = False, check: bool = True):
    """One action on one input: ``(status, result bytes or None, log or None, diagnostics or None)``."""
    action = Action(action_kind, isa_name=_isa(isa_name), lang_str=lang_str, logging=logging, options=options)
    status = action.do_action(DataSet(data), check_status=False)
    results = action.result_data_set
    ok = status == SUCCESS
    result = results.get_data(output_kind, 0).get_data_bytes() if ok and results.count_data(output_kind) else None
    if ok and result is None:
        raise RuntimeError(f"action 'AMD_COMGR_ACTION_{action_kind}' succeeded without a {output_kind} output")
    diagnostic = results.get_data("DIAGNOSTIC", 0).get_data_bytes().decode() \
        if ok and results.count_data("DIAGNOSTIC") else None
    log = results.get_data("LOG", 0).get_data_bytes().decode(errors="replace") \
        if logging and results.count_data("LOG") else None
    if check and not ok:
        detail = f".\nLog output:\n----\n{log}\n----\n" if log else " (logging disabled, no log available)"
        raise RuntimeError(f"action 'AMD_COMGR_ACTION_{action_kind}' failed{detail}")
    return status, result, log, diagnostic


def _hip_options(isa_name, hip_version_tuple) -> list:
    arch = to_str(isa_name).replace("amdgcn-amd-amdhsa--", "")
    major, minor, patch = tuple(hip_version_tuple)[:3]
    return [f"--offload-arch={arch}", f"--hip-version={major}.{minor}.{patch}", f"-DHIP_VERSION_MAJOR={major}",
            f"-DHIP_VERSION_MINOR={minor}", f"-DHIP_VERSION_PATCH={patch}"]


def _hip_source(source, prepend_hiprtc_runtime_header: bool):
    if not prepend_hiprtc_runtime_header:
        return source
    header = get_hiprtc_runtime_header()
    return header + "\n" + source if isinstance(source, str) else header.encode() + b"\n" + to_bytes(source)


def compile_hip_to_bc(source, isa_name, hip_version_tuple, extra_opts=(), default_opts=HIP_TO_BC_OPTS,
                      prepend_hiprtc_runtime_header: bool = False, logging: bool = False,
                      action_kind: str = "COMPILE_SOURCE_WITH_DEVICE_LIBS_TO_BC"):
    """HIP C++ source -> LLVM bitcode (``-fgpu-rdc`` by default: ``__device__`` functions stay)."""
    if action_kind not in ("COMPILE_SOURCE_TO_BC", "COMPILE_SOURCE_WITH_DEVICE_LIBS_TO_BC"):
        raise ValueError("Argument 'action_kind' must be either 'COMPILE_SOURCE_TO_BC' or "
                         f"'COMPILE_SOURCE_WITH_DEVICE_LIBS_TO_BC'; is: {action_kind}")
    options = _hip_options(_isa(isa_name), hip_version_tuple) + list(default_opts) + \
        (["-D__HIPCC_RTC__"] if prepend_hiprtc_runtime_header else []) + list(extra_opts)
    _, result, log, diagnostic = run_action(action_kind, Data("source.hip", "SOURCE",
                                                              _hip_source(source, prepend_hiprtc_runtime_header)),
                                            isa_name, "HIP", "BC", options, logging)
    return result, log, diagnostic


def compile_hip_to_hsa(source, isa_name, hip_version_tuple, extra_opts=(), default_opts=HIP_TO_HSA_OPTS,
                       prepend_hiprtc_runtime_header: bool = False, logging: bool = False):
    """HIP C++ source -> AMD GPU assembly (comgr's relocatable action with ``-S``)."""
    options = _hip_options(_isa(isa_name), hip_version_tuple) + list(default_opts) + \
        (["-D__HIPCC_RTC__"] if prepend_hiprtc_runtime_header else []) + list(extra_opts)
    _, result, log, diagnostic = run_action("COMPILE_SOURCE_TO_RELOCATABLE",
                                            Data("source.hip", "SOURCE",
                                                 _hip_source(source, prepend_hiprtc_runtime_header)),
                                            isa_name, "HIP", "RELOCATABLE", options, logging)
    return result, log, diagnostic


def compile_bc_to_hsa(source, isa_name, bc_kind: str = "BC", extra_opts=(), logging: bool = False):
    """LLVM bitcode (``"BC"`` or ``"BC_BUNDLE"``) -> AMD GPU (HSA) assembly source."""
    if bc_kind not in ("BC", "BC_BUNDLE"):
        raise ValueError("Argument 'bc_kind' must be either 'BC' or 'BC_BUNDLE'")
    _, result, log, diagnostic = run_action("CODEGEN_BC_TO_ASSEMBLY", Data("source.bc", bc_kind, source),
                                            isa_name, "HIP", "SOURCE", list(extra_opts), logging)
    return result, log, diagnostic


def _two_steps(first: str, data: Data, isa_name, lang_str: str, options, logging: bool):
    """``first`` to a relocatable, then linked to an executable code object (AMD skips LINK_BC_TO_BC
    for one input, and so does this)."""
    _, reloc, log1, diag1 = run_action(first, data, isa_name, lang_str, "RELOCATABLE", options, logging)
    _, exe, log2, diag2 = run_action("LINK_RELOCATABLE_TO_EXECUTABLE", Data("linked.o", "RELOCATABLE", reloc),
                                     isa_name, "NONE", "EXECUTABLE", [], logging)
    log = "\n---".join(x for x in (log1, log2) if x) if logging else None
    diagnostic = "\n---".join(x for x in (diag1, diag2) if x) or None
    return exe, log, diagnostic


def compile_bc(ir_or_bc, isa_name, bc_kind: str = "BC", extra_opts=(), default_opts=("-O3",),
               logging: bool = False):
    """LLVM bitcode -> executable AMD GPU code object (an ELF)."""
    return _two_steps("CODEGEN_BC_TO_RELOCATABLE", Data("input.bc", bc_kind, ir_or_bc), isa_name, "NONE",
                      list(default_opts) + list(extra_opts), logging)


def compile_hsa(hsa, isa_name, extra_opts=(), default_opts=(), logging: bool = False):
    """AMD GPU (HSA) assembly -> executable AMD GPU code object (an ELF)."""
    return _two_steps("ASSEMBLE_SOURCE_TO_RELOCATABLE", Data("input.s", "SOURCE", hsa), isa_name, "HIP",
                      list(default_opts) + list(extra_opts), logging)
