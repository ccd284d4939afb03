"""``rocm.comgr``: AMD's high-level Python API over comgr (the code-object manager), here over
this wheel's own binding of its release's comgr (``hip.amd_comgr`` = ``rocm.bindings.amd_comgr``).

What numba-hip uses, with AMD's signatures and return shapes: ``compile_hip_to_bc``,
``compile_bc``, ``compile_bc_to_hsa``, ``compile_hsa`` (``(bytes, log, diagnostics)``),
``get_isa_metadata_all``, ``parse_code_symbols``, ``disassemble_code_obj_function``,
``disassemble_amdhsa_code_obj_v6_kernel`` and ``HIPRTC_RUNTIME_HEADER`` (read on first access
from the machine's ``libhiprtc-builtins``), plus the layer they stand on (``Data``, ``DataSet``,
``Action``, the metadata parsers).  Actions, kinds and languages are named, never numbered: the
enums are those of the release's comgr (3.0 renumbered the actions).

A wheel built without the comgr module raises here the ImportError of ``from hip import
amd_comgr``, which names the library modules the wheel has.  docs/libraries.md, "rocm.comgr".
"""
from hip.amd_comgr import *  # noqa: F401,F403  (AMD's rocm.comgr re-exports the low-level binding)

from .compile import (compile_bc, compile_bc_to_hsa, compile_hip_to_bc, compile_hip_to_hsa,  # noqa: F401
                      compile_hsa, run_action)
from .core import Action, Data, DataSet, check  # noqa: F401
from .disassemble import (disassemble_amdhsa_code_obj_v6_kernel, disassemble_code_obj_function,  # noqa: F401
                          disassemble_program, dump_metadata_yaml)
from .hiprtc_header import get_hiprtc_runtime_header, get_hiprtc_runtime_header_origin  # noqa: F401
from .metadata import (Symbol, get_isa_metadata, get_isa_metadata_all, get_isa_names,  # noqa: F401
                       parse_code_obj_kernel_names, parse_code_obj_metadata, parse_code_symbols,
                       parse_data_metadata, parse_data_symbols, parse_metadata)


def __getattr__(name):
    # read on first access, not at import: it loads libhiprtc-builtins, which a user who never
    # compiles HIP source need not have
    if name == "HIPRTC_RUNTIME_HEADER":
        value = globals()[name] = get_hiprtc_runtime_header()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
