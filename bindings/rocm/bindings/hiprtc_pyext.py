"""``rocm.bindings.hiprtc_pyext``: AMD's 10.x name of ``hip.hiprtc_pyext`` (``hiprtc.ext``), the
same module object."""
import sys

import hip.hiprtc_pyext

sys.modules[__name__] = hip.hiprtc_pyext
