"""How each C parameter is passed from Python: the one place the out-parameter rule lives.

A parameter gets a *role*:

``value``    int, float or enum passed by value (Python int/float, IntEnum members are ints)
``record``   struct/union passed by value (a struct object, or a buffer of its size)
``pointer``  any pointer input: int address, None, buffer protocol, ``__cuda_array_interface__``,
             a struct object, ctypes pointer
``string``   ``const char*`` input: str (UTF-8), bytes, None, or any pointer input
``strings``  ``const char**`` input list (``options``, ``headers``): sequence of str/bytes, or a pointer
``pointers`` ``void**`` input list (``kernelParams``): each item a pointer input
``ints``     an array of integers or enum values (``const uint32_t* cuMask``, hiprtc's option
             keys): a list/tuple of ints packed at the element's width (written back into a
             list after the call when the array is not ``const``), or any pointer input
``launch_extra``  ``extra`` of the module-launch functions: a tuple of ctypes values/ints packed
             into the ``HIP_LAUNCH_PARAM_BUFFER`` form, or the raw pointer array
``handle_ref``  a handle the function takes by address to clear it (``hiprtcDestroyProgram``):
             the caller passes the handle, the wrapper passes a pointer to a copy
``out``      not passed by the caller: the wrapper owns the storage and returns the value

The out rule: a *non-const* ``T*`` is an out-parameter when ``T`` is
1. an integer, float or enum (``int* count``, ``size_t* free``; ``char*`` excluded: that is a buffer),
2. a pointer to a struct/union, i.e. a handle (``hipStream_t* stream``, ``hiprtcProgram* prog``),
3. ``const char*`` (``const char** errorString``), unless a count parameter says it is a list,
4. ``void*`` (``void** ptr``) when the parameter's name is one of ``VOID_PTR_OUT_NAMES``, or when
   ``T`` is a ROCm library's own ``void*`` handle typedef (``hipblasHandle_t* handle``);
   it comes back as a ``Pointer``, or as a ``DeviceArray`` of the requested size when the
   function allocates device memory (``device_array_size``), as AMD's HIP Python returns them.
``OVERRIDES`` (function, parameter) -> role wins over the rule; it holds the few cases the
headers' types cannot tell apart (arrays passed as ``T*`` with a separate count).
"""
from __future__ import annotations

VOID_PTR_OUT_NAMES = frozenset({
    "ptr", "devPtr", "dev_ptr", "dptr", "data", "pbase", "pHost", "hostPtr", "pDevice",
    "dev_ptr_out", "mappedPtr", "devicePtr", "value_out",
})
COUNT_PREFIXES = ("num", "n")

