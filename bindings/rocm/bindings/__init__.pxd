# Cython's marker for `rocm.bindings` (`from rocm.bindings cimport cyhip, cyhiprtc, cyhip<lib>`).
