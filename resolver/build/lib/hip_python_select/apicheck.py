"""The ``diff`` and ``check --script`` commands: manifests in, reports and exit codes out.

Exit codes of ``check --script`` follow the verdict: 0 safe, 3 risky, 4 broken
(2 is a usage error, 1 any other failure, as for every command).
"""
from __future__ import annotations

import json

from . import apidiff, manifests, usage

VERDICT_EXIT = {"safe": 0, "risky": 3, "broken": 4}


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


def run_check_script(paths, wheel_manifest: dict, runtime_hip: str, places=(), as_json=False) -> tuple[str, int]:
    """Judge the code in ``paths`` for the wheel's API against runtime ``runtime_hip``."""
    runtime = wheel_manifest if wheel_manifest["hip_version"]["string"] == runtime_hip else \
        manifests.load(runtime_hip, places)
    result = usage.judge(usage.scan(list(paths)), wheel_manifest, runtime)
    text = json.dumps(result, indent=1) if as_json else usage.format_text(result)
    return text, VERDICT_EXIT[result["verdict"]]
