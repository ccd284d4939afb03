#!/usr/bin/env python3
"""Every hip-python wheel against every real HIP runtime: the 4 x 4 matrix, one command (as root).

  python harness/runtime_matrix.py                 # provision, build, run; table + build/runtime-matrix.json
  python harness/runtime_matrix.py --expected      # the expected table only (no root needed)
  python harness/runtime_matrix.py --releases 5.2.3,7.2.4 --json out.json

Each supported release gets a root filesystem of its Debian suite holding its real runtime,
hiprtc and hipconfig (``rootfs.py`` beside this file, cached in
~/.cache/hip-python-dist/rootfs).  The wheels are built for each suite's own Python: on this
machine when it has that CPython, otherwise inside the root filesystem; both by the one build
library (``hip_build.matrix``: here in-process, in a root ``scripts/build_matrix.py --only
hipX-cp314`` with the checkout bind-mounted), so every wheel has the same pins, the same
``SOURCE_DATE_EPOCH``, is stripped and audited, and is cached by the build's own cache.
Then, in every environment:

* the user path: a fresh venv, ``pip install resolver/``, ``hip-python-select install`` from a
  PEP 503 index of that environment's wheels, which must pick the release's own wheel by
  reading the release's hipconfig; ``import hip`` is silent; ``hipRuntimeGetVersion``,
  ``hipGetDeviceCount`` (hipErrorNoDevice) and a hiprtc compile whose code is retrieved;
* one cell per wheel, each a fresh ``python3`` in the chroot with a timeout: the import-time
  ``HipVersionMismatchWarning`` exactly when the releases differ, with the right grade; the
  functions both releases have (``hipRuntimeGetVersion``, ``hipGetDeviceCount``,
  ``hipGetErrorName``) work; a function the runtime lacks (from the wheel's manifest and
  ``nm -D`` of the runtime) raises ``HipFunctionNotFoundError``; the interpreter survives.
  Across majors the loader is pointed at the runtime with ``HIP_PYTHON_LIBAMDHIP64_PATH``.

Exit codes: 0 every cell and user path as expected, 1 something differs (marked ``!``),
2 setup failed (provisioning or a build; the message names the step), 3 not root.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

import hiprtc_sample
import rootfs
from hip_python_select import _hipfacts
from hip_bindgen import debian, parse, releases
from hip_build import gitversion, matrix, project, publish, pythons

WORK = ROOT / "build" / "runtime-matrix"
HOST_WHEELS = ROOT / "build" / "test-wheels"        # shared with harness/wheels_for_tests.py
DEFAULT_JSON = ROOT / "build" / "runtime-matrix.json"
IN_ROOT = "/opt/hip-matrix"               # the harness's files inside each root filesystem
RUN = f"{IN_ROOT}/run-{os.getpid()}"     # this run's workspace there (concurrent runs never collide)
CELL_TIMEOUT = 120.0
STEP_TIMEOUT = 900.0
LIBDIR = "/usr/lib/x86_64-linux-gnu"


def log(msg: str) -> None:
    print(msg, flush=True)


class SetupError(RuntimeError):
    """Provisioning, a build or the harness's own preparation failed (not a cell)."""


# -- expectations (pure) -------------------------------------------------------------------

def packed(hip: str) -> int:
    return _hipfacts.pack(*(int(x) for x in hip.split(".")[:3]))


def expected_grade(wheel: str, runtime: str):
    """The warning grade the wheel must give: None for the same release."""
    g = _hipfacts.grade(wheel, runtime)
    return None if g == "exact" else g


def cell_text(warning, missing: int) -> str:
    text = "ok" if warning is None else f"warn {warning}"
    return text + (f", {missing} missing" if missing else "")


def label(hip: str, runtime: bool = False) -> str:
    """'6.4.43484' -> 'wheel 6.4.3' / 'runtime 6.4.3 (sid)': the ROCm release of the Debian packages."""
    rel = releases.find(hip)
    return f"runtime {rel.short} ({rel.suite})" if runtime else f"wheel {rel.short}"


# -- code run inside the chroots -----------------------------------------------------------