OVERRIDES: dict[tuple[str, str], str] = {
    # arrays of attributes and their sizes, passed in with num_attributes
    ("hipMemRangeGetAttributes", "data"): "pointers",
    ("hipMemRangeGetAttributes", "data_sizes"): "pointer",
    ("hipMemRangeGetAttributes", "attributes"): "pointer",
    ("hipPointerGetAttributes", "attributes"): "pointer",
    ("hipDrvPointerGetAttributes", "attributes"): "pointer",
    ("hipDrvPointerGetAttributes", "data"): "pointers",
    # graph node arrays: caller-owned arrays whose length travels in a separate in/out count
    ("hipGraphGetNodes", "nodes"): "pointer",
    ("hipGraphGetRootNodes", "pRootNodes"): "pointer",
    ("hipGraphGetEdges", "from"): "pointer",
    ("hipGraphGetEdges", "to"): "pointer",
    ("hipGraphNodeGetDependencies", "pDependencies"): "pointer",
    ("hipGraphNodeGetDependentNodes", "pDependentNodes"): "pointer",
    ("hipGraphGetNodes", "numNodes"): "pointer",
    ("hipGraphGetRootNodes", "pNumRootNodes"): "pointer",
    ("hipGraphGetEdges", "numEdges"): "pointer",
    ("hipGraphNodeGetDependencies", "pNumDependencies"): "pointer",
    ("hipGraphNodeGetDependentNodes", "pNumDependentNodes"): "pointer",
    ("hipStreamGetCaptureInfo_v2", "dependencies_out"): "out",
    # int arrays of the runtime's device lists
    ("hipGLGetDevices", "pHipDevices"): "pointer",
    ("hipExtStreamCreateWithCUMask", "cuMask"): "pointer",
    ("hipExtStreamGetCUMask", "cuMask"): "pointer",
    ("hipDeviceGetAttribute", "pi"): "out",
    ("hipModuleLaunchCooperativeKernelMultiDevice", "launchParamsList"): "pointer",
    ("hipLaunchCooperativeKernelMultiDevice", "launchParamsList"): "pointer",
    ("hipExtLaunchMultiKernelMultiDevice", "launchParamsList"): "pointer",
    # hiprtc option arrays: options_ptr/option_values travel with num_options
    ("hiprtcLinkCreate", "option_ptr"): "pointer",
    ("hiprtcLinkCreate", "option_vals_pptr"): "pointers",
    ("hiprtcLinkAddData", "options_ptr"): "pointer",
    ("hiprtcLinkAddData", "option_values"): "pointers",
    ("hiprtcLinkAddFile", "options_ptr"): "pointer",
    ("hiprtcLinkAddFile", "option_values"): "pointers",
    ("hiprtcLinkComplete", "bin_out"): "out",
    ("hiprtcCreateProgram", "includeNames"): "strings",
    ("hiprtcDestroyProgram", "prog"): "handle_ref",
    ("hiprtcLinkComplete", "size_out"): "out",
    # RCCL: one communicator per device, an array of ndev handles
    ("ncclCommInitAll", "comm"): "pointer",
    ("pncclCommInitAll", "comm"): "pointer",
    # AMD SMI: arrays of handles whose length travels in a separate in/out count
    **{(f, "processor_handles"): "pointer" for f in (
        "amdsmi_get_cpu_handles", "amdsmi_get_cpucore_handles", "amdsmi_get_gpu_process_list_by_pid",
        "amdsmi_get_nic_processor_handles", "amdsmi_get_processor_count_from_handles",
        "amdsmi_get_processor_handles", "amdsmi_get_processor_handles_by_type")},
    ("amdsmi_get_socket_handles", "socket_handles"): "pointer",
    # inputs declared non-const (AMD's amdsmi takes them in)
    ("amdsmi_set_cpu_pwr_efficiency_mode", "utilization"): "pointer",
    ("amdsmi_set_cpu_pwr_efficiency_mode", "ppt_limit"): "pointer",
    # comgr: a metadata map's or list's size is an out (every other size_t* size is in/out)
    ("amd_comgr_get_metadata_map_size", "size"): "out",
    ("amd_comgr_get_metadata_list_size", "size"): "out",
    # comgr: option lists, a const char *x[] with its count
    ("amd_comgr_action_info_set_option_list", "options"): "strings",
    ("amd_comgr_action_info_set_bundle_entry_ids", "bundle_entry_ids"): "strings",
    # hipFFT Xt: one work-area size per GPU of the plan
    ("hipfftXtMakePlanMany", "workSize"): "pointer",
    ("hipfftXtGetSizeMany", "workSize"): "pointer",
}
# The ROCm libraries (hip.hipblas ...): their non-const ``float*``/``int*`` parameters are
# mostly arrays, in device memory (``hipfftExecR2C(plan, hipfftReal* idata, ...)``, BLAS
# ``y``, a dot's ``result`` under the device pointer mode), so for them rule 1 holds only
# for the parameters named here, the true scalar outs; every other one is a pointer input.
LIBRARY_PREFIXES = {"hipblas": ("hipblas",), "hipfft": ("hipfft",), "hiprand": ("hiprand",),
                    "hipsparse": ("hipsparse",), "hipsolver": ("hipsolver",), "rccl": ("nccl", "pnccl"),
                    "roctx": ("roctx",), "hipblaslt": ("hipblasLt",), "hipsparselt": ("hipsparseLt",),
                    "amdsmi": ("amdsmi_",), "amd_comgr": ("amd_comgr_",)}
