"""``import pynvml`` on AMD GPUs: NVIDIA's NVML Python names (nvidia-ml-py) answered by AMD SMI.

Shipped as ``pynvml/__init__.py`` of hip-python-interop (hip_build/interop.py), over the
release's ``hip.amdsmi``. Code that asks NVML how many GPUs there are, their names, memory and
utilization keeps working unchanged on ROCm:

- ``nvmlInit`` is ``amdsmi_init(AMDSMI_INIT_AMD_GPUS)`` and enumerates the AMD GPUs once
  (sockets, then their processors of type AMD GPU); the count is reference-counted as NVML's.
- Every failure is an ``NVMLError`` whose ``.value`` is the NVML code (``NVML_ERROR_*``, nvml.h's
  values) nearest to AMD SMI's status, raised as the per-code subclass NVIDIA's module raises
  (``NVMLError_DriverNotLoaded`` ...); its text is the code's name in words, then the AMD SMI call
  and status.
- Units are NVML's: bytes (AMD SMI answers VRAM in MB), milliwatts (AMD SMI: W), ``str`` names.
- ROCm has no MIG: the MIG queries answer "disabled", "no MIG devices".

A release whose hip-python has no ``hip.amdsmi`` (no Debian amd-smi for it) makes the import an
ImportError that says so; beside NVIDIA's own pynvml the import refuses (_hip_foreign.py).
"""
import ctypes
import os

from . import _hip_foreign

_hip_foreign.refuse(os.path.dirname(os.path.abspath(__file__)), {"__init__.py", "_hip_foreign.py", "__pycache__"},
                    ("pynvml",), "pynvml", "NVML names on AMD SMI", "nvidia-ml-py pynvml")

try:
    from hip import amdsmi as _smi
except ImportError as _e:
    # hip's own message names the release (hip-python, HIP and ROCm versions) and what it lacks
    raise ImportError(f"pynvml of hip-python-interop answers through AMD SMI (hip.amdsmi): {_e}", name="pynvml") from _e

from hip import RocmLibraryNotFoundError as _NoLibrary  # noqa: E402

# nvml.h's return codes (values as NVIDIA's, compared by ported code through ``err.value``)
_CODES = ("SUCCESS", "UNINITIALIZED", "INVALID_ARGUMENT", "NOT_SUPPORTED", "NO_PERMISSION", "ALREADY_INITIALIZED",
          "NOT_FOUND", "INSUFFICIENT_SIZE", "INSUFFICIENT_POWER", "DRIVER_NOT_LOADED", "TIMEOUT", "IRQ_ISSUE",
          "LIBRARY_NOT_FOUND", "FUNCTION_NOT_FOUND", "CORRUPTED_INFOROM", "GPU_IS_LOST", "RESET_REQUIRED",
          "OPERATING_SYSTEM", "LIB_RM_VERSION_MISMATCH", "IN_USE", "MEMORY", "NO_DATA", "VGPU_ECC_NOT_SUPPORTED",
          "INSUFFICIENT_RESOURCES", "FREQ_NOT_SUPPORTED", "ARGUMENT_VERSION_MISMATCH", "DEPRECATED", "NOT_READY",
          "GPU_NOT_FOUND", "INVALID_STATE", "RESET_TYPE_NOT_SUPPORTED")
NVML_SUCCESS = 0
for _i, _c in enumerate(_CODES[1:], 1):
    globals()[f"NVML_ERROR_{_c}"] = _i
NVML_ERROR_UNKNOWN = 999
NVML_TEMPERATURE_GPU = 0
NVML_DEVICE_MIG_DISABLE, NVML_DEVICE_MIG_ENABLE = 0, 1
NVML_DEVICE_NAME_BUFFER_SIZE, NVML_DEVICE_NAME_V2_BUFFER_SIZE = 64, 96
NVML_DEVICE_UUID_BUFFER_SIZE, NVML_DEVICE_UUID_V2_BUFFER_SIZE = 80, 96
NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80


_TEXT = {i: " ".join(w.capitalize() for w in c.split("_")) for i, c in enumerate(_CODES)}
_TEXT[NVML_ERROR_UNKNOWN] = "Unknown Error"


def nvmlErrorString(result):
    """NVML's text of a return code (``str``)."""
    return _TEXT.get(int(result), _TEXT[NVML_ERROR_UNKNOWN])


