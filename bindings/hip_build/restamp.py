"""Give a built ``hip-python`` wheel another version without compiling it again.

A wheel's version counts commits (``gitversion``), so every commit would rebuild every wheel
although nothing compiled depends on it: the version lives only in ``hip/_version.py``, in the
``.dist-info`` directory's name, in ``METADATA`` (``Version:`` and the description's title) and
in ``RECORD``'s rows for those.  ``matrix.build_one`` keys its cache on what does shape the
compiled bytes and, when only the version differs, calls :func:`restamp`: it copies the wheel
entry by entry in the same order with the same zip attributes (auditwheel's ``dir2zip``
layout), rewrites those four places and RECORD, and so gives the very bytes a fresh build of
that version gives (``tests/build/test_index.py`` builds both and compares).

Anything else carrying the old version means the wheel's shape changed under this module:
:class:`RestampError`, and the caller builds from scratch.
"""
from __future__ import annotations

import base64
import copy
import csv
import hashlib
import io
import os
import zipfile
from pathlib import Path

from packaging.utils import parse_wheel_filename
from packaging.version import Version


class RestampError(RuntimeError):
    """The wheel does not have the shape this module knows how to restamp."""


def normalized(version: str) -> str:
    """``version`` as setuptools writes it into a wheel's name and METADATA."""
    return str(Version(version))


def version_of(wheel: Path) -> str:
    """The version in the wheel's file name (normalized, as its METADATA has it)."""
    return str(parse_wheel_filename(wheel.name)[1])


def _replace_line(text: str, old: str, new: str, where: str) -> str:
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if line == old]
    if len(hits) != 1:
        raise RestampError(f"{where}: expected one line {old!r}, found {len(hits)}")
    lines[hits[0]] = new
    return "\n".join(lines)


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def restamp(wheel: Path, version: str, out_dir: Path) -> Path:
    """A copy of ``wheel`` in ``out_dir`` whose version is ``version`` (as ``_version.py`` gets
    it, e.g. ``5.2.21153.412.dev3``); the file name, METADATA and RECORD carry it normalized, as
    setuptools writes them.  Raises :class:`RestampError` when the wheel has another shape."""
    old = version_of(wheel)
    new = normalized(version)
    dist = wheel.name.split("-", 1)[0]
    old_info, new_info = f"{dist}-{old}.dist-info/", f"{dist}-{new}.dist-info/"
    target = out_dir / wheel.name.replace(f"{dist}-{old}-", f"{dist}-{new}-", 1)
    with zipfile.ZipFile(wheel) as zin:
        infos = zin.infolist()
        version_py = False
        entries = []   # (ZipInfo with its new name, bytes), in the wheel's order
        for info in infos:
            data = zin.read(info)
            name = info.filename
            if name.startswith(old_info):
                name = new_info + name[len(old_info):]
            if name == "hip/_version.py":
                version_py = True
                text = data.decode()
                line = next((ln for ln in text.split("\n") if ln.startswith("__version__ = ")), None)
                if line is None:
                    raise RestampError(f"{wheel.name}: hip/_version.py sets no __version__")
                data = _replace_line(text, line, f'__version__ = "{version}"', name).encode()
            elif name == new_info + "METADATA":
                text = _replace_line(data.decode(), f"Version: {old}", f"Version: {new}", name)
                data = _replace_line(text, f"# hip-python {old}", f"# hip-python {new}", name).encode()
            elif name != new_info + "RECORD" and old.encode() in data:
                raise RestampError(f"{wheel.name}: {info.filename} carries the version {old}")
            moved = copy.copy(info)
            moved.filename = name
            entries.append((moved, data))
        if not version_py or entries[-1][0].filename != new_info + "RECORD":
            raise RestampError(f"{wheel.name}: no hip/_version.py, or RECORD is not the last entry")
        # RECORD: the same rows in the same order (auditwheel's walk), renamed and re-hashed
        data_by_name = {i.filename: d for i, d in entries}
        rows = list(csv.reader(io.StringIO(entries[-1][1].decode())))
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        for row in rows:
            path = row[0]
            if path.startswith(old_info):
                path = new_info + path[len(old_info):]
            if path == new_info + "RECORD":
                writer.writerow((path, "", ""))
            elif path in data_by_name:
                d = data_by_name[path]
                writer.writerow((path, _record_hash(d), str(len(d))))
            else:
                raise RestampError(f"{wheel.name}: RECORD names {row[0]}, which the wheel lacks")
        entries[-1] = (entries[-1][0], buf.getvalue().encode())
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{target.name}.{os.getpid()}.tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            zout.writestr(info, data)
    os.replace(tmp, target)
    return target
