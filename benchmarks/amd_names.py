"""What AMD's distribution names (the rocm-bindings-* metapackages, hip_build/amd_names.py) cost:
index bytes and build seconds per release.

For each release of releases.json, the five metapackages of its version are built (the median
of ``--repeat`` builds is the build time) and two indexes are published with the project's own
writer (``publish.write_index``): one of the release's hip-python wheel and its CUDA layer
alone, one with the five names beside them.  The difference is what the names add to the
index: wheel files plus their project pages (combined and per-release).  The hip-python and
interop wheels used are stand-ins of the real names and versions (their size is not what is
measured); ``--wheels DIR`` (a build output, ``build/test-wheels``) puts the added bytes beside
the real hip-python wheel of each release found there.

  python benchmarks/amd_names.py [--repeat 20] [--wheels build/test-wheels]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _common import ROOT, RELEASES
from hip_bindgen import releases
from hip_build import amd_names, publish

REVISION = 999   # a four-field version as the build writes it: HIP.N


def _stand_in(directory: Path, name: str, version: str, tag: str) -> None:
    dist = f"{name}-{version}"
    with zipfile.ZipFile(directory / f"{dist}-{tag}.whl", "w") as z:
        z.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\n")
        z.writestr(f"{dist}.dist-info/RECORD", f"{dist}.dist-info/WHEEL,,\n{dist}.dist-info/RECORD,,\n")


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


def _publish_seconds(root: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        publish.write_index(root)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(repeat: int, wheels: Path | None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for short in RELEASES:
            hip = releases.find(short).hip
            version = f"{hip}.{REVISION}"
            plain, named = Path(tmp) / short / "plain", Path(tmp) / short / "named"
            for d in (plain, named):
                d.mkdir(parents=True)
                _stand_in(d, "hip_python", version, "cp311-cp311-manylinux_2_17_x86_64")
                _stand_in(d, "hip_python_interop", version, "py3-none-any")
            times = []
            for i in range(repeat):
                t = time.perf_counter()
                built = amd_names.build(version, hip, named)
                times.append(time.perf_counter() - t)
            base_s, named_s = _publish_seconds(plain, repeat), _publish_seconds(named, repeat)
            row = {"release": short, "hip": hip, "wheels": len(built),
                   "wheel_bytes": sum(p.stat().st_size for p in built),
                   "index_bytes": _tree_bytes(named) - _tree_bytes(plain),
                   "build_s": statistics.median(times), "publish_extra_s": named_s - base_s}
            real = sorted(wheels.glob(f"hip_python-{hip}.*.whl")) if wheels else []
            row["hip_python_bytes"] = real[-1].stat().st_size if real else None
            rows.append(row)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--wheels", type=Path, default=ROOT / "build" / "test-wheels")
    args = ap.parse_args(argv)
    rows = measure(args.repeat, args.wheels if args.wheels.is_dir() else None)
    print(f"{'release':8} {'HIP':10} {'wheels':>6} {'wheel B':>8} {'index B':>8} {'% of hip-python':>15} "
          f"{'build ms':>9} {'publish +ms':>11}")
    for r in rows:
        share = f"{100 * r['index_bytes'] / r['hip_python_bytes']:.2f}" if r["hip_python_bytes"] else "-"
        print(f"{r['release']:8} {r['hip']:10} {r['wheels']:6d} {r['wheel_bytes']:8d} {r['index_bytes']:8d} "
              f"{share:>15} {1000 * r['build_s']:9.2f} {1000 * r['publish_extra_s']:11.2f}")
    total = sum(r["index_bytes"] for r in rows)
    print(f"all {len(rows)} releases: {total} bytes on the index, "
          f"{sum(r['build_s'] for r in rows) * 1000:.1f} ms to build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
