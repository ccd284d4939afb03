"""numba-hip (AMD's numba backend, PyPI ``numba-hip``) installed from our index on the real HIP
runtime of a release's root filesystem (issue 25).

:func:`run` makes a transient overlay over the cached root of :mod:`rootfs` (the release's
pinned HIP runtime, its hiprtc and comgr), puts there the release's wheels with their index
(``hip-python``, ``hip-python-interop`` and the ``rocm-bindings-*`` metapackages, written by
``hip_build``) and the constraints ``hip-python-select constraints`` prints, and runs, in the
suite's own Python: ``pip install numba-hip==<pin>`` with our index as ``--index-url`` and PyPI
as ``--extra-index-url`` (numba, llvmlite, numpy and numba-hip itself are PyPI's; PyPI also
has AMD's ``rocm-bindings-*`` 10.x, which the constraints keep out), resolved (``--dry-run``)
with and without the constraints, pip's ``--report`` saying where each distribution comes from;
then installed;
then :data:`PROBE`: every import numba-hip's own sources make of ``rocm``/``cuda``/``clang``
(read from the installed files, never a list kept here), each tried, and ``import numba.hip``;
when that works, :data:`COMPILE`: a kernel compiled for gfx90a to a code object, no GPU.

numba-hip is read and run, never vendored or patched.  It and its PyPI dependencies are pinned
(:data:`PYPI_PINS`, in the constraints file): the resolution reads PyPI (metadata), the install
takes PyPI's files from the project's download cache (``~/.cache/hip-python-dist/pypi``,
downloaded once), byte for byte those PyPI serves (pip's reports give both sha256).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

import rootfs
from hip_bindgen import debian, releases

IN_ROOT = "/opt/hip-numba-hip"
# numba-hip 0.2.1 requires numba>=0.58,<0.64: 0.63.1 is the newest such with a CPython 3.14
# wheel (experimental's Python); llvmlite and numpy are what numba 0.63.1 resolves to; libclang
# (clang.cindex) is what our rocm-bindings-compiler requires, the version requirements-dev.txt has
PYPI_PINS = ("numba-hip==0.2.1", "numba==0.63.1", "llvmlite==0.46.0", "numpy==2.3.5", "libclang==18.1.1")
PYPI = "https://pypi.org/simple"
TIMEOUT = 900.0

PROBE = r'''
import ast, importlib, json, pathlib, sys, traceback
import numba as _numba_pkg   # numba itself (PyPI); numba.hip is numba-hip's namespace portion
base = next(pathlib.Path(p) / "hip" for p in _numba_pkg.__path__ if (pathlib.Path(p) / "hip").is_dir())
ROOTS = ("rocm", "cuda", "clang")
wanted = {}   # module -> {name imported from it, or attribute read through its alias}
for f in sorted(base.rglob("*.py")):
    tree = ast.parse(f.read_text(), str(f))
    alias = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module.split(".")[0] in ROOTS:
            for a in node.names:
                wanted.setdefault(node.module, set()).add(a.name)
                alias[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in ROOTS:
                    wanted.setdefault(a.name, set())
                    if a.asname:
                        alias[a.asname] = a.name
    # a name the file binds again (a local "hiprtc = HIPRTC()", an argument) is not the import
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    for node in ast.walk(tree):   # binding.cuInit ... through "from cuda.bindings import runtime as binding"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in alias \
                and node.value.id not in bound:
            wanted.setdefault(alias[node.value.id], set()).add(node.attr)


def resolve(dotted):
    """The module ``dotted`` names, or the attribute of its parent (an enum imported by name)."""
    try:
        return importlib.import_module(dotted)
    except ImportError:
        if "." not in dotted:
            raise
        parent, _, leaf = dotted.rpartition(".")
        try:
            return getattr(resolve(parent), leaf)
        except AttributeError:
            raise ImportError(f"{parent} has no {leaf}") from None


result = {"modules": {}, "names_missing": {}}
for mod in sorted(wanted):
    try:
        m = resolve(mod)
    except ImportError as e:
        result["modules"][mod] = f"{type(e).__name__}: {e}"
        continue
    result["modules"][mod] = "ok"
    missing = []
    for name in sorted(wanted[mod]):
        if not hasattr(m, name):
            try:
                importlib.import_module(f"{mod}.{name}")
            except ImportError:
                missing.append(name)
    if missing:
        result["names_missing"][mod] = missing
try:
    import numba.hip
    result["import numba.hip"] = "ok"
except Exception as e:
    tb = traceback.extract_tb(e.__traceback__)[-1]
    result["import numba.hip"] = f"{type(e).__name__}: {e}"
    result["import numba.hip at"] = f"{pathlib.Path(tb.filename).relative_to(base.parent.parent)}:{tb.lineno}: {tb.line}"
print(json.dumps(result, sort_keys=True))
'''


# numba-hip's GPU-free work once ``import numba.hip`` works: a Python kernel compiled for a named
# target (gfx90a) to LLVM bitcode by numba-hip (its device library linked in), then to a code
# object by numba-hip's own comgr step (numba.hip.util.comgrutils.compile_bc, what its code
# library's get_codeobj calls), and the code object's kernels read back; nothing launched.
COMPILE = r"""
import json, time
t = time.perf_counter()
from numba import hip
from numba.hip.util import comgrutils
from rocm import comgr

