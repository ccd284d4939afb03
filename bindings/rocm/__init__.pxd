# Cython's marker for the `rocm` package, so `from rocm.bindings cimport cyhip` finds it.  At run
# time `rocm` is a PEP 420 namespace package (no __init__.py), as AMD's is: other distributions
# (AMD's rocm-bindings-compiler's rocm.comgr ...) may add portions of it.
