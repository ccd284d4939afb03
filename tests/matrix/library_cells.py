"""The ROCm library modules on the real libraries and the real runtime of every suite (issue 14).

For one release, :func:`library_env` makes a transient environment: an overlay over the cached
root filesystem of :mod:`rootfs` (the release's pinned HIP runtime), the pinned library
packages of ``releases.json`` (``debian.libraries.<lib>``: ``runtime`` and ``load_deps``,
fetched and sha256-checked by ``hip_bindgen.debian``, the way :func:`rootfs.provision` installs
the runtime: ``apt-get install /path.deb``; apt takes only their unpinned dependencies, rocBLAS,
rocSOLVER ..., from the suite), and the release's abi3 wheel with every library module in a
venv.  Everything installed goes to the overlay's upper layer, deleted afterwards: the cached
root is never written, and the big libraries of only one release are unpacked at a time.
The dependencies apt downloads are cached (``rootfs/debs/libraries-<suite>``), so a warm run
reads no network.  Each command mounts the overlay in its own mount namespace
(:func:`rootfs.chroot_cmd`): nothing stays mounted, even when killed.

:data:`CELL_CODE` runs in there, in the venv's Python, and answers JSON: the imports (timed),
each GPU-free call's answer, the loader's report, the warnings, the HIP runtimes mapped.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

ROOT = Path(__file__).resolve().parents[2]

import rootfs
from wheels_for_tests import interop_wheel
from hip_bindgen import debian, libraries, releases

IN_ROOT = "/opt/hip-library-cells"
LIBDIR = "/usr/lib/x86_64-linux-gnu"
CELL_TIMEOUT = 300.0
# dpkg writes each file with fsync by default: an overlay thrown away after the test needs none
APT_OPTIONS = ("-o", "Dpkg::Options::=--force-unsafe-io")
# rocBLAS's GPU code objects (Tensile kernels, .hsaco/.co/.dat per GPU architecture; sid's: 3.1 of
# the 8.5 GB unpacked) are read only when a handle is created on a device: not written (dpkg's
# path-exclude).  Every shared library the modules load is unpacked as shipped.
DPKG_EXCLUDE = ("/usr/lib/x86_64-linux-gnu/rocblas/*/library/*", "/usr/lib/x86_64-linux-gnu/hipblaslt/library/*",
                "/usr/lib/x86_64-linux-gnu/hipsparselt/library/*")


# Libraries whose pinned packages apt refuses to install beside the suite's own HIP runtime: the
# cell unpacks them (dpkg-deb -x, with their load_deps) and points the loader at the file.
# sid's RCCL 5.4.3 is built on HIP 5 (needs libamdhip64-5), and sid's libhsa-runtime64-1 6.4.3
# declares Breaks: libamdhip64-5; a user of sid can get it only this way too.
APT_REFUSES = {("6.4.3", "rccl"): "libhsa-runtime64-1 6.4.3 Breaks libamdhip64-5, which librccl1 5.4.3 depends on"}
UNPACKED = f"{IN_ROOT}/unpacked"


def log(msg: str) -> None:
    print(f"library-cells: {msg}", flush=True)


# -- what goes in (pure) -------------------------------------------------------------------------

def refused(release: str) -> dict:
    """name -> why, of the libraries of ``release`` apt cannot install beside its runtime."""
    short = releases.packaged_rocm(releases.find(release))
    return {lib: why for (r, lib), why in APT_REFUSES.items() if r == short}


def pins(release: str, apt: bool | None = None, only: frozenset | None = None) -> list[dict]:
    """The pinned library packages of a release (each library's runtime, then its load_deps), once
    each; ``apt=True``: those apt installs, ``False``: those unpacked (:data:`APT_REFUSES`);
    ``only``: of these libraries alone (the LLVM-C cell: libLLVM, not the 8 GB of the others)."""
    out: dict = {}
    skip = refused(release)
    for name, entry in sorted(libraries.of_release(release).items()):
        if only is not None and name not in only:
            continue
        if apt is not None and (name in skip) == apt:
            continue
        for pin in ([entry["runtime"]] if "runtime" in entry else []) + list(entry.get("load_deps", [])):
            out.setdefault(pin["package"], pin)
    return list(out.values())


def bound_functions(wheel: Path, lib: str) -> dict:
    """The functions of library module ``lib`` in ``wheel``: C symbol -> Python name."""
    with zipfile.ZipFile(wheel) as z:
        m = json.loads(z.read(f"hip/_manifest_{lib}.json"))
    return {f.get("symbol", n): n for n, f in m["functions"].items()}


def exported(so: Path) -> set:
    """The functions a real library file defines (``nm -D --defined-only``)."""
    out = subprocess.run(["nm", "-D", "--defined-only", str(so)], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


# -- the environment -----------------------------------------------------------------------------

class LibraryEnv(NamedTuple):
    release: str                # HIP version
    suite: str
    lower: Path                 # the cached root filesystem (never written)
    overlay: rootfs.Overlay     # where the libraries went
    python: str                 # the venv's python, inside
    wheel: Path
    installed: dict             # package -> version, of the pinned library packages
    facts: dict                 # timings and sizes

    def path(self, inside: str) -> Path:
        """A file the libraries installed, seen from here (the upper layer holds every new file),
        or one the root already had (comgr: the HIP runtime's own dependency, which apt leaves)."""
        upper, lower = self.overlay.upper / inside.lstrip("/"), self.lower / inside.lstrip("/")
        return lower if not upper.exists() and lower.is_file() else upper

    def run(self, argv: list, env: dict | None = None, timeout: float = CELL_TIMEOUT) -> subprocess.CompletedProcess:
        return subprocess.run(rootfs.chroot_cmd(self.lower, argv, env, overlay=self.overlay), capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def _du(path: Path) -> int:
    out = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else 0


def _stale_work(base: Path) -> None:
    """Layers left by a killed run (its pid is gone): deleted, unmounting anything below first."""
    for old in base.glob("*-*"):
        pid = old.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            rootfs.remove(old)


@contextlib.contextmanager
def library_env(release: str, wheel: Path, say: Callable[[str], None] = log,
                only: frozenset | None = None) -> Iterator[LibraryEnv]:
    """The release's libraries (``only``: these) and ``wheel`` on its real runtime, for the block's duration."""
    rootfs.require_root()
    rel = releases.find(release)
    facts: dict = {"timings": {}}
    t = time.perf_counter()
    env = rootfs.provision(rel.hip, log=say)
    facts["timings"]["root filesystem"] = round(time.perf_counter() - t, 1)
    suite = env.suite
    t = time.perf_counter()
    want, unpack = pins(release, apt=True, only=only), pins(release, apt=False, only=only)
    debs = {p["package"]: debian.download(p) for p in want}
    loose = {p["package"]: debian.download(p) for p in unpack}
    facts["timings"]["fetch pinned .debs"] = round(time.perf_counter() - t, 1)
    facts["pinned_debs_bytes"] = sum(d.stat().st_size for d in [*debs.values(), *loose.values()])
    base = rootfs.root_dir() / "library-cells"
    base.mkdir(exist_ok=True)
    _stale_work(base)
    work = base / f"{suite}-{os.getpid()}"
    rootfs.remove(work)
    overlay = rootfs.Overlay.at(work)
    try:
        conf = overlay.upper / "etc/dpkg/dpkg.cfg.d/hip-python-library-cells"
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text("".join(f"path-exclude={p}\n" for p in DPKG_EXCLUDE))
        cache = f"libraries-{suite}"
        before = _du(rootfs.debs_dir(cache)) if rootfs.debs_dir(cache).exists() else 0
        t = time.perf_counter()
        spec = rootfs.env_spec(release)
        local = [f"{rootfs.PINNED_IN_ROOT}/{deb.name}" for deb in debs.values()]
        try:
            _install(env.path, overlay, local, cache, spec["target"])
        except rootfs.RootfsError as e:
            if "Failed to fetch" not in str(e) and "Unable to fetch" not in str(e):
                raise
            say(f"[{suite}] the suite moved on since the root's lists: apt-get update, then again")
            rootfs.run(env.path, [*rootfs.APT, "update"], "apt-get update", overlay=overlay)
            _install(env.path, overlay, local, cache, spec["target"])
        if loose:
            _unpack(env.path, overlay, loose, cache, spec["target"], say)
        facts["timings"]["install libraries"] = round(time.perf_counter() - t, 1)
        facts["downloaded_bytes"] = _du(rootfs.debs_dir(cache)) - before
        facts["dependency_debs_bytes"] = _du(rootfs.debs_dir(cache))
        # the upper layer's dpkg status once apt changed anything; else the root's own (comgr: the
        # pinned package is the one the runtime already depends on, nothing new to install)
        have = rootfs.installed(overlay.upper) or rootfs.installed(env.path)
        wrong = [f"{p['package']}: {have.get(p['package'], 'not installed')} (pinned {p['version']})"
                 for p in want if have.get(p["package"]) != p["version"]]
        if wrong:
            raise rootfs.RootfsError(f"{suite}: apt did not install the pinned library versions: {'; '.join(wrong)}")
        t = time.perf_counter()
        inside = f"{IN_ROOT}/wheels/{wheel.name}"
        (overlay.upper / inside.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(wheel, overlay.upper / inside.lstrip("/"))
        rootfs.run(env.path, ["python3", "-m", "venv", f"{IN_ROOT}/venv"], "python3 -m venv", overlay=overlay)
        wheels = [inside]
        layer = interop_wheel(wheel)
        if layer is not None:   # the release's hip-python-interop: its pynvml and nvtx run here too
            wheels.append(f"{IN_ROOT}/wheels/{layer.name}")
            shutil.copy(layer, overlay.upper / wheels[-1].lstrip("/"))
        rootfs.run(env.path, [f"{IN_ROOT}/venv/bin/pip", "install", "-q", "--no-index", "--no-deps",
                              "--disable-pip-version-check", *wheels], f"pip install {wheel.name}", overlay=overlay)
        facts["timings"]["venv + wheel"] = round(time.perf_counter() - t, 1)
        facts["upper_bytes"] = _du(overlay.upper)
        say(f"[{suite}] libraries installed: {facts['upper_bytes'] / 1e9:.2f} GB unpacked in the overlay, "
            f"timings {facts['timings']}")
        yield LibraryEnv(rel.hip, suite, env.path, overlay, f"{IN_ROOT}/venv/bin/python", wheel,
                         {p["package"]: have[p["package"]] for p in want}, facts)
    finally:
        t = time.perf_counter()
        rootfs.remove(work)      # refuses (and says so) while anything is mounted below it
        facts["timings"]["remove overlay"] = round(time.perf_counter() - t, 1)


def _install(lower: Path, overlay: rootfs.Overlay, local: list, cache: str, target) -> None:
    rootfs._apt_install(lower, local, f"installing {' '.join(Path(p).name for p in local)}", cache, target,
                        binds={str(debian.cache_dir() / "debs"): rootfs.PINNED_IN_ROOT}, overlay=overlay,
                        options=APT_OPTIONS)


def _depends(deb: Path) -> list[str]:
    """The package names a .deb depends on (the first of each alternative)."""
    text = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True, check=True).stdout
    return [d.split("|")[0].split("(")[0].split(":")[0].strip() for d in text.split(",") if d.strip()]


def _unpack(lower: Path, overlay: rootfs.Overlay, debs: dict, cache: str, target, say) -> None:
    """The packages apt refuses: their files under :data:`UNPACKED` (one directory for their
    libraries), and their other dependencies, which apt does install, from the suite."""
    dest = overlay.upper / UNPACKED.lstrip("/")
    dest.mkdir(parents=True, exist_ok=True)
    for deb in debs.values():
        subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True, capture_output=True)
    have = rootfs.installed(overlay.upper) or rootfs.installed(lower)
    need = sorted({d for deb in debs.values() for d in _depends(deb)} - set(debs) - set(have))
    say(f"unpacked {', '.join(debs)} into {UNPACKED}; their dependencies from the suite: {', '.join(need) or 'none'}")
    if need:
        rootfs._apt_install(lower, need, f"installing {' '.join(need)}", cache, target, overlay=overlay,
                            options=APT_OPTIONS)


# -- what runs inside ------------------------------------------------------------------------------

CELL_CODE = r'''
import ctypes, importlib, json, os, sys, time, warnings
args = json.loads(sys.argv[1])
out = {"stage": "import hip", "calls": {}, "errors": {}}
def name(x):
    return getattr(x, "name", x)
def text(b):
    return b.decode() if isinstance(b, bytes) else b
def comgr_round_trip(m):
    """The real comgr, no GPU, called as AMD's bindings are: a HIP kernel compiled for gfx90a
    (source -> bitcode with the device libraries -> linked -> relocatable -> executable code
    object), then its metadata read back.  A failing action's log is kept (why, in comgr's words)."""
    K, S = m.amd_comgr_data_kind_t, m.amd_comgr_status_t
    def ok(label, res):
        st = res[0] if isinstance(res, tuple) else res
        if st != S.AMD_COMGR_STATUS_SUCCESS:
            raise RuntimeError(f"{label}: {name(st)}")
        return res[1] if isinstance(res, tuple) and len(res) == 2 else res
    def contents(d, getter=m.amd_comgr_get_data):
        size = ctypes.c_size_t(0)     # in/out: the size, then the bytes
        ok("size", getter(d, ctypes.addressof(size), None))
        buf = ctypes.create_string_buffer(size.value)
        ok("read", getter(d, ctypes.addressof(size), buf))
        return buf.raw[:size.value]
    def string(node):
        return contents(node, m.amd_comgr_get_metadata_string).rstrip(b"\0").decode()
    src = (b'#define __global__ __attribute__((global))\n'
           b'extern "C" __global__ void hip_python_probe(float *a) { a[0] = 42.0f; }\n')
    source = ok("create_data_set", m.amd_comgr_create_data_set())
    d = ok("create_data", m.amd_comgr_create_data(K.AMD_COMGR_DATA_KIND_SOURCE))
    ok("set_data", m.amd_comgr_set_data(d, len(src), src))
    ok("set_data_name", m.amd_comgr_set_data_name(d, b"probe.hip"))
    ok("data_set_add", m.amd_comgr_data_set_add(source, d))
    info = ok("create_action_info", m.amd_comgr_create_action_info())
    ok("set_isa_name", m.amd_comgr_action_info_set_isa_name(info, b"amdgcn-amd-amdhsa--gfx90a"))
    ok("set_language", m.amd_comgr_action_info_set_language(info, m.amd_comgr_language_t.AMD_COMGR_LANGUAGE_HIP))
    # no HIP headers: the kernel spells __global__ itself (-nogpuinc: no wrapper headers either)
    ok("set_option_list", m.amd_comgr_action_info_set_option_list(info, [b"-O2", b"-nogpuinc"], 2))
    done, prev = [], source
    for action in ("COMPILE_SOURCE_WITH_DEVICE_LIBS_TO_BC", "LINK_BC_TO_BC", "CODEGEN_BC_TO_RELOCATABLE",
                   "LINK_RELOCATABLE_TO_EXECUTABLE"):
        nxt = ok("create_data_set", m.amd_comgr_create_data_set())
        st = m.amd_comgr_do_action(getattr(m.amd_comgr_action_kind_t, "AMD_COMGR_ACTION_" + action), info, prev, nxt)
        st = st[0] if isinstance(st, tuple) else st
        if st != S.AMD_COMGR_STATUS_SUCCESS:
            logs = [contents(ok("log", m.amd_comgr_action_data_get_data(nxt, K.AMD_COMGR_DATA_KIND_LOG, i)))
                    .decode(errors="replace")[-1500:]
                    for i in range(ok("count", m.amd_comgr_action_data_count(nxt, K.AMD_COMGR_DATA_KIND_LOG)))]
            return {"actions": done, "failed": [action, name(st), logs]}
        done.append(action)
        prev = nxt
    n = ok("count", m.amd_comgr_action_data_count(prev, K.AMD_COMGR_DATA_KIND_EXECUTABLE))
    exe = ok("get executable", m.amd_comgr_action_data_get_data(prev, K.AMD_COMGR_DATA_KIND_EXECUTABLE, 0))
    elf = contents(exe)
    isa = contents(exe, m.amd_comgr_get_data_isa_name).rstrip(b"\0").decode()
    md = ok("get_data_metadata", m.amd_comgr_get_data_metadata(exe))
    kernels = ok("lookup amdhsa.kernels", m.amd_comgr_metadata_lookup(md, b"amdhsa.kernels"))
    found = []
    for i in range(ok("list size", m.amd_comgr_get_metadata_list_size(kernels))):
        k = ok("index", m.amd_comgr_index_list_metadata(kernels, i))
        found.append([string(ok("lookup", m.amd_comgr_metadata_lookup(k, key))) for key in (b".name", b".symbol")])
        ok("destroy_metadata", m.amd_comgr_destroy_metadata(k))
    for node in (kernels, md):
        ok("destroy_metadata", m.amd_comgr_destroy_metadata(node))
    for data in (exe, d):
        ok("release_data", m.amd_comgr_release_data(data))
    ok("destroy_action_info", m.amd_comgr_destroy_action_info(info))
    return {"actions": done, "executables": n, "elf": elf[:4].hex(), "elf_bytes": len(elf), "isa": isa,
            "kernels": found, "handle_type": type(d).__name__}


try:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        t = time.perf_counter()
        import hip
        from hip import hip as h, _loader, _libraries
        out["import_seconds"] = {"hip": time.perf_counter() - t}
        mods = {}
        for lib in args["libraries"]:
            out["stage"] = f"from hip import {lib}"
            t = time.perf_counter()
            mods[lib] = importlib.import_module(f"hip.{lib}")
            out["import_seconds"][lib] = time.perf_counter() - t
        out["header_versions"] = _libraries.HEADER_VERSIONS
        out["stage"] = "calls"
        c = out["calls"]
        e, v = h.hipRuntimeGetVersion()
        c["hipRuntimeGetVersion"] = [name(e), v]
        def call(label, fn):
            try:
                c[label] = fn()
            except Exception as exc:   # recorded, the test says which call and why
                out["errors"][label] = f"{type(exc).__name__}: {exc}"
        m = mods.get("hipfft")
        if m:
            def fft():
                e, v = m.hipfftGetVersion()
                buf = ctypes.create_string_buffer(64)   # rocFFT's own word on its version, through C
                ctypes.CDLL("librocfft.so.0").rocfft_get_version_string(buf, ctypes.c_size_t(64))
                return [name(e), v, buf.value.decode()]
            call("hipfftGetVersion", fft)
        m = mods.get("hiprand")
        if m:
            call("hiprandGetVersion", lambda: [name(x) for x in m.hiprandGetVersion()])
        m = mods.get("rccl")
        if m:
            call("ncclGetVersion", lambda: [name(x) for x in m.ncclGetVersion()])
            call("ncclGetErrorString", lambda: text(m.ncclGetErrorString(m.ncclResult_t.ncclInvalidArgument)[1]))
        m = mods.get("roctx")
        if m:
            call("roctx_version", lambda: [m.roctx_version_major()[0], m.roctx_version_minor()[0]])
            call("roctx ranges", lambda: [m.roctxRangePushA(b"outer"), m.roctxRangePushA("inner"), m.roctxMarkA(b"here"),
                                          m.roctxRangePop(), m.roctxRangePop()])
        m = mods.get("hipblas")
        if m:
            call("hipblasStatusToString", lambda: text(m.hipblasStatusToString(
                m.hipblasStatus_t.HIPBLAS_STATUS_NOT_INITIALIZED)[1]))   # AMD's (SUCCESS, text)
        m = mods.get("hipsparse")
        if m:
            if hasattr(m, "hipsparseGetErrorName"):
                call("hipsparseGetErrorName", lambda: text(m.hipsparseGetErrorName(
                    m.hipsparseStatus_t.HIPSPARSE_STATUS_INVALID_VALUE)[1]))
                call("hipsparseGetErrorString", lambda: text(m.hipsparseGetErrorString(
                    m.hipsparseStatus_t.HIPSPARSE_STATUS_INVALID_VALUE)[1]))
            def descr():   # a matrix descriptor is host memory: made, read and freed without a GPU
                e, d = m.hipsparseCreateMatDescr()
                base = m.hipsparseGetMatIndexBase(d)
                return [name(e), name(base[-1] if isinstance(base, tuple) else base), name(m.hipsparseDestroyMatDescr(d)[0])]
            call("hipsparse MatDescr", descr)
        m = mods.get("hipsolver")
        if m:
            call("hipsolverCreate", lambda: name(m.hipsolverCreate()[0]))
        # hipBLASLt has no GPU-free call: hipblasLtCreate without a device ends the whole process
        # (exit 1, "Hip error: 'no ROCm-capable device is detected'(100) at hipblaslt.cpp:147" on
        # sid's 7.1.1 and experimental's 7.2.4, measured here), so the cell only imports it
        m = mods.get("hipsparselt")
        if m:   # hipLibraryPropertyType: MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL; answered from constants
            call("hipsparseLtGetProperty", lambda: [[name(x) for x in m.hipsparseLtGetProperty(p)] for p in (0, 1, 2)])
        m = mods.get("amdsmi")
        if m:
            def smi_version():   # the caller's struct, filled (AMD's returns a new one)
                v = m.amdsmi_version_t()
                e = m.amdsmi_get_lib_version(v)
                return [name(e[0] if isinstance(e, tuple) else e), v.major, v.minor, v.release]
            call("amdsmi_get_lib_version", smi_version)
            call("amdsmi_status_code_to_string", lambda: [text(x) if isinstance(x, bytes) else name(x) for x in
                                                          m.amdsmi_status_code_to_string(m.amdsmi_status_t.AMDSMI_STATUS_INVAL)])
            call("amdsmi_init", lambda: name(m.amdsmi_init(m.amdsmi_init_flags_t.AMDSMI_INIT_AMD_GPUS)[0]))
        m = mods.get("amd_comgr")
        if m:
            call("amd_comgr_get_version", lambda: [name(x) for x in m.amd_comgr_get_version()])
            call("amd_comgr_status_string", lambda: [text(x) if isinstance(x, bytes) else name(x) for x in
                                                     m.amd_comgr_status_string(m.amd_comgr_status_t.AMD_COMGR_STATUS_ERROR)])
            # the out string is kept while its address holds the same text: alternating answers stay right
            call("amd_comgr_status_string x4", lambda: [str(m.amd_comgr_status_string(c)[1]) for c in (
                m.amd_comgr_status_t.AMD_COMGR_STATUS_ERROR, m.amd_comgr_status_t.AMD_COMGR_STATUS_SUCCESS,
                m.amd_comgr_status_t.AMD_COMGR_STATUS_ERROR, m.amd_comgr_status_t.AMD_COMGR_STATUS_ERROR)])
            def isas():   # the targets this comgr knows, by index
                e, n = m.amd_comgr_get_isa_count()
                found = []
                for i in range(n):
                    found.append(text(m.amd_comgr_get_isa_name(i)[1]))   # a const char** out: AMD's (status, name)
                return [name(e), n, found]
            call("amd_comgr isas", isas)
            call("comgr round trip", lambda: comgr_round_trip(m))
        out["loaded"] = _loader.report()
        with open("/proc/self/maps") as f:
            maps = f.read().split("\n")
        out["hip_runtimes_mapped"] = sorted({l.split("/")[-1] for l in maps if "/libamdhip64.so" in l})
    out["warnings"] = [{"category": w.category.__name__, "message": str(w.message)} for w in seen]
    out["stage"] = "done"
except BaseException as exc:
    out["exception"] = f"{type(exc).__name__}: {exc}"
print("\n" + json.dumps(out), flush=True)
'''

MISSING_CODE = r'''
import json, sys, warnings
lib, fn, nargs = sys.argv[1], sys.argv[2], int(sys.argv[3])
import importlib, hip
out = {}
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    m = importlib.import_module(f"hip.{lib}")
    try:
        getattr(m, fn)(*([0] * nargs))
        out["raised"] = None
    except Exception as e:
        out["raised"], out["message"] = type(e).__name__, str(e)
from hip import _loader
out["loaded"] = _loader.report()
out["warnings"] = [{"category": w.category.__name__, "message": str(w.message)} for w in seen]
print(json.dumps(out))
'''


# AMD's high-level comgr API (rocm.comgr, over the wheel's hip.amd_comgr) on the suite's real comgr,
# no GPU: HIP source -> bitcode -> code object for gfx90a, bitcode -> assembly -> code object, the
# ISA metadata, the code object's metadata and symbols, its kernel disassembled; then the version
# of comgr's LLVM (rocm.bindings.llvm.config) and the libclang paths resolves for it.
ROCM_COMGR_CODE = r"""
import json, os, sys, time
out = {}
t = time.perf_counter()
from rocm import comgr
from hip import _version
out["import_seconds"] = round(time.perf_counter() - t, 3)
ISA = "amdgcn-amd-amdhsa--gfx90a"
src = (b'#define __global__ __attribute__((global))\n'
       b'extern "C" __global__ void hip_python_probe(float *a) { a[0] = 42.0f; }\n')
hip_version = tuple(int(x) for x in _version.HIP_VERSION_STRING.split(".")[:3])
def step(name, fn):
    try:
        out[name] = fn()
    except Exception as e:
        out[name] = {"error": f"{type(e).__name__}: {e}"[-3000:]}
def bc():
    data, log, diag = comgr.compile_hip_to_bc(src, ISA, hip_version, logging=True)
    out["_bc"] = data
    return {"magic": data[:4].hex(), "bytes": len(data), "log": type(log).__name__}
step("compile_hip_to_bc", bc)
def exe():
    co, log, diag = comgr.compile_bc(out["_bc"], ISA)
    out["_co"] = co
    return {"magic": co[:4].hex(), "bytes": len(co), "log": log}
step("compile_bc", exe)
def hsa():
    text, _, _ = comgr.compile_bc_to_hsa(out["_bc"], ISA)
    co, _, _ = comgr.compile_hsa(text, ISA)
    return {"has_kernel": b"hip_python_probe:" in text, "magic": co[:4].hex(),
            "kernels": comgr.parse_code_obj_kernel_names(co, len(co))}
step("compile_bc_to_hsa + compile_hsa", hsa)
def isa_md():
    md = comgr.get_isa_metadata_all()
    gfx = next(v for k, v in md.items() if k.startswith(ISA))
    return {"count": len(md), "gfx90a in names": any(k.startswith(ISA) for k in md),
            "gfx90a keys": sorted(gfx)[:40]}
step("get_isa_metadata_all", isa_md)
def symbols():
    co = out["_co"]
    syms = comgr.parse_code_symbols(co, len(co))
    k = syms["hip_python_probe"]
    return {"names": sorted(syms), "kernel": [k["type"], k["size"] > 0, k["nobits"],
            co[k["code_object_offset"]:k["code_object_offset"] + 4] != b"\0\0\0\0"],
            "kd": [syms["hip_python_probe.kd"]["type"], syms["hip_python_probe.kd"]["size"]]}
step("parse_code_symbols", symbols)
def metadata():
    co = out["_co"]
    md = comgr.parse_code_obj_metadata(co, len(co))
    return {"kernels": [[k[".name"], k[".symbol"]] for k in md["amdhsa.kernels"]], "version": md.get("amdhsa.version")}
step("parse_code_obj_metadata", metadata)
def disasm():
    text = comgr.disassemble_code_obj_function(out["_co"], ISA, "hip_python_probe")
    return {"lines": len(text.splitlines()), "s_endpgm": "s_endpgm" in text, "store": "global_store" in text}
step("disassemble_code_obj_function", disasm)
def disasm_v6():
    text = comgr.disassemble_amdhsa_code_obj_v6_kernel(out["_co"], ISA)
    return {"directives": [l.strip().split()[0] for l in text.splitlines() if l.strip().startswith((".amdhsa_kernel", ".amdgpu_metadata", ".amdgcn_target"))],
            "s_endpgm": "s_endpgm" in text}
step("disassemble_amdhsa_code_obj_v6_kernel", disasm_v6)
def header():
    h = comgr.HIPRTC_RUNTIME_HEADER
    return {"bytes": len(h), "origin": comgr.get_hiprtc_runtime_header_origin(), "has __ocml": "__ocml_" in h}
step("HIPRTC_RUNTIME_HEADER", header)
def rtc_bc():   # as numba-hip compiles its device library: the hiprtc header before the source
    data, _, _ = comgr.compile_hip_to_bc(b'extern "C" __device__ float f(float x) { return sinf(x); }', ISA,
                                         hip_version, prepend_hiprtc_runtime_header=True)
    return {"magic": data[:4].hex()}
step("compile_hip_to_bc with the hiprtc header", rtc_bc)
def failure():
    try:
        comgr.compile_hip_to_bc(b"this is not C++", ISA, hip_version, logging=True)
    except RuntimeError as e:
        return {"raised": "RuntimeError", "names the action": "COMPILE_SOURCE_WITH_DEVICE_LIBS_TO_BC" in str(e),
                "has log": "error" in str(e)}
    return {"raised": None}
step("a failing compile", failure)
def llvm():
    from rocm.bindings.llvm.config import llvm_config as c
    from rocm.bindings.util import paths
    clang = os.fsdecode(paths.get_library_path("clang"))
    return {"version": [c.LLVM_VERSION_MAJOR, c.LLVM_VERSION_MINOR, c.LLVM_VERSION_PATCH], "string": c.LLVM_VERSION_STRING,
            "file": c.LLVM_LIBRARY_FILE, "LLVM": os.fsdecode(paths.get_library_path("LLVM")), "clang": clang,
            "clang exists": os.path.isabs(clang) and os.path.exists(clang),
            "resource dir": paths.get_clang_resource_dir(clang)}
step("llvm_config", llvm)
for k in ("_bc", "_co"):
    out.pop(k, None)
print(json.dumps(out))
"""

# The pynvml and nvtx of hip-python-interop on the real AMD SMI and roctx (no GPU, no amdgpu driver):
# what nvmlInit answers, and the roctx depth the nvtx ranges leave (asked of roctx itself).
SHIM_CODE = r'''
import json, sys
libs, out = json.loads(sys.argv[1]), {}
for shim, lib in (("pynvml", "amdsmi"), ("nvtx", "roctx")):
    if lib not in libs:   # the release has no such library: the import says so
        try:
            __import__(shim)
            out[shim] = {"import": "imported"}
        except ImportError as e:
            out[shim] = {"import": str(e)}
if "amdsmi" in libs:
    import pynvml
    r = out["pynvml"] = {}
    try:
        pynvml.nvmlInit()
        r["init"] = ["ok", pynvml.nvmlDeviceGetCount()]
        pynvml.nvmlShutdown()
    except pynvml.NVMLError as e:
        r["init"] = [type(e).__name__, e.value, str(e), isinstance(e, pynvml.NVMLError)]
    try:
        pynvml.nvmlDeviceGetCount()
    except pynvml.NVMLError as e:
        r["count before init"] = [type(e).__name__, e.value]
if "roctx" in libs:
    import nvtx
    from hip import roctx
    r = out["nvtx"] = {"enabled": nvtx.enabled()}
    nvtx.push_range("outer", color="red")
    with nvtx.annotate(b"inner", domain="cells"):
        nvtx.mark("here")
        r["depth inside"] = roctx.roctxRangePushA(b"probe")[0]   # two open below it: 2
        roctx.roctxRangePop()
    nvtx.pop_range()

    @nvtx.annotate()
    def work():
        return roctx.roctxRangePushA(b"probe")[0], roctx.roctxRangePop()
    r["depth in decorated"] = work()[0]
    r["depth after"] = roctx.roctxRangePushA(b"probe")[0]
    roctx.roctxRangePop()
    rid = nvtx.start_range("async")
    nvtx.end_range(rid)
    r["start_range"] = [type(rid).__name__, len(rid), type(rid[0]).__name__]
    try:
        nvtx.mark(5)
    except TypeError as e:
        r["mark(5)"] = str(e)
print(json.dumps(out))
'''


def last_json(text: str):
    for line in reversed(text.strip().splitlines()):
        if line.strip().startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


# -- one release, start to end ---------------------------------------------------------------------

# The missing-function check: the loader pointed (HIP_PYTHON_LIB<NAME>_PATH) at an older release's
# real file of the library, which lacks functions this release's wheel binds (hipRAND 5.3.3 has no
# hiprandGenerateLongLong; 5.7.1 none of 6.4's hiprandGetDirectionVectors32 ...).  Where no older
# file lacking one loads in the root (bookworm's are the oldest; sid's hipRAND 6.4.3 has every
# function experimental's 7.2.4 binds, and needs HIP 6), another library's real file stands in.
OLDER_FILE = {"5.7.1": ("hiprand", "5.2.3"), "6.4.3": ("hiprand", "5.7.1")}
STAND_IN = {"5.2.3": ("hipsparse", "hiprand"), "7.2.4": ("roctx", "hiprand")}


def _soname_file(tree: Path, soname: str) -> Path:
    return tree / "usr/lib/x86_64-linux-gnu" / soname


def missing_case(env: LibraryEnv) -> dict:
    """(library, file inside, function the wheel binds and the file lacks, its parameter count, why)."""
    short = releases.packaged_rocm(releases.find(env.release))
    if short in OLDER_FILE:
        lib, older = OLDER_FILE[short]
        entry = libraries.of_release(older)[lib]
        tree = debian.extract([entry["runtime"]], f"load-{lib}-{releases.find(older).hip}")
        src = Path(os.path.realpath(_soname_file(tree, entry["soname"])))
        inside = f"{IN_ROOT}/older/{src.name}"
        why = f"{libraries.LIBRARIES[lib]['title']} {entry['version']}'s {src.name} (HIP {older})"
    else:
        lib, other = STAND_IN[short]
        entry = libraries.of_release(short)[other]
        src = Path(os.path.realpath(env.path(f"{LIBDIR}/{entry['soname']}")))
        inside = f"{IN_ROOT}/older/{src.name}"
        why = f"{libraries.LIBRARIES[other]['title']}'s {src.name} of the same release, for {lib}"
    dest = env.path(inside)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest)
    bound = bound_functions(env.wheel, lib)
    absent = sorted(set(bound) - exported(dest))
    with zipfile.ZipFile(env.wheel) as z:
        funcs = json.loads(z.read(f"hip/_manifest_{lib}.json"))["functions"]
    fn = bound[absent[0]] if absent else None
    return {"library": lib, "file": inside, "function": fn, "nargs": len(funcs[fn]["params"]) if fn else 0,
            "absent": len(absent), "why": why}


def cell_env(env: LibraryEnv) -> dict:
    """The variables the cell runs with: the loader pointed at what apt refused, unpacked."""
    from hip_python_select import _hipfacts
    out = {}
    for lib in refused(env.release):
        base = libraries.of_release(env.release)[lib]["soname"].split(".so.")[0][3:]
        out[_hipfacts.env_var(base)] = f"{UNPACKED}{LIBDIR}/{libraries.of_release(env.release)[lib]['soname']}"
        out["LD_LIBRARY_PATH"] = f"{UNPACKED}{LIBDIR}"
    return out


def run_scripts(env: LibraryEnv, variables: dict, scripts: dict) -> dict:
    """AMD-style scripts (``tests/compat/library_scripts.py``), each run from a file in a fresh Python."""
    out = {}
    for name, script in sorted(scripts.items()):
        inside = f"{IN_ROOT}/scripts/{name}.py"
        env.path(inside).parent.mkdir(parents=True, exist_ok=True)
        env.path(inside).write_text(script.source)
        t = time.perf_counter()
        proc = env.run([env.python, inside], env=variables, timeout=120)
        out[name] = {"library": script.library, "gpu_free": script.gpu_free, "exit": proc.returncode,
                     "stdout": proc.stdout[-1000:], "stderr": proc.stderr[-3000:],
                     "seconds": round(time.perf_counter() - t, 2)}
    return out


def run_release(release: str, wheel: Path, say: Callable[[str], None] = log, scripts=None) -> dict:
    """Everything the tests assert about one release, measured in its library environment (then gone);
    ``scripts``: the module of AMD-style scripts to run there too."""
    t0 = time.perf_counter()
    result: dict = {"release": releases.find(release).hip, "wheel": wheel.name, "wheel_path": str(wheel)}
    with library_env(release, wheel, say) as env:
        libs = sorted(libraries.of_release(release))
        base_env = cell_env(env)
        t = time.perf_counter()
        proc = env.run([env.python, "-c", CELL_CODE, json.dumps({"libraries": libs})], env=base_env)
        result["cell_seconds"] = round(time.perf_counter() - t, 2)
        result["cell"] = last_json(proc.stdout) or {}
        result["cell_exit"], result["cell_stderr"] = proc.returncode, proc.stderr[-3000:]
        # every bound function in the real file the loader opened (nm -D of the file, seen from here)
        result["not_exported"] = {}
        for rep in result["cell"].get("loaded", []):
            if rep["module"] in libs:
                have = exported(env.path(rep["path"]))
                result["not_exported"][rep["module"]] = sorted(set(bound_functions(wheel, rep["module"])) - have)
        case = missing_case(env)
        from hip_python_select import _hipfacts
        var = _hipfacts.env_var(libraries.of_release(release)[case["library"]]["soname"].split(".so.")[0][3:])
        proc = env.run([env.python, "-c", MISSING_CODE, case["library"], case["function"] or "", str(case["nargs"])],
                       env={**base_env, var: case["file"]})
        result["missing"] = {**case, "variable": var, **(last_json(proc.stdout) or {}),
                             "exit": proc.returncode, "stderr": proc.stderr[-2000:]}
        if "amd_comgr" in libs:
            proc = env.run([env.python, "-c", ROCM_COMGR_CODE], env=base_env)
            result["rocm_comgr"] = {**(last_json(proc.stdout) or {}), "exit": proc.returncode, "stderr": proc.stderr[-3000:]}
        if interop_wheel(wheel) is not None:
            proc = env.run([env.python, "-c", SHIM_CODE, json.dumps(libs)], env=base_env)
            result["shims"] = {**(last_json(proc.stdout) or {}), "exit": proc.returncode, "stderr": proc.stderr[-3000:]}
        if scripts is not None:
            result["scripts"] = run_scripts(env, base_env, scripts.for_release(libs))
        result["installed"] = env.installed
        result["facts"] = env.facts
    result["seconds"] = round(time.perf_counter() - t0, 1)
    say(f"[{result['release']}] done in {result['seconds']}s")
    return result
