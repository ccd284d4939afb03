"""``rocm.bindings.clang.cindex``: libclang's Python binding (``clang.cindex`` of PyPI's
``libclang``, which ``rocm-bindings-compiler`` requires), the same module object under AMD's name.

AMD's wheel carries a copy of LLVM's ``cindex.py``; this wheel takes the one distribution the
project allows for it instead of a copy.  It does not point ``Config`` at any libclang at import:
this is the process's one ``clang.cindex``, so that would change the library of every other user
of it; a caller picks the suite's libclang with ``Config.set_library_file(
rocm.bindings.util.paths.get_library_path("clang"))``, as numba-hip does (the libclang of the
LLVM comgr runs on, whose resource directory ``paths.get_clang_resource_dir`` gives).  Left
alone, ``clang.cindex`` loads the libclang its wheel bundles.
"""
import sys

try:
    from clang import cindex as _cindex
except ImportError as e:   # pragma: no cover - exercised in the cells without libclang
    raise ImportError("rocm.bindings.clang.cindex needs libclang's Python binding (module clang.cindex): "
                      "pip install libclang (rocm-bindings-compiler requires it)") from e

sys.modules[__name__] = _cindex
