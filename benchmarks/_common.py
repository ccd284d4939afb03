"""Shared helpers of the benchmark suite: where things are, building and caching the pieces.

Everything built here (wheels, venvs, the Cython floor, the null runtime) goes to a cache
directory outside the repository (``$HIP_PYTHON_BENCH_CACHE``, default
``~/.cache/hip-python-bench``); only ``benchmarks/results/`` is written inside it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CACHE = Path(os.environ.get("HIP_PYTHON_BENCH_CACHE", Path.home() / ".cache" / "hip-python-bench"))
from hip_bindgen import releases as _releases  # noqa: E402

RELEASES = _releases.short_names()   # 5.2.3, 5.7.1, 6.4.3, 7.2.4 (releases.json)
# AMD's wheel: no 5.x hip-python is on PyPI; 6.2.0 is the oldest 6.x there, imports on this
# host's CPython 3.11 and (loading symbols lazily) calls into the 5.2.3 runtime.
AMD_VERSION = os.environ.get("HIP_PYTHON_BENCH_AMD", "6.2.0.499.16")
# Sizes only (not installed): a recent AMD wheel, which ships its modules with DWARF debug info.
AMD_SIZE_VERSIONS = (AMD_VERSION, "6.4.3.555.40")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def cython_module(name: str, pyx: str, setup: str, python: str, prefix: str) -> Path:
    """Build (once per source and interpreter) a one-file Cython extension ``name`` with
    ``setup`` into the cache; the directory holding it."""
    import hashlib
    key = hashlib.sha256((pyx + setup + python).encode()).hexdigest()[:12]
    d = CACHE / f"{prefix}-{key}"
    if not list(d.glob(f"{name}*.so")):
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{name}.pyx").write_text(pyx)
        (d / "setup.py").write_text(setup)
        run([python, "setup.py", "-q", "build_ext", "--inplace"], cwd=d)
    return d


def real_runtime_libdir() -> Path:
    """The lib dir of Debian's real HIP 5.2.3 runtime (fetched and cached by the generator)."""
    from hip_bindgen import debian
    return Path(debian.runtime("5.2.3")) / "lib" / "x86_64-linux-gnu"


def build_wheels(releases=RELEASES) -> dict[str, Path]:
    """Our wheels for this interpreter, {release: wheel}, from the build library (unchanged ones are cached)."""
    from hip_bindgen import releases as data
    from hip_build import gitversion, matrix, pythons

    rels = {rel: data.find(rel) for rel in releases}
    report = matrix.run(list(rels.values()), {pythons.current(): sys.executable}, CACHE / "wheels",
                        gitversion.revision(ROOT, allow_dirty=True), log=log)
    if report.failed:
        raise RuntimeError("; ".join(f"{r.ident}: {r.error}" for r in report.failed))
    built = report.wheels()
    return {rel: built[(r.hip, pythons.current())] for rel, r in rels.items()}


def amd_wheel(version: str = AMD_VERSION) -> Path:
    """AMD's published hip-python wheel for this interpreter, downloaded once."""
    dest = CACHE / "amd" / version
    wheels = list(dest.glob("*.whl"))
    if not wheels:
        run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
             f"hip-python=={version}", "-d", dest])
        wheels = list(dest.glob("*.whl"))
    return wheels[0]


def venv_with(name: str, wheel: Path) -> Path:
    """A venv (no pip inside) with exactly ``wheel`` installed; returns its python."""
    base = CACHE / "venvs" / name
    py = base / "bin" / "python"
    stamp = base / ".wheel"
    key = f"{wheel}:{wheel.stat().st_mtime_ns}"
    if not py.exists() or not stamp.exists() or stamp.read_text() != key:
        run([sys.executable, "-m", "venv", "--clear", "--without-pip", base])
        run([sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps",
             "--disable-pip-version-check", "--no-compile", wheel])
        stamp.write_text(key)
    return py


def site_packages(py: Path) -> Path:
    return Path(run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"]).stdout.strip())


def wheel_listing(whl: Path) -> dict[str, int]:
    """{member: uncompressed size} of a wheel."""
    with zipfile.ZipFile(whl) as z:
        return {i.filename: i.file_size for i in z.infolist()}


def dump(obj) -> str:
    return json.dumps(obj, indent=1, sort_keys=True)
