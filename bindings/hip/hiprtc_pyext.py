"""``hiprtc.ext``: link options by keyword, as AMD's HIP Python offers them.

    link_state = hip_check(hiprtc.ext.hiprtcLinkCreate2(HIPRTC_JIT_GENERATE_DEBUG_INFO=1))
    hiprtc.hiprtcLinkCreate(*hiprtc.ext.HiprtcLinkCreateOpts(HIPRTC_JIT_OPTIMIZATION_LEVEL=3))

A key is the name of a ``hiprtcJIT_option`` member; from HIP 6.4 on, where that enum is
``hipJitOption``, its ``hipJitOption*`` names work as well.  hiprtc reads each option's value
from the ``void*`` slot itself (an integer cast to a pointer), except the buffer, name and
address options, which point to memory.
"""
from __future__ import annotations

from hip import hiprtc
from hip._util.types import ListOfBytes, ListOfInt, ListOfPointer, Pointer

__all__ = ["HiprtcLinkCreateOpts", "hiprtcLinkCreate2"]

# option name suffix -> how its value is passed (the rest pass an int in the slot)
_BUFFER = ("INFO_LOG_BUFFER", "ERROR_LOG_BUFFER", "InfoLogBuffer", "ErrorLogBuffer")
_NAMES = ("GLOBAL_SYMBOL_NAMES", "IR_TO_ISA_OPT_EXT", "GlobalSymbolNames", "IRtoISAOptExt")
_ADDRESSES = ("GLOBAL_SYMBOL_ADDRESS", "GlobalSymbolAddresses")


def _option_enum():
    return getattr(hiprtc, "hipJitOption", None) or hiprtc.hiprtcJIT_option


def _option(name: str):
    enum = _option_enum()
    member = getattr(enum, name, None)
    if member is None:
        raise KeyError(f"{name!r} is not the name of a {enum.__name__} member "
                       f"(known: {', '.join(m for m in enum.__members__)})")
    return member


def _value(name: str, value):
    if name.endswith(_BUFFER):
        return Pointer(value)
    if name.endswith(_NAMES):
        return ListOfBytes(value)
    if name.endswith(_ADDRESSES):
        return ListOfPointer(value)
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        if isinstance(value, bool):
            return int(value)
        raise TypeError(f"{name}: expected an int value, not {type(value).__name__}")
    return int(value)


class HiprtcLinkCreateOpts:
    """``(num_options, option keys, option values)`` for ``hiprtcLinkCreate(*opts)``."""

    def __init__(self, **kwargs):
        self.num_opts = len(kwargs)
        self.keys = [_option(k) for k in kwargs] if kwargs else None
        self.values = [_value(k, v) for k, v in kwargs.items()] if kwargs else None

    def __len__(self):
        return 3

    def __getitem__(self, item):
        if not isinstance(item, int) or isinstance(item, bool):
            raise TypeError("HiprtcLinkCreateOpts indices must be int")
        if item == 0:
            return self.num_opts
        if item == 1:
            return None if self.keys is None else ListOfInt([int(k) for k in self.keys])
        if item == 2:
            return self.values
        raise IndexError(item)


def hiprtcLinkCreate2(**kwargs):
    """``hiprtcLinkCreate`` with its options as keyword arguments: ``(result, link_state)``."""
    return hiprtc.hiprtcLinkCreate(*HiprtcLinkCreateOpts(**kwargs))
