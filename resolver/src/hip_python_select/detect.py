"""Find the machine's HIP version from every source, each with where and why.

A source is one small function ``(ctx) -> list[Finding]``; ``SOURCES`` is their order, so
adding a source is one function and one tuple entry.  A finding holds a value or an
error, never both.  :func:`detect` runs them, then :func:`conclude` picks the answer by
precedence (``PRECEDENCE``: the runtime ``import hip`` will load beats the tools that
describe an installation; an installation named with ``--hipconfig``/``--rocm-path`` beats
both) and lists every disagreement.

Sources: ``hipconfig`` (``--hipconfig``, ``PATH``, ``$ROCM_PATH``, ``$HIP_PATH``,
``/opt/rocm*``; run with a timeout, its whole process group killed on expiry),
``share/hip/version``, ``hip_version.h``, ROCm's ``.info/version`` (through the ROCm table),
the runtime library's file name, ``hipRuntimeGetVersion`` (ctypes, in a child process so
a crashing runtime cannot take this tool down), and dpkg/rpm.
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import sys
from typing import Dict, List, Mapping, NamedTuple, Optional, Tuple

from . import bounded, loader, safefile, version as V

DEFAULT_TIMEOUT = 10.0
PRECEDENCE = ("runtime", "library file name", "hipconfig", "share/hip/version", "hip_version.h",
              ".info/version", "dpkg", "rpm")


class Finding(NamedTuple):
    name: str                       # one of PRECEDENCE
    path: str
    found_via: str                  # --hipconfig, PATH, ROCM_PATH, HIP_PATH, /opt/rocm-6.4.2, ...
    value: Optional[str] = None     # HIP MAJOR.MINOR.PATCH
    full: Optional[str] = None      # as the source printed it (5.2.21153-0)
    rocm: Optional[str] = None      # the ROCm version, when the source tells one
    error: Optional[str] = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self._asdict().items() if v is not None}


class Context(NamedTuple):
    env: Mapping[str, str]
    hipconfig: Optional[str] = None     # --hipconfig
    rocm_path: Optional[str] = None     # --rocm-path
    timeout: float = DEFAULT_TIMEOUT
    quick: bool = False                 # resolve's fast path: first hipconfig only, no runtime child
    major: Optional[int] = None         # the installed wheel's HIP major, for the loader's soname
    started: Optional[dict] = None      # hipconfig path -> bounded.Started already running (see start_first_hipconfig)


Run = bounded.Run


def start(cmd: List[str], env: Mapping[str, str]) -> bounded.Started:
    # its own session, output to files: a timeout kills whatever it started, a lingering child cannot hold us
    return bounded.start(cmd, env)


def run(cmd: List[str], env: Mapping[str, str], timeout: float, proc: Optional[bounded.Started] = None) -> Run:
    """Run ``cmd`` (or finish ``proc``, started earlier) within ``timeout`` and the command's deadline."""
    return bounded.finish(proc, timeout) if proc is not None else bounded.run(cmd, env, timeout)


# -- where to look -------------------------------------------------------------------------

def roots(ctx: Context) -> List[Tuple[str, str]]:
    """(directory, found_via) of every HIP/ROCm tree to look in, most specific first."""
    cands = []
    if ctx.rocm_path:
        cands.append((ctx.rocm_path, "--rocm-path"))
    for var in ("ROCM_PATH", "HIP_PATH"):
        if ctx.env.get(var):
            cands.append((ctx.env[var], var))
    for hc, via in hipconfigs(ctx):
        cands.append((os.path.dirname(os.path.dirname(os.path.realpath(hc))), f"hipconfig ({via})"))
    if not ctx.rocm_path:
        cands.append(("/opt/rocm", "/opt/rocm"))
        for d in sorted(glob.glob("/opt/rocm-*"), reverse=True):
            cands.append((d, d))
    out, seen = [], set()
    for d, via in cands:
        real = os.path.realpath(d)
        if real not in seen and os.path.isdir(real):
            seen.add(real)
            out.append((d, via))
    return out


