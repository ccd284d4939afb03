/* Typedef chains: an int through two typedefs, a struct through a typedef, a pointer typedef. */
#include <stddef.h>
typedef enum hipError_t { hipSuccess = 0 } hipError_t;
typedef int hipDevice_t;
typedef hipDevice_t hipDeviceAlias_t;
typedef struct hipPitchedPtr { void* ptr; size_t pitch; } hipPitchedPtr;
typedef hipPitchedPtr hipPitchedPtrAlias;
typedef unsigned long long hipTextureObject_t;
extern "C" {
hipError_t hipDeviceGet(hipDeviceAlias_t* device, int ordinal);
hipError_t hipPitchedGet(hipPitchedPtrAlias* p);
hipError_t hipDestroyTextureObject(hipTextureObject_t textureObject);
}
