/* Enums: named, typedef'd, negative and repeated values, and unnamed enums as constants. */
typedef enum hipError_t { hipSuccess = 0, hipErrorUnknown = 999, hipErrorTbd = -1 } hipError_t;
enum hipDeviceAttribute_t {
    hipDeviceAttributeFirst = 0,
    hipDeviceAttributeCudaCompatibleBegin = 0,
    hipDeviceAttributeClockRate = 5,
    hipDeviceAttributeCudaCompatibleEnd = 9999,
};
enum { hipNoFlagsEnum = 0, hipSomeFlagEnum = 4 };
extern "C" {
hipError_t hipDeviceGetAttribute(int* pi, enum hipDeviceAttribute_t attr, int deviceId);
}
