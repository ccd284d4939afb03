"""Every bound function of every release, called with a wrong value in each input parameter.

For each function of a release's manifest and each parameter the caller passes, the other
arguments are valid and that one is wrong (``fuzz_cases.py``: a non-integral float, ``nan``, a
``Decimal`` or a non-integral ``Fraction`` for an integer, a too large or negative integer, another struct type or a wrongly sized buffer
for a struct passed by value, ``bytes`` where C writes, a string with a NUL, a
``__cuda_array_interface__`` with a float address ...).  Each must raise its exception type
before any C call, never crash, never be accepted.  The calls run in child processes against
the recording null runtime of that release (every call succeeds and is logged), so an accepted
wrong value shows as a call, and no GPU is needed; one valid call per function checks the
valid values themselves reach C, and an integral float or ``Fraction`` for each integer (and
``dim3(7.0)`` for each ``dim3``) must reach C as that integer, read back from the log.  The table of counts per class is printed (``-s``).
"""
from __future__ import annotations

import collections
import json
import os
import subprocess
from pathlib import Path

import pytest

from compat_harness import NullRunner, null_runner, nullrt_recorder
from fuzz_cases import CHILD, MODULES, cases
from wheels_for_tests import build_wheel, library_wheel, make_venv
from hip_bindgen import libraries as _libraries
from hip_bindgen import params as P

RELEASES = ["5.2.3", "5.7.1", "6.4.3", "7.2.4"]


def run_cases(runner: NullRunner, tmp_path, todo: list) -> list:
    """Outcome of every case, restarting the child after a crash (the crashing case is known:
    the one after the last result written)."""
    (tmp_path / "cases.json").write_text(json.dumps(todo))
    (tmp_path / "child.py").write_text(CHILD)
    results = tmp_path / "results.txt"
    results.write_text("")
    if runner.log is not None:
        runner.log.write_text("")
    outcome: dict[int, str] = {}
    start = 0
    while start < len(todo):
        p = subprocess.run([str(runner.python), str(tmp_path / "child.py"), str(tmp_path / "cases.json"),
                            str(results), str(start)], capture_output=True, text=True, env=runner.env(), cwd="/")
        for line in results.read_text().splitlines():
            i, o = line.split(" ", 1)
            outcome[int(i)] = o
        done = max(outcome, default=-1)
        if p.returncode == 0:
            assert done == len(todo) - 1, p.stderr[-2000:]
            break
        assert p.returncode < 0 or "Traceback" not in p.stderr, p.stderr[-2000:]   # the harness itself failed
        outcome[done + 1] = f"crash (signal {-p.returncode})"
        start = done + 2
    return [outcome.get(i, "not run") for i in range(len(todo))]


