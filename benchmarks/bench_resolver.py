"""Benchmark (not a test): what `hip-python-select resolve` costs on top of running hipconfig,
and how long choosing a wheel from an index of 10,000 wheel names takes.

    python benchmarks/bench_resolver.py [--runs 30]

Uses the real Perl hipconfig of Debian's HIP 5.2.3 (downloaded and cached on first use) and
the console script installed into a throwaway venv (as a user would run it: no PYTHONPATH,
no editable-install finder).  Prints a table of medians.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd, env, runs):
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        out.append(time.perf_counter() - start)
        assert proc.returncode == 0, proc.stderr
    return out


def bench_venv(base: Path) -> Path:
    """A venv with the resolver installed (not editable), rebuilt when the sources change."""
    stamp = str(max(p.stat().st_mtime for p in (ROOT / "resolver").rglob("*") if p.is_file()))
    py = base / "bin" / "python"
    if not (base / ".stamp").exists() or (base / ".stamp").read_text() != stamp:
        venv.EnvBuilder(with_pip=True, clear=True).create(base)
        with tempfile.TemporaryDirectory() as tmp:   # build from a copy: setuptools leaves build/ behind
            src = Path(tmp) / "resolver"
            shutil.copytree(ROOT / "resolver", src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
            subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(src)], check=True)
        (base / ".stamp").write_text(stamp)
    return base / "bin" / "hip-python-select"


def synthetic(n):
    from hip_python_select.index import Link

    names, i = [], 0
    pys = ["cp39-cp39", "cp310-cp310", "cp311-cp311", "cp312-cp312", "cp313-cp313"]
    while len(names) < n:
        for t in pys:
            names.append(f"hip_python-{5 + i % 3}.{i % 10}.{20000 + (i * 7) % 60000}.{i % 50}-{t}-manylinux_2_17_x86_64.whl")
        i += 1
    names = names[:n - 1] + ["hip_python-5.2.21153.37-cp311-cp311-manylinux_2_17_x86_64.whl"]
    return [Link(name, f"file:///idx/{name}") for name in names]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()

    from hip_bindgen import debian

    usr = debian.runtime("5.2.3")
    hipconfig = usr / "bin" / "hipconfig"
    env = {k: v for k, v in os.environ.items() if k not in ("ROCM_PATH", "HIP_PATH", "PYTHONPATH")}
    env["LD_LIBRARY_PATH"] = str(usr / "lib" / "x86_64-linux-gnu")

    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(tmp) / "wheels"
        wheels.mkdir()
        for v in ("5.2.21153.36", "5.2.21153.37", "5.7.31921.37"):
            (wheels / f"hip_python-{v}-cp{sys.version_info[0]}{sys.version_info[1]}-none-any.whl").write_bytes(b"")
        script = bench_venv(Path(tempfile.gettempdir()) / "hip-python-select-bench-venv")
        resolve = [str(script), "resolve", "--hipconfig", str(hipconfig), "--find-links", str(wheels), "--no-index"]
        timed(resolve, env, 3)   # warm the page cache
        hc = timed([str(hipconfig), "--version"], env, args.runs)
        rs = timed(resolve, env, args.runs)
        bare = timed([str(script.parent / "python"), "-c", "pass"], env, args.runs)

    from hip_python_select import rocm
    from hip_python_select.interpreter import current_target
    from hip_python_select.resolve import choose
    from hip_python_select.version import parse

    links, target, table = synthetic(10_000), current_target(), rocm.table()
    choice_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        c = choose(links, parse("5.2.21153"), target, table)
        choice_times.append(time.perf_counter() - start)
    assert c.version == "5.2.21153.37" or c.hip == parse("5.2.21153")

    ms = lambda xs: f"{statistics.median(xs) * 1000:8.1f}"  # noqa: E731
    print(f"{'what (median of %d runs)' % args.runs:58} {'ms':>8}")
    print("-" * 67)
    print(f"{'hipconfig --version (real Perl hipconfig, HIP 5.2.3)':58} {ms(hc)}")
    print(f"{'hip-python-select resolve (runs hipconfig once)':58} {ms(rs)}")
    print(f"{'  overhead over hipconfig (budget 50 ms)':58} "
          f"{(statistics.median(rs) - statistics.median(hc)) * 1000:8.1f}")
    print(f"{'  of which: bare interpreter start (python -c pass)':58} {ms(bare)}")
    print(f"{'choose from 10,000 wheel names, in process (budget 100 ms)':58} {ms(choice_times)}")


if __name__ == "__main__":
    main()