class NVMLError(Exception):
    """An NVML failure: ``.value`` is the ``NVML_ERROR_*`` code; ``NVMLError(code)`` is an
    instance of that code's subclass (``NVMLError_DriverNotLoaded``), as NVIDIA's module makes it,
    and a subclass needs no code (``NVMLError_NotSupported()``)."""
    _by_value: dict = {}
    _code = NVML_ERROR_UNKNOWN

    def __new__(cls, value=None, detail=None):
        if cls is NVMLError:
            cls = NVMLError._by_value.get(value, cls)
        return Exception.__new__(cls)

    def __init__(self, value=None, detail=None):
        self.value = self._code if value is None else value
        self.detail = detail   # the AMD SMI call and status behind it
        super().__init__(self.value)

    def __str__(self):
        return nvmlErrorString(self.value) + (f" ({self.detail})" if self.detail else "")

    def __eq__(self, other):
        return isinstance(other, NVMLError) and self.value == other.value

    def __hash__(self):
        return hash(self.value)


# NVMLError_<CamelCase of the code name> for each code, as NVIDIA's module names them
for _i, _c in [*enumerate(_CODES), (NVML_ERROR_UNKNOWN, "UNKNOWN")]:
    if _i:
        _name = "NVMLError_" + "".join(w.capitalize() for w in _c.split("_"))
        NVMLError._by_value[_i] = globals()[_name] = type(_name, (NVMLError,), {"__module__": __name__, "_code": _i})

# AMD SMI status (member name without AMDSMI_STATUS_/AMDSMI_) -> the nearest NVML code
_FROM_STATUS = {
    "INVAL": NVML_ERROR_INVALID_ARGUMENT, "INPUT_OUT_OF_BOUNDS": NVML_ERROR_INVALID_ARGUMENT,
    "ARG_PTR_NULL": NVML_ERROR_INVALID_ARGUMENT, "NOT_SUPPORTED": NVML_ERROR_NOT_SUPPORTED,
    "NOT_YET_IMPLEMENTED": NVML_ERROR_NOT_SUPPORTED, "SETTING_UNAVAILABLE": NVML_ERROR_NOT_SUPPORTED,
    "NO_PERM": NVML_ERROR_NO_PERMISSION, "NOT_FOUND": NVML_ERROR_NOT_FOUND, "NOT_INIT": NVML_ERROR_UNINITIALIZED,
    "INSUFFICIENT_SIZE": NVML_ERROR_INSUFFICIENT_SIZE, "TIMEOUT": NVML_ERROR_TIMEOUT, "BUSY": NVML_ERROR_IN_USE,
    "OUT_OF_RESOURCES": NVML_ERROR_MEMORY, "NO_DATA": NVML_ERROR_NO_DATA, "FAIL_LOAD_SYMBOL": NVML_ERROR_FUNCTION_NOT_FOUND,
    # no amdgpu driver (or no /dev/dri, /sys/class/kfd to read): NVML's answer without its driver
    "DRIVER_NOT_LOADED": NVML_ERROR_DRIVER_NOT_LOADED, "NO_DRV": NVML_ERROR_DRIVER_NOT_LOADED,
    "INIT_ERROR": NVML_ERROR_DRIVER_NOT_LOADED, "DRM_ERROR": NVML_ERROR_DRIVER_NOT_LOADED,
    "FAIL_LOAD_MODULE": NVML_ERROR_DRIVER_NOT_LOADED, "FILE_ERROR": NVML_ERROR_DRIVER_NOT_LOADED,
    "AMDGPU_RESTART_ERR": NVML_ERROR_RESET_REQUIRED,
}
_MIB = 1 << 20
_UNSUPPORTED = (0xFFFF, 0xFFFFFFFF)   # AMD SMI's "no value" in a telemetry field


def _nvml_code(status) -> int:
    name = getattr(status, "name", "")
    for prefix in ("AMDSMI_STATUS_", "AMDSMI_"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return _FROM_STATUS.get(name, NVML_ERROR_UNKNOWN)


def _call(fn, *args):
    """Call an AMD SMI function: its outputs after the status, or the NVMLError of its status."""
    name = fn if isinstance(fn, str) else fn.__name__
    f = getattr(_smi, name, None)
    if f is None:   # not in this release's amd-smi
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED, f"{name}: not in AMD SMI {_smi.LIBRARY_VERSION}")
    try:
        status, *out = f(*args)
    except _NoLibrary as e:
        raise NVMLError(NVML_ERROR_LIBRARY_NOT_FOUND, str(e)) from None
    if status != 0:
        raise NVMLError(_nvml_code(status), f"{name}: {getattr(status, 'name', status)}")
    return out