@pytest.fixture(scope="module", params=RELEASES)
def release_null(request, tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz") / request.param
    py = make_venv(d / "venv", build_wheel(request.param))
    site = subprocess.run([str(py), "-c", "import hip, os; print(os.path.dirname(hip.__file__))"],
                          capture_output=True, text=True, check=True, env={"PATH": os.environ["PATH"]}).stdout.strip()
    manifest = json.loads((Path(site) / "_manifest.json").read_text())
    lib = nullrt_recorder.build(manifest, d / "nullrt")
    return request.param, manifest, NullRunner(py, lib, d / "calls.log")


def tally(title: str, todo: list, outcomes: list) -> tuple:
    """Counts per class (printed, ``-s``): tried, failed, and up to three failures of each."""
    tried, failed, examples = collections.Counter(), collections.Counter(), collections.defaultdict(list)
    for (mod, name, args, cls, expected, _), got in zip(todo, outcomes):
        tried[cls] += 1
        if got != expected:
            failed[cls] += 1
            if len(examples[cls]) < 3:
                examples[cls].append(f"{name}{tuple(a[0] for a in args)}: {got}, expected {expected}")
    print(f"\n{title}: {len(todo)} calls")
    for cls in sorted(tried):
        print(f"  {cls:42} {tried[cls]:6} tried {failed[cls]:6} failed")
    print(f"  {'total':42} {sum(tried.values()):6} tried {sum(failed.values()):6} failed")
    return tried, failed, examples


def test_every_function_refuses_wrong_values_before_c(release_null, tmp_path):
    release, manifest, runner = release_null
    todo = cases(manifest)
    outcomes = run_cases(runner, tmp_path, todo)
    tried, failed, examples = tally(f"HIP {release}: {len(manifest['functions'])} functions", todo, outcomes)
    assert tried["valid call"] == sum(f["module"] in MODULES for f in manifest["functions"].values())
    assert not failed, {cls: (failed[cls], examples[cls]) for cls in failed}


# every library module of every release (releases.json's pins)
LIBRARY_CASES = [(r, lib) for r in RELEASES for lib in sorted(_libraries.of_release(r))]
# The wheel each release's library walk runs on: one the full tier builds for other tests anyway
# (a library wheel is the tier's costliest build, 1.5 to 4 minutes on 2 cores): the cp311 wheels
# of 5.2.3 and 5.7.1 (tests/bindings/test_libraries.py), the abi3 wheels of 6.4.3 and 7.2.4
# (tests/matrix/test_library_cells.py); so the walk covers both ways the modules compile.
LIBRARY_WHEEL = {"5.2.3": "current", "5.7.1": "current", "6.4.3": "abi3", "7.2.4": "abi3"}
_null_runners: dict = {}


@pytest.fixture
def library_null(release, tmp_path_factory) -> NullRunner:
    """The release's library wheel on its null runtimes, made by the first test of the release (in
    its setup, so --durations charges the build to the setup, not to the walk of amd_comgr)."""
    if release not in _null_runners:
        d = tmp_path_factory.mktemp(f"fuzzlib-{release}")
        wheel = library_wheel(release, python=LIBRARY_WHEEL[release])
        _null_runners[release] = null_runner(make_venv(d / "venv", wheel), tmp_path_factory)
    return _null_runners[release]


@pytest.mark.parametrize("release,lib", LIBRARY_CASES)
def test_every_library_function_refuses_wrong_values_before_c(library_null, release, lib, tmp_path):
    """The same walk over each ROCm library module of each release, against its null library, with
    the library classes (``fuzz_cases``: handles of another type, outs given by the caller too
    short or read-only, guard bytes around every buffer C may write); every refusal names its
    parameter."""
    from compat_harness import wheel_manifests
    runner = library_null
    manifest = wheel_manifests(runner.python)[lib]
    todo = cases(manifest, (lib,), library=True)
    outcomes = run_cases(runner, tmp_path, todo)
    tried, failed, examples = tally(f"{lib} {manifest['library']['version']} (HIP {release}): "
                                    f"{len(manifest['functions'])} functions", todo, outcomes)
    assert tried["valid call"] == len(manifest["functions"])
    # every function with an out was also called with its outs given (a walk that lost the
    # class would pass)
    with_outs = sum("out" in P.roles(n, f, manifest["typedefs"]) for n, f in manifest["functions"].items())
    assert tried["out <- None (full call)"] == with_outs
    assert not failed, {cls: (failed[cls], examples[cls]) for cls in failed}


class RealRunner(NullRunner):
    """The child on a real library (``run_cases``): no call log."""

    def __init__(self, python: Path, libdirs: str):
        self.python, self.libdirs, self.log = python, libdirs, None

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH", "LD_LIB", "NULLRT"))}
        return dict(env, LD_LIBRARY_PATH=self.libdirs, **extra)


# GPU-free functions with outs on the libraries that load on this bookworm host: called with
# their outs given (guarded buffers of their C size, one byte short, read-only ...) on the real file
GPU_FREE_OUTS = {"hiprand": ("hiprandGetVersion",)}


@pytest.mark.parametrize("release,lib", [("5.2.3", "hiprand"), ("5.7.1", "roctx")])
def test_on_the_real_library_every_refusal_comes_before_c(release, lib, runtime_523, tmp_path_factory, tmp_path):
    """The GPU-free part of the walk on the real libraries that load on this host (bookworm's
    hipRAND on the real 5.2.3 runtime, trixie's roctx): every case refused on the
    null library is refused here too, with no crash (a wrong handle or a short out that reached
    the real library would crash it or write past the buffer), and the GPU-free functions'
    outs given by the caller are written by the real library inside their guard bytes."""
    from compat_harness import wheel_manifests
    from hip_bindgen import debian
    entry = _libraries.of_release(release)[lib]
    tree = debian.extract([entry["runtime"], *entry.get("load_deps", [])], f"load-{lib}-{release}")
    key = f"real-{release}"
    if key not in _null_runners:
        _null_runners[key] = make_venv(tmp_path_factory.mktemp(key) / "venv", library_wheel(release))
    py = _null_runners[key]
    runner = RealRunner(py, f"{tree / 'usr/lib/x86_64-linux-gnu'}:{runtime_523 / 'lib/x86_64-linux-gnu'}")
    manifest = wheel_manifests(py)[lib]
    todo = [c for c in cases(manifest, (lib,), library=True)
            if c[4] in ("TypeError", "ValueError", "OverflowError")
            or (c[1] in GPU_FREE_OUTS.get(lib, ()) and c[3].startswith("out <-"))]
    outcomes = run_cases(runner, tmp_path, todo)
    tried, failed, examples = tally(f"{lib} {manifest['library']['version']} (HIP {release}), real library",
                                    todo, outcomes)
    assert sum(tried.values()) == len(todo) > 0
    assert tried["out <- buffer of its C size, guarded"] == sum(len(v) for k, v in GPU_FREE_OUTS.items() if k == lib)
    assert not failed, {cls: (failed[cls], examples[cls]) for cls in failed}
