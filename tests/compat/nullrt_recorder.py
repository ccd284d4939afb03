"""A null HIP runtime that records every call: the test harness for calls past "no device".

Every function of an API manifest, with its real prototype, returns 0 (success) at once and
writes nothing to its out-parameters; each call appends one line to the file named by
``$NULLRT_LOG``:

    NAME ARG ARG ...

an integer, enum or pointer argument as hex, a float as C99 ``%a``, a struct passed by value
as ``{hex bytes}``.  The module-launch functions also log the packed kernel-argument buffer
of their ``extra`` array (``extra={hex bytes}``), so a test can assert what reached
``hipModuleLaunchKernel`` byte for byte; the arrays named in ``LOG_ARRAYS`` are logged after
their address (``addr={hex bytes}``, their count parameter's number of elements), and those in
``FILL_ARRAYS`` are filled as the real runtime would (element k = 0x11 * (k + 1)), so a test
sees what comes back to the caller.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

LAUNCH_EXTRA = ("hipModuleLaunchKernel", "hipExtModuleLaunchKernel", "hipHccModuleLaunchKernel")
# (function, array parameter) -> its element count parameter
LOG_ARRAYS = {("hipExtStreamCreateWithCUMask", "cuMask"): "cuMaskSize",
              ("hiprtcLinkCreate", "option_ptr"): "num_options",
              ("hiprtcLinkCreate", "option_vals_pptr"): "num_options"}
FILL_ARRAYS = {("hipExtStreamGetCUMask", "cuMask"): "cuMaskSize"}

PRELUDE = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#define EXPORT __attribute__((visibility("default")))
static FILE* nullrt_log(void) {
    static FILE* f = NULL;
    if (f == NULL) {
        const char* path = getenv("NULLRT_LOG");
        f = fopen(path && *path ? path : "/dev/null", "a");
    }
    return f;
}
static void nullrt_hex(FILE* f, const void* p, size_t n) {
    const unsigned char* b = (const unsigned char*)p;
    fputc('{', f);
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", b[i]);
    fputc('}', f);
}
static void nullrt_extra(FILE* f, void** extra) {
    /* HIP_LAUNCH_PARAM_BUFFER_POINTER (1), ptr, HIP_LAUNCH_PARAM_BUFFER_SIZE (2), &size, END (3) */
    const void* buf = NULL; size_t size = 0;
    for (int i = 0; extra && i < 16 && extra[i] != (void*)3; i += 2) {
        if (extra[i] == (void*)1) buf = extra[i + 1];
        else if (extra[i] == (void*)2) size = *(size_t*)extra[i + 1];
    }
    fputs(" extra=", f);
    nullrt_hex(f, buf, buf ? size : 0);
}
'''


def c_source(manifest: dict, record: bool = True) -> str:
    """C of a null runtime for ``manifest``: with ``record``, each call logs as above; without,
    it does nothing at all (``benchmarks/nullrt.py``: a timed call must not do I/O)."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bindings"))
    from hip_bindgen import emit

    e = emit.Emitter(manifest)
    out = [e.header(), PRELUDE if record else
           '#include <string.h>\n#define EXPORT __attribute__((visibility("default")))\n']
    for name in sorted(manifest["functions"]):
        f = manifest["functions"][name]
        params = ", ".join(e.cdecl(p["type"], f"a{i}") for i, p in enumerate(f["params"])) or "void"
        if f["variadic"]:
            params += ", ..."
        ret = f["returns"]
        label = f' __asm__("{f["symbol"]}")' if "symbol" in f else ""
        proto = e.cdecl(dict(ret, const=False), f"{name}({params})")
        log = [f'FILE* _f = nullrt_log(); fputs("{name}", _f);'] if record else []
        names = [p["name"] for p in f["params"]]
        for i, p in enumerate(f["params"] if record else ()):
            t = e.resolve(p["type"])
            if t["kind"] == "record":
                log.append(f'fputc(32, _f); nullrt_hex(_f, &a{i}, sizeof a{i});')
            elif t["kind"] == "float":
                log.append(f'fprintf(_f, " %a", (double)a{i});')
            elif t["kind"] in ("int", "enum"):
                log.append(f'fprintf(_f, " %llx", (unsigned long long)a{i});')
            else:
                log.append(f'fprintf(_f, " %llx", (unsigned long long)(uintptr_t)a{i});')
            if name in LAUNCH_EXTRA and p["name"] == "extra":
                log.append(f"nullrt_extra(_f, (void**)a{i});")
            if (name, p["name"]) in LOG_ARRAYS:
                n = f"a{names.index(LOG_ARRAYS[name, p['name']])}"
                log.append(f"fputc('=', _f); nullrt_hex(_f, a{i}, a{i} ? {n} * sizeof(*a{i}) : 0);")
            if (name, p["name"]) in FILL_ARRAYS:
                n = f"a{names.index(FILL_ARRAYS[name, p['name']])}"
                log.append(f"for (size_t k = 0; a{i} && k < {n}; k++) a{i}[k] = 0x11 * (k + 1);")
        if record:
            log.append('fputc(10, _f); fflush(_f);')
        pre = " ".join(log) + " " if log else ""
        kind = e.resolve(ret)["kind"]
        if kind == "void":
            body = "{ " + pre + "}"
        elif kind == "record":
            rtype = e.cdecl(dict(ret, const=False))
            body = "{ " + pre + f"{rtype} r; memset(&r, 0, sizeof r); return r; }}"
        else:
            body = "{ " + pre + "return 0; }"
        out.append(f"EXPORT {proto}{label};\n{proto} {body}")
    return "\n".join(out) + "\n"


def build(manifest: dict, outdir: Path) -> Path:
    """Compile the recording null runtime; returns ``outdir/libamdhip64.so.MAJOR``."""
    outdir.mkdir(parents=True, exist_ok=True)
    src = outdir / "nullrt_recorder.c"
    src.write_text(c_source(manifest))
    lib = outdir / f"libamdhip64.so.{manifest['hip_version']['major']}"
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-fvisibility=hidden", "-w", "-o", str(lib), str(src)],
                   check=True, capture_output=True)
    return lib


def parse_log(text: str) -> list[tuple[str, list[str]]]:
    """[(function, [argument, ...])] in call order."""
    calls = []
    for line in text.splitlines():
        name, *args = line.split(" ")
        calls.append((name, args))
    return calls
