"""hip_bindgen: the generator, by stage: sources (releases, debian, sources) -> model (parse, params)
-> codegen (emit); coverage reports what is bound.

The version facts (hip_version.h, the packed HIP_VERSION) are the resolver's
(``hip_python_select.version``, importable from ``resolver/src`` when the resolver is not installed).
"""
import sys
from pathlib import Path

try:
    import hip_python_select  # noqa: F401
except ImportError:   # a bare checkout (CI's staging job): the resolver's sources beside us
    sys.path.append(str(Path(__file__).resolve().parents[2] / "resolver" / "src"))
