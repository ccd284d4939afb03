"""Write the API manifests the resolver ships (``diff`` and ``check --script`` work anywhere).

  .venv/bin/python scripts/ship_manifests.py        # after a supported release is added or changed

One ``<HIP version>.json.xz`` per supported release (and ``<HIP version>-<library>.json.xz`` per
ROCm library module of it), parsed from that release's real headers by
the generator (the same manifest its wheel carries), into
``resolver/src/hip_python_select/manifests/``.  ``tests/apidiff/test_outside.py`` fails when a
shipped copy differs from what the generator produces now.
"""
from __future__ import annotations

import lzma
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resolver" / "src" / "hip_python_select" / "manifests"


def main() -> int:
    from hip_bindgen import libraries, parse, releases, sources

    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for rel in releases.supported():
        manifest = parse.parse(sources.include_dir(rel))
        name = f"{manifest['hip_version']['string']}.json.xz"
        # xz, not gzip: no timestamp in the container, and a third of gzip's size
        (OUT / name).write_bytes(lzma.compress(parse.dumps(manifest).encode(), preset=9 | lzma.PRESET_EXTREME))
        wanted.add(name)
        print(f"{name}: {(OUT / name).stat().st_size} bytes")
        # the ROCm library modules of the release (diff and check --script cover hip.hipblas & co)
        for lib, lm in libraries.manifests(rel, manifest).items():
            lname = f"{manifest['hip_version']['string']}-{lib}.json.xz"
            (OUT / lname).write_bytes(lzma.compress(parse.dumps(lm).encode(), preset=9 | lzma.PRESET_EXTREME))
            wanted.add(lname)
            print(f"{lname}: {(OUT / lname).stat().st_size} bytes")
    for stale in OUT.glob("*.json.xz"):
        if stale.name not in wanted:
            stale.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
