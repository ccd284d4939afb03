"""Type-check me against two releases' stubs: hipDrvGetErrorName is in HIP 7.2's API, not 5.2's."""
from hip import hip

err, version = hip.hipRuntimeGetVersion()
if err == hip.hipError_t.hipSuccess:
    err, name = hip.hipDrvGetErrorName(hip.hipError_t.hipErrorInvalidValue)
    print(version, name)
