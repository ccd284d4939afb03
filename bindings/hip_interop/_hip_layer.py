"""What the CUDA layer's modules do at run time (shipped as ``cuda/bindings/_hip_layer.py``).

``cuda.bindings.driver``, ``runtime`` and ``nvrtc`` (and the older ``cuda.cuda``, ``cudart``,
``nvrtc``) are generated per HIP release from its hipify table (``_hip_names.py``, beside this
file); each calls :func:`bind` with its own globals. Every CUDA name is the very object of
``hip.hip`` / ``hip.hiprtc`` it maps to: a CUDA call costs what the HIP call costs.

- Functions of ``hip.hip`` are bound at import (plain module globals, nothing per call).
- Everything else (enums, structs, typedefs, constants, and whatever lives in ``hip.hiprtc``
  for ``driver``/``runtime``) is looked up on first use by the module's ``__getattr__`` and
  kept in its globals: ``hip.hip`` builds those lazily too, and building them all would make
  the import cost many times that of ``hip.hip``.
- A CUDA enum is the HIP enum class itself (``driver.CUresult is hip.hip.hipError_t``), which
  receives the CUDA member names as aliases when the layer first hands it out: a HIP result is
  then an instance of ``CUresult`` and equals ``CUresult.CUDA_SUCCESS``, as NVIDIA-style code
  checks. ``driver.CUresult`` and ``runtime.cudaError_t`` are therefore one class, too.
- ``HIP_PYTHON_<cuda enum>_HALLUCINATE`` (environment variable or module attribute, as AMD's):
  a CUDA member HIP lacks is answered with a stand-in that is an ``int`` of a value no member
  has (distinct per name) and that passes ``isinstance`` against the enum.
"""
import os
import sys

import hip
import hip.hip as _hip   # not "from hip import hip": that asks hip.__getattr__ first (imports importlib)

from . import _hip_foreign
from . import _hip_names as N
from . import _hip_shapes

if hip.HIP_VERSION_STRING != N.HIP_VERSION_STRING:
    raise ImportError(
        f"hip-python-interop was generated for HIP {N.HIP_VERSION_STRING} (hip-python {N.BUILT_WITH}), "
        f"but the installed hip-python is for HIP {hip.HIP_VERSION_STRING} ({hip.__version__}): "
        f"install the pair of one release, e.g. pip install 'hip-python-interop=={hip.__version__}'")

# The files this distribution installs (hip_build/interop.py): anything else in these two
# directories belongs to another distribution of the ``cuda`` package, NVIDIA's cuda-python/
# cuda-bindings or AMD's hip-python-interop: refused (_hip_foreign.py says why).
_OURS = {"_hip_layer.py", "_hip_names.py", "_hip_lazy.py", "_hip_shapes.py", "_hip_foreign.py", "driver.py", "runtime.py",
         "nvrtc.py", "driver.pyi", "runtime.pyi", "nvrtc.pyi", "py.typed", "__pycache__", "cuda.py", "cudart.py"}
_OLD_STEMS = ("cuda", "cudart", "nvrtc", "__init__")   # cuda/: other cuda.* packages (cuda.core) may stay
_hip_foreign.refuse(os.path.dirname(os.path.abspath(__file__)), _OURS, _OLD_STEMS, "cuda", "the CUDA layer on HIP",
                    "cuda-python cuda-bindings")

_MODULES = ("cuda.bindings.driver", "cuda.bindings.runtime", "cuda.bindings.nvrtc")
_YES = ("true", "1", "t", "y", "yes")
_NO = ("false", "0", "f", "n", "no", "")
_aliased: set = set()          # HIP enums that carry their CUDA member names already
_hallucinated: dict = {}       # (enum, name) -> its stand-in, so one name keeps one value


def _module(name: str):
    __import__("hip." + name)   # (importlib itself costs an import)
    return sys.modules["hip." + name]


def _env_flag(var: str) -> bool:
    value = os.environ.get(var, "false").strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise RuntimeError(f"value of {var!r} must be one of (case-insensitive): {', '.join(_YES + _NO[:-1])}")


def _lazy():
    from . import _hip_lazy   # the tables of everything but functions: not needed at import
    return _hip_lazy


def _pairs(text: str) -> dict:
    return dict(line.split(" ") for line in text.splitlines())


def _hallucinating(enum_name: str) -> bool:
    """Whether any CUDA name of this HIP enum has its switch on (module attribute, else env)."""
    for cuda in _lazy().ENUM_CUDA_NAMES.get(enum_name, ()):
        var = f"HIP_PYTHON_{cuda}_HALLUCINATE"
        set_on = [sys.modules[m].__dict__[var] for m in _MODULES
                  if m in sys.modules and var in sys.modules[m].__dict__]
        if any(set_on) if set_on else _env_flag(var):
            return True
    return False