def hip_python_kernel(a):
    a[0] = 42.0

bc, resty = hip.compile_llvm_ir(hip_python_kernel, "void(float32[:])", amdgpu_arch="gfx90a", to_bc=True,
                                ir_as_str=False)
co, log, diagnostic = comgrutils.compile_bc(bc, isa_name="amdgcn-amd-amdhsa--gfx90a", logging=True)
md = comgr.parse_code_obj_metadata(co, len(co))
print(json.dumps({"bitcode": bytes(bc[:4]).hex(), "elf": bytes(co[:4]).hex(), "bytes": len(co),
                  "target": md.get("amdhsa.target"), "kernels": [k[".name"] for k in md["amdhsa.kernels"]],
                  "seconds": round(time.perf_counter() - t, 1)}))
"""

def log(msg: str) -> None:
    print(f"numba-hip cell: {msg}", file=sys.stderr, flush=True)


def pypi_wheels(python: str) -> Path:
    """:data:`PYPI_PINS`' wheels for CPython ``python`` (``3.14``) on x86_64 Linux, downloaded
    from PyPI once into the project's cache.  (pip's own HTTP cache would not do: behind this
    machine's proxy pip stores nothing.)"""
    dest = debian.cache_dir() / "pypi" / f"numba-hip-cp{python.replace('.', '')}"
    names = [p.split("==")[0].replace("-", "_") for p in PYPI_PINS]
    if not all(list(dest.glob(f"{n}-*.whl")) for n in names):
        platforms = [a for p in ("manylinux2014_x86_64", "manylinux_2_28_x86_64") for a in ("--platform", p)]
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                        "--disable-pip-version-check", "--index-url", PYPI, "--python-version", python,
                        *platforms, "-d", str(dest), *PYPI_PINS], check=True, timeout=TIMEOUT)
    return dest


def index_of(release_wheels: list, dest: Path) -> Path:
    """The release's wheels (``hip-python``, its interop and AMD-name wheels) and their index in ``dest``."""
    from hip_build import publish

    dest.mkdir(parents=True, exist_ok=True)
    for whl in release_wheels:
        shutil.copyfile(whl, dest / whl.name)
    publish.write_index(dest)
    return dest / "simple"


def release_wheels(wheel: Path) -> list:
    """``wheel`` (a hip-python wheel) and the wheels of the other names of its version beside it."""
    from hip_python_select import distributions

    version = wheel.name.split("-")[1]
    others = [wheel.parent / f"{n.replace('-', '_')}-{version}-py3-none-any.whl" for n in distributions.PINNED[1:]]
    missing = [p.name for p in others if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"beside {wheel.name}: no {', '.join(missing)} (hip_build.matrix writes them)")
    return [wheel, *others]