LIBRARY_SCALAR_OUTS = {
    "hipblas": frozenset({"mode", "atomics_mode", "math_mode"}),
    "hipfft": frozenset({"version", "value", "workSize"}),
    "hiprand": frozenset({"version"}),
    "hipsparse": frozenset({"version", "mode", "pBufferSizeInBytes", "pBufferSize", "bufferSize",
                            "bufferSizeInBytes", "position"}),
    "hipsolver": frozenset({"lwork", "workspaceInBytesOnDevice", "workspaceInBytesOnHost"}),
    "rccl": frozenset({"version", "count", "device", "rank", "asyncError"}),
    "roctx": frozenset(),
    "hipblaslt": frozenset({"version", "smCountTarget", "sizeWritten", "returnAlgoCount"}),
    "hipsparselt": frozenset({"version", "value", "compressedSize", "compressBufferSize", "workspaceSize",
                              "valid"}),
    # the ones AMD's amdsmi returns (every other int* is an array or an in/out count)
    "amdsmi": frozenset({"data_format1", "data_format2", "enabled", "fmax", "fmin", "max_pstate", "min_pstate",
                         "mode", "nr_cpucores", "nr_cpusockets", "nr_gpus", "num_pages", "pcap", "pmax", "power",
                         "power_efficiency_mode", "ppower", "ppt_limit", "processor_type", "revision",
                         "sdps_limit", "sensor_count", "tdelta", "temp", "threshold", "utilization",
                         "vcn_busy_percent"}),
    # counts, the interface version, and the enums a query answers (AMD's returns these; every
    # size_t* size is an in/out length of the caller's buffer)
    "amd_comgr": frozenset({"count", "major", "minor", "kind", "language", "logging"}),
}
# Structs that are a library's handles by value (comgr's ``typedef struct { uint64_t handle; }
# amd_comgr_data_t``): a pointer to one is the handle a call creates or finds, returned as a new
# struct, as AMD's ``amd_comgr_create_data(kind)`` -> ``(status, data)`` (8 bytes: the dispatcher's
# own out slot holds it)
RECORD_OUTS = frozenset({"amd_comgr_data_s", "amd_comgr_data_set_s", "amd_comgr_action_info_s",
                         "amd_comgr_metadata_node_s", "amd_comgr_symbol_s", "amd_comgr_disassembly_info_s",
                         "amd_comgr_symbolizer_info_s"})
