/* Out-parameters: a non-const T* of an int, float or enum is returned, not passed. */
#include <stddef.h>
typedef enum hipError_t { hipSuccess = 0, hipErrorInvalidValue = 1 } hipError_t;
typedef enum hipMemoryType { hipMemoryTypeHost = 0, hipMemoryTypeDevice = 1 } hipMemoryType;
extern "C" {
hipError_t hipGetDevice(int* deviceId);
hipError_t hipMemGetInfo(size_t* free, size_t* total);
hipError_t hipEventElapsedTime(float* ms, int start, int stop);
hipError_t hipPointerGetType(hipMemoryType* type, const void* ptr);
hipError_t hipMalloc(void** ptr, size_t size);
hipError_t hipSetDevice(int deviceId);
}
