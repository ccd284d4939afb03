"""The supported HIP releases, read from the one data file the resolver ships."""
from __future__ import annotations

import functools
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "resolver" / "src" / "hip_python_select" / "releases.json"


@functools.lru_cache(maxsize=None)
def load() -> dict:
    return json.loads(DATA.read_text())


def supported() -> list[dict]:
    return load()["supported"]


def find(name: str) -> dict:
    """A supported release by ROCm version (``5.2.3``) or HIP version (``5.2.21153``)."""
    for rel in supported():
        if name == rel["hip"] or name in rel["rocm"]:
            return rel
    known = ", ".join(f"{'/'.join(r['rocm'])} (HIP {r['hip']})" for r in supported())
    raise KeyError(f"{name!r} is not a supported release; supported: {known}")


def packaged_rocm(rel: dict) -> str:
    """The ROCm version of a release's pinned Debian runtime package (6.4.3 for 6.4.3-5): its short name."""
    return rel["debian"]["runtime"][0]["version"].split(":")[-1].split("-")[0].split("+")[0]


def short_names() -> tuple:
    """Every supported release by the ROCm version of its packages: ('5.2.3', '5.7.1', '6.4.3', '7.2.4')."""
    return tuple(packaged_rocm(r) for r in supported())