# A pointer parameter whose pointee is not const is written by C, so the wrapper wants a
# writable buffer there (``bytes``, a read-only memoryview or a read-only CUDA array is a
# TypeError: C would overwrite an immutable object).  Some headers declare inputs non-const;
# these (function, parameter) pairs are the inputs C only reads, where a read-only buffer is
# fine.  ``tests/bindings/test_params.py`` checks every pair against the real manifests.
READ_ONLY_INPUTS = frozenset({
    # copies whose source is declared hipDeviceptr_t / void*
    ("hipMemcpyHtoD", "src"), ("hipMemcpyHtoDAsync", "src"), ("hipMemcpyDtoD", "src"),
    ("hipMemcpyDtoDAsync", "src"), ("hipMemcpyDtoH", "src"), ("hipMemcpyDtoHAsync", "src"),
    ("hipMemcpyDtoA", "srcDevice"),
    # code images and option arrays given to the linker/loader
    ("hipLinkAddData", "data"), ("hiprtcLinkAddData", "image"),
    ("hipModuleLoadDataEx", "options"), ("hipLinkCreate", "options"), ("hipLinkAddData", "options"),
    ("hipLinkAddFile", "options"), ("hiprtcLinkCreate", "option_ptr"), ("hiprtcLinkAddData", "options_ptr"),
    ("hiprtcLinkAddFile", "options_ptr"), ("hipLibraryLoadData", "libraryOptions"),
    ("hipLibraryLoadFromFile", "libraryOptions"),
    # attribute lists and values the runtime reads
    ("hipMemRangeGetAttributes", "attributes"), ("hipDrvPointerGetAttributes", "attributes"),
    ("hipMemPoolSetAttribute", "value"), ("hipDeviceSetGraphMemAttribute", "value"),
    # parameter structs and arrays of them, read by the call
    ("hipLaunchCooperativeKernelMultiDevice", "launchParamsList"),
    ("hipExtLaunchMultiKernelMultiDevice", "launchParamsList"),
    ("hipModuleLaunchCooperativeKernelMultiDevice", "launchParamsList"),
    ("hipMemcpy3DPeer", "p"), ("hipMemcpy3DPeerAsync", "p"), ("hipMemcpy3DBatchAsync", "opList"),
    ("hipMemcpyBatchAsync", "attrs"), ("hipMemcpyBatchAsync", "attrsIdxs"),
    ("hipMemMapArrayAsync", "mapInfoList"), ("hipStreamBatchMemOp", "paramArray"),
    ("hipGraphNodeSetParams", "nodeParams"), ("hipGraphExecNodeSetParams", "nodeParams"),
    ("hipGraphBatchMemOpNodeSetParams", "nodeParams"), ("hipGraphExecMemcpyNodeSetParams", "pNodeParams"),
    ("hipMipmappedArrayCreate", "pMipmappedArrayDesc"), ("hipMemPoolImportPointer", "export_data"),
    ("hipMemPoolGetAccess", "location"),
    ("hipMemImportFromShareableHandle", "osHandle"), ("hipMemPoolImportFromShareableHandle", "shared_handle"),
    # user data handed back to a callback: C never dereferences it
    ("hipLaunchHostFunc", "userData"), ("hipLaunchHostFunc_spt", "userData"),
    ("hipStreamAddCallback", "userData"), ("hipStreamAddCallback_spt", "userData"),
    ("hipRegisterActivityCallback", "arg"), ("hipRegisterActivityCallback", "fun"),
    ("hipRegisterApiCallback", "arg"), ("hipUserObjectCreate", "ptr"),
}) | frozenset({
    # The ROCm libraries (compact modules), by their documentation.  Out-of-place FFTs read
    # their input (C2R/Z2D may overwrite it: those stay written); XtMemcpy's source
    ("hipfftExecC2C", "idata"), ("hipfftExecZ2Z", "idata"), ("hipfftExecR2C", "idata"),
    ("hipfftExecD2Z", "idata"), ("hipfftXtMemcpy", "src"),
    # hipSOLVER's refactorization takes the matrix and its L/U factors as inputs
    ("hipsolverRfSetupDevice", "csrValA"), ("hipsolverRfSetupDevice", "csrValL"),
    ("hipsolverRfSetupDevice", "csrValU"), ("hipsolverRfSetupHost", "h_csrValA"),
    ("hipsolverRfSetupHost", "h_csrValL"), ("hipsolverRfSetupHost", "h_csrValU"),
    ("hipsolverRfResetValues", "csrValA"),
    # hipSPARSE's numeric boost: the tolerance and the boost value are read
    *((f"hipsparse{t}{f}ilu02_numericBoost", n) for t in "SDCZ" for f in ("csr", "bsr")
      for n in ("tol", "boost_val")),
    # hipFFT's plan shapes: the dimensions and embeddings are read (declared int*), as the GPUs
    *((f"hipfft{fn}", n) for fn in ("PlanMany", "MakePlanMany", "MakePlanMany64", "EstimateMany",
                                     "GetSizeMany", "GetSizeMany64", "XtMakePlanMany", "XtGetSizeMany")
      for n in ("n", "inembed", "onembed")),
    ("hipfftXtSetGPUs", "gpus"),
    # hipSOLVER's refactorization: the permutations and the CSR structure it is set up from
    *((f"hipsolverRf{fn}", n) for fn in ("SetupHost", "BatchSetupHost") for n in (
        "h_P", "h_Q", "h_csrRowPtrA", "h_csrColIndA", "h_csrRowPtrL", "h_csrColIndL", "h_csrRowPtrU", "h_csrColIndU")),
    *(("hipsolverRfSetupDevice", n) for n in ("P", "Q", "csrRowPtrA", "csrColIndA", "csrRowPtrL",
                                               "csrColIndL", "csrRowPtrU", "csrColIndU")),
    *((f"hipsolverRf{fn}", n) for fn in ("ResetValues", "BatchResetValues") for n in ("P", "Q", "csrRowPtrA", "csrColIndA")),
    *((f"hipsolverRf{fn}", n) for fn in ("Solve", "BatchSolve") for n in ("P", "Q")),
    # RCCL: the ranks to leave out of a shrunk communicator
    ("ncclCommShrink", "excludeRanksList"), ("pncclCommShrink", "excludeRanksList"),
    # RCCL: the communicator's configuration, the unique ids, the pre-multiplied scalar
    *((f"{pre}{fn}", n) for pre in ("nccl", "pnccl") for fn, n in (
        ("CommInitRankConfig", "config"), ("CommSplit", "config"), ("CommInitRankScalable", "config"),
        ("CommInitRankScalable", "commIds"), ("RedOpCreatePreMulSum", "scalar"))),
})
DEVICE_ALLOCATORS = ("hipMalloc", "hipExtMalloc")