CELL_CODE = r'''
import json, sys, warnings
args = json.loads(sys.argv[1])
out = {"stage": "import"}
def emit():
    print("\n" + json.dumps(out), flush=True)
try:
    with warnings.catch_warnings(record=True) as imp:
        warnings.simplefilter("always")
        import hip
        from hip import hip as h, _loader
    out["import_warnings"] = [{"category": w.category.__name__, "message": str(w.message)} for w in imp]
    out["wheel"] = {"version": hip.__version__, "hip": hip.HIP_VERSION_STRING}
    out["stage"] = "calls"
    with warnings.catch_warnings(record=True) as later:
        warnings.simplefilter("always")
        err, v = h.hipRuntimeGetVersion()
        out["hipRuntimeGetVersion"] = [getattr(err, "name", str(err)), v]
        err, n = h.hipGetDeviceCount()
        out["hipGetDeviceCount"] = [getattr(err, "name", str(err)), n]
        res = h.hipGetErrorName(h.hipError_t.hipErrorNoDevice)
        name = res[-1] if isinstance(res, tuple) else res
        out["hipGetErrorName"] = name.decode() if isinstance(name, bytes) else str(name)
        out["stage"] = "missing"
        out["missing"] = None
        for fn in args["missing"]:
            f = getattr(h, fn, None) or getattr(h, fn + "_", None)
            if f is None:
                continue
            sig = (f.__doc__ or "").split("\n", 1)[0]
            inner = sig[sig.find("(") + 1:sig.find(")")] if "(" in sig else ""
            nargs = len([a for a in inner.split(",") if a.strip()])
            try:
                f(*([0] * nargs))
                out["missing"] = {"function": fn, "raised": None}
            except hip.HipFunctionNotFoundError as e:
                out["missing"] = {"function": fn, "raised": "HipFunctionNotFoundError", "message": str(e)}
            except TypeError:
                continue   # this function wants other arguments than zeros: try the next one
            break
    out["later_warnings"] = [{"category": w.category.__name__, "message": str(w.message)} for w in later]
    out["loaded"] = _loader.report()
    out["stage"] = "done"
except BaseException as e:
    out["exception"] = f"{type(e).__name__}: {e}"
emit()
'''

USER_CODE = hiprtc_sample.CODE + r'''
import json, sys, warnings
out = {}
with warnings.catch_warnings(record=True) as imp:
    warnings.simplefilter("always")
    import hip
    from hip import hip as h, hiprtc, _loader
out["import_warnings"] = [str(w.message) for w in imp]
out["wheel"] = {"version": hip.__version__, "hip": hip.HIP_VERSION_STRING}
err, v = h.hipRuntimeGetVersion()
out["hipRuntimeGetVersion"] = [err.name, v]
err, n = h.hipGetDeviceCount()
out["hipGetDeviceCount"] = [err.name, n]
out["hiprtc"] = hiprtc_sample()
out["loaded"] = _loader.report()
print(json.dumps(out))
'''


# -- running in a root ---------------------------------------------------------------------

