/* Handles: pointers to opaque structs are plain ints; a T** of one is an out-parameter. */
typedef enum hipError_t { hipSuccess = 0 } hipError_t;
typedef struct ihipStream_t* hipStream_t;
typedef struct ihipModule_t* hipModule_t;
extern "C" {
hipError_t hipStreamCreate(hipStream_t* stream);
hipError_t hipStreamDestroy(hipStream_t stream);
hipError_t hipStreamSynchronize(hipStream_t stream);
hipError_t hipModuleUnload(hipModule_t module);
}
