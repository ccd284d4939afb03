"""``import nvtx`` on AMD GPUs: NVIDIA's NVTX Python annotations recorded as roctx ranges and marks.

Shipped as ``nvtx/__init__.py`` of hip-python-interop (hip_build/interop.py), over the release's
``hip.roctx``: a ROCm profiler (rocprof, rocprofv3 --marker-trace) shows what Nsight would.

- ``push_range``/``pop_range`` and ``annotate`` (decorator and context manager) are
  ``roctxRangePushA``/``roctxRangePop``: nested, per thread; ``mark`` is ``roctxMarkA``;
  ``start_range``/``end_range`` are ``roctxRangeStartA``/``roctxRangeStop``, a range that may end
  on another thread (``start_range`` answers ``(range id, 0)``, as NVIDIA's answers an id and a
  domain handle; ``end_range`` takes that or the bare id).
- roctx carries a message only: ``color``, ``domain``, ``category``, ``payload`` are accepted
  and dropped. A message is a ``str`` (or ``bytes``); ``annotate`` without one uses the
  decorated function's name, as NVIDIA's.
- ``NVTX_DISABLE`` set (to anything), or a libroctx64 that cannot be loaded, makes every call
  a no-op (``enabled()`` says which), as NVIDIA's nvtx is a no-op without its tool attached.

A release whose hip-python has no ``hip.roctx`` makes the import an ImportError that says so;
beside NVIDIA's own nvtx the import refuses (_hip_foreign.py).
"""
import functools
import os

from . import _hip_foreign

_hip_foreign.refuse(os.path.dirname(os.path.abspath(__file__)), {"__init__.py", "_hip_foreign.py", "__pycache__"},
                    ("nvtx",), "nvtx", "NVTX names on roctx", "nvtx")

try:
    from hip import roctx as _roctx
except ImportError as _e:
    # hip's own message names the release (hip-python, HIP and ROCm versions) and what it lacks
    raise ImportError(f"nvtx of hip-python-interop records through roctx (hip.roctx): {_e}", name="nvtx") from _e


def _loads() -> bool:
    try:
        _roctx.roctx_version_major()
        return True
    except Exception:   # RocmLibraryNotFoundError: libroctx64 is not installed
        return False


_ENABLED = not os.environ.get("NVTX_DISABLE") and _loads()


def enabled():
    """Whether annotations reach roctx (``NVTX_DISABLE`` unset and libroctx64 loaded)."""
    return _ENABLED


def _message(message):
    if message is None:
        return ""
    if not isinstance(message, (str, bytes)):
        raise TypeError(f"nvtx: a message is a str, not {type(message).__name__}")
    return message


def push_range(message=None, color=None, domain=None, category=None, payload=None):
    """Open a nested range on this thread (``roctxRangePushA``)."""
    message = _message(message)
    if _ENABLED:
        _roctx.roctxRangePushA(message)


def pop_range(domain=None):
    """Close this thread's innermost range (``roctxRangePop``)."""
    if _ENABLED:
        _roctx.roctxRangePop()


def mark(message=None, color=None, domain=None, category=None, payload=None):
    """An instant event (``roctxMarkA``)."""
    message = _message(message)
    if _ENABLED:
        _roctx.roctxMarkA(message)


def start_range(message=None, color=None, domain=None, category=None, payload=None):
    """Open a range any thread may close: ``(range id, 0)`` for :func:`end_range` (``roctxRangeStartA``)."""
    message = _message(message)
    return (_roctx.roctxRangeStartA(message)[0] if _ENABLED else 0, 0)


def end_range(range_id):
    """Close the range :func:`start_range` opened (its answer, or the bare id) (``roctxRangeStop``)."""
    if isinstance(range_id, tuple):
        range_id = range_id[0]
    if not isinstance(range_id, int):
        raise TypeError(f"nvtx.end_range: expected start_range's answer, not {type(range_id).__name__}")
    if _ENABLED:
        _roctx.roctxRangeStop(range_id)


class annotate:
    """A range around a block (``with annotate("load"):``) or around each call of a function
    (``@annotate()`` / ``@annotate("name")``): ``push_range`` then ``pop_range``, even on an exception."""

    def __init__(self, message=None, color=None, domain=None, category=None, payload=None):
        self.message = None if message is None else _message(message)

    def __enter__(self):
        push_range(self.message)
        return self

    def __exit__(self, *exc):
        pop_range()
        return False

    def __call__(self, func):
        message = self.message if self.message is not None else func.__name__

        @functools.wraps(func)
        def annotated(*args, **kwargs):
            push_range(message)
            try:
                return func(*args, **kwargs)
            finally:
                pop_range()
        return annotated
