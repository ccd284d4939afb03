"""hip-python-select: find the machine's HIP version and install the matching hip-python wheel.

Modules: ``version`` (pure parsers), ``rocm`` (the ROCm -> HIP table), ``detect`` (sources),
``loader`` (which libamdhip64 ``import hip`` opens), ``index`` (wheel links), ``resolve``
(pure choice), ``interpreter`` (the target Python), ``install``, ``cli``.  Nothing heavy is
imported here, so the console script starts fast.
"""
__version__ = "0.1.0"
