"""Helpers shared by the bindings, under AMD's HIP Python 10.x names: ``types`` (``Pointer``,
``DeviceArray``, ``ListOfBytes`` ...: the module ``hip._util.types`` itself) and ``paths``
(where a ROCm library is, found by this wheel's own search)."""
