/* A ROCm library's header (parsed as hipfft/hipfft.h beside a tiny HIP header) through the
   compact backend (compact.py): every parameter role and return kind the dispatcher serves. */
#pragma once
#include <stddef.h>
#include <hip/hip_runtime_api.h>
#define hipfftVersionMajor 1
#define hipfftVersionMinor 2
#define hipfftVersionPatch 3
#define HIPFFT_FORWARD -1
typedef enum hipfftResult_t { HIPFFT_SUCCESS = 0, HIPFFT_INVALID_PLAN = 1, HIPFFT_NOT_IMPLEMENTED = 14 } hipfftResult;
typedef enum hipfftType_t { HIPFFT_R2C = 0x2a, HIPFFT_C2R = 0x2c } hipfftType;
typedef struct hipfftHandle_t* hipfftHandle;
typedef struct { float x, y; } hipfftComplex;
typedef float hipfftReal;
/* a scalar out named in LIBRARY_SCALAR_OUTS, a handle out, ints and an enum by value */
hipfftResult hipfftGetVersion(int* version);
hipfftResult hipfftPlan1d(hipfftHandle* plan, int nx, hipfftType type, int batch);
/* float* not named as a scalar out: device arrays, pointer inputs; HIP's stream type */
hipfftResult hipfftExecR2C(hipfftHandle plan, hipfftReal* idata, hipfftComplex* odata);
hipfftResult hipfftSetStream(hipfftHandle plan, hipStream_t stream);
hipfftResult hipfftGetSize(hipfftHandle plan, size_t* workSize);
/* same C ABI as hipfftGetSize: one thunk serves both */
hipfftResult hipfftGetSizeAlt(hipfftHandle plan, size_t* workSize);
/* double, struct by value, 8-bit and 64-bit ints, a string, a bool */
hipfftResult hipfftScale(hipfftHandle plan, double scale, hipfftComplex shift, unsigned char flag, long long n);
hipfftResult hipfftSetName(hipfftHandle plan, const char* name, bool on);
/* plain returns: a string, an unsigned int, a float, void, a struct */
const char* hipfftGetErrorString(hipfftResult r);
unsigned int hipfftGetCount(void);
float hipfftGetScale(hipfftHandle plan, hipfftType* kind);
void hipfftNothing(void);
hipfftComplex hipfftMakeComplex(float x, float y);