def device_array_size(func: str, params: list[dict]) -> str | None:
    """The size parameter of a device allocation, whose ``void**`` out comes back as a
    ``DeviceArray`` of that many bytes; None for every other function (a ``Pointer``).

    A device allocation is a ``hipMalloc*``/``hipExtMalloc*`` function that takes one byte
    count (``size``, ``sizeBytes``) and does not allocate host memory (``hipMallocHost``):
    ``hipMalloc``, ``hipExtMallocWithFlags``, ``hipMallocManaged``, ``hipMallocAsync``,
    ``hipMallocFromPoolAsync``, exactly the functions AMD's HIP Python returns a DeviceArray
    from.  Pitched and array allocations have no single byte count and stay Pointers."""
    if not func.startswith(DEVICE_ALLOCATORS) or "Host" in func:
        return None
    sizes = [p["name"] for p in params if p["name"].startswith("size")]
    return sizes[0] if len(sizes) == 1 else None


# Functions filling a caller's struct that AMD's later HIP Python also offers as an
# out-parameter: ``f(prop, 0)`` fills ``prop``; ``f(0)`` returns ``(err, new struct)``.
STRUCT_OUT_OPTIONAL = {"hipGetDeviceProperties": "prop", "hipGetDevicePropertiesR0600": "prop"}
# Functions filling a caller's char buffer of ``len`` bytes, which AMD's HIP Python (the older
# layout and 10.x alike) allocates itself: ``hipDeviceGetName(len, device)`` returns
# ``(hipSuccess, CStr)``.  Here both forms: AMD's, and ``f(buf, len, device)`` filling ``buf``,
# which must then hold ``len`` bytes.  (function: (buffer parameter, length parameter))
TEXT_OUT_OPTIONAL = {"hipDeviceGetName": ("name", "len"), "hipDeviceGetPCIBusId": ("pciBusId", "len")}
LAUNCH_EXTRA = frozenset({"hipModuleLaunchKernel", "hipExtModuleLaunchKernel",
                          "hipHccModuleLaunchKernel", "hipModuleLaunchCooperativeKernel"})
