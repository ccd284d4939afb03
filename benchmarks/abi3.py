"""abi3 or one wheel per Python?  The same hand-written Cython calls, built both ways, timed.

    python benchmarks/abi3.py [--rounds N]

Builds the floor module (``floor.py``: a cached function pointer, no tuple, no enum) once
against the full C API and once with ``Py_LIMITED_API=3.11`` + ``CYTHON_LIMITED_API`` (what
a single abi3 wheel per release would need), then times ``hipGetErrorName``,
``hipSetDevice`` and ``hipGetDevice`` of each, in alternating child processes: the first on
the real HIP 5.2.3 runtime, the other two on the null runtime ``run.py`` builds (the real
one spends ~12 us in them without a GPU).  Prints the table and the limited/full ratio; writes results/abi3.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys

import floor  # noqa: E402
from _common import CACHE, HERE, RESULTS, log, real_runtime_libdir, run  # noqa: E402

CASES = ("error_name", "scalar_in", "out_int")
NULL = CACHE / "nullrt-5.2.3" / "libamdhip64.so.5"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=15)
    a = ap.parse_args()
    real = real_runtime_libdir() / "libamdhip64.so.5"
    if not NULL.exists():
        sys.exit(f"{NULL} is missing: run benchmarks/run.py first (it builds the null runtime)")
    libs = {"error_name": real, "scalar_in": NULL, "out_int": NULL}
    dirs = {"full API": floor.build(), "limited API (abi3)": floor.build(limited=True)}
    samples: dict = {k: {c: [] for c in CASES} for k in dirs}
    for r in range(a.rounds):
        for label, d in dirs.items():
            log(f"  round {r + 1}/{a.rounds}: {label}")
            for c in CASES:
                env = dict(os.environ, LD_LIBRARY_PATH=str(libs[c].parent))
                out = json.loads(run([sys.executable, HERE / "percall.py", "--impl", "floor", "--lib", libs[c],
                                      "--floor", d, "--cases", c, "--repeats", str(a.repeats)], env=env).stdout)
                samples[label][c].append(out["floor"][c])
    res = {label: {c: {"min_ns": min(t["min_ns"] for t in ts), "median_ns": statistics.median(t["median_ns"] for t in ts)}
                   for c, ts in by.items()} for label, by in samples.items()}
    full, lim = res["full API"], res["limited API (abi3)"]
    print(f"\n{'case':<32}{'full API ns':>13}{'abi3 ns':>10}{'abi3/full':>11}")
    for c in CASES:
        print(f"{c:<32}{full[c]['min_ns']:>13.1f}{lim[c]['min_ns']:>10.1f}{lim[c]['min_ns'] / full[c]['min_ns']:>10.2f}x")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "abi3.json").write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
