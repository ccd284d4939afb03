"""The wheel-variant provider of the HIP version (PEP 825 variants, the providers draft's plugin API).

Every hip-python wheel is built for one HIP release, so the property a machine must have for a
wheel to be right is ``hip :: version :: MAJOR.MINOR.PATCH`` (``hip :: version :: 5.2.21153``):
the full three-part HIP version, because that, not MAJOR.MINOR and not the ROCm version, is what
the wheel's ABI check compares with the runtime (two ROCm releases can ship one HIP; one HIP
MAJOR.MINOR spans several patch releases with different APIs).

This module is three things, so that the names live in one place:

- the names the build writes into the wheels and indexes (``bindings/hip_build/variants.py``
  imports them): ``NAMESPACE``, ``FEATURE``, :func:`label`, :func:`release_index`;
- the plugin an installer that loads provider plugins runs (entry point group
  ``variant_plugins``, name ``hip``; ``plugin-api`` ``hip_python_select.variant_provider``):
  :func:`get_supported_configs` reports the machine's HIP version from the very detection
  ``hip-python-select detect`` uses, :func:`get_all_configs` every HIP version the release table
  knows;
- nothing else: installers that skip third-party plugins (mainline uv) use the per-release
  indexes instead, which declare the version as a static property.
"""
from __future__ import annotations

import os
from typing import List, NamedTuple

NAMESPACE = "hip"
FEATURE = "version"
DISTRIBUTION = "hip-python-select"     # the distribution that carries this plugin
PLUGIN_API = __name__                  # the plugin is this module (its two functions)

# the answer depends on the machine, so the plugin must not be used ahead of time (build-requires),
# which records one answer for every machine
all_properties_compatible = False


def label(hip: str) -> str:
    """The variant label of the wheel for HIP ``hip``: ``hip5.2.21153`` (at most 16 characters of
    ``[a-z0-9_.]`` by PEP 825; HIP's three numbers fit with room to spare)."""
    return f"hip{hip}"


def release_index(hip: str) -> str:
    """Where the per-release index of HIP ``hip`` lives, relative to the combined index's root."""
    return f"hip-{hip}/simple/"


class FeatureConfig(NamedTuple):
    """One feature as the plugin API wants it: name, values (most preferred first), multi_value."""
    name: str
    values: List[str]
    multi_value: bool = False


def get_all_configs() -> List[FeatureConfig]:
    """Every value the ``hip :: version`` feature can take: each HIP version the release table knows."""
    from . import rocm

    known = set(rocm.table().values()) | {r["hip"] for r in rocm.supported()}
    return [FeatureConfig(FEATURE, sorted(known, key=lambda v: tuple(map(int, v.split(".")))))]


def get_supported_configs() -> List[FeatureConfig]:
    """The HIP version of this machine, as ``hip-python-select detect`` finds it; none when no HIP
    is installed (then only the non-variant wheel is installable)."""
    from .detect import Context, detect

    hip = detect(Context(os.environ)).hip_version
    return [FeatureConfig(FEATURE, [hip])] if hip else []
