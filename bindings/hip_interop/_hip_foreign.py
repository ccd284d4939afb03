"""Refuse to run beside another distribution's files of the same import name (shipped, one copy per
package of hip-python-interop: ``cuda/bindings/``, ``pynvml/``, ``nvtx/``).

Each import name this wheel installs is also NVIDIA's: ``cuda.bindings`` (cuda-python/
cuda-bindings), ``pynvml`` (nvidia-ml-py's ``pynvml.py``, or the older ``pynvml`` package), ``nvtx``.
pip lets two distributions write the same directory without a word: modules of one shadow the
other's (a package directory wins over a ``.py`` of the same name, an extension module over a
``.py``), and uninstalling either deletes files the other needs. So a package of ours that finds
files it did not install where it lives (or a same-named module beside it) raises ImportError
naming their distribution and the way out, instead of running half one and half the other.
"""
import os


def foreign_files(here: str, ours: set, beside: tuple) -> list:
    """Entries of ``here`` not named in ``ours``, and those of its parent directory (but ``here``
    and ``ours``) whose stem, the name before the first dot, is in ``beside``."""
    found = []
    parent = os.path.dirname(here)
    for d, judged in ((here, lambda n: n not in ours),
                      (parent, lambda n: n.split(".")[0] in beside and n not in ours and os.path.join(parent, n) != here)):
        try:
            names = os.listdir(d)
        except OSError:
            continue
        found += [os.path.join(d, n) for n in names if judged(n)]
    return sorted(found)


def owners(paths: list) -> list:
    """The distributions that installed ``paths`` (only asked when there is a conflict: slow)."""
    from importlib import metadata
    wanted, out = {os.path.realpath(p) for p in paths}, set()
    for dist in metadata.distributions():
        for f in dist.files or ():
            if os.path.realpath(str(dist.locate_file(f))) in wanted:
                out.add(f"{dist.metadata['Name']} {dist.version}")
                break
    return sorted(out)


def refuse(here: str, ours: set, beside: tuple, package: str, role: str, theirs: str) -> None:
    """ImportError when :func:`foreign_files` finds any (``theirs``: the distributions to uninstall)."""
    foreign = foreign_files(here, ours, beside)
    if foreign:
        who = ", ".join(owners(foreign)) or "another distribution"
        raise ImportError(
            f"the {package} package here mixes hip-python-interop ({role}) with {who}: "
            f"{', '.join(foreign[:4])}{' ...' if len(foreign) > 4 else ''}. Each would shadow parts "
            f"of the other. Use one per environment: `pip uninstall {theirs}` for HIP, "
            "or `pip uninstall hip-python-interop` for NVIDIA's, or separate virtual environments.")