def run(release: str, wheel: Path, say=log) -> dict:
    """Install numba-hip from our index in ``release``'s root, on ``wheel`` (a hip-python wheel
    for the root's Python, with its interop and AMD-name wheels beside it); what happened, as data."""
    import runtime_matrix   # network_env: pip inside reaches PyPI as this machine does

    rootfs.require_root()
    rel = releases.find(release)
    env = rootfs.provision(rel.hip, log=say)
    py = env.stamp["python"]
    out: dict = {"release": rel.hip, "suite": env.suite, "python": py, "steps": {}}
    work = rootfs.root_dir() / "numba-hip" / str(os.getpid())
    if work.exists():
        rootfs.remove(work)
    overlay = rootfs.Overlay.at(work)
    try:
        base = overlay.upper / IN_ROOT.lstrip("/")
        index_of(release_wheels(wheel), base / "wheels")
        shutil.copytree(pypi_wheels(py), base / "pypi")
        constraints = subprocess.run([sys.executable, "-m", "hip_python_select", "constraints", "--hip-version",
                                      rel.hip], capture_output=True, text=True, check=True,
                                     env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "resolver" / "src")}).stdout
        out["constraints"] = constraints.splitlines()
        (base / "constraints.txt").write_text(constraints + "".join(f"{p}\n" for p in PYPI_PINS))
        net = runtime_matrix.network_env(env.path)

        def step(name, argv, timeout=TIMEOUT):
            t = time.perf_counter()
            proc = subprocess.run(rootfs.chroot_cmd(env.path, argv, net, overlay=overlay), capture_output=True,
                                  text=True, timeout=timeout)
            out["steps"][name] = {"argv": argv, "returncode": proc.returncode, "stdout": proc.stdout,
                                  "stderr": proc.stderr, "seconds": round(time.perf_counter() - t, 1)}
            say(f"[{env.suite}] {name}: exit {proc.returncode} ({out['steps'][name]['seconds']}s)")
            return proc

        venv = f"{IN_ROOT}/venv"
        step("venv", ["python3", "-m", "venv", venv])
        pip = [f"{venv}/bin/pip", "install", "--disable-pip-version-check", "--index-url", f"file://{IN_ROOT}/wheels/simple"]
        with_pypi = [*pip, "--extra-index-url", PYPI]   # where AMD's rocm-bindings-* 10.x are too
        # resolved against our index and PyPI (metadata only): without the constraints pip picks
        # AMD's newest for AMD's names; with them, ours
        step("resolve without constraints", [*with_pypi, "--dry-run", "--quiet", "--report", f"{IN_ROOT}/free.json",
                                             "numba-hip==0.2.1"])
        step("resolve", [*with_pypi, "--dry-run", "--quiet", "-c", f"{IN_ROOT}/constraints.txt",
                         "--report", f"{IN_ROOT}/resolved.json", "numba-hip==0.2.1"])
        # installed: the same, PyPI's files taken from the project's cache (no 77 MB download a run)
        step("install", [*pip, "--find-links", f"{IN_ROOT}/pypi", "-c", f"{IN_ROOT}/constraints.txt",
                         "--report", f"{IN_ROOT}/installed.json", "numba-hip==0.2.1"])
        for name in ("free", "resolved", "installed"):
            f = base / f"{name}.json"
            report = json.loads(f.read_text()) if f.is_file() else {"install": []}
            out[name] = {i["metadata"]["name"]: {"version": i["metadata"]["version"], "url": i["download_info"]["url"],
                                                 "sha256": i["download_info"].get("archive_info", {}).get("hashes", {}).get("sha256")}
                         for i in report["install"]}
        probe = step("probe", [f"{venv}/bin/python", "-c", PROBE], timeout=300)
        lines = probe.stdout.strip().splitlines()
        out["probe"] = json.loads(lines[-1]) if probe.returncode == 0 and lines else None
        out["compile"] = None
        if out["probe"] and out["probe"]["import numba.hip"] == "ok":
            done = step("compile", [f"{venv}/bin/python", "-c", COMPILE], timeout=600)
            lines = done.stdout.strip().splitlines()
            out["compile"] = json.loads(lines[-1]) if done.returncode == 0 and lines else None
        return out
    finally:
        rootfs.remove(work)


if __name__ == "__main__":   # python tests/matrix/numba_hip_cell.py WHEEL [RELEASE]: the facts, as JSON
    facts = run(sys.argv[2] if len(sys.argv) > 2 else "7.2.4", Path(sys.argv[1]))
    for s in facts["steps"].values():
        s["stdout"], s["stderr"] = s["stdout"][-4000:], s["stderr"][-4000:]
    print(json.dumps(facts, indent=1))