def _member(enum, *names):
    """The first of ``names`` ``enum`` has (amd-smi 6.1 and 10.x spell some members differently)."""
    for n in names:
        if hasattr(enum, n):
            return getattr(enum, n)
    raise NVMLError(NVML_ERROR_NOT_SUPPORTED, f"{enum.__name__} has none of {', '.join(names)}")


class c_nvmlMemory_t:
    """``nvmlDeviceGetMemoryInfo``'s answer: ``total``, ``free``, ``used`` in bytes."""
    __slots__ = ("total", "free", "used")

    def __init__(self, total, free, used):
        self.total, self.free, self.used = total, free, used

    def __repr__(self):
        return f"c_nvmlMemory_t(total: {self.total} B, free: {self.free} B, used: {self.used} B)"


class c_nvmlUtilization_t:
    """``nvmlDeviceGetUtilizationRates``'s answer: ``gpu``, ``memory`` in percent."""
    __slots__ = ("gpu", "memory")

    def __init__(self, gpu, memory):
        self.gpu, self.memory = gpu, memory

    def __repr__(self):
        return f"c_nvmlUtilization_t(gpu: {self.gpu} %, memory: {self.memory} %)"


class c_nvmlProcessInfo_t:
    """One of ``nvmlDeviceGetComputeRunningProcesses``'s answers: ``pid``, ``usedGpuMemory`` (bytes)."""
    __slots__ = ("pid", "usedGpuMemory", "gpuInstanceId", "computeInstanceId")

    def __init__(self, pid, usedGpuMemory):
        self.pid, self.usedGpuMemory = pid, usedGpuMemory
        self.gpuInstanceId = self.computeInstanceId = 0xFFFFFFFF   # NVML's "no MIG instance"

    def __repr__(self):
        return f"c_nvmlProcessInfo_t(pid: {self.pid}, usedGpuMemory: {self.usedGpuMemory} B)"


class c_nvmlDevice_t:
    """A device handle: the AMD SMI processor handle of the ``index``-th AMD GPU."""
    __slots__ = ("index", "handle")

    def __init__(self, index, handle):
        self.index, self.handle = index, handle

    def __repr__(self):
        return f"<pynvml device {self.index}: AMD SMI processor {self.handle:#x}>"


_inits = 0
_devices: list = []


def _gpus() -> list:
    """The AMD GPUs' processor handles, socket by socket (AMD SMI's count-then-fill calls)."""
    gpu = _member(_smi.processor_type_t, "AMDSMI_PROCESSOR_TYPE_AMD_GPU", "AMD_GPU")
    count = (ctypes.c_uint32 * 1)()
    _call("amdsmi_get_socket_handles", count, None)
    sockets = (ctypes.c_void_p * count[0])()
    _call("amdsmi_get_socket_handles", count, sockets)
    out = []
    for socket in sockets[:count[0]]:
        n = (ctypes.c_uint32 * 1)()
        _call("amdsmi_get_processor_handles", socket, n, None)
        procs = (ctypes.c_void_p * n[0])()
        _call("amdsmi_get_processor_handles", socket, n, procs)
        out += [p for p in procs[:n[0]] if p and _call("amdsmi_get_processor_type", p)[0] == gpu]
    return out


def nvmlInitWithFlags(flags):
    """``amdsmi_init`` for AMD GPUs and the enumeration of them (``flags`` as NVML's: none apply)."""
    global _inits, _devices
    if not isinstance(flags, int):
        raise TypeError(f"nvmlInitWithFlags: flags must be an int, not {type(flags).__name__}")
    if _inits:
        _inits += 1
        return
    _call("amdsmi_init", _member(_smi.amdsmi_init_flags_t, "AMDSMI_INIT_AMD_GPUS"))
    try:
        _devices = [c_nvmlDevice_t(i, h) for i, h in enumerate(_gpus())]
    except BaseException:
        _smi.amdsmi_shut_down()
        raise
    _inits = 1


def nvmlInit():
    nvmlInitWithFlags(0)


def nvmlShutdown():
    """One ``nvmlInit`` undone; the last one shuts AMD SMI down."""
    global _inits
    _ready()
    _inits -= 1
    if not _inits:
        _devices.clear()
        _call("amdsmi_shut_down")


