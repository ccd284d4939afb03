/* #defines: integer constants (hex, suffixes, shifts, casts, references) and renamed functions. */
typedef enum hipError_t { hipSuccess = 0 } hipError_t;
#define hipMemAttachGlobal 0x01
#define hipMemAttachHost 0x02u
#define hipArrayLayered (1u << 3)
#define hipDeviceScheduleMask (hipMemAttachGlobal | 0x4)
#define hipOccupancyDefault ((unsigned int)0)
#define hipNotAnInteger "text"
#define hipFunctionLike(x) ((x) + 1)
#define hipGetDeviceProperties hipGetDevicePropertiesR0600
typedef struct hipDeviceProp_tR0600 { int major; int minor; } hipDeviceProp_tR0600;
extern "C" {
hipError_t hipGetDevicePropertiesR0600(hipDeviceProp_tR0600* prop, int device);
}