def hipconfigs(ctx: Context) -> List[Tuple[str, str]]:
    """(path, found_via) of each distinct hipconfig, in the order a user would run them."""
    if ctx.hipconfig:
        return [(ctx.hipconfig, "--hipconfig")]
    cands = []
    on_path = shutil.which("hipconfig", path=ctx.env.get("PATH", os.defpath))
    if on_path:
        cands.append((on_path, "PATH"))
    for var in ("ROCM_PATH", "HIP_PATH"):
        if ctx.env.get(var):
            cands.append((os.path.join(ctx.env[var], "bin", "hipconfig"), var))
    if ctx.rocm_path:
        cands.insert(0, (os.path.join(ctx.rocm_path, "bin", "hipconfig"), "--rocm-path"))
    for d in ["/opt/rocm"] + sorted(glob.glob("/opt/rocm-*"), reverse=True):
        cands.append((os.path.join(d, "bin", "hipconfig"), d))
    out, seen = [], set()
    for path, via in cands:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                out.append((path, via))
    return out


# -- the sources -----------------------------------------------------------------------------

def start_first_hipconfig(ctx: Context) -> Context:
    """Start the first hipconfig now and return a context that will collect it: the caller can
    do its own work (reading the index, computing tags) while hipconfig runs."""
    found = hipconfigs(ctx)
    if not found:
        return ctx
    try:
        return ctx._replace(started={found[0][0]: start([found[0][0], "--version"], ctx.env)})
    except OSError:
        return ctx   # run_hipconfig will report it


def run_hipconfig(path: str, via: str, ctx: Context) -> Finding:
    """One hipconfig's ``--version``; every way it can fail becomes an error that says what to do."""
    name = "hipconfig"
    try:
        r = run([path, "--version"], ctx.env, ctx.timeout, (ctx.started or {}).get(path))
    except OSError as e:
        return Finding(name, path, via, error=f"cannot run: {e.strerror or e}. Check that it is executable "
                                              f"(and, for the Perl one, that perl is installed).")
    if r.returncode is None:
        return Finding(name, path, via, error=f"did not finish within {ctx.timeout:g} s and was killed "
                                              f"(raise --timeout, or pass --hipconfig/--rocm-path to use another)")
    if r.returncode != 0:
        tail = (r.stderr.strip() or r.stdout.strip())[-300:]
        return Finding(name, path, via, error=f"exited with status {r.returncode}: {tail!r}. Run it by hand to "
                                              f"see why; a wrong HIP_PATH/ROCM_PATH is the usual cause.")
    try:
        v = V.parse_hipconfig_version(r.stdout)
    except V.InvalidHipVersion as e:
        return Finding(name, path, via, error=f"{e}. This is not hipconfig's output format: check that {path} "
                                              f"is ROCm's hipconfig, or pass --hip-version.")
    full = r.stdout.strip()
    m = V._VERSION.search(full)  # as printed, without whatever hipconfig glued after it
    return Finding(name, path, via, str(v), m.group(0) if m else v.full)


def src_hipconfig(ctx: Context) -> List[Finding]:
    found = hipconfigs(ctx)
    return [run_hipconfig(p, via, ctx) for p, via in (found[:1] if ctx.quick else found)]


def _read(path: str) -> Optional[str]:
    try:
        return safefile.read_text(path, 1 << 20)   # never a FIFO or device (a read could block forever)
    except OSError:
        return None


def _files(ctx: Context, name: str, rels: Tuple[str, ...], parse, rocm=False) -> List[Finding]:
    out, seen = [], set()
    for root, via in roots(ctx):
        for rel in rels:
            path = os.path.join(root, rel)
            text = _read(path)
            if text is None or os.path.realpath(path) in seen:
                continue
            seen.add(os.path.realpath(path))
            try:
                v = parse(text)
            except V.InvalidHipVersion as e:
                out.append(Finding(name, path, via, error=str(e)))
                continue
            if rocm:
                from . import rocm as table

                hip = table.hip_for_rocm(v)
                out.append(Finding(name, path, via, str(hip) if hip else None, None, str(v),
                                   None if hip else table.why_no_hip(v)))
            else:
                out.append(Finding(name, path, via, str(v), v.full))
    return out


