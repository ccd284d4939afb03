"""The object layer of ``rocm.comgr`` over this wheel's ``hip.amd_comgr`` (the release's own comgr).

:class:`Data`, :class:`DataSet` and :class:`Action` own a comgr handle each and release it when
collected; :func:`check` turns a status into ``RuntimeError``.  Kinds, actions and languages are
looked up by their enum *names* in the binding of this release (``"COMPILE_SOURCE_TO_BC"`` ->
``amd_comgr_action_kind_t.AMD_COMGR_ACTION_COMPILE_SOURCE_TO_BC``), never by number: comgr 3.0
renumbered the actions, and each wheel's enum is its own comgr's.
"""
from __future__ import annotations

import ctypes

from hip import amd_comgr as _c

__all__ = ["SUCCESS", "check", "to_bytes", "to_str", "enum_of", "Data", "DataSet", "Action"]

SUCCESS = _c.amd_comgr_status_t.AMD_COMGR_STATUS_SUCCESS


def to_bytes(obj) -> bytes:
    """``str`` (UTF-8) or any buffer as ``bytes``."""
    if isinstance(obj, str):
        return obj.encode("utf-8")
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return bytes(obj)
    raise ValueError(f"expected str or bytes, got {type(obj).__name__}")


def to_str(obj) -> str:
    return obj if isinstance(obj, str) else to_bytes(obj).decode("utf-8")


def check(result):
    """A binding's answer without its status: ``None``, the one value, or a tuple of the rest;
    ``RuntimeError`` naming the status when it is not SUCCESS (AMD's ``comgr_check``)."""
    status, rest = (result[0], result[1:]) if isinstance(result, tuple) else (result, ())
    if status != SUCCESS:
        raise RuntimeError(str(status))
    if not rest:
        return None
    return rest[0] if len(rest) == 1 else rest


def enum_of(enum, prefix: str, name: str):
    """``enum``'s member ``prefix + NAME`` (case-insensitive, prefix optional): AttributeError
    names the members this release's comgr has when it has no such one."""
    key = name.upper()
    if not key.startswith(prefix):
        key = prefix + key
    try:
        return getattr(enum, key)
    except AttributeError:
        have = names_of(enum, prefix)
        raise AttributeError(f"this comgr ({enum.__name__}) has no {key}; it has: {', '.join(have)}") from None


def names_of(enum, prefix: str) -> list:
    """The names of ``enum``'s members that start with ``prefix``, without it, sorted."""
    return sorted(m[len(prefix):] for m in enum.__members__ if m.startswith(prefix))


def _read(getter, handle) -> bytes:
    """The bytes a comgr ``(handle, size_t *size, char *out)`` getter gives: size first, then data."""
    size = ctypes.c_size_t(0)
    check(getter(handle, ctypes.addressof(size), None))
    buf = ctypes.create_string_buffer(size.value)
    check(getter(handle, ctypes.addressof(size), buf))
    return buf.raw[:size.value]


class Data:
    """One comgr data object of a kind (``"SOURCE"``, ``"BC"``, ``"RELOCATABLE"``, ``"EXECUTABLE"`` ...)."""

    PREFIX = "AMD_COMGR_DATA_KIND_"

    @classmethod
    def kind_str_to_enum(cls, kind_str: str):
        return enum_of(_c.amd_comgr_data_kind_t, cls.PREFIX, kind_str)

    @classmethod
    def valid_kinds(cls) -> list:
        return names_of(_c.amd_comgr_data_kind_t, cls.PREFIX)

    def __init__(self, name, kind_str: str, source_buffer=None):
        self._data = None
        self.kind_str = kind_str
        self._data = check(_c.amd_comgr_create_data(self.kind_str_to_enum(kind_str)))
        self.source_bytes = None
        if source_buffer is not None and len(source_buffer):
            self.source_bytes = to_bytes(source_buffer)   # comgr copies; kept as AMD's keeps it
            check(_c.amd_comgr_set_data(self._data, len(self.source_bytes), self.source_bytes))
        check(_c.amd_comgr_set_data_name(self._data, to_bytes(name)))

    @classmethod
    def _wrap(cls, handle, kind_str: str) -> "Data":
        """A data object comgr gave out (an action's result): released with this one."""
        self = cls.__new__(cls)
        self._data, self.kind_str, self.source_bytes = handle, kind_str, None
        return self

    def get(self):
        return self._data

    def get_data_name(self) -> str:
        return _read(_c.amd_comgr_get_data_name, self._data).rstrip(b"\0").decode("utf-8")

    def get_data_bytes(self) -> bytes:
        return _read(_c.amd_comgr_get_data, self._data)

    def get_data_len(self) -> int:
        size = ctypes.c_size_t(0)
        check(_c.amd_comgr_get_data(self._data, ctypes.addressof(size), None))
        return size.value

    __len__ = get_data_len

    def __del__(self):
        if getattr(self, "_data", None) is not None:
            _c.amd_comgr_release_data(self._data)
            self._data = None