def run_in(root: Path, argv: list, env: dict | None = None, timeout: float = STEP_TIMEOUT) -> dict:
    """Run in the chroot in a new session; a timeout kills the whole group. Never raises."""
    t = time.perf_counter()
    proc = subprocess.Popen(rootfs.chroot_cmd(root, argv, env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    return {"argv": argv, "returncode": code, "timed_out": code is None, "stdout": out, "stderr": err,
            "seconds": round(time.perf_counter() - t, 2)}


def must(res: dict, what: str) -> dict:
    if res["returncode"] != 0:
        raise SetupError(f"{what} failed (exit {res['returncode']}):\n{(res['stdout'][-2500:] + res['stderr'][-2500:]).strip()}")
    return res


def last_json(text: str):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def network_env(root: Path) -> dict:
    """What pip inside needs to reach PyPI as this machine does: its resolv.conf and CA bundle."""
    rootfs.copy_resolv_conf(root)
    env = {}
    for var in ("PIP_DEFAULT_TIMEOUT", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        if os.environ.get(var):
            env[var] = os.environ[var]
    bundle = next((p for p in (os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE"),
                               "/etc/ssl/certs/ca-certificates.crt") if p and os.path.isfile(p)), None)
    if bundle:   # a TLS-inspecting proxy's CA is trusted here but not by the suite's own ca-certificates
        target = root / IN_ROOT.lstrip("/") / "host-ca.crt"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundle, target)
        env["PIP_CERT"] = env["SSL_CERT_FILE"] = f"{IN_ROOT}/host-ca.crt"
    return env


def tools_venv(root: Path, build: bool) -> str:
    """A venv in the root with pip (and, for building, what runs the build library: the pins of
    requirements-dev.txt); kept between runs, made again when the pins change."""
    venv = f"{IN_ROOT}/tools"
    (root / IN_ROOT.lstrip("/")).mkdir(parents=True, exist_ok=True)
    with open(root / IN_ROOT.lstrip("/") / ".tools.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # another run may be creating it right now
        return _tools_venv(root, venv, build)


def _tools_venv(root: Path, venv: str, build: bool) -> str:
    if not (root / venv.lstrip("/") / "bin" / "pip").exists():
        must(run_in(root, ["python3", "-m", "venv", venv]), "creating the tools venv")
    ready = root / venv.lstrip("/") / ".build-ready"
    reqs = project.build_tool_requirements()   # the same pins as every other build
    if build and (not ready.exists() or ready.read_text() != "\n".join(reqs)):
        must(run_in(root, [f"{venv}/bin/pip", "install", "-q", "--disable-pip-version-check", *reqs],
                    env=network_env(root)), f"pip install {' '.join(reqs)} (needs PyPI)")
        ready.write_text("\n".join(reqs))
    return venv


# -- wheels --------------------------------------------------------------------------------

_host_builds = threading.Lock()


# The cells test hip and hiprtc against each runtime: their wheels carry no ROCm library module,
# as the other tests' wheels (harness/wheels_for_tests.py), so a wheel built by either is reused
NO_LIBRARIES: set = set()


def build_on_host(py: str, interpreter: str, hips: list[str]) -> dict:
    """{hip: wheel} for CPython ``py`` built here by the build library, one Python at a time.

    Into the test suite's wheel directory, so that a wheel the other tests build (or this
    built) is built once: the build's own cache applies."""
    rels = [releases.find(h) for h in hips]
    with _host_builds:
        report = matrix.run(rels, {py: interpreter}, HOST_WHEELS, gitversion.revision(ROOT, allow_dirty=True),
                            jobs=min(2, os.cpu_count() or 1), log=lambda m: log(f"  build: {m}"), libs=NO_LIBRARIES)
    if report.failed:
        raise SetupError("building for cp{}: {}".format(py.replace(".", ""), "; ".join(
            f"{r.ident}: {r.error} (log {r.log})" for r in report.failed)))
    return {hip: path for (hip, _), path in report.wheels().items()}


CHROOT_WHEELS = WORK / "chroot-wheels"        # the index (and build cache) of wheels built inside a root


def build_in_root(env: rootfs.Rootfs, hips: list[str], record: list) -> dict:
    """{hip: wheel} for the root's Python, built inside ``env`` by the build library itself.

    ``scripts/build_matrix.py --only hipX-cpXY`` runs in the root with this checkout, the
    headers' trees and this host's builtin C headers bind-mounted, and the revision given (no
    git history inside): the manifest, the Cython pin, ``SOURCE_DATE_EPOCH``, strip and
    ``auditwheel`` are the host's, and the build's own cache (``publish.cached_wheel``) decides
    what is rebuilt.  The results go to ``record``; a manifest that differs from this host's
    parse of the same headers is a setup error (it would be another build)."""
    py = env.stamp["python"]
    ids = [matrix.ident(h, py) for h in hips]
    repo, cache, include = f"{IN_ROOT}/repo", f"{IN_ROOT}/cache", f"{IN_ROOT}/clang-include"
    out = f"{repo}/{CHROOT_WHEELS.relative_to(ROOT)}"
    results = CHROOT_WHEELS / f".results-{os.getpid()}.json"
    CHROOT_WHEELS.mkdir(parents=True, exist_ok=True)
    binds = {str(ROOT): repo, str(debian.cache_dir() / "trees"): f"{cache}/trees",
             parse.builtin_include_dir(): include}
    for inside in binds.values():
        (env.path / inside.lstrip("/")).mkdir(parents=True, exist_ok=True)
    venv = tools_venv(env.path, build=True)
    argv = [f"{venv}/bin/python", f"{repo}/scripts/build_matrix.py", "--only", ",".join(ids), "--python", "current",
            "--libraries", "none", "--out", out, "--json", f"{out}/{results.name}",
            "--revision", str(gitversion.revision(ROOT, allow_dirty=True))]
    envvars = {"PATH": f"{venv}/bin:{rootfs.PATH}", "HIP_PYTHON_CACHE": cache, "HIP_PYTHON_CLANG_INCLUDE": include,
               "PYTHONDONTWRITEBYTECODE": "1",   # no cpython-3XX caches left in the checkout
               # the root's venv has the build's tools only: the generator, the build library and the
               # resolver (hip-python-dev's and hip-python-select's sources) come from the checkout
               "PYTHONPATH": f"{repo}/bindings:{repo}/resolver/src"}
    log(f"  build in {env.path.name}: {' '.join(argv[1:])}")
    proc = subprocess.Popen(rootfs.chroot_cmd(env.path, argv, envvars, binds), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    tail = []
    for line in proc.stdout:
        log(f"  build in {env.suite}: {line.rstrip()}")
        tail = (tail + [line])[-40:]
    proc.wait()
    report = json.loads(results.read_text()) if results.exists() else None
    results.unlink(missing_ok=True)
    if report is None or proc.returncode != 0:
        raise SetupError(f"building {', '.join(ids)} in {env.path.name} failed (exit {proc.returncode}):\n"
                         + "".join(tail) + f"(build logs: {ROOT / 'build' / 'logs'})")
    record.extend(report["results"])
    for hip in hips:   # the same headers must give the same manifest, in there as here
        inside = json.loads((CHROOT_WHEELS / "manifests" / f"{hip}.json").read_text())
        if inside != json.loads(parse.dumps(matrix.manifest_for(releases.find(hip), NO_LIBRARIES))):
            raise SetupError(f"the build in {env.path.name} parsed HIP {hip}'s headers into another manifest "
                             f"than this host does ({CHROOT_WHEELS / 'manifests' / (hip + '.json')}): not the same build")
    return {r["hip"]: CHROOT_WHEELS / Path(r["wheel"]).name for r in report["results"]}


# -- the runtime's exports vs a wheel's manifest ---------------------------------------------

def exports(root: Path, major: int) -> set:
    lib = os.path.realpath(root / LIBDIR.lstrip("/") / f"libamdhip64.so.{major}")
    if not lib.startswith(str(root)):
        lib = str(root) + lib   # an absolute symlink inside the root
    proc = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SetupError(f"nm -D {lib} failed: {proc.stderr.strip()}")
    return {ln.split()[-1].split("@")[0] for ln in proc.stdout.splitlines() if ln.strip()}


def manifest_of(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as z:
        return json.loads(z.read("hip/_manifest.json"))


def missing_functions(manifest: dict, exported: set) -> list[str]:
    """The hip-module functions the wheel binds and the runtime does not export, fewest params first."""
    fns = manifest["functions"]
    gone = [n for n, f in fns.items() if f["module"] == "hip" and f.get("symbol", n) not in exported]
    return sorted(gone, key=lambda n: (len(fns[n]["params"]), n))


# -- one environment -----------------------------------------------------------------------

def prepare_workspace(env: rootfs.Rootfs, wheels: dict) -> Path:
    """/opt/hip-matrix/run in the root: the wheels with their index, and the resolver's sources."""
    run_dir = env.path / RUN.lstrip("/")
    for old in run_dir.parent.glob("run-*"):     # left by a killed run
        pid = old.name.split("-", 1)[1]
        if not pid.isdigit() or not Path(f"/proc/{pid}").exists():
            shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(run_dir, ignore_errors=True)
    (run_dir / "wheels").mkdir(parents=True)
    for whl in wheels.values():
        shutil.copyfile(whl, run_dir / "wheels" / whl.name)
    publish.write_index(run_dir / "wheels")
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    shutil.copy2(uv, run_dir / "uv")     # the pinned uv of requirements-dev.txt (runs on every suite's libc)
    shutil.copytree(ROOT / "resolver", run_dir / "resolver",
                    ignore=shutil.ignore_patterns("*.egg-info", "build", "dist", "__pycache__", ".*"))
    return run_dir


def user_path(env: rootfs.Rootfs, wheels: dict) -> dict:
    """Item 2: fresh venv, resolver, hip-python-select install, then the release's own checks."""
    hip = env.release
    root = env.path
    res: dict = {"release": hip, "steps": {}}
    steps = res["steps"]
    venv = f"{RUN}/user"
    index = f"file://{RUN}/wheels/simple"
    net = network_env(root)
    steps["venv"] = run_in(root, ["python3", "-m", "venv", venv])
    steps["pip install resolver"] = run_in(root, [f"{venv}/bin/pip", "install", "-q", "--disable-pip-version-check",
                                                  f"{RUN}/resolver"], env=net)
    sel = f"{venv}/bin/hip-python-select"
    steps["detect"] = run_in(root, [sel, "detect", "--json"])
    pre = ["--pre"] if any(".dev" in w.name for w in wheels.values()) else []
    steps["install"] = run_in(root, [sel, "install", "--index-url", index, *pre])
    steps["import silent"] = run_in(root, [f"{venv}/bin/python", "-c", "import hip, hip.hip, hip.hiprtc"])
    steps["calls"] = run_in(root, [f"{venv}/bin/python", "-c", USER_CODE], timeout=CELL_TIMEOUT)
    # The installer alone: `config --for uv` (detecting this root's runtime) names the per-release
    # index, whose static property lets uv's wheel-variants preview take the variant wheel without a
    # plugin; the provider plugin, asked directly, answers what detect answers.
    steps["config --for uv"] = run_in(root, [sel, "config", "--for", "uv", "--index", f"{RUN}/wheels",
                                             "--write", f"{RUN}/uv.toml"])
    uv = [f"{RUN}/uv"]
    steps["uv venv"] = run_in(root, uv + ["venv", "-q", "--python", "python3", f"{RUN}/uvenv"], env=UV_ENV)
    steps["uv install"] = run_in(root, uv + ["pip", "install", "--config-file", f"{RUN}/uv.toml", "--python",
                                             f"{RUN}/uvenv/bin/python", "--prerelease", "allow", "hip-python"],
                                 env=UV_ENV)
    steps["uv installed"] = run_in(root, [f"{RUN}/uvenv/bin/python", "-c", VARIANT_CODE])
    steps["provider"] = run_in(root, [f"{venv}/bin/python", "-c", PROVIDER_CODE])
    for s in steps.values():
        s.pop("argv", None)

    problems = []
    for name in ("venv", "pip install resolver", "detect", "install", "calls", "config --for uv", "uv venv",
                 "uv install", "uv installed", "provider"):
        if steps[name]["returncode"] != 0:
            problems.append(f"{name}: exit {steps[name]['returncode']}: {(steps[name]['stderr'] or steps[name]['stdout'])[-800:].strip()}")
    detect = _json_blob(steps["detect"]["stdout"])
    res["hipconfig"] = hipconfig_finding(detect)
    hc = res["hipconfig"]
    if not hc or hc.get("value") != hip:
        problems.append(f"hipconfig: hip-python-select detect did not read HIP {hip} from hipconfig: {hc}")
    calls = last_json(steps["calls"]["stdout"]) or {}
    res["calls"] = calls
    installed = calls.get("wheel", {})
    res["installed"] = installed.get("version")
    if installed.get("hip") != hip:
        problems.append(f"install: the installed wheel is HIP {installed.get('hip')}, not {hip}")
    res["uv"] = by_uv = last_json(steps["uv installed"]["stdout"]) or {}
    if by_uv != {"hip": hip, "variant": True, "warnings": []}:
        problems.append(f"uv with wheel variants: installed {by_uv}, want the variant wheel of HIP {hip}, silent")
    res["provider"] = provided = (last_json(steps["provider"]["stdout"]) or {}).get("supported")
    detected = (detect or {}).get("hip_version")
    if provided != [["version", [detected]]]:
        problems.append(f"variant provider: supports {provided}, detect finds {detected}")
    silent = steps["import silent"]
    if silent["returncode"] != 0 or silent["stdout"] or silent["stderr"]:
        problems.append(f"import hip is not silent: exit {silent['returncode']}, output {silent['stdout'] + silent['stderr']!r}")
    if calls.get("import_warnings"):
        problems.append(f"import hip warned: {calls['import_warnings']}")
    if calls.get("hipRuntimeGetVersion") != ["hipSuccess", packed(hip)]:
        problems.append(f"hipRuntimeGetVersion: {calls.get('hipRuntimeGetVersion')}, want hipSuccess, {packed(hip)}")
    if (calls.get("hipGetDeviceCount") or [None])[0] != "hipErrorNoDevice":
        problems.append(f"hipGetDeviceCount: {calls.get('hipGetDeviceCount')}, want hipErrorNoDevice")
    rtc = calls.get("hiprtc") or {}
    ok_rtc = (rtc.get("create"), rtc.get("compile"), rtc.get("get_code"), rtc.get("destroy")) == ("HIPRTC_SUCCESS",) * 4
    if not ok_rtc or (rtc.get("code_size") or [None, 0])[1] <= 0 or set(rtc.get("code_head", "")) <= {"0"}:
        problems.append(f"hiprtc: {rtc}")
    res["problems"] = problems
    res["ok"] = not problems
    return res


# uv in the root: no network, no managed Python, no cache shared with the host
UV_ENV = {"UV_OFFLINE": "1", "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CACHE": "1"}
VARIANT_CODE = """import json, warnings, importlib.metadata as m
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always"); import hip
files = [str(f) for f in m.distribution("hip-python").files]
print(json.dumps({"hip": hip.HIP_VERSION_STRING, "variant": any(f.endswith(".dist-info/variant.json") for f in files),
                  "warnings": [str(x.message) for x in w]}))"""
PROVIDER_CODE = """import json
from hip_python_select import variant_provider as p
print(json.dumps({"supported": [[c.name, c.values] for c in p.get_supported_configs()]}))"""


def _json_blob(text: str):
    start = text.find("{")
    try:
        return json.loads(text[start:]) if start >= 0 else None
    except ValueError:
        return None


def hipconfig_finding(detect) -> dict | None:
    """The hipconfig finding of ``hip-python-select detect --json`` (whatever its exact shape)."""
    if not isinstance(detect, dict):
        return None
    stack = [detect]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("name") == "hipconfig" and ("value" in node or "error" in node):
                return {k: node.get(k) for k in ("path", "found_via", "value", "full", "error") if node.get(k)}
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def run_cell(env: rootfs.Rootfs, wheel_hip: str, wheel: Path, exported: set) -> dict:
    rt = env.release
    w_major, r_major = int(wheel_hip.split(".")[0]), int(rt.split(".")[0])
    missing = missing_functions(manifest_of(wheel), exported)
    envvars = {"PYTHONPATH": f"{RUN}/cells/{wheel_hip}"}
    if w_major != r_major:   # the loader looks for libamdhip64.so.<wheel major>: point it at this runtime
        envvars["HIP_PYTHON_LIBAMDHIP64_PATH"] = f"{LIBDIR}/libamdhip64.so.{r_major}"
    proc = run_in(env.path, ["python3", "-c", CELL_CODE, json.dumps({"missing": missing[:25]})],
                  env=envvars, timeout=CELL_TIMEOUT)
    got = last_json(proc["stdout"]) or {}
    grade = expected_grade(wheel_hip, rt)
    want = {"warning": grade, "version": ["hipSuccess", packed(rt)], "device_count": "hipErrorNoDevice",
            "missing": bool(missing)}
    problems = []
    if proc["timed_out"]:
        problems.append(f"timed out after {CELL_TIMEOUT:.0f}s")
    elif proc["returncode"] != 0:
        sig = f" (signal {-proc['returncode']})" if proc["returncode"] < 0 else ""
        problems.append(f"interpreter died: exit {proc['returncode']}{sig}: {proc['stderr'][-600:].strip()}")
    if got.get("exception"):
        problems.append(f"{got.get('stage')}: {got['exception']}")
    imp = got.get("import_warnings") or []
    mism = [w for w in imp if w["category"] == "HipVersionMismatchWarning"]
    grades = [g for w in mism for g in ("same-minor", "same-major", "different-major") if f"({g})" in w["message"]]
    seen = None if not mism else grades[0] if len(mism) == 1 and len(grades) == 1 else "?"
    if grade is None and mism:
        problems.append(f"warned although the releases match: {mism[0]['message']}")
    if grade is not None:
        if len(mism) != 1:
            problems.append(f"{len(mism)} HipVersionMismatchWarning at import, want exactly 1 ({grade})")
        elif seen != grade:
            problems.append(f"warning grade {seen}, want {grade}: {mism[0]['message']}")
        elif wheel_hip not in mism[0]["message"] or rt not in mism[0]["message"]:
            problems.append(f"warning does not name both {wheel_hip} and {rt}: {mism[0]['message']}")
    other = [w for w in imp if w["category"] != "HipVersionMismatchWarning"] + (got.get("later_warnings") or [])
    if other and got.get("stage") == "done":
        problems.append(f"other warnings: {other}")
    if got.get("stage") == "done":
        if got.get("hipRuntimeGetVersion") != want["version"]:
            problems.append(f"hipRuntimeGetVersion {got.get('hipRuntimeGetVersion')}, want {want['version']}")
        if (got.get("hipGetDeviceCount") or [None])[0] != "hipErrorNoDevice":
            problems.append(f"hipGetDeviceCount {got.get('hipGetDeviceCount')}, want hipErrorNoDevice")
        if got.get("hipGetErrorName") != "hipErrorNoDevice":
            problems.append(f"hipGetErrorName(hipErrorNoDevice) gave {got.get('hipGetErrorName')!r}")
        m = got.get("missing")
        if missing:
            loaded = next((x["path"] for x in got.get("loaded", []) if x["module"] == "hip"), "?")
            if not m or m.get("raised") != "HipFunctionNotFoundError":
                problems.append(f"no function the runtime lacks raised HipFunctionNotFoundError: {m}")
            elif not (m["function"] in m["message"] and os.path.basename(loaded) in m["message"] and rt in m["message"]):
                problems.append(f"unclear missing-function error (want function, library, version): {m['message']}")
    text = "timeout" if proc["timed_out"] else "crash" if proc["returncode"] != 0 else cell_text(seen, len(missing))
    expect_text = cell_text(grade, len(missing))
    return {"wheel": wheel_hip, "runtime": rt, "wheel_file": wheel.name, "python": env.stamp["python"],
            "expected": expect_text, "actual": text if not problems or text != expect_text else text + " (details)",
            "ok": not problems, "problems": problems, "missing_count": len(missing),
            "missing_called": (got.get("missing") or {}).get("function"), "env": envvars,
            "result": got, "returncode": proc["returncode"], "seconds": proc["seconds"],
            "stderr": proc["stderr"][-2000:]}


def run_env(env: rootfs.Rootfs, wheels: dict) -> tuple[dict, list]:
    """The user path and the four cells of one runtime."""
    t = time.perf_counter()
    run_dir = prepare_workspace(env, wheels)
    tools = tools_venv(env.path, build=False)
    for hip, whl in wheels.items():
        must(run_in(env.path, [f"{tools}/bin/pip", "install", "-q", "--no-deps", "--no-index", "--disable-pip-version-check",
                               "--target", f"{RUN}/cells/{hip}", f"{RUN}/wheels/{whl.name}"]),
             f"installing {whl.name} for the cells")
    exported = exports(env.path, int(env.release.split(".")[0]))
    cells = [run_cell(env, hip, whl, exported) for hip, whl in sorted(wheels.items(), key=lambda kv: packed(kv[0]))]
    user = user_path(env, wheels)
    user["seconds"] = round(time.perf_counter() - t, 1)
    for c in cells:
        log(f"[{c['wheel']} wheel on {env.release} runtime] {c['actual']}"
            + ("" if c["ok"] else "  <-- " + "; ".join(c["problems"])))
    log(f"[{env.release} user path] {'ok' if user['ok'] else 'FAILED: ' + ' | '.join(user['problems'])} "
        f"(installed {user.get('installed')}, {user['seconds']}s with the cells)")
    shutil.rmtree(run_dir, ignore_errors=True)
    return user, cells


# -- the table -----------------------------------------------------------------------------

def table(hips: list[str], cells: list[dict], field: str = "actual") -> str:
    by = {(c["wheel"], c["runtime"]): c for c in cells}
    head = ["HIP"] + [label(h, runtime=True) for h in hips]
    rows = []
    for w in hips:
        row = [label(w)]
        for r in hips:
            c = by.get((w, r))
            if c is None:
                row.append("-")
            elif field == "actual":
                row.append(c["actual"] if c["ok"] else f"! {c['actual']} (want {c['expected']})")
            else:
                row.append(c[field])
        rows.append(row)
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(x.ljust(w) for x, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [fmt(r) for r in rows])


# -- main ----------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--releases", help="comma-separated releases (ROCm or HIP versions; default: every supported one)")
    ap.add_argument("--json", default=str(DEFAULT_JSON), help=f"where to write the results (default: {DEFAULT_JSON.relative_to(ROOT)})")
    ap.add_argument("--expected", action="store_true", help="print the expected table and exit")
    args = ap.parse_args(argv)
    try:
        rels = [releases.find(r.strip()) for r in args.releases.split(",")] if args.releases else releases.supported()
    except KeyError as e:
        log(f"runtime_matrix: {e.args[0]}")
        return 2
    hips = [r.hip for r in rels]
    if args.expected:
        fake = [{"wheel": w, "runtime": r, "ok": True, "actual": cell_text(expected_grade(w, r), 0)} for w in hips for r in hips]
        log(table(hips, fake))
        return 0
    try:
        rootfs.require_root()
    except rootfs.RootfsError as e:
        log(f"runtime_matrix: {e}. CI runs this as root.")
        return 3
    t0 = time.perf_counter()
    timings: dict = {}
    envs: dict = {}
    results = {"releases": hips, "cells": [], "user_path": [], "timings": timings, "chroot_builds": []}
    host = pythons.find()
    log(f"== runtime matrix: {len(hips)} wheels x {len(hips)} runtimes; host CPythons {', '.join(host)}")
    code = 0
    try:   # each release's headers, fetched once before builds run in parallel (debian.py's apt state is not shared-safe)
        _timed_call(timings, "headers", lambda: [debian.headers(h) for h in hips])
    except debian.FetchError as e:
        log(f"runtime_matrix: setup failed: {e}")
        return 2
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        lock = threading.Lock()
        builds: dict = {}

        def wheels_for(env):
            py = env.stamp["python"]
            with lock:
                if py not in builds:
                    if py in host:
                        builds[py] = pool.submit(_timed_call, timings, f"wheels cp{py.replace('.', '')} (host)",
                                                 build_on_host, py, host[py], hips)
                    else:
                        builds[py] = pool.submit(_timed_call, timings, f"wheels cp{py.replace('.', '')} (in {env.suite})",
                                                 build_in_root, env, hips, results["chroot_builds"])
                return builds[py]

        try:
            # sid first: its Python (3.14) is the one a host usually lacks, so its wheels build in there
            order = sorted(rels, key=lambda r: {"sid": 0, "experimental": 1}.get(r.suite, 2))
            t = time.perf_counter()
            for rel in order:
                env = rootfs.provision(rel.hip)
                envs[rel.hip] = env
                timings[f"provision {env.suite}"] = round(sum(env.timings.values()), 1)
                wheels_for(env)
            timings["provision (all)"] = round(time.perf_counter() - t, 1)
            t = time.perf_counter()
            waiting = {hip: wheels_for(envs[hip]) for hip in hips}
            for done in concurrent.futures.as_completed(set(waiting.values())):
                for hip in [h for h, f in waiting.items() if f is done]:
                    env = envs[hip]
                    user, cells = _timed_call(timings, f"cells + user path {env.suite}", run_env, env, done.result())
                    results["user_path"].append(user)
                    results["cells"].extend(cells)
            timings["cells + user paths (all)"] = round(time.perf_counter() - t, 1)
        except (SetupError, rootfs.RootfsError) as e:
            log(f"runtime_matrix: setup failed: {e}")
            results["setup_error"] = str(e)
            code = 2
        except Exception as e:  # noqa: BLE001 - a harness bug: still write what we have, and say so
            import traceback
            log(traceback.format_exc())
            results["setup_error"] = f"{type(e).__name__}: {e}"
            code = 2
    timings["total"] = round(time.perf_counter() - t0, 1)
    results["environments"] = {h: {"suite": e.suite, "path": str(e.path), "python": e.stamp["python"],
                                    "installed": e.stamp.get("installed"), "fetched": e.stamp.get("fetched"),
                                    "reused": e.reused,
                                    "provision_seconds": e.timings} for h, e in envs.items()}
    order = {h: i for i, h in enumerate(hips)}
    results["cells"].sort(key=lambda c: (order[c["wheel"]], order[c["runtime"]]))
    results["user_path"].sort(key=lambda u: order[u["release"]])
    if results["cells"]:
        results["table"] = table(hips, results["cells"])
        log("")
        log(results["table"])
        log("ok / warn GRADE: no warning / one HipVersionMismatchWarning of that grade at 'import hip.hip'; "
            "N missing: functions the wheel binds that the runtime does not export (calling one raised "
            "HipFunctionNotFoundError); cells marked ! differ from the expected.")
        log("")
        for u in results["user_path"]:
            hc = u["hipconfig"] or {}
            log(f"user path on {label(u['release'], runtime=True)}: " + ("ok: hip-python-select install picked "
                f"{u.get('installed')} (hipconfig {hc.get('path')}: {hc.get('full') or hc.get('value')})"
                if u["ok"] else "FAILED: " + " | ".join(u["problems"])))
    bad = [c for c in results["cells"] if not c["ok"]] + [u for u in results["user_path"] if not u["ok"]]
    if code == 0 and (bad or len(results["cells"]) != len(hips) ** 2):
        code = 1
    results["ok"] = code == 0
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    log(f"\ntimings: " + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items()))
    log(f"results: {out}; {'every cell as expected' if code == 0 else f'{len(bad)} differ from the expected' if code == 1 else 'setup failed'}")
    return code


def _timed_call(timings: dict, name: str, fn, *args):
    t = time.perf_counter()
    try:
        return fn(*args)
    finally:
        timings[name] = round(time.perf_counter() - t, 1)
        log(f"-- {name}: {timings[name]:.1f}s")


if __name__ == "__main__":
    sys.exit(main())
