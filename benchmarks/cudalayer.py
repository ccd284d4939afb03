"""The CUDA layer's cost: one call through a CUDA name, through the HIP name it maps to, and
through the floor (instructions per call, callgrind); and ``import cuda.bindings.runtime``
against ``import hip.hip``.

    python benchmarks/cudalayer.py [--wheels build/test-wheels] [-n 5000] [--imports 15]

The 5.2.3 ``hip-python`` and ``hip-python-interop`` wheels (the newest pair in ``--wheels``:
the tests build them there) go into one venv; the calls run on the null runtime (``nullrt.py``:
returns at once, writes nothing), so each figure is the binding's own cost.  An alias row
(``driver.cuMemAlloc is hip.hipMalloc``) should show the HIP figure again: the same object.
The rows marked "adapter" are the few CUDA names that are a small wrapper around the HIP
function, because NVIDIA's call shape differs (``hip_interop/_hip_shapes.py``); their cost over
the HIP name is what the wrapper costs.  The floor is ``floor.py``'s hand-written Cython call;
"-" where it has no call of that shape.  Import: ``-X importtime``'s cumulative figures of one
``import cuda.bindings.runtime`` (its own, and those of ``hip`` + ``hip.hip`` it imports: what
``import hip.hip`` costs), the least ratio and the median ratio of ``--imports`` runs.
Prints a table; writes ``results/cudalayer.json``.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

import floor as floor_module  # noqa: E402
import nullrt  # noqa: E402
from _common import CACHE, RESULTS, ROOT, run, site_packages  # noqa: E402
from callgrind import per_call  # noqa: E402

SETUP = {
    "cuda": "from cuda.bindings import driver as D, runtime as R\nimport ctypes\n",
    "hip": "from hip import hip as H\nimport ctypes\n",
    "floor": "import hipfloor as F\nF.load({lib!r})\n",   # PYTHONPATH: the floor's folder
}
# case -> (what it is, {impl: (setup lines, the timed statement)})
CASES = {
    "error_name": ("alias: cudaGetErrorName(100) = hipGetErrorName", {
        "cuda": ("f = R.cudaGetErrorName", "f(100)"), "hip": ("f = H.hipGetErrorName", "f(100)"),
        "floor": ("f = F.hipGetErrorName", "f(100)")}),
    "scalar_in": ("alias: cudaSetDevice(0) = hipSetDevice", {
        "cuda": ("f = R.cudaSetDevice", "f(0)"), "hip": ("f = H.hipSetDevice", "f(0)"),
        "floor": ("f = F.hipSetDevice", "f(0)")}),
    "out_int": ("alias: cudaGetDevice() = hipGetDevice", {
        "cuda": ("f = R.cudaGetDevice", "f()"), "hip": ("f = H.hipGetDevice", "f()"),
        "floor": ("f = F.hipGetDevice", "f()")}),
    "memcpy": ("alias: cuMemcpyHtoD(d, b, 16), d from cuMemAlloc = hipMemcpyHtoD", {
        "cuda": ("f = D.cuMemcpyHtoD; d = D.cuMemAlloc(16)[1]; b = bytearray(16)", "f(d, b, 16)"),
        "hip": ("f = H.hipMemcpyHtoD; d = H.hipMalloc(16)[1]; b = bytearray(16)", "f(d, b, 16)"),
        "floor": ("f = F.hipMemcpyNogil; b = bytearray(16)", "f(4096, b, 16, 1)")}),
    "launch": ("alias: cuLaunchKernel(fn, 1,1,1, 1,1,1, 0, s, None, None) = hipModuleLaunchKernel", {
        "cuda": ("f = D.cuLaunchKernel; fn = D.cuModuleGetFunction(None, b'k')[1]; s = D.cuStreamCreate(0)[1]",
                 "f(fn, 1, 1, 1, 1, 1, 1, 0, s, None, None)"),
        "hip": ("f = H.hipModuleLaunchKernel; fn = H.hipModuleGetFunction(None, b'k')[1]; s = H.hipStreamCreate()[1]",
                "f(fn, 1, 1, 1, 1, 1, 1, 0, s, None, None)"),
        "floor": ("f = F.hipModuleLaunchKernel", "f(4096, 1, 1, 1, 1, 1, 1, 0, 0, None, None)")}),
    "launch_typed": ("alias: cuLaunchKernel with ((d, s, n), (None, None, c_int)) = hipModuleLaunchKernel; "
                     "hip: AMD's extra=(d, s, c_int(n)) form", {
        "cuda": ("f = D.cuLaunchKernel; d = D.cuMemAlloc(16)[1]; s = D.cuStreamCreate(0)[1]; t = (None, None, ctypes.c_int)",
                 "f(None, 1, 1, 1, 1, 1, 1, 0, None, ((d, s, 16), t), None)"),
        "hip": ("f = H.hipModuleLaunchKernel; d = H.hipMalloc(16)[1]; s = H.hipStreamCreate()[1]; c = ctypes.c_int",
                "f(None, 1, 1, 1, 1, 1, 1, 0, None, None, (d, s, c(16)))")}),
    "device_get": ("adapter: cuDeviceGet(0) -> CUdevice; hipDeviceGet(0) -> int; floor: hipGetDevice()", {
        "cuda": ("f = D.cuDeviceGet", "f(0)"), "hip": ("f = H.hipDeviceGet", "f(0)"),
        "floor": ("f = F.hipGetDevice", "f()")}),
    "ctx_create": ("adapter: cuCtxCreate(None, 0, 0) (CUDA 13); hipCtxCreate(0, 0)", {
        "cuda": ("f = D.cuCtxCreate", "f(None, 0, 0)"), "hip": ("f = H.hipCtxCreate", "f(0, 0)")}),
    "device_name": ("adapter: cuDeviceGetName(64, 0) -> bytes; hipDeviceGetName(buf, 64, 0)", {
        "cuda": ("f = D.cuDeviceGetName", "f(64, 0)"),
        "hip": ("f = H.hipDeviceGetName; b = bytearray(64)", "f(b, 64, 0)")}),
}
IMPLS = ("cuda", "hip", "floor")


def pair(wheels: Path) -> tuple:
    """The newest 5.2.3 hip-python wheel of this interpreter in ``wheels`` and its interop wheel."""
    from packaging.utils import parse_wheel_filename
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    # the newest written, not the highest version: a test build of a changed tree may be
    # 5.2.21153.215.dev2+dirty, which sorts below 5.2.21153.215+dirty
    found = sorted(((w.stat().st_mtime, parse_wheel_filename(w.name)[1], w)
                    for w in wheels.glob(f"hip_python-5.2.*-{tag}-*.whl")))
    if not found:
        raise SystemExit(f"no 5.2.3 hip-python wheel in {wheels}: build it (./dev test tests/compat/test_cuda_layer.py "
                         f"does, or scripts/build_matrix.py --hip 5.2.3 --python current --out {wheels})")
    _, version, hip_wheel = found[-1]
    interop = wheels / f"hip_python_interop-{version}-py3-none-any.whl"
    if not interop.is_file():
        raise SystemExit(f"no {interop.name} beside {hip_wheel.name}")
    return hip_wheel, interop


def venv(hip_wheel: Path, interop: Path) -> Path:
    base = CACHE / "venvs" / "cuda-5.2.3"
    py = base / "bin" / "python"
    key = f"{hip_wheel}:{hip_wheel.stat().st_mtime_ns}:{interop}:{interop.stat().st_mtime_ns}"
    stamp = base / ".wheels"
    if not py.exists() or not stamp.exists() or stamp.read_text() != key:
        run([sys.executable, "-m", "venv", "--clear", "--without-pip", base])
        run([sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps",
             "--disable-pip-version-check", hip_wheel, interop])
        stamp.write_text(key)
    return py


def import_ratios(py: Path, env: dict, runs: int) -> dict:
    def once() -> tuple:
        err = subprocess.run([str(py), "-X", "importtime", "-c", "import cuda.bindings.runtime"], cwd="/",
                             capture_output=True, text=True, env=env).stderr
        us = {line.split("|")[-1].strip(): int(line.split("|")[1]) for line in err.splitlines()
              if "|" in line and line.split("|")[1].strip().isdigit()}
        return us["hip"] + us["hip.hip"], us["cuda.bindings.runtime"]
    figures = [once() for _ in range(runs)]
    ratios = [layer / hip for hip, layer in figures]
    best = min(figures, key=lambda f: f[1] / f[0])
    return {"hip_hip_us": best[0], "runtime_us": best[1], "least_ratio": min(ratios),
            "median_ratio": statistics.median(ratios),
            "median_hip_hip_us": statistics.median(f[0] for f in figures),
            "median_runtime_us": statistics.median(f[1] for f in figures)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheels", type=Path, default=ROOT / "build" / "test-wheels")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("-n", type=int, default=5000)
    ap.add_argument("--imports", type=int, default=15)
    a = ap.parse_args()
    py = venv(*pair(a.wheels))
    manifest = json.loads((site_packages(py) / "hip" / "_manifest.json").read_text())
    lib = nullrt.build(manifest, CACHE / "nullrt-5.2.3")
    floor = floor_module.build()
    env = {"HIP_PYTHON_LIBAMDHIP64_PATH": str(lib), "HIP_PYTHON_LIBHIPRTC_PATH": str(lib),
           "LD_LIBRARY_PATH": str(lib.parent), "PYTHONPATH": str(floor)}
    res: dict = {"cases": {}}
    print(f"{'case':<14}{'cuda':>9}{'hip':>9}{'floor':>9}{'cuda/hip':>10}{'cuda/floor':>12}   (instructions per call)")
    for case in a.cases.split(","):
        what, impls = CASES[case]
        row = {}
        for impl, (setup, stmt) in impls.items():
            head = SETUP[impl].format(floor=str(floor), lib=str(lib).encode()) + setup + "\n"
            row[impl] = per_call(py, lambda k: f"{head}for _ in range({k}):\n    {stmt}\n", env, a.n)[0]
        cf = row["cuda"] / row["floor"] if "floor" in row else None
        res["cases"][case] = {"what": what, **row, "cuda_over_hip": row["cuda"] / row["hip"], "cuda_over_floor": cf}
        cells = "".join(f"{row[i]:>9.0f}" if i in row else f"{'-':>9}" for i in IMPLS)
        print(f"{case:<14}{cells}{row['cuda'] / row['hip']:>10.2f}{cf if cf is None else round(cf, 2)!s:>12}", flush=True)
    res["import"] = imp = import_ratios(py, env, a.imports)
    print(f"\nimport cuda.bindings.runtime {imp['runtime_us'] / 1e3:.1f} ms vs hip + hip.hip "
          f"{imp['hip_hip_us'] / 1e3:.1f} ms: least ratio {imp['least_ratio']:.2f}x, median "
          f"{imp['median_ratio']:.2f}x of {a.imports} runs (goal <= 2x)")
    print("\n" + "\n".join(f"{c:<14}{CASES[c][0]}" for c in a.cases.split(",")))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cudalayer.json").write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
