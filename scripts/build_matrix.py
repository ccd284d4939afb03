#!/usr/bin/env python3
"""Build one hip-python wheel per supported HIP release into wheels/, a pip-installable index.

  python scripts/build_matrix.py                      # every release, every Python found here
  python scripts/build_matrix.py --hip 5.2.3          # one release, this interpreter
  python scripts/build_matrix.py --hip 5.7.1,6.4.3 --python 3.11,3.12
  python scripts/build_matrix.py --rocm-path /opt/rocm-6.2.4
  python scripts/build_matrix.py --list | --dry-run | --github-matrix

Releases come from releases.json (the one data file); headers from Debian's archives,
pinned by sha256.  A build whose headers, generator and version are unchanged is not
rebuilt.  Exit codes: 0 built, 1 a build failed, 2 bad selection or input, 3 version
(git) problem.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings"))

from hip_bindgen import debian, gitversion, index, parse, releases, sources, wheel  # noqa: E402

BUILD = ROOT / "build"


def log(msg: str) -> None:
    print(msg, flush=True)


def find_pythons() -> dict[str, str]:
    """CPython interpreters on this machine, by 'X.Y'."""
    found = {f"{sys.version_info[0]}.{sys.version_info[1]}": sys.executable}
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for minor in range(9, 15):
        v = f"3.{minor}"
        if v in found:
            continue
        # pyenv's real interpreters before PATH, whose pyenv shims fail for inactive versions
        cands = sorted(pyenv.glob(f"{v}.*/bin/python{v}"), reverse=True) + [shutil.which(f"python{v}")]
        for c in cands:
            if c and os.access(c, os.X_OK) and subprocess.run(
                    [str(c), "-c", "import venv"], capture_output=True).returncode == 0:
                found[v] = str(c)
                break
    return dict(sorted(found.items(), key=lambda kv: int(kv[0].split(".")[1])))


def build_python(version: str, interpreter: str) -> str:
    """An interpreter with the build requirements (this one if it has them, else a cached venv)."""
    if interpreter == sys.executable:
        return interpreter
    venv = BUILD / "venvs" / f"cp{version.replace('.', '')}"
    py, ready = venv / "bin" / "python", venv / ".ready"
    venv.parent.mkdir(parents=True, exist_ok=True)
    # two releases for one Python build side by side: one makes the venv, the other waits;
    # a venv left half-made by an interrupted run is made again
    with debian.file_lock(venv.parent / f".{venv.name}.lock"):
        if not ready.exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                            "Cython>=3.0", "setuptools>=70", "wheel"], check=True)
            ready.touch()
    return str(py)


def select(args) -> list[dict]:
    rels = releases.supported()
    if args.rocm_path:
        return [{"hip": None, "rocm": [], "rocm_path": args.rocm_path}]
    if args.hip:
        return [releases.find(name.strip()) for name in args.hip.split(",") if name.strip()]
    return rels


def manifest_for(rel: dict) -> dict:
    include = sources.include_dir(rel["hip"], rel.get("rocm_path"))
    return parse.parse(include)


def build_one(rel, manifest, version, py_version, interpreter, out, jobs) -> tuple[Path, str]:
    hip = manifest["hip_version"]["string"]
    text = parse.dumps(manifest)
    key = hashlib.sha256((text + wheel.generator_digest() + version + py_version).encode()).hexdigest()
    cache = index.load_cache(out)
    cached = cache.get(key)
    if cached and (out / cached).exists():
        return out / cached, "cached"
    # one staging tree per output index, so concurrent builds into different indexes never collide
    slot = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:8]
    src = BUILD / "staging" / slot / f"{hip}-cp{py_version.replace('.', '')}" / "src"
    wheel.stage(manifest, version, src)
    if jobs > 1:
        (src / "setup.cfg").write_text("[build_ext]\nparallel = 1\n")
    built = wheel.build(src, src.parent / "raw", python=build_python(py_version, interpreter))
    final = wheel.audit(built, out)
    index.remember(out, key, final.name)
    return final, "built"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hip", help="releases to build, by ROCm or HIP version, comma-separated")
    ap.add_argument("--python", help="Python versions (3.11,3.12), 'all' found here, or 'current' (default: all)")
    ap.add_argument("--rocm-path", help="build from an installed ROCm tree instead")
    ap.add_argument("--out", default=str(ROOT / "wheels"), help="the index directory (default: wheels/)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--allow-dirty", action="store_true", help="build a '+dirty' version from uncommitted changes")
    ap.add_argument("--list", action="store_true", help="print the supported releases and exit")
    ap.add_argument("--dry-run", action="store_true", help="print what would be built and exit")
    ap.add_argument("--github-matrix", action="store_true", help="print the CI matrix as JSON and exit")
    ap.add_argument("--stage-only", metavar="DIR", help="write one release's buildable source tree to DIR (for cibuildwheel)")
    ap.add_argument("--index-only", action="store_true", help="(re)write the index of the wheels already in --out")
    ap.add_argument("--no-cache", action="store_true", help="rebuild even when nothing changed")
    args = ap.parse_args(argv)

    if args.index_only:
        index.write_index(Path(args.out), releases.load())
        log(f"Index: {Path(args.out) / 'simple'}")
        return 0
    try:
        rels = select(args)
    except KeyError as exc:
        log(f"build_matrix: {exc.args[0]}")
        return 2
    if args.list:
        for r in releases.supported():
            d = r["debian"]
            log(f"HIP {r['hip']:<10} ROCm {', '.join(r['rocm']):<20} {d['headers']['package']}={d['headers']['version']} ({d['suite']})")
        return 0
    pythons = find_pythons()
    if args.python in (None, "all"):
        chosen = pythons
    elif args.python == "current":
        chosen = {f"{sys.version_info[0]}.{sys.version_info[1]}": sys.executable}
    else:
        wanted = [v.strip() for v in args.python.split(",")]
        missing = [v for v in wanted if v not in pythons]
        if missing:
            log(f"build_matrix: Python {', '.join(missing)} not found here (found: {', '.join(pythons)})")
            return 2
        chosen = {v: pythons[v] for v in wanted}
    if args.github_matrix:
        include = [{"hip": r["hip"], "rocm": r["rocm"][-1], "suite": r["debian"]["suite"]} for r in rels]
        print(json.dumps({"include": include}))
        return 0
    plan = [(r, v) for r in rels for v in chosen]
    log(f"Selected {len(rels)} release(s) x {len(chosen)} Python(s): " +
        ", ".join(f"{'hip' + r['hip'] if r['hip'] else r['rocm_path']}-cp{v.replace('.', '')}" for r, v in plan))
    if args.dry_run:
        return 0
    try:
        rev = gitversion.revision(ROOT, allow_dirty=args.allow_dirty)
    except gitversion.VersionError as exc:
        log(f"build_matrix: cannot version the wheels: {exc}")
        return 3
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.stage_only:
        if len(rels) != 1:
            log("build_matrix: --stage-only takes exactly one release (--hip)")
            return 2
        m = manifest_for(rels[0])
        wheel.stage(m, rev.version(m["hip_version"]["string"]), Path(args.stage_only))
        log(f"Staged HIP {m['hip_version']['string']} sources in {args.stage_only}")
        return 0
    if args.no_cache:
        (out / index.CACHE).unlink(missing_ok=True)
    t0 = time.perf_counter()
    manifests = {}
    for r in rels:
        t = time.perf_counter()
        try:
            m = manifest_for(r)
        except (parse.ParseError, RuntimeError, KeyError) as exc:
            log(f"build_matrix: {exc}")
            return 2
        manifests[id(r)] = m
        index.write_manifest(out, m)
        log(f"[{m['hip_version']['string']}] headers parsed: {len(m['functions'])} functions "
            f"({time.perf_counter() - t:.1f}s)")
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {}
        for r, v in plan:
            m = manifests[id(r)]
            version = rev.version(m["hip_version"]["string"])
            futs[pool.submit(build_one, r, m, version, v, chosen[v], out, args.jobs)] = (m, v, time.perf_counter())
        for fut in concurrent.futures.as_completed(futs):
            m, v, start = futs[fut]
            label = f"[{m['hip_version']['string']} cp{v.replace('.', '')}]"
            try:
                path, how = fut.result()
                log(f"{label} {how}: {path.name} ({path.stat().st_size / 1e6:.2f} MB, {time.perf_counter() - start:.1f}s)")
            except Exception as exc:  # noqa: BLE001 - report every failed build, then fail
                failures += 1
                log(f"{label} FAILED: {exc}")
    index.write_index(out, releases.load())
    log(f"Index: {out / 'simple'} ({time.perf_counter() - t0:.1f}s in all)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