# Calls that return at once and take no lock a HIP callback thread could hold: they keep the
# GIL, because dropping and retaking it costs ~20 ns, as much as the rest of the wrapper.
# Every other call returning an error code releases the GIL (it may wait on the device).
KEEP_GIL = frozenset({"hipGetLastError", "hipPeekAtLastError", "hipExtGetLastError",
                      "hipGetDevice", "hipSetDevice", "hipGetDeviceCount",
                      "hipRuntimeGetVersion", "hipDriverGetVersion", "hipDeviceGetAttribute",
                      "hipDrvGetErrorName", "hipDrvGetErrorString", "hiprtcVersion",
                      # the ROCm libraries' version queries answer from a constant
                      "hiprandGetVersion", "hipfftGetVersion", "ncclGetVersion", "pncclGetVersion",
                      "hipsparseLtGetProperty", "amdsmi_get_lib_version",
                      # and a status's name from a table
                      "amdsmi_status_code_to_string", "amd_comgr_status_string",
                      # comgr's version and its table of targets
                      "amd_comgr_get_isa_count", "amd_comgr_get_isa_name"})


def resolve(ref: dict, typedefs: dict) -> dict:
    """Follow typedefs until a non-typedef TypeRef; qualifiers on the way are kept."""
    const = ref.get("const", False)
    while ref["kind"] == "typedef":
        ref = typedefs[ref["name"]]["type"]
        const = const or ref.get("const", False)
    return dict(ref, const=True) if const and not ref.get("const") else ref


def _is_char(ref: dict) -> bool:
    return ref["kind"] == "int" and ref["size"] == 1 and ref["name"] in ("char", "signed char", "unsigned char")


def role(func: str, params: list[dict], index: int, typedefs: dict) -> str:
    """The role of ``params[index]`` of ``func`` (see the module docstring)."""
    r = _role(func, params, index, typedefs)
    if r == "pointer" and int_element(params[index]["type"], typedefs) is not None:
        return "ints"
    return r


def int_element(ref: dict, typedefs: dict) -> dict | None:
    """The element type of a pointer to integers or enum values (not ``char``: a buffer)."""
    t = resolve(ref, typedefs)
    if t["kind"] != "pointer":
        return None
    to = resolve(t["to"], typedefs)
    if to["kind"] == "enum" or (to["kind"] == "int" and not _is_char(to) and to["name"] != "bool"):
        return to
    return None


def _role(func: str, params: list[dict], index: int, typedefs: dict) -> str:
    p = params[index]
    name = p["name"]
    if (func, name) in OVERRIDES:
        return OVERRIDES[(func, name)]
    t = resolve(p["type"], typedefs)
    if t["kind"] in ("int", "float", "enum"):
        return "value"
    if t["kind"] == "record":
        return "record"
    if t["kind"] == "array":
        return "pointer"
    if t["kind"] != "pointer":
        raise ValueError(f"{func}({name}): unsupported parameter kind {t['kind']}")
    to = resolve(t["to"], typedefs)
    if to["kind"] == "function":
        return "pointer"
    if _is_char(to):
        return "string" if to.get("const") else "pointer"
    if to["kind"] == "pointer":
        inner = resolve(to["to"], typedefs)
        if func.startswith("LLVM") and not to.get("const"):
            llvm = _llvm_role(name, inner)
            if llvm:
                return llvm
        if name == "extra" and func in LAUNCH_EXTRA:
            return "launch_extra"
        if _is_char(inner):
            if to.get("const") or not inner.get("const") or _has_count(params, index):
                return "strings"
            return "out"
        if to.get("const"):
            return "pointers"
        if inner["kind"] == "record":
            if inner["name"].startswith("HIP_vector_type"):
                return "pointer"  # hipFloatComplex* A[] (batched arrays): a C++ template, never a handle
            return "out"
        if inner["kind"] == "void":
            if name in VOID_PTR_OUT_NAMES or _library_handle(p["type"], typedefs):
                return "out"
            return "pointers"
        return "pointer"
    if to.get("const"):
        return "pointer"
    if to["kind"] in ("int", "float", "enum"):
        if _has_count(params, index):
            return "pointer"
        if to["kind"] == "float" and to["size"] not in (4, 8):
            return "pointer"
        lib = _library_of(func)
        if lib is not None and name not in LIBRARY_SCALAR_OUTS[lib]:
            return "pointer"
        return "out"
    if to["kind"] == "record" and to["name"] in RECORD_OUTS:
        return "out"
    return "pointer"


