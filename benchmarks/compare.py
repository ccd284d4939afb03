#!/usr/bin/env python3
"""Per call before/after a change: two installed wheels, the Cython floor, the null runtime.

    .venv/bin/python benchmarks/compare.py BEFORE_PYTHON AFTER_PYTHON [--rounds 3] [--repeats 10]

Each interpreter is a venv with one hip-python wheel of HIP 5.2.3; both run ``percall.py``
(alternating, ``--rounds`` times) against the null runtime built from the after-wheel's
manifest, the floor beside the after-wheel.  Prints ns (min of mins) and ratios to the floor.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import floor  # noqa: E402
import nullrt  # noqa: E402
from _common import CACHE, HERE, run, site_packages  # noqa: E402

CASES = ["error_name", "error_name_lambda", "scalar_in", "enum_in", "ptr_int", "ptr_bytearray",
         "memcpy_returned", "struct_by_value", "launch_returned", "out_handle", "str_bytes"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=10)
    a = ap.parse_args()
    manifest = json.loads((site_packages(a.after) / "hip" / "_manifest.json").read_text())
    lib = nullrt.build(manifest, CACHE / "nullrt-compare")
    floor_dir = floor.build(sys.executable)   # same CPython as the venvs; this one has Cython
    env = dict(os.environ, HIP_PYTHON_LIBAMDHIP64_PATH=str(lib), HIP_PYTHON_LIBHIPRTC_PATH=str(lib),
               LD_LIBRARY_PATH=str(lib.parent), HIP_PYTHON_NO_VERSION_CHECK="1")
    best: dict = {}
    for _ in range(a.rounds):
        for who, py, impls in (("before", a.before, "ours"), ("after", a.after, "ours,floor")):
            proc = run([py, HERE / "percall.py", "--impl", impls, "--lib", lib, "--floor", floor_dir,
                        "--cases", ",".join(CASES), "--repeats", str(a.repeats)], env=env)
            for impl, res in json.loads(proc.stdout).items():
                key = "floor" if impl == "floor" else who
                for case, t in res.items():
                    if "min_ns" in t:
                        best.setdefault(case, {})[key] = min(best.get(case, {}).get(key, 1e18), t["min_ns"])
    print(f"{'case':<20}{'before':>9}{'after':>9}{'floor':>9}{'after/before':>14}{'after/floor':>13}")
    for case in CASES:
        r = best.get(case, {})
        b, n, f = r.get("before"), r.get("after"), r.get("floor")
        cell = lambda v: f"{v:9.1f}" if v else f"{'-':>9}"  # noqa: E731
        ratio = lambda x, y, w: f"{x / y:{w}.2f}" if x and y else "-".rjust(w)  # noqa: E731
        print(f"{case:<20}{cell(b)}{cell(n)}{cell(f)}{ratio(n, b, 14)}{ratio(n, f, 13)}")
    print(json.dumps(best))


if __name__ == "__main__":
    main()
