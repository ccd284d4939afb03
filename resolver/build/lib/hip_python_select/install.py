"""Install a chosen wheel so that no failure can lose the hip-python already installed.

The wheel is fetched first, from the exact URL the resolver chose, into a temporary
directory and checked against the index's ``#sha256=``; only then is pip (or uv) run, on
that local file with ``--no-deps``.  So an unreachable index, a failed download or a hash
mismatch happen before anything is uninstalled, and a pip failure or Ctrl-C during the
install itself is rolled back by pip.  Nothing falls back to another index.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import urllib.parse
from typing import List, Optional

from .index import Link


class FetchError(OSError):
    """The chosen wheel could not be downloaded, or its sha256 is not the index's."""


class InstallFailed(RuntimeError):
    """pip/uv exited non-zero; the previously installed hip-python is as it was."""


def fetch(link: Link, dest_dir: str, timeout: float = 60.0) -> str:
    """Copy or download ``link`` into ``dest_dir`` and verify its sha256; returns the file path."""
    dest = os.path.join(dest_dir, link.filename)
    digest = hashlib.sha256()
    try:
        if link.url.startswith("file:"):
            src = urllib.parse.unquote(urllib.parse.urlparse(link.url).path)
            with open(src, "rb") as fin, open(dest, "wb") as fout:
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


def command(wheel: str, python: str, use_uv: bool, passthrough: List[str]) -> List[str]:
    """The pip/uv command installing one local wheel file into ``python``'s environment."""
    if use_uv:
        uv = shutil.which("uv")
        if uv is None:
            raise InstallFailed("--uv was asked for (or the environment is a uv one) but 'uv' is not on PATH")
        return [uv, "pip", "install", "--python", python, "--no-deps", *passthrough, wheel]
    return [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps", *passthrough, wheel]


def install(link: Link, python: str, use_uv: bool = False, passthrough: Optional[List[str]] = None,
            timeout: float = 60.0, runner=subprocess.run) -> List[str]:
    """Fetch then install; returns the command that ran. Raises FetchError / InstallFailed."""
    with tempfile.TemporaryDirectory(prefix="hip-python-select-") as tmp:
        wheel = fetch(link, tmp, timeout)
        cmd = command(wheel, python, use_uv, list(passthrough or ()))
        try:
            proc = runner(cmd)
        except KeyboardInterrupt:
            # pip got the same SIGINT (same process group) and rolls its own transaction back
            raise
        if proc.returncode != 0:
            raise InstallFailed(f"{' '.join(cmd[:4])} ... exited with status {proc.returncode}; the previously "
                                f"installed hip-python (if any) is unchanged")
        return cmd
