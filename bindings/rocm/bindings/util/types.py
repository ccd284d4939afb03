"""``rocm.bindings.util.types``: AMD's 10.x name of ``hip._util.types``, the same module object
(``rocm.bindings.util.types.Pointer is hip._util.types.Pointer``)."""
import sys

import hip._util.types

sys.modules[__name__] = hip._util.types
