#!/usr/bin/env python3
"""The benchmark suite: per-call cost, import time and memory, sizes -- ours against ctypes,
AMD's published hip-python and a hand-written Cython floor.  Not a test: it asserts nothing,
it reports ratios measured in one run (see README.md).

    python benchmarks/run.py [--quick] [--rounds N] [--imports N] [--json PATH]

Prints a table and writes JSON to benchmarks/results/latest.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import floor  # noqa: E402
import nullrt  # noqa: E402
import sizes  # noqa: E402
from _common import (AMD_SIZE_VERSIONS, AMD_VERSION, CACHE, HERE, RELEASES, RESULTS, amd_wheel, build_wheels,  # noqa: E402
                     log, real_runtime_libdir, run, site_packages, venv_with)
from percall import CASES  # noqa: E402

GOALS = {"per_call_vs_floor": 1.3, "import_ms": 15.0, "modules_mb": 3.5}


def child_json(py, script, args, env):
    proc = run([py, HERE / script, *args], env=dict(os.environ, **env))
    return json.loads(proc.stdout)


# -- per call ------------------------------------------------------------------------------------
def per_call(pys, lib: Path, env: dict, floor_dir: Path, cases, rounds: int, repeats: int) -> dict:
    """Alternate the two interpreters ``rounds`` times; min of mins, median of medians."""
    runs: dict = {}
    common = ["--lib", lib, "--floor", floor_dir, "--cases", ",".join(cases), "--repeats", str(repeats)]
    for r in range(rounds):
        for py, impls in pys:
            log(f"  round {r + 1}/{rounds}: {impls}")
            for impl, res in child_json(py, "percall.py", ["--impl", impls, *common], env).items():
                for case, t in res.items():
                    runs.setdefault(impl, {}).setdefault(case, []).append(t)
    out: dict = {}
    for impl, by_case in runs.items():
        for case, ts in by_case.items():
            errors = [t["error"] for t in ts if "error" in t]
            ok = [t for t in ts if "error" not in t]
            out.setdefault(case, {})[impl] = ({"error": errors[0]} if not ok else
                                              {"min_ns": min(t["min_ns"] for t in ok),
                                               "median_ns": statistics.median(t["median_ns"] for t in ok)})
    for case, by_impl in out.items():     # ratios within this run, on minima and on medians
        base = by_impl.get("ours", {})
        for impl, t in by_impl.items():
            if impl != "ours" and "min_ns" in t and "min_ns" in base:
                t["vs_ours_min"] = t["min_ns"] / base["min_ns"]
                t["vs_ours_median"] = t["median_ns"] / base["median_ns"]
    return out


# -- import ----------------------------------------------------------------------------------------
def imports(ours_py, amd_py, env: dict, n: int) -> dict:
    samples = {"ours": [], "amd": []}
    traced = {"ours": [], "amd": []}
    for i in range(n):              # alternate, so drift hits both alike
        samples["ours"].append(child_json(ours_py, "importtime.py", ["--first-call"], env))
        samples["amd"].append(child_json(amd_py, "importtime.py", ["--first-call", "--amd"], env))
    for i in range(max(3, n // 10)):
        traced["ours"].append(child_json(ours_py, "importtime.py", ["--tracemalloc"], env))
        traced["amd"].append(child_json(amd_py, "importtime.py", ["--tracemalloc"], env))
    out = {}
    for who, ss in samples.items():
        row = {"runs": len(ss)}
        for key in ("import_ms", "first_call_ms", "peak_rss_kb", "peak_rss_after_call_kb"):
            vals = [s[key] for s in ss]
            row[key] = {"min": min(vals), "median": statistics.median(vals)}
        row["traced_peak_kb"] = statistics.median(t["traced_peak_kb"] for t in traced[who])
        out[who] = row
    out["amd_vs_ours_import_min"] = out["amd"]["import_ms"]["min"] / out["ours"]["import_ms"]["min"]
    out["amd_vs_ours_import_median"] = out["amd"]["import_ms"]["median"] / out["ours"]["import_ms"]["median"]
    return out


# -- table ------------------------------------------------------------------------------------------
def fmt_ns(t: dict) -> str:
    if not t:
        return "-"
    if "error" in t:
        return "n/a"
    return f"{t['min_ns']:6.0f} /{t['median_ns']:5.0f}"


def fmt_ratio(t: dict) -> str:
    return f"{t['vs_ours_min']:5.2f}x" if t and "vs_ours_min" in t else "   -  "


def table(res: dict) -> str:
    lines = []
    impls = ("ours", "floor", "ctypes", "amd")
    for title, key in (("Per call on the real HIP 5.2.3 runtime", "per_call_real"),
                       ("Per call on the null runtime (every function returns 0 at once)", "per_call_null")):
        lines += ["", f"{title}: ns min / median; ratio = that impl's min / ours' min",
                  f"{'case':<16}" + "".join(f"{i:>15}" for i in impls) + "".join(f"{i + '/ours':>12}" for i in impls[1:])]
        for case, by_impl in res[key].items():
            lines.append(f"{case:<16}" + "".join(f"{fmt_ns(by_impl.get(i, {})):>15}" for i in impls)
                         + "".join(f"{fmt_ratio(by_impl.get(i, {})):>12}" for i in impls[1:]))
    imp = res["import"]
    lines += ["", f"Import of 'from hip import hip, hiprtc' ({imp['ours']['runs']} fresh processes each): min / median",
              f"{'':<8}{'import ms':>16}{'first call ms':>16}{'peak RSS KB':>16}{'+1st call KB':>16}{'traced KB':>11}"]
    for who in ("ours", "amd"):
        r = imp[who]
        cell = lambda k, f: f"{r[k]['min']:{f}} /{r[k]['median']:{f}}"  # noqa: E731
        lines.append(f"{who:<8}{cell('import_ms', '6.1f'):>16}{cell('first_call_ms', '6.1f'):>16}"
                     f"{cell('peak_rss_kb', '6.0f'):>16}{cell('peak_rss_after_call_kb', '6.0f'):>16}{r['traced_peak_kb']:>11.0f}")
    lines.append(f"amd/ours import: {imp['amd_vs_ours_import_min']:.1f}x (min), {imp['amd_vs_ours_import_median']:.1f}x (median)")
    sz = res["sizes"]
    lines += ["", "Size (MB = 10^6 bytes)", f"{'':<28}{'wheel':>8}{'installed':>11}{'hip+hiprtc .so':>16}"]
    for row in sz["ours"]:
        lines.append(f"{'ours HIP ' + row['release']:<28}{row['wheel_bytes'] / 1e6:>8.2f}{row['installed_bytes'] / 1e6:>11.2f}"
                     f"{row['modules_bytes'] / 1e6:>16.2f}")
    for a in sz["amd"]:
        debug = any(m["debug_info"] for m in a["modules"].values())
        lines.append(f"{'AMD ' + a['version'] + ' (all libs)':<28}{a['wheel_bytes'] / 1e6:>8.2f}{a['installed_bytes'] / 1e6:>11.2f}"
                     f"{a['core_bytes'] / 1e6:>16.2f}  (stripped {a['core_stripped_bytes'] / 1e6:.2f}; with _util/helpers "
                     f"{a['with_support_bytes'] / 1e6:.2f}, stripped {a['with_support_stripped_bytes'] / 1e6:.2f}; "
                     f"DWARF: {'yes' if debug else 'no'})")
    lines += ["", "Goals"]
    for g in res["goals"].values():
        lines.append(f"  {'MET    ' if g['met'] else 'NOT MET'} {g['what']}: {g['measured']}")
    return "\n".join(lines)


def goals(res: dict) -> dict:
    en = res["per_call_real"]["error_name"]
    ratio = en["ours"]["min_ns"] / en["floor"]["min_ns"]
    ratio_med = en["ours"]["median_ns"] / en["floor"]["median_ns"]
    lam = res["per_call_real"]["error_name_lambda"]
    ratio_lam = lam["ours"]["min_ns"] / lam["floor"]["min_ns"]
    si = res["per_call_null"]["scalar_in"]
    typical = si["ours"]["min_ns"] / si["floor"]["min_ns"]
    imp = res["import"]["ours"]["import_ms"]
    biggest = max(r["modules_bytes"] for r in res["sizes"]["ours"]) / 1e6
    return {
        "per_call": {"what": f"hipGetErrorName ours <= {GOALS['per_call_vs_floor']}x the Cython floor "
                             "(timed through a lambda, as the goal's reference figures were)",
                     "met": ratio_lam <= GOALS["per_call_vs_floor"],
                     "measured": f"{ratio_lam:.2f}x through a lambda; called directly {ratio:.2f}x on minima, "
                                 f"{ratio_med:.2f}x on medians "
                                 f"(ctypes {en['ctypes']['vs_ours_min']:.2f}x ours, AMD "
                                 f"{en['amd'].get('vs_ours_min', float('nan')):.2f}x ours); a hipError_t "
                                 f"call (hipSetDevice, null runtime): {typical:.2f}x the floor"},
        "import": {"what": f"import <= {GOALS['import_ms']:.0f} ms", "met": imp["median"] <= GOALS["import_ms"],
                   "measured": f"{imp['min']:.1f} ms min, {imp['median']:.1f} ms median"},
        "size": {"what": f"hip + hiprtc modules <= {GOALS['modules_mb']} MB per release",
                 "met": biggest <= GOALS["modules_mb"], "measured": f"largest {biggest:.2f} MB"},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer rounds/repeats/imports (a smoke run)")
    ap.add_argument("--rounds", type=int, help="per-call rounds, alternating interpreters (default 3)")
    ap.add_argument("--repeats", type=int, help="timeit repeats per case and round (default 20)")
    ap.add_argument("--imports", type=int, help="fresh-process imports per side (default 40)")
    ap.add_argument("--json", default=str(RESULTS / "latest.json"))
    a = ap.parse_args()
    rounds = a.rounds or (1 if a.quick else 3)
    repeats = a.repeats or (5 if a.quick else 20)
    n_imports = a.imports or (8 if a.quick else 40)
    t0 = time.perf_counter()
    timings = {}

    def step(name, fn, *args):
        s = time.perf_counter()
        log(f"[{name}]")
        value = fn(*args)
        timings[name] = round(time.perf_counter() - s, 1)
        return value

    wheels = step("build our wheels", build_wheels, RELEASES)
    amd_whls = step("fetch AMD's wheels", lambda: {v: amd_wheel(v) for v in AMD_SIZE_VERSIONS})
    amd_whl = amd_whls[AMD_VERSION]
    ours_py = step("venvs", venv_with, "ours-5.2.3", wheels["5.2.3"])
    amd_py = venv_with(f"amd-{AMD_VERSION}", amd_whl)
    floor_dir = step("build the Cython floor", floor.build)   # same interpreter as the venvs'
    manifest = json.loads((site_packages(ours_py) / "hip" / "_manifest.json").read_text())
    null_lib = step("build the null runtime", nullrt.build, manifest, CACHE / "nullrt-5.2.3")

    real_dir = real_runtime_libdir()
    real_lib = real_dir / "libamdhip64.so.5"
    real_env = {"HIP_PYTHON_LIBAMDHIP64_PATH": str(real_lib), "LD_LIBRARY_PATH": str(real_dir)}
    null_env = {"HIP_PYTHON_LIBAMDHIP64_PATH": str(null_lib), "HIP_PYTHON_LIBHIPRTC_PATH": str(null_lib),
                "LD_LIBRARY_PATH": str(null_lib.parent)}
    pys = [(ours_py, "ours,floor,ctypes"), (amd_py, "amd")]

    res = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                       "cpu": platform.processor() or platform.machine(), "nproc": os.cpu_count()},
           "amd_version": AMD_VERSION, "cases": CASES,
           "real_runtime": str(real_lib), "null_runtime": str(null_lib)}
    res["per_call_real"] = step("per call, real runtime", per_call, pys, real_lib, real_env, floor_dir,
                                ["error_name", "error_name_lambda"], rounds, repeats)
    res["per_call_null"] = step("per call, null runtime", per_call, pys, null_lib, null_env, floor_dir,
                                list(CASES), rounds, repeats)
    res["import"] = step("import", imports, ours_py, amd_py, real_env, n_imports)
    res["sizes"] = step("sizes", lambda: {"ours": [sizes.ours(r, w) for r, w in wheels.items()],
                                          "amd": [sizes.amd(w) for w in amd_whls.values()]})
    res["goals"] = goals(res)
    timings["total"] = round(time.perf_counter() - t0, 1)
    res["suite_seconds"] = timings

    print(table(res))
    print(f"\nSuite time: {timings['total']:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in timings.items() if k != 'total')})")
    out = Path(a.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1, sort_keys=True, default=str) + "\n")
    print(f"JSON: {out}")


if __name__ == "__main__":
    main()