class DataSet:
    """A comgr data set holding ``datas`` (kept alive with it)."""

    def __init__(self, *datas: Data):
        self._data_set = None
        self._data_set = check(_c.amd_comgr_create_data_set())
        self.datas = []
        for d in datas:
            self.add_data(d)

    def get(self):
        return self._data_set

    def add_data(self, data: Data) -> None:
        self.datas.append(data)
        check(_c.amd_comgr_data_set_add(self._data_set, data.get()))

    def count_data(self, kind_str: str) -> int:
        return check(_c.amd_comgr_action_data_count(self._data_set, Data.kind_str_to_enum(kind_str)))

    def get_data(self, kind_str: str, index: int) -> Data:
        handle = check(_c.amd_comgr_action_data_get_data(self._data_set, Data.kind_str_to_enum(kind_str), index))
        return Data._wrap(handle, kind_str)

    def __del__(self):
        if getattr(self, "_data_set", None) is not None:
            _c.amd_comgr_destroy_data_set(self._data_set)
            self._data_set = None


class Action:
    """A comgr action info: kind, isa, language, options, logging; :meth:`do_action` runs it."""

    PREFIX = "AMD_COMGR_ACTION_"
    LANGUAGE_PREFIX = "AMD_COMGR_LANGUAGE_"

    @classmethod
    def action_kind_str_to_enum(cls, action_kind_str: str):
        return enum_of(_c.amd_comgr_action_kind_t, cls.PREFIX, action_kind_str)

    @classmethod
    def valid_action_kinds(cls) -> list:
        return names_of(_c.amd_comgr_action_kind_t, cls.PREFIX)

    @classmethod
    def lang_str_to_enum(cls, lang_str: str):
        return enum_of(_c.amd_comgr_language_t, cls.LANGUAGE_PREFIX, lang_str)

    @classmethod
    def valid_languages(cls) -> list:
        return names_of(_c.amd_comgr_language_t, cls.LANGUAGE_PREFIX)

    def __init__(self, action_kind_str: str, isa_name=None, lang_str: str = "NONE", logging: bool = False,
                 options=()):
        self._info = None
        self.action_kind = self.action_kind_str_to_enum(action_kind_str)
        self._info = check(_c.amd_comgr_create_action_info())
        self.result_data_set = None
        if isa_name:
            self.set_isa_name(isa_name)
        self.set_language(lang_str)
        self.set_options(options)
        self.set_logging(logging)

    def get(self):
        return self._info

    def set_isa_name(self, isa_name) -> None:
        name = to_str(isa_name)
        if not name.startswith("amdgcn-amd-amdhsa--"):
            name = "amdgcn-amd-amdhsa--" + name
        check(_c.amd_comgr_action_info_set_isa_name(self._info, name.encode()))

    def set_language(self, lang_str: str) -> None:
        check(_c.amd_comgr_action_info_set_language(self._info, self.lang_str_to_enum(lang_str)))

    def set_options(self, options) -> None:
        opts = [to_bytes(o) for o in options]
        check(_c.amd_comgr_action_info_set_option_list(self._info, opts, len(opts)))

    def set_logging(self, logging: bool) -> None:
        check(_c.amd_comgr_action_info_set_logging(self._info, bool(logging)))

    def do_action(self, data_set: DataSet, check_status: bool = True, **kwargs):
        """Run the action on ``data_set``; its results go to ``self.result_data_set``; the status
        is returned (raised as RuntimeError when ``check_status``; AMD's keyword ``check`` too)."""
        check_status = kwargs.pop("check", check_status)
        self.result_data_set = DataSet()
        result = _c.amd_comgr_do_action(self.action_kind, self._info, data_set.get(), self.result_data_set.get())
        status = result[0] if isinstance(result, tuple) else result
        if check_status:
            check(status)
        return status

    def __del__(self):
        if getattr(self, "_info", None) is not None:
            _c.amd_comgr_destroy_action_info(self._info)
            self._info = None
