"""The ``diff`` and ``check --script`` commands: manifests in, reports and exit codes out.

The exit codes of ``check --script`` (the verdict's) are ``cli.VERDICT_EXIT``, the one place.
"""
from __future__ import annotations

import json

from . import apidiff, manifests

def hip_version_of(name: str) -> str:
    """MAJOR.MINOR.PATCH of a HIP version or ROCm release given on the command line."""
    from . import rocm
    from .version import InvalidHipVersion

    try:
        return str(rocm.hip_of_name(name))
    except InvalidHipVersion as e:
        raise ValueError(str(e)) from None


def run_diff(a: str, b: str, places=(), as_json=False, limit=0) -> tuple[str, int]:
    ma = manifests.load(hip_version_of(a), places)
    mb = manifests.load(hip_version_of(b), places)
    d = apidiff.diff(ma, mb)
    return (json.dumps(d, indent=1) if as_json else apidiff.format_text(d, limit)), 0
