"""The switch from the installed hip-python to a new wheel, as one transaction per environment.

State lives in ``<site-packages>/.hip-python-select/`` (not importable; a per-user cache
directory when site-packages is not writable): ``lock`` (flock: one install at a time; pip
inherits it, so it stays held while a pip whose parent was killed is still running),
``journal.json`` (what is being switched, and the phase) and ``backup/`` (a copy of every file
the installed hip-python's RECORD lists).  The journal is removed last, so a run killed at any
point leaves enough for the next one to finish the job (:func:`recover`).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from typing import Callable, List, Optional

from .errors import InstallFailed
from .record import read_record, record_hash

STATE = ".hip-python-select"
VERIFY = ("import importlib.util, hip\n"
          "if importlib.util.find_spec('hip.hip') is not None:\n"
          "    import hip.hip\n"
          "import importlib.metadata as m\n"
          "print(m.version('hip-python'))\n")


def say_nothing(_msg: str) -> None:
    pass


def state_dir(site: str) -> str:
    d = os.path.join(site, STATE)
    try:
        os.makedirs(d, exist_ok=True)
        if os.access(d, os.W_OK):
            return d
    except OSError:
        pass
    key = hashlib.sha256(os.path.realpath(site).encode()).hexdigest()[:16]
    d = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hip-python-select", key)
    os.makedirs(d, exist_ok=True)
    return d


@contextlib.contextmanager
def locked(state: str, say: Callable[[str], None]):
    """Hold the environment's lock (waiting for another install, with a note); yields the fd."""
    import fcntl

    fd = os.open(os.path.join(state, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another install into this environment to finish ({state})")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


class Shield:
    """Defer SIGINT/SIGTERM/SIGHUP while the switch runs: noted, said once, acted on after."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self, say: Callable[[str], None]):
        self.say, self.interrupted, self.old = say, None, {}

    def _note(self, signum, _frame):
        if self.interrupted is None:
            self.say(f"{signal.Signals(signum).name}: finishing the switch safely first (the previous "
                     f"hip-python will be put back)")
        self.interrupted = signum

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for s in self.SIGNALS:
                self.old[s] = signal.signal(s, self._note)
        return self

    def __exit__(self, *exc):
        for s, h in self.old.items():
            signal.signal(s, h)
        return False


# -- what is installed ---------------------------------------------------------------------------

def dists(site: str) -> List[str]:
    """The hip-python .dist-info folders in ``site`` (more than one is a broken environment)."""
    try:
        return sorted(n for n in os.listdir(site) if n.lower().startswith("hip_python-") and n.endswith(".dist-info"))
    except OSError:
        return []


def _record(site: str, dist: str) -> List[tuple]:
    try:
        with open(os.path.join(site, dist, "RECORD"), encoding="utf-8") as f:
            return read_record(f.read())
    except (OSError, UnicodeError, ValueError):
        return []


def owned(site: str) -> List[str]:
    """Every file (relative to ``site``) the installed hip-python distributions own."""
    out: List[str] = []
    for d in dists(site):
        names = [r[0] for r in _record(site, d)]
        names += [os.path.join(d, n) for n in os.listdir(os.path.join(site, d))]
        for n in names:
            n = os.path.normpath(n)
            if n not in out and os.path.isfile(os.path.join(site, n)):
                out.append(n)
    return out


def healthy(site: str, python: str, expect_version: Optional[str] = None, timeout: float = 120.0) -> Optional[str]:
    """None when exactly one hip-python is installed, whole, and ``import hip.hip`` works; else why not."""
    from . import bounded

    ds = dists(site)
    if len(ds) != 1:
        return f"{len(ds)} hip_python .dist-info folders in {site}"
    rows = _record(site, ds[0])
    if not rows:
        return f"{ds[0]} has no readable RECORD"
    for path, algo, digest, _size in rows:
        full = os.path.normpath(os.path.join(site, path))
        if not algo:
            continue
        try:
            with open(full, "rb") as f:
                if record_hash(f.read(), algo) != digest:
                    return f"{path} does not match {ds[0]}/RECORD"
        except (OSError, ValueError) as e:
            return f"{path} of {ds[0]} is unreadable: {e}"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    try:
        r = bounded.finish(bounded.start([python, "-I", "-c", VERIFY], env, cwd="/"), timeout, deadline=False)
    except OSError as e:
        return f"cannot run {python}: {e}"
    if r.returncode != 0:
        tail = (r.stderr.strip().splitlines() or ["killed (timeout)" if r.returncode is None else "?"])[-1]
        return f"'import hip.hip' fails in {python}: {tail}"
    got = r.stdout.strip().splitlines()[-1:] or [""]
    if expect_version and got[0] != expect_version:
        return f"{python} reports hip-python {got[0]!r}, not {expect_version}"
    return None


# -- the journal and the copy ----------------------------------------------------------------

def _write_json(path: str, data: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _journal(state: str) -> Optional[dict]:
    """The journal; None when there is none; ``{}`` when it is unreadable or not what we write
    (then nothing in it can be trusted: :func:`recover` decides from the environment alone)."""
    try:
        with open(os.path.join(state, "journal.json")) as f:
            j = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    if not isinstance(j, dict) or not isinstance(j.get("backup", []), list) or \
            not all(isinstance(p, str) for p in j.get("backup", [])):
        return {}
    return j


def installed_version(site: str) -> Optional[str]:
    """The version in the one hip_python-X.dist-info name (None for none or several)."""
    ds = dists(site)
    if len(ds) != 1:
        return None
    return ds[0][len("hip_python-"):-len(".dist-info")]


def _keep(site: str, state: str) -> List[str]:
    """Copy what the installed hip-python owns into ``state/backup``; returns the relative paths."""
    backup = os.path.join(state, "backup")
    shutil.rmtree(backup, ignore_errors=True)
    os.makedirs(backup)
    files = owned(site)
    for i, rel in enumerate(files):
        shutil.copy2(os.path.join(site, rel), os.path.join(backup, str(i)))
    return files


def _tops(names) -> set:
    """Top-level names (package dirs, .dist-info folders) a list of wheel-relative paths reaches."""
    out = set()
    for n in names:
        n = os.path.normpath(n)
        head = n.split(os.sep)[0]
        if head and head not in ("..", ".", STATE) and not head.endswith(".data"):
            out.add(head)
    return out


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


# pip moves what it uninstalls aside to "~ip", "~ip_python-X.dist-info" (its AdjacentTempDirectory
# names) and deletes them when done; a pip killed mid-way leaves them, and the next pip then
# neither uninstalls nor complains: two hip-pythons in one place.  No pip runs while we hold the
# lock (pip inherits it), so any such folder is a leftover.
_PIP_STASH = re.compile(r"~[-~.=%0-9]*h?i?p(?:_python-.+\.dist-info)?")


def remove_pip_leftovers(site: str) -> List[str]:
    try:
        names = [n for n in os.listdir(site) if _PIP_STASH.fullmatch(n)]
    except OSError:
        return []
    for n in names:
        _remove(os.path.join(site, n))
    return names


def restore(site: str, state: str, j: dict) -> None:
    """Put the kept files back, after removing whatever the interrupted switch left (idempotent)."""
    files, new = j.get("backup") or [], j.get("new_files") or []
    for d in dists(site):
        for path, *_ in _record(site, d):
            p = os.path.normpath(os.path.join(site, path))
            if os.path.isfile(p) and not path.startswith(".."):
                os.unlink(p)
    for top in _tops(files) | _tops(new) | set(dists(site)):
        _remove(os.path.join(site, top))
    remove_pip_leftovers(site)
    backup = os.path.join(state, "backup")
    # package files first, the .dist-info last: a crash in between leaves no half-claimed install
    order = sorted(range(len(files)), key=lambda i: ".dist-info" in files[i].split(os.sep)[0])
    for i in order:
        dest = os.path.join(site, files[i])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(os.path.join(backup, str(i)), dest)


def _done(state: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(state, "journal.json"))
    shutil.rmtree(os.path.join(state, "backup"), ignore_errors=True)


def recover(site: str, state: str, say: Callable[[str], None], python: Optional[str] = None) -> Optional[str]:
    """Finish what a killed run left (call with the lock held); returns what was done, if anything.
    ``python``: the environment's interpreter (the journal's, when it is readable, wins)."""
    j = _journal(state)
    if j is None:
        return None
    phase = j.get("phase")
    python = j.get("python") if isinstance(j.get("python"), str) else python or sys.executable
    if not j:
        # a damaged journal names no files: restoring from it would delete what is installed and
        # put nothing back. Keep a healthy install; leave a broken one (and the copy) untouched.
        problem = healthy(site, python)
        if problem is not None:
            raise InstallFailed(f"an earlier install left a damaged journal ({state}/journal.json) and the "
                                f"hip-python in {site} is not intact ({problem}); nothing was changed. "
                                f"Reinstall it: {python} -m pip install --force-reinstall --no-deps WHEEL, "
                                f"then delete {state}")
        what = (f"an earlier install left a damaged journal; the hip-python installed "
                f"({installed_version(site) or 'none'}) is intact and was kept")
        _done(state)
        say(what)
        return what
    if phase == "keeping":
        what = "an earlier install was stopped before it changed anything; its copy was removed"
    elif phase == "switching" and healthy(site, python) is None:
        now, new, old = installed_version(site), j.get("new_version"), j.get("old_version")
        if new and now == new and now != old:
            what = f"an earlier install was stopped after the switch was complete; keeping its result ({now})"
        elif now == old:
            what = (f"an earlier install was stopped before pip changed anything; the hip-python installed "
                    f"before it ({old or 'none'}) is in place")
        else:
            what = f"an earlier install was stopped; the hip-python now installed ({now}) is intact and was kept"
    else:
        _write_json(os.path.join(state, "journal.json"), dict(j, phase="restoring"))
        restore(site, state, j)
        what = "an earlier install was stopped in the middle: the hip-python installed before it was put back"
    _done(state)
    say(what)
    return what


def switch(site: str, python: str, cmd: List[str], new_files: List[str], expect_version: Optional[str] = None,
           pip_stdout: Optional[int] = None, say: Callable[[str], None] = say_nothing) -> None:
    """Run ``cmd`` (pip/uv installing one wheel into ``site``) so that the environment ends either
    with the new hip-python verified or with the previous one.  Raises InstallFailed or
    KeyboardInterrupt (after putting the previous one back)."""
    state = state_dir(site)
    journal = os.path.join(state, "journal.json")
    with locked(state, say) as fd:
        recover(site, state, say, python)
        gone = remove_pip_leftovers(site)
        if gone:
            say(f"removed what a killed pip left in {site}: {', '.join(gone)}")
        with Shield(say) as shield:
            old = installed_version(site)
            damage = healthy(site, python) if expect_version and old == expect_version else None
            if damage is not None:
                # the same version, damaged (a file edited or truncated): pip would call it
                # "already satisfied" and change nothing; reinstall it instead
                say(f"the installed hip-python {old} is damaged ({damage}): reinstalling it")
                cmd = cmd[:-1] + ["--force-reinstall", cmd[-1]]
            base = {"pid": os.getpid(), "python": python, "site": site, "new_files": new_files,
                    "old_version": old, "new_version": expect_version}
            _write_json(journal, dict(base, phase="keeping"))
            try:
                files = _keep(site, state)
            except OSError as e:
                _done(state)
                raise InstallFailed(f"cannot keep a copy of the installed hip-python in {state} ({e}); "
                                    f"nothing was changed") from None
            j = dict(base, phase="switching", backup=files)
            _write_json(journal, j)
            if shield.interrupted:
                _done(state)
                raise KeyboardInterrupt
            try:
                # its own session: a Ctrl-C at the terminal reaches us (deferred), not pip mid-move
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=pip_stdout, start_new_session=True,
                                        pass_fds=(fd,))
                code = proc.wait()
            except OSError as e:
                _done(state)
                raise InstallFailed(f"cannot run {cmd[0]}: {e}; nothing was changed") from None
            problem = f"{' '.join(cmd[:4])} ... exited with status {code}" if code else \
                healthy(site, python, expect_version)
            if problem is None and not shield.interrupted:
                _done(state)
                return
            _write_json(journal, dict(j, phase="restoring"))
            try:
                restore(site, state, j)
            except OSError as e:
                raise InstallFailed(f"{problem or 'interrupted'}; putting the previous hip-python back failed "
                                    f"({e}): run the same install again to finish the recovery "
                                    f"(journal {journal})") from None
            _done(state)
            if problem is None:
                raise KeyboardInterrupt
            back = installed_version(site)
            if not files:
                said = "no hip-python was installed before, and none is now" if back is None else \
                    f"no hip-python was installed before, but {back} is now (remove it with pip uninstall hip-python)"
            else:
                after = healthy(site, python) if back == old else f"{back} is installed, not {old}"
                said = f"the previously installed hip-python {old} was put back" + (
                    " (verified)" if after is None else
                    f", but it does not verify ({after}): reinstall it with --force-reinstall")
            raise InstallFailed(f"{problem}; {said}")
