#!/usr/bin/env python3
"""Build one hip-python wheel per supported HIP release into wheels/, a pip-installable index.

  ./dev build                                  # every release, every supported Python found here
  ./dev build --release 5.2.3 --python current # one release (ROCm or HIP version; --hip is the same), this interpreter
  ./dev build --hip 5.7.1,6.4.3 --python 3.11,3.12
  ./dev build --hip 5.2.3 --python abi3           # the stable-ABI wheel (cp311-abi3), for Pythons with no wheel of their own
  ./dev build --only hip5.2.21153-cp311        # build identifiers, as the summary prints them (globs too)
  ./dev build --rocm-path /opt/rocm-6.2.4      # from an installed ROCm tree
  ./dev build --list | --dry-run | --check-tools | --github-matrix

Releases come from releases.json (the one data file); headers from Debian's archives,
pinned by sha256.  A build whose headers, generator and build pins are unchanged is not
rebuilt; when only the version moved (a new commit), the cached wheel is restamped.  The build itself is the library ``bindings/hip_build/matrix.py``; this is its
command line.  Exit codes: 0 built, 1 a build failed, 2 bad selection or input, 3 version
(git) problem, 4 a tool the build needs is missing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from hip_bindgen import debian, libraries, parse, releases
from hip_build import gitversion, matrix, preflight, publish, pythons, wheel

DEFAULT_OUT = ROOT / "wheels"


def log(msg: str) -> None:
    print(msg, flush=True)


def select(args) -> list[releases.Release]:
    if args.rocm_path:
        return [releases.Release.local(args.rocm_path)]
    if args.hip:
        return [releases.find(name.strip()) for name in args.hip.split(",") if name.strip()]
    return releases.supported()


def choose_pythons(spec: str | None, only: list) -> dict:
    """{'3.11': interpreter} for --python (None/'all': the supported ones found here and the abi3
    build, 'current', or a list that may name 'abi3')."""
    if spec == "current":
        return {pythons.current(): sys.executable}
    found = pythons.with_abi3(pythons.find())
    if spec in (None, "all"):
        return found
    wanted = [v.strip() for v in spec.split(",")]
    missing = [v for v in wanted if v not in found]
    if missing:
        raise KeyError(f"Python {', '.join(missing)} not found here (found: {', '.join(found)})")
    return {v: found[v] for v in wanted}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--release", "--hip", dest="hip", metavar="RELEASES",
                    help="releases to build, by ROCm version (5.2.3) or HIP version (5.2.21153), comma-separated "
                         "(--hip is the older name: it takes a ROCm version too)")
    ap.add_argument("--python", help="Python versions (3.11,3.12, 'abi3'), 'all' found here and abi3, or 'current' "
                                     "(default: all)")
    ap.add_argument("--only", help="build identifiers to build (hip5.2.21153-cp311, globs allowed), comma-separated")
    ap.add_argument("--rocm-path", help="build from an installed ROCm tree instead")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="the index directory (default: wheels/)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--allow-dirty", action="store_true", help="build a '+dirty' version from uncommitted changes")
    ap.add_argument("--revision", help="version the wheels with this revision (N, N.devM, +dirty) instead of asking "
                                       "git: for a build with no checkout at hand (the runtime matrix's chroots)")
    ap.add_argument("--json", metavar="FILE", help="write the structured results (every build, its status) to FILE")
    ap.add_argument("--list", action="store_true", help="print the supported releases and exit")
    ap.add_argument("--libraries", default="all",
                    help="ROCm library modules to build beside hip: 'all' (default), 'none', or names "
                         "(hipfft,roctx); a name the release has no package of is skipped")
    ap.add_argument("--dry-run", action="store_true", help="print the build identifiers that would be built and exit")
    ap.add_argument("--check-tools", action="store_true", help="check the tools the build needs and exit (0 or 4)")
    ap.add_argument("--github-matrix", action="store_true", help="print the CI matrix as JSON and exit")
    ap.add_argument("--stage-only", metavar="DIR", help="write one release's buildable source tree to DIR (for cibuildwheel; "
                                                        "with --python abi3 the stable-ABI tree)")
    ap.add_argument("--index-only", action="store_true", help="(re)write the index of the wheels already in --out")
    ap.add_argument("--no-cache", action="store_true", help="rebuild even when nothing changed")
    args = ap.parse_args(argv)
    libs = None if args.libraries == "all" else set() if args.libraries == "none" else set(args.libraries.split(","))
    if libs and libs - set(libraries.LIBRARIES):
        log(f"build_matrix: unknown --libraries {', '.join(sorted(libs - set(libraries.LIBRARIES)))}; "
            f"known: {', '.join(sorted(libraries.LIBRARIES))}")
        return 2
    out = Path(args.out)

    if args.index_only:
        publish.write_index(out)
        log(f"Index: {out / 'simple'}")
        return 0
    try:
        rels = select(args)
        only = [p.strip() for p in (args.only or "").split(",") if p.strip()]
        chosen = {} if args.list or args.github_matrix else choose_pythons(args.python, only)
    except KeyError as exc:
        log(f"build_matrix: {exc.args[0]}")
        return 2
    if args.list:
        for r in releases.supported():
            h = r.debian["headers"]
            log(f"HIP {r.hip:<10} ROCm {', '.join(r.rocm):<20} {h['package']}={h['version']} "
                f"({r.suite})  builds {matrix.ident(r.hip, '3.X')}")
        return 0
    if args.github_matrix:
        include = [{"hip": r.hip, "rocm": r.rocm[-1], "suite": r.suite} for r in rels]
        print(json.dumps({"include": include}))
        return 0
    ids = [matrix.ident(r.hip, v) if r.hip else f"{r.rocm_path}-cp{v.replace('.', '')}"
           for r in rels for v in chosen]
    ids = [i for i in ids if not only or i.startswith("/") or matrix.selected(i, only)]
    if not ids:
        log(f"build_matrix: nothing selected by --only {args.only} (identifiers look like "
            f"{matrix.ident(releases.supported()[0].hip, pythons.current())})")
        return 2
    log(f"Selected {len(ids)} build(s): {', '.join(ids)}")
    if args.dry_run:
        return 0
    problems = preflight.missing(chosen if not args.stage_only else {}, debian=not args.rocm_path,
                                 git=not args.revision)
    if args.stage_only:   # staging writes sources only: no compiler, no patchelf
        problems = [p for p in problems if p.startswith(("apt-get", "dpkg-deb"))]
    if problems or args.check_tools:
        log(f"build_matrix: {preflight.message(problems)}" if problems else "build_matrix: every tool the build needs is here")
        return 4 if problems else 0
    try:
        rev = gitversion.parse(args.revision) if args.revision else gitversion.revision(ROOT, allow_dirty=args.allow_dirty)
    except gitversion.VersionError as exc:
        log(f"build_matrix: cannot version the wheels: {exc}")
        return 3
    out.mkdir(parents=True, exist_ok=True)
    if args.stage_only:
        if len(rels) != 1:
            log("build_matrix: --stage-only takes exactly one release (--hip)")
            return 2
        try:
            m = matrix.manifest_for(rels[0], libs)
        except (parse.ParseError, debian.FetchError, KeyError) as exc:
            log(f"build_matrix: {exc}")
            return 2
        # --python abi3: the stable-ABI tree (the workflow builds it as ./dev build does, beside the per-CPython one)
        wheel.stage(m, rev.version(m["hip_version"]["string"]), Path(args.stage_only), abi3=args.python == wheel.ABI3)
        log(f"Staged HIP {m['hip_version']['string']} sources in {args.stage_only}")
        return 0
    if args.no_cache:
        (out / publish.CACHE).unlink(missing_ok=True)
    try:
        report = matrix.run(rels, chosen, out, rev, jobs=args.jobs, select=only, log=log, libs=libs)
    except (parse.ParseError, debian.FetchError, KeyError) as exc:
        log(f"build_matrix: {exc}")
        return 2
    retry = ["./dev", "build"] + (["--out", str(out)] if out.resolve() != DEFAULT_OUT else []) \
        + (["--allow-dirty"] if args.allow_dirty else []) + (["--revision", args.revision] if args.revision else [])
    for line in matrix.summary(report, retry):
        log(line)
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_dict(), indent=1) + "\n")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
