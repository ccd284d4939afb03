/* Strings: const char* in (str/bytes), const char** out, and a const char** list with its count. */
#include <stddef.h>
typedef enum hipError_t { hipSuccess = 0 } hipError_t;
typedef struct ihipModule_t* hipModule_t;
typedef struct ihipModuleSymbol_t* hipFunction_t;
extern "C" {
const char* hipGetErrorName(hipError_t hip_error);
hipError_t hipDrvGetErrorString(hipError_t hipError, const char** errorString);
hipError_t hipModuleGetFunction(hipFunction_t* function, hipModule_t module, const char* kname);
hipError_t hipModuleLoad(hipModule_t* module, const char* fname);
hipError_t hipCompileOptions(int numOptions, const char** options);
}