def _ready():
    if not _inits:
        raise NVMLError(NVML_ERROR_UNINITIALIZED, "nvmlInit was not called (or failed)")


def _handle(device) -> int:
    _ready()
    if not isinstance(device, c_nvmlDevice_t):
        raise TypeError(f"expected a device handle (nvmlDeviceGetHandleByIndex), not {type(device).__name__}")
    return device.handle


def nvmlDeviceGetCount():
    _ready()
    return len(_devices)


def nvmlDeviceGetHandleByIndex(index):
    _ready()
    if not isinstance(index, int):
        raise TypeError(f"nvmlDeviceGetHandleByIndex: index must be an int, not {type(index).__name__}")
    if not 0 <= index < len(_devices):
        raise NVMLError(NVML_ERROR_INVALID_ARGUMENT, f"device {index} of {len(_devices)}")
    return _devices[index]


def nvmlDeviceGetIndex(handle):
    _handle(handle)
    return handle.index


def nvmlDeviceGetUUID(handle):
    """AMD SMI's UUID of the device, ``GPU-`` prefixed as NVML's."""
    size = (ctypes.c_uint32 * 1)(int(getattr(_smi, "AMDSMI_GPU_UUID_SIZE", 38)) + 1)
    buf = ctypes.create_string_buffer(size[0])
    _call("amdsmi_get_gpu_device_uuid", _handle(handle), size, buf)
    uuid = buf.value.decode(errors="replace")
    return uuid if uuid.startswith("GPU-") else "GPU-" + uuid


def nvmlDeviceGetHandleByUUID(uuid):
    _ready()
    if isinstance(uuid, bytes):
        uuid = uuid.decode(errors="replace")
    if not isinstance(uuid, str):
        raise TypeError(f"nvmlDeviceGetHandleByUUID: uuid must be a str, not {type(uuid).__name__}")
    want = uuid if uuid.startswith("GPU-") else "GPU-" + uuid
    for d in _devices:
        if nvmlDeviceGetUUID(d) == want:
            return d
    raise NVMLError(NVML_ERROR_NOT_FOUND, f"no AMD GPU has UUID {uuid}")


def _text(raw) -> str:
    """A C string field as ``str`` (up to its first NUL)."""
    if isinstance(raw, (bytes, bytearray)):
        return bytes(raw).split(b"\0", 1)[0].decode(errors="replace")
    return str(raw)


def nvmlDeviceGetName(handle):
    """The market name (the board's product name where the ASIC has none), as ``str``."""
    h = _handle(handle)
    asic = _smi.amdsmi_asic_info_t()
    _call("amdsmi_get_gpu_asic_info", h, asic)
    if _text(asic.market_name):
        return _text(asic.market_name)
    board = _smi.amdsmi_board_info_t()
    _call("amdsmi_get_gpu_board_info", h, board)
    return _text(board.product_name)


def nvmlDeviceGetMemoryInfo(handle, version=None):
    """VRAM in bytes (AMD SMI: MB)."""
    usage = _smi.amdsmi_vram_usage_t()
    _call("amdsmi_get_gpu_vram_usage", _handle(handle), usage)
    total, used = usage.vram_total * _MIB, usage.vram_used * _MIB
    return c_nvmlMemory_t(total, max(total - used, 0), used)


def nvmlDeviceGetUtilizationRates(handle):
    """Graphics (``gpu``) and memory-controller (``memory``) activity, percent; 0 where AMD SMI has none."""
    usage = _smi.amdsmi_engine_usage_t()
    _call("amdsmi_get_gpu_activity", _handle(handle), usage)
    pct = lambda v: 0 if v in _UNSUPPORTED else int(v)   # noqa: E731
    return c_nvmlUtilization_t(pct(usage.gfx_activity), pct(usage.umc_activity))


def nvmlSystemGetDriverVersion():
    """The amdgpu driver's version, as the first GPU's driver information answers it (``str``)."""
    _ready()
    if not _devices:
        raise NVMLError(NVML_ERROR_NOT_FOUND, "no AMD GPU to ask its driver version")
    info = _smi.amdsmi_driver_info_t()
    _call("amdsmi_get_gpu_driver_info", _devices[0].handle, info)
    return _text(info.driver_version)


