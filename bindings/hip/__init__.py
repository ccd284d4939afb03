"""HIP Python bindings generated from one HIP release's headers.

``from hip import hip, hiprtc`` gives the runtime and runtime-compilation APIs of exactly
the HIP release this wheel was built for (``hip.HIP_VERSION_STRING``).
"""
from hip._version import HIP_VERSION as HIP_VERSION_STRING, __version__

__all__ = ["HIP_VERSION_STRING", "__version__"]