def _llvm_role(name: str, inner: dict) -> "str | None":
    """LLVM-C's ``T**``: a message LLVM allocates (``char **OutMessage``, ``ErrorMessage``) and a
    handle it creates (``LLVMModuleRef *OutM``, ``LLVMTargetRef *T``) are outs, as AMD's
    ``(status, module, message)``; every other handle array (``LLVMValueRef *Args`` with
    ``NumArgs``, ``LLVMTypeRef *Dest`` that ``LLVMGetParamTypes`` fills) is the caller's."""
    if _is_char(inner) and not inner.get("const"):
        return "out" if name in LLVM_MESSAGE_OUTS else None
    if inner["kind"] == "record":
        return "out" if name.startswith("Out") or name in LLVM_HANDLE_OUTS else "pointer"
    return None


# LLVM-C's char** and single-handle outs not named Out*
LLVM_MESSAGE_OUTS = frozenset({"OutMessage", "ErrorMessage"})
LLVM_HANDLE_OUTS = frozenset({"T"})   # LLVMGetTargetFromTriple(Triple, LLVMTargetRef *T, ...)


def _library_of(func: str) -> "str | None":
    """The library whose prefix is the longest that ``func`` starts with (hipblasLt* is hipBLASLt's)."""
    found = [(len(pre), lib) for lib, prefixes in LIBRARY_PREFIXES.items() for pre in prefixes if func.startswith(pre)]
    return max(found)[1] if found else None


def _library_handle(ref: dict, typedefs: dict) -> bool:
    """``hipsparseHandle_t* handle``: a ROCm library's handle typedef of ``void*`` (hipBLAS,
    hipSPARSE, hipSOLVER), passed by address to be created, is an out-parameter."""
    if ref["kind"] == "typedef":
        ref = typedefs[ref["name"]]["type"]
    to = ref.get("to", {})
    return (ref["kind"] == "pointer" and to.get("kind") == "typedef" and not to.get("const")
            and typedefs[to["name"]]["module"] not in ("hip", "hiprtc")
            and resolve(to, typedefs)["kind"] == "pointer"
            and resolve(resolve(to, typedefs)["to"], typedefs)["kind"] == "void")


def void_handle(ref: dict, typedefs: dict) -> bool:
    """``hipblasHandle_t handle`` (by value): a ROCm library's own handle typedef of ``void*``."""
    if ref["kind"] != "typedef" or typedefs[ref["name"]]["module"] in ("hip", "hiprtc"):
        return False
    t = resolve(ref, typedefs)
    return t["kind"] == "pointer" and resolve(t["to"], typedefs)["kind"] == "void"


def written(func: str, param: dict, typedefs: dict) -> bool:
    """C may write through pointer parameter ``param`` (of role ``pointer``): its pointee is
    neither const nor code, and it is not one of the ``READ_ONLY_INPUTS``."""
    t = resolve(param["type"], typedefs)
    if t["kind"] != "pointer" or (func, param["name"]) in READ_ONLY_INPUTS:
        return False
    to = resolve(t["to"], typedefs)
    return not to.get("const") and to["kind"] != "function"


def _has_count(params: list[dict], index: int) -> bool:
    """A neighbouring integer parameter named num*/n* marks ``params[index]`` as an array."""
    for j in (index - 1, index + 1):
        if 0 <= j < len(params):
            n = params[j]["name"]
            t = params[j]["type"]
            if t["kind"] in ("int", "typedef") and not n.startswith("nbytes") and any(
                    n.startswith(pre) and (len(n) > len(pre) and n[len(pre)].isupper() or n[len(pre):].startswith("_"))
                    for pre in COUNT_PREFIXES):
                return True
    return False


def roles(name: str, func: dict, typedefs: dict) -> list[str]:
    return [role(name, func["params"], i, typedefs) for i in range(len(func["params"]))]
