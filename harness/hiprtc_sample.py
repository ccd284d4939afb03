"""One hiprtc round trip, as script text: the 5.2.3 runtime test and the runtime matrix's user
path run the same sample (each in its own interpreter, so it is text, not a function here).

``CODE`` defines ``hiprtc_sample()``: compile a small kernel for gfx90a from a ``str`` source
(UTF-8), fetch its log and code, destroy the program, and return every step's result (the
result names, the code size, its first 24 bytes in hex, the log)."""

CODE = r'''
def hiprtc_sample():
    from hip import hiprtc
    src = 'extern "C" __global__ void scale(float* x, float f) { x[threadIdx.x] *= f; }'
    err, prog = hiprtc.hiprtcCreateProgram(src, "scale.cpp", 0, [], [])
    opts = ["--offload-arch=gfx90a"]
    e1, = hiprtc.hiprtcCompileProgram(prog, len(opts), opts)
    _, log_size = hiprtc.hiprtcGetProgramLogSize(prog)
    log = bytearray(log_size)
    hiprtc.hiprtcGetProgramLog(prog, log)
    e2, size = hiprtc.hiprtcGetCodeSize(prog)
    code = bytearray(size)
    e3, = hiprtc.hiprtcGetCode(prog, code)
    e4, = hiprtc.hiprtcDestroyProgram(prog)
    return {"create": err.name, "compile": e1.name, "code_size": [e2.name, size], "get_code": e3.name,
            "destroy": e4.name, "code_head": bytes(code[:24]).hex(),
            "log": log.decode(errors="replace").strip()[:2000]}
'''