class _Standin(int):
    """A CUDA enum member HIP does not have, made up on request (never equal to a real one)."""

    def __new__(cls, enum, name, value):
        self = super().__new__(cls, value)
        self._enum, self.name = enum, name
        return self

    @property
    def value(self):
        return int(self)

    @property
    def __class__(self):   # isinstance(x, CUresult) consults __class__ when the type differs
        return self._enum

    def __repr__(self):
        return f"<{self._enum.__name__}.{self.name}: {int(self)}>"

    def __str__(self):
        return f"{self._enum.__name__}.{self.name}"

    __hash__ = int.__hash__


def _meta_with_standins(meta):
    class CudaAliasedEnum(meta):
        """The HIP enum's own metaclass plus the hallucinate switch: only consulted on a miss."""
        def __getattr__(cls, name):
            base = getattr(meta, "__getattr__", None)
            if base is not None:
                try:
                    return base(cls, name)
                except AttributeError:
                    pass
            if name.startswith("_") or not _hallucinating(cls.__name__):
                raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")
            key = (cls.__name__, name)
            if key not in _hallucinated:
                used = {int(m) for m in cls._value2member_map_}
                used |= {int(s) for k, s in _hallucinated.items() if k[0] == cls.__name__}
                value = min(used, default=0)
                while value in used:
                    value += 1
                _hallucinated[key] = _Standin(cls, name, value)
            return _hallucinated[key]
    CudaAliasedEnum.__name__ = CudaAliasedEnum.__qualname__ = meta.__name__
    return CudaAliasedEnum


_metas: dict = {}


def _alias_members(enum_name: str, cls) -> None:
    """Give the HIP enum class its CUDA member names (once), and the hallucinate switch."""
    if enum_name in _aliased:
        return
    _aliased.add(enum_name)
    members = cls._member_map_
    for cuda, hip_member in _lazy().ENUM_ALIASES.get(enum_name, ()):
        if cuda in members or cuda in cls.__dict__ or hip_member not in members:
            continue
        # type.__setattr__: EnumType's own refuses names that look like members
        type.__setattr__(cls, cuda, members[hip_member])
        members[cuda] = members[hip_member]   # CUresult["CUDA_SUCCESS"] as for any enum alias
    meta = type(cls)
    if meta not in _metas:
        _metas[meta] = _meta_with_standins(meta)
    cls.__class__ = _metas[meta]


def _lookup(hip_module: str, hip_name: str):
    obj = getattr(_hip if hip_module == "hip" else _module(hip_module), hip_name)
    enum_name = _lazy().ENUM_OF_NAME.get(hip_name)
    if enum_name is not None and isinstance(obj, type):
        _alias_members(enum_name, obj)
    return obj


def bind(g: dict, which: str) -> None:
    """Fill a layer module's globals ``g``: ``which`` is driver, runtime or nvrtc."""
    nvrtc = which == "nvrtc"
    if nvrtc:
        rtc = _module("hiprtc")
        g.update({cuda: getattr(rtc, h) for cuda, h in _pairs(N.NVRTC_FUNCTIONS).items()})
        g["hiprtc"] = g["hip_python_mod"] = rtc
    else:
        g.update({cuda: getattr(_hip, h) for cuda, h in _pairs(N.FUNCTIONS).items()})
        # NVIDIA's shapes where HIP's differ (_hip_shapes.py): the only names that are not the HIP object
        g.update({cuda: wrap(g[cuda]) for cuda, wrap in _hip_shapes.WRAPPERS.items() if cuda in g})
        g.update(_hip_shapes.CLASSES)
        if which == "runtime":
            g.update(_hip_shapes.HELPERS)
        g["hip"] = g["hip_python_mod"] = _hip
    g["HIP_PYTHON"] = True
    module_name = g["__name__"]

    def lazy() -> dict:
        return _lazy().NVRTC if nvrtc else _lazy().LAZY

    def __getattr__(name: str):
        where = lazy().get(name)
        if where is not None:
            value = _lookup(*where)
            g[name] = value
            return value
        if name == "__all__":   # from cuda.bindings.driver import *: every CUDA name, on request
            value = g["__all__"] = sorted({*(n for n in g if n[:2].lower() in ("cu", "nv")), *lazy()})
            return value
        if name.startswith("HIP_PYTHON_") and name.endswith("_HALLUCINATE"):
            return _env_flag(name)
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}" + (
            f": HIP {N.HIP_VERSION_STRING} has no counterpart of it in the hipify-perl "
            f"{N.HIPIFY_VERSION} table" if name[:2].lower() in ("cu", "nv") else ""))

    def __dir__():
        return sorted({*g, *lazy()})

    g["__getattr__"] = __getattr__
    g["__dir__"] = __dir__