def src_version_file(ctx: Context) -> List[Finding]:
    return _files(ctx, "share/hip/version", ("share/hip/version", "bin/.hipVersion", "hip/bin/.hipVersion"),
                  V.parse_version_file)


def src_header(ctx: Context) -> List[Finding]:
    return _files(ctx, "hip_version.h", ("include/hip/hip_version.h", "hip/include/hip/hip_version.h"),
                  V.parse_hip_version_h)


def src_rocm_info(ctx: Context) -> List[Finding]:
    return _files(ctx, ".info/version", (".info/version",), V.parse_rocm_version, rocm=True)


def _majors(ctx: Context, found: List[Finding]) -> List[int]:
    if ctx.major:
        return [ctx.major]
    majors = sorted({int(f.value.split(".")[0]) for f in found if f.value}, reverse=True)
    return majors or [7, 6, 5]


def library(ctx: Context, found: List[Finding], cache=None) -> Tuple[Optional[loader.Hit], List[str]]:
    """The library ``import hip`` would open (for the installed wheel's major, else each plausible one)."""
    misses: List[str] = []
    for major in _majors(ctx, found):
        hit, miss = loader.search(major, ctx.env)
        # the unversioned name is tried for every major: say each miss once
        misses += [m for m in miss if m not in misses]
        if hit:
            return hit, misses
    return None, misses


def src_library(ctx: Context, found: List[Finding]) -> List[Finding]:
    hit, _ = library(ctx, found)
    if hit is None:
        return []
    v = loader.version_from_path(hit.path)
    return [Finding("library file name", hit.path, hit.found_via, v, None, None,
                    None if v else "the file name carries no MAJOR.MINOR.PATCH")]


_RUNTIME_PROBE = r"""
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
v = ctypes.c_int(0)
err = lib.hipRuntimeGetVersion(ctypes.byref(v))
print(err, v.value)
"""


def src_runtime(ctx: Context, found: List[Finding]) -> List[Finding]:
    if ctx.quick:
        return []
    hit, _ = library(ctx, found)
    if hit is None:
        return []
    name = "runtime"
    try:
        r = run([sys.executable, "-I", "-c", _RUNTIME_PROBE, hit.path], ctx.env, ctx.timeout)
    except OSError as e:
        return [Finding(name, hit.path, hit.found_via, error=f"cannot start the probe: {e}")]
    if r.returncode is None:
        return [Finding(name, hit.path, hit.found_via, error=f"hipRuntimeGetVersion did not return within "
                                                              f"{ctx.timeout:g} s (the process was killed)")]
    if r.returncode < 0:
        return [Finding(name, hit.path, hit.found_via, error=f"loading the runtime crashed the probe "
                                                              f"({_signal_name(-r.returncode)})")]
    if r.returncode != 0:
        return [Finding(name, hit.path, hit.found_via, error=f"cannot load it: {(r.stderr.strip().splitlines() or ['?'])[-1]} "
                                                              f"(its dependencies must be on LD_LIBRARY_PATH or in the ld.so cache)")]
    try:
        err, packed = r.stdout.split()
        if err != "0":
            return [Finding(name, hit.path, hit.found_via, error=f"hipRuntimeGetVersion returned error {err}")]
        v = V.parse_packed(packed)
    except (ValueError, V.InvalidHipVersion) as e:
        return [Finding(name, hit.path, hit.found_via, error=str(e))]
    return [Finding(name, hit.path, hit.found_via, str(v), packed.strip())]


def _signal_name(n: int) -> str:
    try:
        return signal.Signals(n).name
    except ValueError:
        return f"signal {n}"


