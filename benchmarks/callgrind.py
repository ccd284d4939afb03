"""Instructions per call, counted by valgrind's callgrind (deterministic, unlike timers).

    python benchmarks/callgrind.py [--cases error_name,scalar_in,out_int] [--impls ours,floor,ctypes]

Runs each (impl, case) twice under callgrind, with N and 2N calls of the same statement the
timing benchmark uses, on the null runtime; (Ir(2N) - Ir(N)) / N is the instruction count of
one call including the Python loop around it.  Needs the venv, floor and null runtime that
run.py builds (run it once first).  Prints a table, writes results/callgrind.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
from pathlib import Path

import floor as floor_module  # noqa: E402
from _common import AMD_VERSION, CACHE, HERE, RESULTS  # noqa: E402

CHILD = """
import percall   # PYTHONPATH: benchmarks/
impl, case, n = {impl!r}, {case!r}, {n}
cases = {{"ours": percall.ours_cases, "amd": percall.amd_cases,
          "ctypes": lambda: percall.ctypes_cases({lib!r}),
          "floor": lambda: percall.floor_cases({lib!r}, {floor!r})}}[impl]()
stmt, ns = cases[case]
exec(compile("for _ in range(" + str(n) + "):\\n    " + stmt, "<loop>", "exec"), ns)
"""


def instructions(py: Path, code: str, env: dict) -> int:
    """Instructions ``py -c code`` executes under callgrind (string hashing seeded: dict probes
    are the same in every run)."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(py), "-c", code],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0", **env))
    m = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not m:
        raise RuntimeError(proc.stderr[-2000:])
    return int(m.group(1))


def per_call(py: Path, code_of_n, env: dict, n: int, rounds: int = 1) -> list:
    """Instructions of one call, ``rounds`` times: ``code_of_n(k)`` makes k calls, run with
    k = n, 2n, ... (rounds + 1)n; each (Ir((j+1)n) - Ir(jn)) / n cancels everything but the calls
    (start-up, imports, the first call), and the estimates agreeing shows the count is steady."""
    counts = [instructions(py, code_of_n(j * n), env) for j in range(1, rounds + 2)]
    return [(hi - lo) / n for lo, hi in zip(counts, counts[1:])]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="error_name,scalar_in,enum_return,out_int,ptr_int,str_bytes")
    ap.add_argument("--impls", default="ours,floor,ctypes")
    ap.add_argument("-n", type=int, default=20000)
    a = ap.parse_args()
    lib = CACHE / "nullrt-5.2.3" / "libamdhip64.so.5"
    floor = floor_module.build()
    env = {"HIP_PYTHON_LIBAMDHIP64_PATH": str(lib), "HIP_PYTHON_LIBHIPRTC_PATH": str(lib),
           "LD_LIBRARY_PATH": str(lib.parent), "PYTHONPATH": str(HERE)}
    pys = {"ours": CACHE / "venvs" / "ours-5.2.3" / "bin" / "python",
           "amd": CACHE / "venvs" / f"amd-{AMD_VERSION}" / "bin" / "python"}
    res: dict = {}
    print(f"{'case':<16}" + "".join(f"{i:>10}" for i in a.impls.split(",")) + "   (instructions per call)")
    for case in a.cases.split(","):
        row = res[case] = {}
        for impl in a.impls.split(","):
            py = pys["amd" if impl == "amd" else "ours"]
            fill = dict(here=str(HERE), impl=impl, case=case, lib=str(lib), floor=str(floor))
            try:
                row[impl] = per_call(py, lambda k: CHILD.format(n=k, **fill), env, a.n)[0]
            except (RuntimeError, KeyError):
                row[impl] = None
        print(f"{case:<16}" + "".join(f"{row[i]:>10.0f}" if row[i] is not None else f"{'-':>10}"
                                      for i in a.impls.split(",")), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "callgrind.json").write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
