"""The build matrix: full wall time on this machine, cached rebuild, wheel sizes against AMD's.

    python benchmarks/matrix.py [--python all|current|3.11,...] [--hip 5.2.3,...]

Runs ``scripts/build_matrix.py`` into a scratch index twice: once with ``--no-cache`` (every
wheel compiled; the Debian header packages come from the download cache when it is warm,
which the table says), then again unchanged (the cached rebuild).  Sizes: each release's
wheel (the largest of its Pythons) against AMD's published ``hip-python`` wheels of a
similar release -- whole wheel, and the ``hip``/``hiprtc`` modules alone, since AMD's
wheel also carries the bindings of every other ROCm library.  Prints a table, writes
``results/matrix.json``.  A benchmark: nothing here asserts a goal.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import AMD_SIZE_VERSIONS, RESULTS, ROOT, amd_wheel, log
import sizes

GOALS = {"full_matrix_s": 600, "size_fraction": 1 / 3}


def build(out: Path, args: list[str]) -> float:
    cmd = [sys.executable, str(ROOT / "scripts" / "build_matrix.py"), "--out", str(out), "--allow-dirty", *args]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"build_matrix.py failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", default="all")
    ap.add_argument("--hip", default="")
    a = ap.parse_args()
    sel = ["--python", a.python] + (["--hip", a.hip] if a.hip else [])
    debs = Path(os.environ.get("HIP_PYTHON_CACHE") or Path.home() / ".cache" / "hip-python-dist") / "debs"
    warm_downloads = debs.is_dir() and any(debs.glob("libamdhip64-dev_*.deb"))
    with tempfile.TemporaryDirectory(prefix="matrix-bench-") as tmp:
        out = Path(tmp) / "wheels"
        log("[full matrix, --no-cache]")
        full = build(out, sel + ["--no-cache"])
        log("[cached rebuild]")
        cached = build(out, sel)
        index = json.loads((out / "index.json").read_text())
        wheels = [out / w["filename"] for w in index["wheels"]]
        per_release: dict[str, Path] = {}
        for entry, w in zip(index["wheels"], wheels):
            hip = entry["hip_version"]
            if hip not in per_release or w.stat().st_size > per_release[hip].stat().st_size:
                per_release[hip] = w
        ours = [sizes.ours(hip, w) for hip, w in sorted(per_release.items())]
        keep = RESULTS / "matrix-wheels"
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir(parents=True)
        for w in wheels:
            shutil.copy2(w, keep)
    amd = [sizes.amd(amd_wheel(v)) for v in AMD_SIZE_VERSIONS]
    res = {"wheels": len(wheels), "cpus": os.cpu_count(), "downloads_cached": warm_downloads,
           "full_matrix_s": round(full, 1), "cached_rebuild_s": round(cached, 2), "ours": ours, "amd": amd}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "matrix.json").write_text(json.dumps(res, indent=1, default=str) + "\n")

    print(f"\nBuild matrix: {len(wheels)} wheels on {os.cpu_count()} cores "
          f"(Debian packages {'from the download cache' if warm_downloads else 'downloaded'})")
    print(f"  full matrix, --no-cache : {full:7.1f} s   (goal <= {GOALS['full_matrix_s']} s)")
    print(f"  cached rebuild          : {cached:7.2f} s")
    print(f"\n{'MB (10^6 bytes)':<34}{'wheel':>8}{'hip+hiprtc .so':>16}")
    for r in ours:
        print(f"{'ours HIP ' + r['release']:<34}{r['wheel_bytes'] / 1e6:>8.2f}{r['modules_bytes'] / 1e6:>16.2f}")
    for r in amd:
        print(f"{'AMD hip-python ' + r['version']:<34}{r['wheel_bytes'] / 1e6:>8.2f}{r['core_bytes'] / 1e6:>16.2f}"
              f"   (stripped {r['core_stripped_bytes'] / 1e6:.2f})")
    big = max(r["wheel_bytes"] for r in ours)
    big_mod = max(r["modules_bytes"] for r in ours)
    print("\nours / AMD (largest of ours against each):")
    for r in amd:
        print(f"  {r['version']:<16} wheel {big / r['wheel_bytes']:6.3f}   hip+hiprtc modules "
              f"{big_mod / r['core_bytes']:5.3f} (stripped {big_mod / r['core_stripped_bytes']:5.3f})"
              f"   goal <= {GOALS['size_fraction']:.3f}")


if __name__ == "__main__":
    main()
