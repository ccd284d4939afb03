"""The ROCm <-> HIP version table and the supported releases, read from ``releases.json``.

``releases.json`` is the project's one data file: the build matrix reads its ``supported``
list, every resolver command reads its ``rocm`` table.  A ROCm release ships exactly one
HIP version, several ROCm releases can share one (5.7.0 and 5.7.1 both ship 5.7.31921),
and the HIP number is not derivable from the ROCm one (ROCm 4.5.0 ships HIP 4.4.21401).
Only pairs verified from public material are listed (sources: tests/resolver/data/README.md).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Optional

from .version import HipVersion, InvalidHipVersion, RocmVersion, parse, parse_rocm_version

DATA = Path(__file__).with_name("releases.json")


@functools.lru_cache(maxsize=None)
def load() -> dict:
    return json.loads(DATA.read_text())


def table() -> dict:
    """ROCm version string -> HIP version string."""
    return load()["rocm"]


def supported() -> list:
    """The releases this project builds wheels for (with their pinned Debian packages)."""
    return load()["supported"]


def hip_for_rocm(rocm) -> Optional[HipVersion]:
    """The HIP version a ROCm release ships, or None when the table does not know it."""
    r = rocm if isinstance(rocm, RocmVersion) else parse_rocm_version(rocm)
    hip = table().get(str(r))
    return parse(hip) if hip else None


def rocm_for_hip(hip) -> list:
    """Every ROCm release (oldest first) that ships ``hip``."""
    h = hip if isinstance(hip, HipVersion) else parse(hip)
    return [r for r, v in table().items() if parse(v) == h]


def require_hip_for_rocm(rocm: str) -> HipVersion:
    """Like :func:`hip_for_rocm` but raises :class:`InvalidHipVersion` naming the known releases."""
    hip = hip_for_rocm(rocm)
    if hip is None:
        known = ", ".join(table())
        raise InvalidHipVersion(
            f"ROCm {rocm!r} is not in the ROCm -> HIP table (known: {known}). Pass the HIP version "
            f"instead (--hip-version, e.g. from 'hipconfig --version' on that machine).")
    return hip