# Debian names the runtime libamdhip64-N with ROCm's version; AMD's repositories use
# hip-runtime-amd with the HIP version first (6.1.40091.60100-82); rocm-core carries ROCm's.
_DPKG_PACKAGES = ("libamdhip64-[0-9]*", "hip-runtime-amd*", "rocm-core*")


def _package_finding(tool: str, pkg: str, ver: str) -> Optional[Finding]:
    from . import rocm as table

    upstream = ver.split(":", 1)[-1].split("-")[0].split("+")[0].split("~")[0]
    parts = upstream.split(".")
    if len(parts) < 3 or not all(p.isdigit() for p in parts[:3]):
        return Finding(tool, pkg, tool, error=f"version {ver!r} has no MAJOR.MINOR.PATCH")
    a, b, c = parts[:3]
    if pkg.startswith("hip-runtime-amd"):
        # HIP version then packed ROCm (7.15.0.100000: HIP 7.15.0 of ROCm 10.0.0, a patch of 0)
        split = table.split_amd_package(upstream)
        if split:
            return Finding(tool, pkg, tool, split[0], ver, split[1])
        if int(c) >= V.ROCM_KEYED_MAX_PATCH:
            return Finding(tool, pkg, tool, f"{a}.{b}.{c}", ver)
    rocm = f"{a}.{b}.{c}"
    hip = table.table().get(rocm)
    return Finding(tool, pkg, tool, hip, ver, rocm, None if hip else table.why_no_hip(rocm))


def src_packages(ctx: Context) -> List[Finding]:
    out = []
    if shutil.which("dpkg-query"):
        r = run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\n", *_DPKG_PACKAGES],
                ctx.env, ctx.timeout)
        for line in r.stdout.splitlines():
            status, _, rest = line.partition("\t")
            pkg, _, ver = rest.partition("\t")
            if status.startswith("ii") and ver:
                f = _package_finding("dpkg", pkg, ver)
                if f:
                    out.append(f)
    if shutil.which("rpm"):
        r = run(["rpm", "-q", "--qf", "%{NAME}\t%{VERSION}\n", "hip-runtime-amd", "rocm-core"], ctx.env, ctx.timeout)
        for line in r.stdout.splitlines():
            pkg, sep, ver = line.partition("\t")
            if sep:
                f = _package_finding("rpm", pkg, ver)
                if f:
                    out.append(f)
    return out


# Sources that need what the earlier ones found (the HIP major, for the loader's soname) take it.
SOURCES = (src_hipconfig, src_version_file, src_header, src_rocm_info, src_library, src_runtime, src_packages)
QUICK_SOURCES = (src_hipconfig, src_version_file, src_header, src_rocm_info, src_library)


class Report(NamedTuple):
    hip_version: Optional[str]
    hip_version_full: Optional[str]
    chosen_from: Optional[Finding]
    rocm_versions: List[str]
    sources: List[Finding]
    library: Optional[loader.Hit]
    library_misses: List[str]
    libraries: Dict[str, List[str]]
    warnings: List[str]

    def as_dict(self) -> dict:
        return {
            "hip_version": self.hip_version, "hip_version_full": self.hip_version_full,
            "chosen_from": self.chosen_from.name if self.chosen_from else None,
            "rocm_versions": self.rocm_versions,
            "sources": [f.as_dict() for f in self.sources],
            "library": self.library._asdict() if self.library else None,
            "library_misses": self.library_misses,
            "libraries": [{"path": p, "found_via": v, "version": loader.version_from_path(p)}
                          for p, v in self.libraries.items()],
            "warnings": self.warnings,
        }


EXPLICIT = ("--hipconfig", "--rocm-path")


def _asked_for(f: Finding) -> bool:
    return any(e in f.found_via for e in EXPLICIT)


