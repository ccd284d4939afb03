"""The supported HIP releases, read from the one data file the resolver ships.

A release travels through the build as a :class:`Release` (one per row of ``releases.json``'s
``supported``, made once): the facts a callee reads are its fields, and ``find`` hands a Release
back unchanged, so a function taking "a release" may be given its name or the value itself and
nobody looks the same release up again by name.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Optional, Union

DATA = Path(__file__).resolve().parents[2] / "resolver" / "src" / "hip_python_select" / "releases.json"


def _short(version: str) -> str:
    """The ROCm version of a Debian package version: 6.4.3 for 6.4.3-5, 5.2.3 for 5.2.3+dfsg-1."""
    return version.split(":")[-1].split("-")[0].split("+")[0]


@dataclass(frozen=True, eq=False)
class Release:
    """One release the build generates a wheel for.

    ``hip``: the HIP version (``5.2.21153``); ``rocm``: the ROCm versions shipping it;
    ``debian``: its pinned Debian packages and suite (releases.json's ``debian``, read-only).
    A ROCm tree given on the command line (``--rocm-path``) is a Release too: no HIP version
    known before its headers are read, no pins, its ``rocm_path``."""
    hip: Optional[str]
    rocm: tuple = ()
    debian: Mapping = field(default_factory=lambda: MappingProxyType({}))
    rocm_path: Optional[str] = None

    def __eq__(self, other) -> bool:      # one release per HIP version (or local tree): the pins follow
        return isinstance(other, Release) and (self.hip, self.rocm_path) == (other.hip, other.rocm_path)

    def __hash__(self) -> int:            # a key of caches and dicts, as its name was
        return hash((self.hip, self.rocm_path))

    def __str__(self) -> str:             # in messages, as its name was
        return self.hip or str(self.rocm_path)

    @classmethod
    def local(cls, rocm_path: str) -> "Release":
        return cls(None, rocm_path=rocm_path)

    @property
    def suite(self) -> str:
        """The Debian suite its packages come from (bookworm, trixie, sid, experimental)."""
        return self.debian["suite"]

    @property
    def short(self) -> str:
        """The ROCm version of its pinned runtime package (6.4.3 for 6.4.3-5): the name tests and
        benchmarks use (``short_names``)."""
        return _short(self.debian["runtime"][0]["version"])

    @property
    def headers_rocm(self) -> str:
        """The ROCm version of the headers its wheel is generated from."""
        return _short(self.debian["headers"]["version"])

    @property
    def libraries(self) -> Mapping:
        """The ROCm libraries Debian has for it: name -> its releases.json entry."""
        return self.debian.get("libraries", {})

    @property
    def hipify(self) -> Optional[dict]:
        """The ``hipify-perl`` pin (``suite`` set where it is another suite's package), if any."""
        return self.debian.get("hipify")

    def runtime_pins(self) -> list:
        """Headers, hipcc (hipconfig), runtime and hiprtc: what a runtime tree or root holds."""
        return [self.debian["headers"], self.debian["hipcc"], *self.debian["runtime"]]


@functools.lru_cache(maxsize=None)
def load() -> dict:
    return json.loads(DATA.read_text())


def _supported() -> tuple:
    # made from load() each time (four rows): a test that swaps load() for changed pins sees them
    return tuple(Release(r["hip"], tuple(r["rocm"]), MappingProxyType(r["debian"])) for r in load()["supported"])


def supported() -> list[Release]:
    return list(_supported())


def find(name: Union[str, Release]) -> Release:
    """A supported release by ROCm version (``5.2.3``) or HIP version (``5.2.21153``); a
    Release is its own answer."""
    if isinstance(name, Release):
        return name
    for rel in _supported():
        if name == rel.hip or name in rel.rocm:
            return rel
    known = ", ".join(f"{'/'.join(r.rocm)} (HIP {r.hip})" for r in _supported())
    raise KeyError(f"{name!r} is not a supported release; supported: {known}")


def packaged_rocm(rel: Release) -> str:
    """The ROCm version of a release's pinned Debian runtime package (6.4.3 for 6.4.3-5): its short name."""
    return rel.short


def short_names() -> tuple:
    """Every supported release by the ROCm version of its packages: ('5.2.3', '5.7.1', '6.4.3', '7.2.4')."""
    return tuple(r.short for r in _supported())
