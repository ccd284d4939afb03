/* Structs: arrays, bitfields, a nested union and an anonymous struct, passed by pointer and by value. */
#include <stddef.h>
typedef enum hipError_t { hipSuccess = 0 } hipError_t;
typedef struct dim3 { unsigned int x, y, z; } dim3;
typedef struct hipDeviceProp_t {
    char name[256];
    int maxThreadsDim[3];
    unsigned int isLarge : 1;
    unsigned int reserved : 31;
    union { int asInt; float asFloat; } value;
    struct { long long a; short b; } pair;
} hipDeviceProp_t;
extern "C" {
hipError_t hipGetDeviceProperties(hipDeviceProp_t* prop, int deviceId);
hipError_t hipConfigureCall(dim3 gridDim, dim3 blockDim, size_t sharedMem);
}
