"""A null HIP runtime that records every call: the test harness for calls past "no device".

Every function of an API manifest, with its real prototype, returns 0 (success) at once and
writes nothing to its out-parameters; each call appends one line to the file named by
``$NULLRT_LOG``:

    NAME ARG ARG ...

an integer, enum or pointer argument as hex, a float as C99 ``%a``, a struct passed by value
as ``{hex bytes}``.  The module-launch functions also log the packed kernel-argument buffer
of their ``extra`` array (``extra={hex bytes}``) and, when ``$NULLRT_KPARAMS`` says how many
there are, the 8 bytes each ``kernelParams`` entry points at (``kernelParams={hex}{hex}...``),
so a test can assert what reached ``hipModuleLaunchKernel`` byte for byte; the arrays named in ``LOG_ARRAYS`` are logged after
their address (``addr={hex bytes}``, their count parameter's number of elements), and those in
``FILL_ARRAYS`` are filled as the real runtime would (element k = 0x11 * (k + 1)), so a test
sees what comes back to the caller.

A ROCm library's manifest (``manifest["library"]``: ``hip.hipblas`` ...) gives that library's
null runtime, named by its soname (``libhipblas.so.0``), logging to the same file.  Its calls
also answer as a real library would, so a script's next call can be checked against it: each
out-parameter (``params.roles``) is written and its value logged after the arguments
(``out=HEX``): a handle/pointer out gets a fresh address (``OUT_BASE`` + 0x100 per call, so
two created handles differ), an integer out ``OUT_INT``, an enum out its first value; the
records named in ``FILL_RECORDS`` are filled (byte k = k + 1, ``ncclGetUniqueId``), the handle
arrays in ``FILL_HANDLES`` get fresh addresses (``ncclCommInitAll``'s communicators), and the
scalars a pointer named in ``LOG_SCALARS`` points at are logged (``alpha=%a``: what
``ctypes.addressof(alpha)`` pointed to).
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
# library null runtimes only (see above)
OUT_BASE = 0x7AB0000000
OUT_INT = 64
FILL_RECORDS = frozenset({("ncclGetUniqueId", "uniqueId"), ("pncclGetUniqueId", "uniqueId")})
# (function, array of handles C creates) -> its count parameter: each element a fresh address
FILL_HANDLES = {("ncclCommInitAll", "comm"): "ndev", ("pncclCommInitAll", "comm"): "ndev"}
LOG_SCALARS = frozenset({"alpha", "beta"})

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
static uintptr_t nullrt_next = 0;   /* library outs: the next handle address */
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
static void nullrt_kparams(FILE* f, void** params) {
    /* kernelParams has no count in C (the kernel knows it): a test names it, $NULLRT_KPARAMS */
    const char* n = getenv("NULLRT_KPARAMS");
    if (!n || !params) return;
    fputs(" kernelParams=", f);
    for (int k = 0; k < atoi(n); k++) nullrt_hex(f, params[k], 8);
}
'''


def c_source(manifest: dict, record: bool = True) -> str:
    """C of a null runtime for ``manifest``: with ``record``, each call logs as above; without,
    it does nothing at all (``benchmarks/nullrt.py``: a timed call must not do I/O)."""
    from hip_bindgen import emit
    from hip_bindgen import params as P

    e = emit.Emitter(manifest)
    library = record and "library" in manifest
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
            if name in LAUNCH_EXTRA and p["name"] == "kernelParams":
                log.append(f"nullrt_kparams(_f, (void**)a{i});")
            if (name, p["name"]) in LOG_ARRAYS:
                n = f"a{names.index(LOG_ARRAYS[name, p['name']])}"
                log.append(f"fputc('=', _f); nullrt_hex(_f, a{i}, a{i} ? {n} * sizeof(*a{i}) : 0);")
            if (name, p["name"]) in FILL_ARRAYS:
                n = f"a{names.index(FILL_ARRAYS[name, p['name']])}"
                log.append(f"for (size_t k = 0; a{i} && k < {n}; k++) a{i}[k] = 0x11 * (k + 1);")
        if library:
            log += _library_answers(e, P, name, f)
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


def _library_answers(e, P, name: str, f: dict) -> list:
    """C statements answering a library call as the real library would (module docstring)."""
    out = []
    for i, (p, role) in enumerate(zip(f["params"], P.roles(name, f, e.td))):
        t = e.resolve(p["type"])
        if t["kind"] != "pointer":
            continue
        to = e.resolve(t["to"])
        if role == "out":
            if to["kind"] == "pointer" and e.resolve(to["to"]).get("name") == "char":
                # a string out (AMD SMI's const char** status_string): a real string, as the library's
                out.append(f'if (a{i}) {{ *(const char**)a{i} = "{name}"; fprintf(_f, " out=str"); }}')
            elif to["kind"] == "record":
                # a handle struct out (comgr's {uint64_t handle}): a fresh handle, as a pointer out's
                value = f"(uint64_t)({OUT_BASE:#x} + 0x100 * nullrt_next++)"
                out.append(f"if (a{i}) {{ uint64_t _v = {value}; memcpy(a{i}, &_v, sizeof *a{i} < 8 ? sizeof *a{i} : 8); "
                           f'fprintf(_f, " out=%llx", (unsigned long long)_v); }}')
            elif to["kind"] == "pointer":
                value = f"(uintptr_t)({OUT_BASE:#x} + 0x100 * nullrt_next++)"
                out.append(f"if (a{i}) {{ *(void**)a{i} = (void*){value}; "
                           f'fprintf(_f, " out=%llx", (unsigned long long)(uintptr_t)*(void**)a{i}); }}')
            else:
                if to["kind"] == "enum":
                    v = e.m["enums"][to["name"]]["constants"][0][1]
                else:
                    v = OUT_INT
                out.append(f"if (a{i}) {{ *a{i} = {v}; "
                           f'fprintf(_f, " out=%llx", (unsigned long long){v}); }}')
        elif (name, p["name"]) in FILL_HANDLES:
            n = f"a{[q['name'] for q in f['params']].index(FILL_HANDLES[name, p['name']])}"
            out.append(f"for (int k = 0; a{i} && k < {n}; k++) ((void**)a{i})[k] = "
                       f"(void*)(uintptr_t)({OUT_BASE:#x} + 0x100 * nullrt_next++);")
        elif (name, p["name"]) in FILL_RECORDS and to["kind"] == "record":
            out.append(f"if (a{i}) for (size_t k = 0; k < sizeof *a{i}; k++) ((unsigned char*)a{i})[k] = (unsigned char)(k + 1);")
        elif p["name"] in LOG_SCALARS and to["kind"] == "float":
            out.append(f'if (a{i}) fprintf(_f, " {p["name"]}=%a", (double)*a{i});')
    return out


def build(manifest: dict, outdir: Path) -> Path:
    """Compile the recording null runtime; returns ``outdir/libamdhip64.so.MAJOR`` (a library
    manifest's: ``outdir/<its soname>``)."""
    outdir.mkdir(parents=True, exist_ok=True)
    lib = outdir / (manifest["library"]["soname"] if "library" in manifest
                    else f"libamdhip64.so.{manifest['hip_version']['major']}")
    src = outdir / f"{lib.name.split('.so')[0]}_nullrt.c"
    src.write_text(c_source(manifest))
    # -O0: a call's speed does not matter here (each does I/O), the compile's does: hipBLAS's 1849
    # functions take 5 s at -O1, 2 s at -O0, for each release of every test that builds them
    subprocess.run(["gcc", "-O0", "-shared", "-fPIC", "-fvisibility=hidden", "-w", "-o", str(lib), str(src)],
                   check=True, capture_output=True)
    return lib


def parse_log(text: str) -> list[tuple[str, list[str]]]:
    """[(function, [argument, ...])] in call order."""
    calls = []
    for line in text.splitlines():
        name, *args = line.split(" ")
        calls.append((name, args))
    return calls
