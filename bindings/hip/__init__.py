"""HIP Python bindings generated from one HIP release's headers.

``from hip import hip, hiprtc`` gives the runtime and runtime-compilation APIs of exactly
the HIP release this wheel was built for (``hip.HIP_VERSION_STRING``).  Importing
``hip.hip`` warns once (``HipVersionMismatchWarning``) when the runtime it will load is
another release; ``HIP_PYTHON_NO_VERSION_CHECK=1`` silences that.
"""
from hip._loader import HipFunctionNotFoundError, HipLibraryNotFoundError, HipVersionMismatchWarning
from hip._version import HIP_VERSION as HIP_VERSION_STRING, __version__

__all__ = ["HIP_VERSION_STRING", "HipFunctionNotFoundError", "HipLibraryNotFoundError",
           "HipVersionMismatchWarning", "__version__"]