def nvmlDeviceGetTemperature(handle, sensor):
    """Degrees C of the edge sensor (the hotspot where the GPU has no edge sensor)."""
    h = _handle(handle)
    if sensor != NVML_TEMPERATURE_GPU:
        raise NVMLError(NVML_ERROR_INVALID_ARGUMENT, f"sensor {sensor!r}: NVML has NVML_TEMPERATURE_GPU (0) only")
    t = _smi.amdsmi_temperature_type_t
    current = _member(_smi.amdsmi_temperature_metric_t, "AMDSMI_TEMP_CURRENT")
    value = (ctypes.c_int64 * 1)()
    try:
        _call("amdsmi_get_temp_metric", h, _member(t, "AMDSMI_TEMPERATURE_TYPE_EDGE", "TEMPERATURE_TYPE_EDGE"),
              current, value)
    except NVMLError as e:
        if e.value != NVML_ERROR_NOT_SUPPORTED:
            raise
        _call("amdsmi_get_temp_metric", h, _member(t, "AMDSMI_TEMPERATURE_TYPE_HOTSPOT", "TEMPERATURE_TYPE_HOTSPOT"),
              current, value)
    return int(value[0])


def nvmlDeviceGetPowerUsage(handle):
    """Socket power in mW (AMD SMI: W; the average where the current one has no value)."""
    info = _smi.amdsmi_power_info_t()
    _call("amdsmi_get_power_info", _handle(handle), info)
    for watts in (info.current_socket_power, info.average_socket_power):
        if watts not in _UNSUPPORTED:
            return int(watts) * 1000
    raise NVMLError(NVML_ERROR_NOT_SUPPORTED, "amdsmi_get_power_info: no socket power on this GPU")


def nvmlDeviceGetCpuAffinity(handle, cpuSetSize):
    """The CPUs of the GPU's NUMA node, as NVML's list of ``cpuSetSize`` 64-bit masks (amd-smi 10 on)."""
    h = _handle(handle)
    if not isinstance(cpuSetSize, int) or cpuSetSize < 1:
        raise NVMLError(NVML_ERROR_INVALID_ARGUMENT, f"cpuSetSize {cpuSetSize!r}")
    scope = getattr(_smi, "amdsmi_affinity_scope_t", None)
    if scope is None:
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED, f"CPU affinity: not in AMD SMI {_smi.LIBRARY_VERSION}")
    masks = (ctypes.c_uint64 * cpuSetSize)()
    _call("amdsmi_get_cpu_affinity_with_scope", h, cpuSetSize, masks, _member(scope, "AMDSMI_AFFINITY_SCOPE_NODE"))
    return list(masks)


def nvmlDeviceGetComputeRunningProcesses(handle):
    """The processes using the GPU (``amdsmi_get_gpu_process_list``): pid and VRAM in bytes."""
    h = _handle(handle)
    count = (ctypes.c_uint32 * 1)()
    try:
        _call("amdsmi_get_gpu_process_list", h, count, None)
    except NVMLError as e:
        if e.value == NVML_ERROR_NOT_SUPPORTED:
            return []
        if e.value != NVML_ERROR_INSUFFICIENT_SIZE:   # some releases answer the count so
            raise
    if not count[0]:
        return []
    size = _smi.sizeof(_smi.amdsmi_proc_info_t)
    buf = ctypes.create_string_buffer(size * count[0])
    _call("amdsmi_get_gpu_process_list", h, count, ctypes.addressof(buf))
    out = []
    for i in range(count[0]):
        p = _smi.amdsmi_proc_info_t.from_ptr(ctypes.addressof(buf) + i * size, buf)
        if p.pid:
            out.append(c_nvmlProcessInfo_t(int(p.pid), int(p.mem or p.memory_usage.vram_mem)))
    return out


def nvmlDeviceIsMigDeviceHandle(handle):
    _handle(handle)
    return False


def nvmlDeviceGetDeviceHandleFromMigDeviceHandle(handle):
    _handle(handle)
    return handle


def nvmlDeviceGetMigMode(handle):
    _handle(handle)
    return [NVML_DEVICE_MIG_DISABLE, NVML_DEVICE_MIG_DISABLE]


def nvmlDeviceGetMaxMigDeviceCount(handle):
    _handle(handle)
    return 0


def nvmlDeviceGetMigDeviceHandleByIndex(device, index):
    _handle(device)
    raise NVMLError(NVML_ERROR_NOT_SUPPORTED, "ROCm has no MIG devices")


del _i, _c, _name
