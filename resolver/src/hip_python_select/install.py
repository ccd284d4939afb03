"""Install a chosen wheel so that no failure or interruption loses the hip-python already installed.

1. The wheel is fetched from the exact URL the resolver chose into a temporary directory (named
   with our pid, so one left behind by a SIGKILL is removed by the next run), checked against the
   index's ``#sha256=`` and then against its own ``RECORD`` (every file's hash and size: a wheel
   corrupted before the index hashed it is refused).  Nothing in the environment has changed yet.
2. The switch (``txn.py``) holds a lock on the target environment (a second install waits), keeps
   a copy of the installed hip-python's files and writes a journal, then runs pip (or uv) on the
   local file with ``--no-deps`` in its own session: a Ctrl-C (or SIGTERM) to us is deferred, not
   passed on, because pip rolls back only on an exception and a signal in the middle of its file
   moves can leave module files without ``.dist-info``.  pip's output goes to stderr with ``--json``.
3. The result is verified (one ``hip_python-*.dist-info``, every file of its RECORD present and
   intact, ``import hip.hip`` in the target); if pip failed, the check failed or the user
   interrupted, the kept files are put back.  A run killed outright (SIGKILL, power) leaves the
   journal: the next install into that environment finds it and finishes the job (keeps a healthy
   result, else restores the copy).  Nothing falls back to another index.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import urllib.parse
import zipfile
from typing import List, Optional

from .errors import FetchError, InstallFailed
from .index import Link
from .record import read_record, record_hash

TMP_PREFIX = "hip-python-select-dl-"


def fetch(link: Link, dest_dir: str, timeout: float = 60.0) -> str:
    """Copy or download ``link`` into ``dest_dir`` and verify its sha256; returns the file path."""
    from . import safefile

    name = os.path.basename(link.filename)
    if not name or name != link.filename:
        raise FetchError(f"{link.filename!r} is not a file name; refusing to write it")
    dest = os.path.join(dest_dir, name)
    digest = hashlib.sha256()
    try:
        if link.url.startswith("file:"):
            src = urllib.parse.unquote(urllib.parse.urlparse(link.url).path)
            with safefile.open_regular(src) as fin, open(dest, "wb") as fout:
                for block in iter(lambda: fin.read(1 << 20), b""):
                    digest.update(block)
                    fout.write(block)
        else:
            from urllib.request import urlopen

            with urlopen(link.url, timeout=timeout) as resp, open(dest, "wb") as fout:  # noqa: S310
                for block in iter(lambda: resp.read(1 << 20), b""):
                    digest.update(block)
                    fout.write(block)
    except Exception as e:  # any failure to get the bytes is a fetch failure
        raise FetchError(f"cannot download {link.url}: {e}") from None
    if link.sha256 and digest.hexdigest() != link.sha256.lower():
        raise FetchError(f"{link.filename}: sha256 {digest.hexdigest()} does not match the index's "
                         f"{link.sha256}; refusing to install it (nothing was changed)")
    return dest


def verify_record(wheel: str) -> List[str]:
    """The member names of ``wheel`` once every one is checked against the wheel's own RECORD.

    Raises FetchError naming the first file whose hash or size is not RECORD's, a member RECORD
    does not list, a listed file that is missing, an unsafe path, or a zip that does not read."""
    name = os.path.basename(wheel)
    try:
        with zipfile.ZipFile(wheel) as z:
            members = [i for i in z.infolist() if not i.is_dir()]
            names = [i.filename for i in members]
            records = [n for n in names if re.fullmatch(r"[^/]+\.dist-info/RECORD", n)]
            if len(records) != 1:
                raise FetchError(f"{name}: {len(records)} .dist-info/RECORD files, expected one")
            rows = {r[0]: r for r in read_record(z.read(records[0]).decode("utf-8"))}
            for info in members:
                n = info.filename
                if n.startswith("/") or ".." in n.split("/") or "\\" in n:
                    raise FetchError(f"{name}: unsafe path {n!r} in the wheel")
                if n == records[0] or n.endswith((".dist-info/RECORD.jws", ".dist-info/RECORD.p7s")):
                    continue
                row = rows.get(n)
                if row is None or not row[1]:
                    raise FetchError(f"{name}: {n} is not listed (with a hash) in the wheel's RECORD")
                algo, digest, size = row[1:]
                if algo not in ("sha256", "sha384", "sha512"):
                    raise FetchError(f"{name}: {n} has a {algo!r} hash in RECORD; only sha256 or stronger is trusted")
                data = z.read(info)   # also checks the zip's CRC
                if record_hash(data, algo) != digest or (size and size != str(len(data))):
                    raise FetchError(f"{name}: {n} does not match the wheel's RECORD (corrupted); refusing "
                                     f"to install it (nothing was changed)")
            listed = set(rows) - {records[0]}
            missing = sorted(p for p in listed if p not in set(names))
            if missing:
                raise FetchError(f"{name}: {missing[0]} is in RECORD but not in the wheel (truncated?)")
            return names
    except FetchError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, UnicodeError,
            NotImplementedError, RuntimeError) as e:   # zlib.error is an Exception, caught below
        raise FetchError(f"{name} is not a readable wheel ({type(e).__name__}: {e}); nothing was changed") from None
    except Exception as e:  # noqa: BLE001 - zlib.error and friends: a corrupted archive
        raise FetchError(f"{name} is not a readable wheel ({type(e).__name__}: {e}); nothing was changed") from None


def command(wheel: str, python: str, use_uv: bool, passthrough: List[str]) -> List[str]:
    """The pip/uv command installing one local wheel file into ``python``'s environment."""
    if use_uv:
        uv = shutil.which("uv")
        if uv is None:
            raise InstallFailed("--uv was asked for (or the environment is a uv one) but 'uv' is not on PATH")
        return [uv, "pip", "install", "--python", python, "--no-deps", *passthrough, wheel]
    return [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps", *passthrough, wheel]


def clean_stale_downloads(tmpdir: Optional[str] = None) -> List[str]:
    """Remove the download directories of runs that are gone (SIGKILL); returns what was removed."""
    tmpdir = tmpdir or tempfile.gettempdir()
    removed = []
    try:
        entries = list(os.scandir(tmpdir))
    except OSError:
        return removed
    for e in entries:
        m = re.fullmatch(re.escape(TMP_PREFIX) + r"(\d+)-.*", e.name)
        if not m or not e.is_dir(follow_symlinks=False):
            continue
        try:
            if e.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            os.kill(int(m.group(1)), 0)
            continue          # its run is still going
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError, OSError):
            continue
        shutil.rmtree(e.path, ignore_errors=True)
        removed.append(e.path)
    return removed


def install(link: Link, python: str, site: str, use_uv: bool = False, passthrough: Optional[List[str]] = None,
            timeout: float = 60.0, pip_stdout: Optional[int] = None, say=None,
            expect_version: Optional[str] = None) -> List[str]:
    """Fetch, verify, then switch under the environment's lock (see the module docstring).

    ``site`` is the target's site-packages; returns the command that ran.  Raises FetchError
    (nothing changed), InstallFailed (the previous hip-python is back) or KeyboardInterrupt
    (interrupted: the previous hip-python is back)."""
    from . import txn

    clean_stale_downloads()
    tmp = tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-")
    try:
        wheel = fetch(link, tmp, timeout)
        names = verify_record(wheel)
        cmd = command(wheel, python, use_uv, list(passthrough or ()))
        txn.switch(site, python, cmd, names, expect_version, pip_stdout, say or txn.say_nothing)
        return cmd
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
