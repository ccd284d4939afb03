/* hiprtc: its own module and result enum, a program handle, its destroy-by-address, string lists. */
#include <stddef.h>
typedef enum hiprtcResult { HIPRTC_SUCCESS = 0, HIPRTC_ERROR_COMPILATION = 6 } hiprtcResult;
typedef struct _hiprtcProgram* hiprtcProgram;
extern "C" {
hiprtcResult hiprtcVersion(int* major, int* minor);
hiprtcResult hiprtcCreateProgram(hiprtcProgram* prog, const char* src, const char* name, int numHeaders,
                                 const char** headers, const char** includeNames);
hiprtcResult hiprtcCompileProgram(hiprtcProgram prog, int numOptions, const char** options);
hiprtcResult hiprtcGetCode(hiprtcProgram prog, char* code);
hiprtcResult hiprtcDestroyProgram(hiprtcProgram* prog);
}