def conclude(found: List[Finding]) -> Tuple[Optional[Finding], List[str]]:
    """The finding that decides (the installation the user named, then ``PRECEDENCE``) and a
    warning per disagreement (pure)."""
    ok = [f for f in found if f.value]
    chosen = min(ok, key=lambda f: (not _asked_for(f), PRECEDENCE.index(f.name)), default=None)
    warnings = []
    values: Dict[str, List[Finding]] = {}
    for f in ok:
        values.setdefault(f.value, []).append(f)
    if len(values) > 1:
        lines = "; ".join(f"{v}: " + ", ".join(f"{f.name} {f.path}" for f in fs) for v, fs in values.items())
        warnings.append(f"sources disagree ({lines}); using {chosen.value} from {chosen.name} ({chosen.path}). "
                        f"Several HIP installations, or a stale HIP_PATH/ROCM_PATH, are the usual cause.")
    return chosen, warnings


def detect(ctx: Context, sources=SOURCES) -> Report:
    found: List[Finding] = []
    for source in sources:
        needs_found = source in (src_library, src_runtime)
        found += source(ctx, found) if needs_found else source(ctx)
    chosen, warnings = conclude(found)
    full = None
    if chosen:
        printed = [f.full for f in found if f.value == chosen.value and f.name == "hipconfig" and f.full]
        full = printed[0] if printed else next((f.full for f in found if f.value == chosen.value and f.full
                                                and f.full.startswith(chosen.value)), chosen.value)
    rocm_versions = sorted({f.rocm for f in found if f.rocm}, key=lambda s: tuple(map(int, s.split("."))))
    if chosen and not rocm_versions:
        from . import rocm as table

        rocm_versions = table.rocm_for_hip(chosen.value)
    hit, misses = library(ctx, found)
    # quick (resolve, install) skips the search for every runtime unless the loader found none:
    # then the warning that 'import hip' will not find the one named by --hipconfig must be said
    libs = {} if ctx.quick and hit is not None else loader.all_libraries(ctx.env, roots(ctx), loader.ld_cache())
    warnings += _shadowing(ctx, found, hit, libs)
    return Report(chosen.value if chosen else None, full, chosen, rocm_versions, found, hit, misses, libs, warnings)


def _shadowing(ctx: Context, found: List[Finding], hit: Optional[loader.Hit], libs: Dict[str, List[str]]) -> List[str]:
    out = []
    if len(libs) > 1:
        listed = ", ".join(f"{p} ({'/'.join(v)})" for p, v in libs.items())
        chosen = f"'import hip' loads {hit.path} (via {hit.found_via})" if hit else "none of them is found by the loader"
        out.append(f"{len(libs)} HIP runtimes shadow each other: {listed}; {chosen}. Set ROCM_PATH or "
                   f"{loader.ENV_VAR} to choose one.")
    if hit is None and libs:
        path = next(iter(libs))
        out.append(f"{path} is here ({'/'.join(libs[path])}) but 'import hip' will not find it: "
                   f"export {loader.ENV_VAR}={path} (or ROCM_PATH to its installation, or "
                   f"LD_LIBRARY_PATH={os.path.dirname(path)})")
    hcs = [f for f in found if f.name == "hipconfig"]
    rocm_hc = [f for f in hcs[1:] if f.found_via in ("--rocm-path", "ROCM_PATH", "HIP_PATH")]
    if hcs and hcs[0].found_via == "PATH" and rocm_hc:
        out.append(f"the hipconfig first on PATH ({hcs[0].path}, {hcs[0].value or hcs[0].error}) is not the one "
                   f"of {rocm_hc[0].found_via} ({rocm_hc[0].path}, {rocm_hc[0].value or rocm_hc[0].error}); "
                   f"a build using plain 'hipconfig' gets the first")
    if hcs and hcs[0].found_via == "PATH" and hit is not None:
        tree = os.path.dirname(os.path.dirname(os.path.realpath(hcs[0].path)))
        lib_tree = os.path.realpath(hit.path)
        if not lib_tree.startswith(tree.rstrip("/") + "/"):
            out.append(f"the hipconfig first on PATH ({hcs[0].path}) belongs to {tree}, but the runtime "
                       f"'import hip' loads is {hit.path}: they can be different HIP releases")
    return out
