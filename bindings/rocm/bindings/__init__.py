"""AMD's HIP Python 10.x layout over this wheel: ``from rocm.bindings import hip, hiprtc, hipblas``.

Each ``rocm.bindings.<m>`` is this wheel's ``hip.<m>``, the same module object (``rocm.bindings.hip
is hip.hip``, so ``rocm.bindings.hip.hipMalloc is hip.hip.hipMalloc``): one implementation, two
import paths, nothing wrapped.  The ROCm library modules are the ones this wheel's release has
(``hip._libraries``); importing one it has no build of is the ImportError ``from hip import <lib>``
raises, naming the ones it has.  The cimport API is ``from rocm.bindings cimport cyhip, cyhiprtc,
cyhip<lib>`` (the declarations of ``hip.chip`` ...), the version facts are ``rocm.version``.

This package is a regular one (it has this ``__init__``), unlike AMD's PEP 420 namespace: the
check below is why.  AMD's ``rocm-bindings-*`` distributions put their compiled modules in this
same directory, and pip lets two distributions overwrite each other's files without a word; a
compiled ``hip.cpython-*.so`` there is found before this wheel's ``hip.py``, so ``rocm.bindings.hip``
would silently be AMD's build for another ROCm.  This wheel ships no compiled module here, so any
one found is another distribution's: the import warns, naming both and the fix.
"""
import os as _os

import _imp


class RocmBindingsConflictWarning(UserWarning):
    """``rocm/bindings/`` holds files of another distribution (AMD's ``rocm-bindings-*``) too."""


def _foreign_modules(dirs) -> list:
    """Compiled modules in ``dirs``: none is this wheel's (its ``rocm.bindings`` is pure Python)."""
    suffixes = tuple(_imp.extension_suffixes())
    found = []
    for d in dirs:
        for sub in ("", "util"):
            try:
                names = _os.listdir(_os.path.join(d, sub))
            except OSError:
                continue
            found += sorted(_os.path.join(sub, n) for n in names if n.endswith(suffixes))
    return found


def _owners(paths) -> list:
    """``name version`` of each installed distribution whose RECORD lists one of ``paths``."""
    import importlib.metadata
    wanted = {"rocm/bindings/" + p.replace(_os.sep, "/") for p in paths}
    owners = set()
    for dist in importlib.metadata.distributions():
        if any(str(f) in wanted for f in dist.files or ()):
            owners.add(f"{dist.metadata['Name']} {dist.version}")
    return sorted(owners)


def _check_conflict() -> None:
    foreign = _foreign_modules(__path__)
    if not foreign:
        return
    import warnings

    import hip
    owners = _owners(foreign) or ["an unknown distribution"]
    warnings.warn(
        f"{__path__[0]} holds compiled modules of {', '.join(owners)} ({', '.join(foreign[:4])}"
        f"{' ...' if len(foreign) > 4 else ''}) beside hip-python {hip.__version__} (HIP "
        f"{hip.HIP_VERSION_STRING}), which provides rocm.bindings too. pip let the two overwrite each "
        f"other's files, and the compiled modules are found first: rocm.bindings.hip & co. may be the "
        f"other distribution's build for another ROCm release. Keep one of them: pip uninstall "
        f"{' '.join(o.split()[0] for o in owners if ' ' in o) or 'rocm-bindings-hip rocm-bindings-core'}, "
        f"then pip install --force-reinstall hip-python=={hip.__version__} (or give each its own venv).",
        RocmBindingsConflictWarning, stacklevel=3)


_check_conflict()
