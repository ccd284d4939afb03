# Cython's marker for `rocm.bindings.util` (`from rocm.bindings.util.types cimport Pointer`).
