"""Real HIP releases from Debian's archives: download pinned packages, verify, extract.

No root is needed: apt runs with a private state directory under the cache, and
packages are unpacked with ``dpkg -x``.  Every package is pinned by version and
sha256 in ``releases.json``; a pin that the archive no longer serves fails with a
message that says so instead of silently taking another version.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from . import releases

SUITES = ("bookworm", "trixie", "sid", "experimental")
MIRROR = os.environ.get("HIP_PYTHON_DEBIAN_MIRROR", "http://deb.debian.org/debian")
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
LISTS_MAX_AGE = 24 * 3600


class FetchError(RuntimeError):
    """A pinned package could not be fetched, verified or unpacked."""


class ArchiveUnreachable(FetchError):
    """Debian's archive could not be reached (network, proxy, DNS): nothing to change in the pins."""


class PinGone(FetchError):
    """The archive answered, but no longer serves the pinned version."""


# what apt prints when it cannot talk to the archive at all, as opposed to "no such version"
_UNREACHABLE = ("Could not resolve", "Temporary failure resolving", "Failed to fetch", "Unable to connect",
                "Could not connect", "Connection refused", "Connection timed out", "Network is unreachable",
                "No route to host", "Unable to fetch", "Some index files failed to download")


_update_warnings: list = []


def _unreachable(stderr: str) -> FetchError:
    return ArchiveUnreachable(
        f"Debian's archive {MIRROR} cannot be reached ({stderr.strip().splitlines()[-1] if stderr.strip() else 'no answer'}). "
        "Check the network or proxy (http_proxy), or set HIP_PYTHON_DEBIAN_MIRROR to a reachable mirror; "
        "packages already in the cache (~/.cache/hip-python-dist) are used without the network, "
        "or build from an installed ROCm tree with --rocm-path.")


def cache_dir() -> Path:
    base = os.environ.get("HIP_PYTHON_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hip-python-dist")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def file_lock(path: Path):
    """Exclusive lock on ``path`` (created): parallel builds share one apt state and cache."""
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _apt_options(root: Path) -> list[str]:
    return [
        "-o", f"Dir={root}",
        "-o", f"Dir::State::status={root}/var/lib/dpkg/status",
        "-o", "Acquire::Check-Valid-Until=false",  # the archive may lag this machine's clock
        "-o", "Debug::NoLocking=1",
        "-o", "APT::Sandbox::User=root",
        "-qq",
    ]


