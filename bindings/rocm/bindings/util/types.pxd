# `from rocm.bindings.util.types cimport Pointer, DeviceArray`: hip._util.types's own classes.
from hip._util.types cimport *
