"""hip_bindgen: HIP headers -> API manifest -> Cython, and the coverage report.

  python -m hip_bindgen manifest --hip 5.2.3 -o hip-5.2.3.json
  python -m hip_bindgen generate --rocm-path /opt/rocm-6.2.4 -o out/
  python -m hip_bindgen coverage                 # all supported releases, one table
  python -m hip_bindgen coverage --hip 7.2.4 --unbound
  python -m hip_bindgen coverage --libraries     # hipBLAS, hipFFT ... per release (--library hipfft)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import coverage, libraries, parse, releases, sources, wheelfiles


def _manifest(args) -> dict:
    return parse.parse(sources.include_dir(args.hip, args.rocm_path))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hip_bindgen", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("manifest", "generate", "coverage"):
        p = sub.add_parser(name)
        p.add_argument("--hip", help="supported release, by ROCm or HIP version (e.g. 5.2.3 or 5.2.21153)")
        p.add_argument("--rocm-path", help="an installed ROCm tree instead of the Debian packages")
        p.add_argument("-o", "--output")
    sub.choices["coverage"].add_argument("--json", action="store_true")
    sub.choices["coverage"].add_argument("--unbound", action="store_true", help="list what is not bound, and why")
    sub.choices["coverage"].add_argument("--libraries", action="store_true", help="the ROCm libraries instead of HIP")
    sub.choices["coverage"].add_argument("--library", help="only this ROCm library (hipblas, hipfft, ..., implies --libraries)")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "manifest":
            text = parse.dumps(_manifest(args))
            Path(args.output).write_text(text) if args.output else sys.stdout.write(text)
        elif args.cmd == "generate":
            out = Path(args.output or ".")
            out.mkdir(parents=True, exist_ok=True)
            # the generated files of the wheel's hip package (hip_build.wheel.stage adds the static ones)
            for name, text in wheelfiles.files(_manifest(args), "0.0.0").items():
                (out / name).write_text(text)
        elif args.libraries or args.library:
            rels = (args.hip or "").split(",") if args.hip else [r.hip for r in releases.supported()]
            reports = []
            for r in rels:
                names = [n for n in sorted(libraries.of_release(r)) if args.library in (None, n)]
                hip = parse.parse(sources.include_dir(r)) if names else None
                reports += [coverage.library_report(libraries.manifest(r, n, hip)) for n in names]
            if args.json:
                print(json.dumps(reports, indent=1))
            else:
                print(coverage.format_library_table(sorted(reports, key=lambda r: r["library"]["name"])))
                if args.unbound:
                    for r in reports:
                        print(f"\n{r['library']['title']} {r['library']['version']} (HIP {r['hip_version']}): not bound")
                        for u in r["unbound"]:
                            print(f"  {u['kind']:<9} {u['name']:<50} {u['reason']}")
        else:
            if args.hip or args.rocm_path:
                names = (args.hip or "").split(",") if args.hip else [None]
                reports = [coverage.report(parse.parse(sources.include_dir(n, args.rocm_path))) for n in names]
            else:
                reports = [coverage.report(parse.parse(sources.include_dir(r)))
                           for r in releases.supported()]
            if args.json:
                print(json.dumps(reports, indent=1))
            else:
                print(coverage.format_table(reports))
                if args.unbound:
                    for r in reports:
                        print(f"\nHIP {r['hip_version']}: not bound")
                        for u in r["unbound"]:
                            print(f"  {u['kind']:<9} {u['name']:<50} {u['reason']}")
    except (parse.ParseError, KeyError, ValueError, RuntimeError) as exc:
        print(f"hip_bindgen: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
