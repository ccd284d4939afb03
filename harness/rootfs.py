"""Debian root filesystems holding one HIP release's real runtime, hiprtc and hipconfig.

The newer HIP runtimes in Debian need a newer glibc than a build machine may have, so each
release runs in a root filesystem of its own suite (``debootstrap`` as root, then
``chroot``), with that suite's own Python.  Provisioning is a few small steps, each timed:

1. ``base``: ``debootstrap --variant=minbase`` of the suite (experimental starts from sid),
   ``apt-get update``, then the tools every environment needs (Python with venv and headers,
   gcc).  Cached as ``rootfs/base-<suite>-<key>``.
2. the environment: a copy of the base, the release's suite added to the sources, and the
   release's pinned packages (``releases.json``: runtime, hiprtc, ``hipcc`` for
   ``hipconfig``, the headers) installed from their .debs with ``apt-get install /path.deb``.
   Cached as ``rootfs/<suite>-<key>``.

The pinned .debs are fetched the one way every pinned package is: ``hip_bindgen.debian``
(the same pins, the same cache ``~/.cache/hip-python-dist/debs``, the same sha256 check),
before anything is copied; apt inside the root only installs those files and takes their
unpinned dependencies (LLVM, libdrm ...) from the suite, as it takes the base system:
``debootstrap`` and the base tools are the suite's, not pinned HIP packages.

``key`` hashes everything that decides the contents (suite, sources, mirror, packages and
their versions, this module's format), and a stamp file (``STAMP``) is written last, so an
interrupted build or changed pins give another key: the stale tree is removed and rebuilt.
The dependencies apt downloads go to a private cache (``rootfs/debs/<suite>``, bind-mounted
over the root's apt archive directory while apt runs); ``debian``'s cache of the pinned .debs
is bind-mounted beside it (``PINNED_IN_ROOT``), so apt installs the very files checked.
``/proc`` (which the C++ ``hipconfig`` of hipcc 7.x reads) and the package cache are
mounted per command in a private mount namespace (:func:`chroot_cmd`), so they disappear with
the command even when it is killed; :func:`mounted` (try/finally) is for a shell in a root,
and nothing is ever deleted while something is still mounted below it (:func:`remove`).

Needs root, ``debootstrap`` and network access to Debian's archive.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator, NamedTuple, Optional

from hip_bindgen import debian, releases

FORMAT = 1         # of the base trees
ENV_FORMAT = 2     # of the environments: 2 = the pinned .debs come from hip_bindgen.debian
STAMP = ".hip-python-rootfs.json"
# experimental holds only the newer packages: its root filesystem is sid plus experimental
BOOTSTRAP_SUITE = {"experimental": "sid"}
SOURCES = {"experimental": ("sid", "experimental")}
TARGET_RELEASE = {"experimental": "experimental"}   # apt-get -t, so dependencies come from there too
BASE_INCLUDE = ("python3", "python3-venv", "ca-certificates")
BASE_TOOLS = ("python3-dev", "gcc", "libc6-dev")      # for wheels built inside (Pythons the host lacks)
APT = ("apt-get", "-o", "Acquire::Check-Valid-Until=false",  # the archive may lag this machine's clock
       "-o", "Acquire::Retries=3", "-o", "Dpkg::Use-Pty=0", "-q")
DEBS_IN_ROOT = "/var/cache/hip-python-debs"
PINNED_IN_ROOT = "/var/cache/hip-python-pinned"     # debian.py's cache of the pinned .debs, while apt runs
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class RootfsError(RuntimeError):
    """A root filesystem could not be provisioned (the message says which step and why)."""


class Rootfs(NamedTuple):
    """A ready root filesystem."""
    release: str            # HIP version, 5.7.31921
    suite: str              # the release's Debian suite
    path: Path
    stamp: dict             # what was installed (see STAMP)
    reused: bool            # True: taken from the cache as it was
    timings: dict           # step -> seconds, for this call


def _log(msg: str) -> None:
    print(f"rootfs: {msg}", flush=True)


@contextlib.contextmanager
def _timed(timings: dict, name: str, label: str) -> Iterator[None]:
    t = time.perf_counter()
    _log(f"[{label}] {name} ...")
    try:
        yield
    finally:
        timings[name] = round(timings.get(name, 0) + time.perf_counter() - t, 1)
        _log(f"[{label}] {name}: {timings[name]:.1f}s")


def root_dir() -> Path:
    path = debian.cache_dir() / "rootfs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_root() -> None:
    if os.geteuid() != 0:
        raise RootfsError("root filesystems need root (debootstrap, chroot, mount); run as root")
    for tool in ("debootstrap", "chroot", "mount", "umount", "unshare"):
        if shutil.which(tool) is None:
            raise RootfsError(f"'{tool}' is not installed (apt-get install debootstrap)")


# -- what goes into an environment (pure) ---------------------------------------------------

def pins(release: str) -> list[dict]:
    """The pinned packages of a release: headers, hipcc (hipconfig), runtime and hiprtc."""
    return releases.find(release).runtime_pins()


def _key(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]


def base_spec(suite: str) -> dict:
    boot = BOOTSTRAP_SUITE.get(suite, suite)
    return {"format": FORMAT, "kind": "base", "suite": boot, "mirror": debian.MIRROR,
            "include": list(BASE_INCLUDE), "tools": list(BASE_TOOLS)}


def env_spec(release: str) -> dict:
    rel = releases.find(release)
    suite = rel.suite
    return {"format": ENV_FORMAT, "kind": "env", "release": rel.hip, "suite": suite,
            "base": _key(base_spec(suite)), "sources": list(SOURCES.get(suite, (suite,))),
            "target": TARGET_RELEASE.get(suite),
            "packages": {p["package"]: p["version"] for p in pins(release)},
            "sha256": {p["package"]: p["sha256"] for p in pins(release)}}


def base_path(suite: str) -> Path:
    spec = base_spec(suite)
    return root_dir() / f"base-{spec['suite']}-{_key(spec)}"


def env_path(release: str) -> Path:
    spec = env_spec(release)
    return root_dir() / f"{spec['suite']}-{_key(spec)}"


# -- mounts --------------------------------------------------------------------------------

def mounts_under(path: Path) -> list[str]:
    """Mount points at or below ``path``, deepest first."""
    real = os.path.realpath(path)
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4].replace("\\040", " ")
            if point == real or point.startswith(real + "/"):
                found.append(point)
    return sorted(set(found), key=len, reverse=True)


def is_mount(path: Path) -> bool:
    """A mount point, bind mounts within one file system included (``os.path.ismount`` misses those)."""
    return os.path.realpath(path) in mounts_under(path)


def _umount(point: str) -> None:
    if subprocess.run(["umount", point], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", point], capture_output=True)  # busy: detach now, free later


@contextlib.contextmanager
def mounted(root: Path, binds: Optional[dict] = None) -> Iterator[Path]:
    """``/proc`` (and ``binds``: host dir -> path in the root) mounted in ``root`` meanwhile.

    For a shell or a debugger in a root filesystem; commands run with :func:`run` or
    :func:`chroot_cmd` mount their own in a private namespace instead."""
    done = []
    try:
        proc = root / "proc"
        proc.mkdir(exist_ok=True)
        if not is_mount(proc):
            subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True, capture_output=True)
            done.append(str(proc))
        for host, inside in (binds or {}).items():
            target = root / inside.lstrip("/")
            target.mkdir(parents=True, exist_ok=True)
            if not is_mount(target):
                subprocess.run(["mount", "--bind", str(host), str(target)], check=True, capture_output=True)
                done.append(str(target))
        yield root
    finally:
        for point in reversed(done):
            _umount(point)


def remove(path: Path) -> None:
    """Delete a root filesystem, after unmounting whatever is still mounted below it."""
    if not path.exists():
        return
    for point in mounts_under(path):
        _umount(point)
    left = mounts_under(path)
    if left:
        raise RootfsError(f"refusing to delete {path}: still mounted below it: {', '.join(left)}")
    shutil.rmtree(path)


def _locked(name: str):
    return debian.file_lock(root_dir() / f".{name}.lock")


# -- running things inside -----------------------------------------------------------------

class Overlay(NamedTuple):
    """A writable layer over a cached root: what commands change lands in ``upper`` only, the
    root stays as cached (``work`` is overlayfs' scratch, ``merged`` the empty mount point)."""
    upper: Path
    work: Path
    merged: Path

    @classmethod
    def at(cls, path: Path) -> "Overlay":
        for sub in ("upper", "work", "merged"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        return cls(path / "upper", path / "work", path / "merged")


def chroot_cmd(root: Path, argv: list[str], env: Optional[dict] = None, binds: Optional[dict] = None,
               overlay: Optional[Overlay] = None) -> list[str]:
    """The command line that runs ``argv`` in ``root`` with a clean environment and its own ``/proc``.

    Each command gets a private mount namespace (``unshare --mount``): ``/proc`` and ``binds``
    (host dir -> path in the root) are mounted there only, so they vanish with the command,
    even when it is killed, and concurrent runs never unmount each other's ``/proc``.
    With ``overlay``, ``root`` is its lower layer, mounted the same way per command (one
    command at a time per overlay: overlayfs refuses an upper layer that is in use)."""
    base = {"PATH": PATH, "LANG": "C.UTF-8", "HOME": "/root", "DEBIAN_FRONTEND": "noninteractive"}
    base.update(env or {})
    mounts = []
    if overlay:
        o = overlay
        mounts.append("mount -t overlay overlay -o " + shlex.quote(
            f"lowerdir={root},upperdir={o.upper},workdir={o.work}") + f" {shlex.quote(str(o.merged))}")
        root = o.merged
    r = shlex.quote(str(root))
    mounts.append(f"mount -t proc proc {r}/proc")
    for host, inside in (binds or {}).items():
        mounts.append(f"mount --bind {shlex.quote(str(host))} {r}/{shlex.quote(inside.lstrip('/'))}")
    variables = " ".join(shlex.quote(f"{k}={v}") for k, v in base.items())
    script = f"set -e; {'; '.join(mounts)}; exec chroot {r} /usr/bin/env -i {variables} \"$@\""
    return ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", *argv]


def run(root: Path, argv: list[str], what: str, env: Optional[dict] = None,
        timeout: Optional[float] = None, binds: Optional[dict] = None,
        overlay: Optional[Overlay] = None) -> subprocess.CompletedProcess:
    """Run ``argv`` in ``root``; a failure raises :class:`RootfsError` naming ``what``."""
    proc = subprocess.run(chroot_cmd(root, argv, env, binds, overlay), capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RootfsError(f"{what} failed in {root} (exit {proc.returncode}):\n"
                          f"{(proc.stdout[-3000:] + proc.stderr[-3000:]).strip()}")
    return proc


def copy_resolv_conf(root: Path) -> None:
    """Name resolution for apt and pip inside (the host's, copied, never linked)."""
    target = root / "etc" / "resolv.conf"
    if target.is_symlink():
        target.unlink()
    try:
        shutil.copyfile("/etc/resolv.conf", target)
    except OSError:
        pass


def python_version(root: Path) -> str:
    """'X.Y' of the root's python3."""
    out = run(root, ["python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], "python3 --version")
    return out.stdout.strip()


def installed(root: Path) -> dict:
    """package -> version of every installed package, read from the root's dpkg status."""
    found, pkg, ver, ok = {}, None, None, False
    status = root / "var/lib/dpkg/status"
    if not status.exists():
        return found
    for line in status.read_text(errors="replace").splitlines() + [""]:
        if not line:
            if pkg and ver and ok:
                found[pkg] = ver
            pkg, ver, ok = None, None, False
        elif line.startswith("Package: "):
            pkg = line[9:].strip()
        elif line.startswith("Version: "):
            ver = line[9:].strip()
        elif line.startswith("Status: "):
            ok = line.endswith(" installed")
    return found


def _write_sources(root: Path, suites) -> None:
    signed = f" [signed-by={debian.KEYRING}]" if (root / debian.KEYRING.lstrip("/")).exists() else ""
    (root / "etc/apt/sources.list").write_text("".join(f"deb{signed} {debian.MIRROR} {s} main\n" for s in suites))
    for extra in (root / "etc/apt/sources.list.d").glob("*"):
        extra.unlink()


def debs_dir(name: str) -> Path:
    """The private cache of the .debs apt downloads for one root filesystem kind (kept across rebuilds)."""
    return root_dir() / "debs" / name


def _apt_install(root: Path, packages: list[str], what: str, cache: str, target: Optional[str] = None,
                 binds: Optional[dict] = None, overlay: Optional[Overlay] = None, options: tuple = ()) -> None:
    debs = debs_dir(cache)
    (debs / "partial").mkdir(parents=True, exist_ok=True)
    argv = [*APT, "-o", f"Dir::Cache::Archives={DEBS_IN_ROOT}/", *options, "install", "-y", "--no-install-recommends"]
    if target:
        argv += ["-t", target]
    binds = {str(debs): DEBS_IN_ROOT, **(binds or {})}
    for inside in binds.values():   # mount points: in the upper layer when there is one
        ((overlay.upper if overlay else root) / inside.lstrip("/")).mkdir(parents=True, exist_ok=True)
    run(root, argv + packages, what, binds=binds, overlay=overlay)


def fetch(release: str) -> dict:
    """{package: .deb} of the release's pins, fetched and verified by ``hip_bindgen.debian``
    (its cache, its sha256 check; a pin the archive dropped raises ``debian.PinGone``)."""
    return {p["package"]: debian.download(p) for p in pins(release)}


def _check_pins(root: Path, spec: dict) -> dict:
    """The pinned packages are installed at their pinned versions."""
    have = installed(root)
    wrong = [f"{p}: {have.get(p, 'not installed')} (pinned {v})" for p, v in spec["packages"].items() if have.get(p) != v]
    if wrong:
        raise RootfsError(f"HIP {spec['release']}: apt did not install the pinned versions: {'; '.join(wrong)}")
    return {p: have[p] for p in spec["packages"]}


def _stamp_ok(path: Path, spec: dict) -> Optional[dict]:
    """The stamp of a complete tree built from ``spec`` whose pinned packages are still installed."""
    try:
        stamp = json.loads((path / STAMP).read_text())
    except (OSError, ValueError):
        return None
    if stamp.get("spec") != spec:
        return None
    have = installed(path)
    if spec["kind"] == "env" and any(have.get(p) != v for p, v in spec["packages"].items()):
        return None
    return stamp


def _stale(prefix: str, keep: Path) -> list[Path]:
    return [p for p in root_dir().glob(f"{prefix}-*") if p.is_dir() and p != keep]


@contextlib.contextmanager
def _fresh(path: Path, stale_prefix: str, timings: dict, label: str) -> Iterator[Path]:
    """A new tree for ``path``, built in ``path.partial`` and moved into place only when the
    block completes; older trees of ``stale_prefix`` and any half-built one go first."""
    for old in _stale(stale_prefix, path):
        with _timed(timings, "remove stale", f"{label} {old.name}"):
            remove(old)
    remove(path)
    tmp = path.with_name(path.name + ".partial")
    remove(tmp)
    try:
        yield tmp
        os.rename(tmp, path)
    finally:
        remove(tmp)


def _write_stamp(tree: Path, spec: dict, timings: dict, **extra) -> dict:
    stamp = {"spec": spec, **extra, "python": python_version(tree),
             "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "timings": dict(timings)}
    (tree / STAMP).write_text(json.dumps(stamp, indent=1) + "\n")
    return stamp


# -- the steps -----------------------------------------------------------------------------

def provision_base(suite: str, timings: Optional[dict] = None) -> tuple[Path, bool]:
    """The cached base root filesystem of ``suite`` (built if missing or stale); (path, reused)."""
    require_root()
    timings = {} if timings is None else timings
    spec = base_spec(suite)
    path = base_path(suite)
    label = f"base {spec['suite']}"
    with _locked(path.name):
        if _stamp_ok(path, spec):
            return path, True
        with _fresh(path, f"base-{spec['suite']}", timings, label) as tmp:
            with _timed(timings, "debootstrap", label):
                proc = subprocess.run(["debootstrap", "--variant=minbase", f"--include={','.join(BASE_INCLUDE)}",
                                       spec["suite"], str(tmp), debian.MIRROR], capture_output=True, text=True)
                if proc.returncode != 0:
                    raise RootfsError(f"debootstrap {spec['suite']} failed:\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}")
            copy_resolv_conf(tmp)
            _write_sources(tmp, [spec["suite"]])
            with _timed(timings, "base apt-get update", label):
                run(tmp, [*APT, "update"], "apt-get update")
            with _timed(timings, "base install tools", label):
                _apt_install(tmp, list(BASE_TOOLS), f"installing {' '.join(BASE_TOOLS)}", f"base-{spec['suite']}")
            run(tmp, ["apt-get", "clean"], "apt-get clean")
            _write_stamp(tmp, spec, timings)
    return path, False


def provision(release: str, log: Callable[[str], None] = _log) -> Rootfs:
    """The root filesystem of ``release`` with its pinned runtime, hiprtc and hipconfig.

    Reused when its stamp matches the pins; otherwise rebuilt from the (cached) base."""
    require_root()
    rel = releases.find(release)
    spec = env_spec(release)
    path = env_path(release)
    label = f"{spec['suite']} HIP {rel.hip}"
    timings: dict = {}
    with _locked(path.name):
        stamp = _stamp_ok(path, spec)
        if stamp:
            log(f"[{label}] cached: {path}")
            return Rootfs(rel.hip, spec["suite"], path, stamp, True, timings)
        with _timed(timings, "fetch pinned .debs", label):
            try:
                debs = fetch(release)
            except debian.FetchError as e:
                raise RootfsError(f"HIP {rel.hip}: {e}") from e
        base, _ = provision_base(spec["suite"], timings)
        with _fresh(path, spec["suite"], timings, label) as tmp:
            with _timed(timings, "copy base", label):
                subprocess.run(["cp", "-a", "--reflink=auto", str(base), str(tmp)], check=True)
                (tmp / STAMP).unlink()
            copy_resolv_conf(tmp)
            _write_sources(tmp, spec["sources"])
            with _timed(timings, "apt-get update", label):
                run(tmp, [*APT, "update"], "apt-get update")
            with _timed(timings, "install runtime", label):
                local = [f"{PINNED_IN_ROOT}/{deb.name}" for deb in debs.values()]
                _apt_install(tmp, local, f"installing {' '.join(d.name for d in debs.values())}", spec["suite"],
                             spec["target"], binds={str(debian.cache_dir() / "debs"): PINNED_IN_ROOT})
            versions = _check_pins(tmp, spec)
            run(tmp, ["apt-get", "clean"], "apt-get clean")
            stamp = _write_stamp(tmp, spec, timings, installed=versions,
                                 fetched={p: deb.name for p, deb in debs.items()})
    log(f"[{label}] ready in {sum(v for k, v in timings.items()):.1f}s: {path}")
    return Rootfs(rel.hip, spec["suite"], path, stamp, False, timings)


def remove_all() -> list:
    """Delete every cached root filesystem (``./dev clean --cache``), unmounting first; returns what went."""
    base = debian.cache_dir() / "rootfs"
    gone = [p for p in sorted(base.iterdir()) if p.is_dir() and p.name != "debs"] if base.exists() else []
    for path in gone:
        remove(path)
    return gone


if __name__ == "__main__":
    if sys.argv[1:] != ["--remove-all"]:
        sys.exit("usage: rootfs.py --remove-all   (what ./dev clean --cache runs)")
    try:
        for p in remove_all():
            print(f"rootfs: removed {p}")
    except RootfsError as e:
        sys.exit(f"rootfs: {e}")