def apt_root(refresh: bool = False) -> Path:
    """A private apt state that knows every suite we take releases from."""
    root = cache_dir() / "apt"
    for sub in ("etc/apt/sources.list.d", "etc/apt/preferences.d", "var/lib/apt/lists/partial",
                "var/cache/apt/archives/partial", "var/lib/dpkg"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "var/lib/dpkg/status").touch()
    keyring = f" [signed-by={KEYRING}]" if os.path.exists(KEYRING) else ""
    sources = "".join(f"deb{keyring} {MIRROR} {suite} main\n" for suite in SUITES)
    (root / "etc/apt/sources.list").write_text(sources)
    stamp = root / "updated"
    fresh = stamp.exists() and time.time() - stamp.stat().st_mtime < LISTS_MAX_AGE
    if refresh or not fresh:
        if shutil.which("apt-get") is None:
            raise FetchError("apt-get is not installed: the Debian packages cannot be fetched")
        proc = subprocess.run(["apt-get", *_apt_options(root), "update"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            if any(s in proc.stderr for s in _UNREACHABLE):
                raise _unreachable(proc.stderr)
            raise FetchError(f"apt-get update failed:\n{proc.stderr.strip()}")
        if any(s in proc.stderr for s in _UNREACHABLE):
            _update_warnings.append(proc.stderr)   # apt warns and goes on with old lists: judged if a download fails
        else:
            stamp.touch()
    return root


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(pin: dict) -> Path:
    """The .deb of a pin (``package``, ``version``, ``sha256``), from the cache or the archive.

    The one way a pinned package is fetched: the wheels' headers, the runtime the tests run
    and the runtime matrix's root filesystems all take their .debs from here, verified here."""
    debs = cache_dir() / "debs"
    debs.mkdir(exist_ok=True)
    target = debs / f"{pin['package']}_{pin['version'].replace(':', '%3a')}_amd64.deb"
    if target.exists() and sha256_file(target) == pin["sha256"]:
        return target
    with file_lock(cache_dir() / ".apt.lock"):   # one private apt state: one process (or thread) at a time
        if target.exists() and sha256_file(target) == pin["sha256"]:
            return target
        return _download(pin, debs, target)


def _served(root: Path, package: str) -> list[str]:
    """The versions of ``package`` the archive's lists (as last fetched) offer."""
    proc = subprocess.run(["apt-cache", *_apt_options(root), "madison", package], capture_output=True, text=True)
    versions = [parts[1].strip() for parts in (line.split("|") for line in proc.stdout.splitlines()) if len(parts) >= 3]
    return sorted(set(versions))


def _download(pin: dict, debs: Path, target: Path) -> Path:
    spec = f"{pin['package']}={pin['version']}"
    _update_warnings.clear()
    for attempt in (0, 1):
        root = apt_root(refresh=attempt == 1)
        with tempfile.TemporaryDirectory(dir=debs) as tmp:
            proc = subprocess.run(["apt-get", *_apt_options(root), "download", spec],
                                  cwd=tmp, capture_output=True, text=True)
            got = list(Path(tmp).glob("*.deb"))
            if proc.returncode == 0 and got:
                digest = sha256_file(got[0])
                if digest != pin["sha256"]:
                    raise FetchError(f"{spec}: sha256 {digest} does not match the pinned "
                                     f"{pin['sha256']}; refusing to use it")
                os.replace(got[0], target)
                return target
    said = proc.stderr + "".join(_update_warnings[-1:])
    if any(s in said for s in _UNREACHABLE):
        raise _unreachable(said)
    served = ", ".join(_served(root, pin["package"])) or "nothing"
    raise PinGone(
        f"{spec} is no longer served by {MIRROR} (serves: {served}; {proc.stderr.strip() or 'not found'}). "
        "The archive has moved on: pin the version it serves now in releases.json, "
        "or point the build at an installed ROCm tree with --rocm-path.")


def extract(pins: list[dict], name: str) -> Path:
    """Unpack the pinned packages into one tree (cached); returns its root (holding ``usr/``)."""
    key = hashlib.sha256("".join(sorted(p["sha256"] for p in pins)).encode()).hexdigest()[:12]
    dest = cache_dir() / "trees" / f"{name}-{key}"
    if (dest / ".complete").exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(dest.parent / ".lock"):  # one process builds a tree, the others wait for it
        if (dest / ".complete").exists():
            return dest
        return _extract(pins, dest)


def _extract(pins: list[dict], dest: Path) -> Path:
    debs = [download(p) for p in pins]
    tmp = Path(tempfile.mkdtemp(dir=dest.parent))
    try:
        for deb in debs:
            proc = subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp)], capture_output=True, text=True)
            if proc.returncode != 0:
                raise FetchError(f"dpkg-deb -x {deb.name} failed: {proc.stderr.strip()}")
        (tmp / ".complete").touch()
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def headers(release: "str | releases.Release") -> Path:
    """The ``usr`` prefix of a release's extracted headers (``usr/include/hip/...``)."""
    rel = releases.find(release)
    return extract([rel.debian["headers"]], f"headers-{rel.hip}") / "usr"


def runtime(release: "str | releases.Release") -> Path:
    """The ``usr`` prefix of a release's runtime, hiprtc and hipconfig (runs natively only on bookworm's)."""
    rel = releases.find(release)
    return extract(rel.runtime_pins(), f"runtime-{rel.hip}") / "usr"
