"""``rocm.version``: this wheel's ROCm and HIP release under AMD's HIP Python 10.x names.

    from rocm.version import ROCM_VERSION_TUPLE, HIP_VERSION_TUPLE

The facts are ``hip``'s (``hip/_version.py``, generated from the release's headers); this module
only spells them the way AMD's 10.x ``rocm/version.py`` does:

* ``ROCM_VERSION_NAME`` (``"5.2.3"``), ``ROCM_VERSION_TUPLE`` (``(5, 2, 3)``), ``ROCM_VERSION``
  (packed as ``HIP_VERSION`` is: ``50200003``), for the ROCm release whose headers made the wheel;
* ``HIP_VERSION_NAME`` (``"5.2.21153"``; ``-<commit>`` appended when the headers carry one),
  ``HIP_VERSION`` (``50221153``), ``HIP_COMMIT`` (``""`` when none), ``HIP_FULL_VERSION`` (the
  name again, as AMD's);
* ``HIP_VERSION_TUPLE``: the name's numbers, and the commit as a 4th item only when there is one.
  That is AMD's 10.x rule; its older layout, and so ``hip.HIP_VERSION_TUPLE``, always has 4 items
  (``(5, 2, 21153, "")``);
* ``__version__``: this wheel's version (AMD's is its ``rocm-bindings-core`` version).

AMD's code-generation provenance names (``BASE_BRANCH``, ``BASE_REV``, ``BASE_VERSION``,
``INTERFACEGEN_VERSION``) describe AMD's generator and have no meaning here.
"""
from __future__ import annotations

from typing import Tuple, Union

import hip as _hip

__version__: str = _hip.__version__
ROCM_VERSION_NAME: str = _hip.ROCM_VERSION_NAME
ROCM_VERSION_TUPLE: Tuple[int, int, int] = _hip.ROCM_VERSION_TUPLE
ROCM_VERSION: int = _hip.ROCM_VERSION
HIP_VERSION_NAME: str = _hip.HIP_VERSION_NAME
HIP_FULL_VERSION: str = _hip.HIP_VERSION_NAME
HIP_COMMIT: str = _hip.HIP_VERSION_TUPLE[3]
HIP_VERSION_TUPLE: Union[Tuple[int, int, int], Tuple[int, int, int, str]] = (
    _hip.HIP_VERSION_TUPLE if HIP_COMMIT else _hip.HIP_VERSION_TUPLE[:3])
HIP_VERSION: int = _hip.HIP_VERSION
rocm_version_name, rocm_version_tuple = ROCM_VERSION_NAME, ROCM_VERSION_TUPLE
hip_version_name, hip_version_tuple = HIP_VERSION_NAME, HIP_VERSION_TUPLE

__all__ = ["__version__", "ROCM_VERSION", "ROCM_VERSION_NAME", "rocm_version_name", "ROCM_VERSION_TUPLE",
           "rocm_version_tuple", "HIP_VERSION", "HIP_VERSION_NAME", "hip_version_name", "HIP_VERSION_TUPLE",
           "hip_version_tuple", "HIP_COMMIT", "HIP_FULL_VERSION"]
