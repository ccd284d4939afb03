"""Child processes that cannot hang the resolver, and one deadline for the whole command.

A child (hipconfig, the runtime probe, a ``--python`` interpreter) runs in its own session
with its output going to temporary files, not pipes: a grandchild left holding stdout (a
hipconfig that starts a daemon) then cannot keep us reading, and on expiry the whole process
group is killed and we return at once, whatever survives.  ``--timeout`` sets a deadline
(:func:`set_deadline`) that every run shares, so it bounds the whole command, not each child.
"""
from __future__ import annotations

import math
import os
import signal
import subprocess
import tempfile
import time
from typing import List, Mapping, NamedTuple, Optional

_deadline: Optional[float] = None   # time.monotonic() after which no child gets more time


def set_deadline(seconds: Optional[float]) -> None:
    """Every later :func:`run` ends by ``seconds`` from now (None: each run keeps its own timeout)."""
    global _deadline
    _deadline = None if seconds is None else time.monotonic() + seconds


def budget(timeout: float, deadline: bool = True) -> float:
    """``timeout``, cut to what is left before the command's deadline (never negative)."""
    left = timeout if _deadline is None or not deadline else min(timeout, _deadline - time.monotonic())
    return max(0.0, left) if math.isfinite(left) else 0.0


class Run(NamedTuple):
    returncode: Optional[int]           # None: killed after the timeout
    stdout: str
    stderr: str


class Started(NamedTuple):
    proc: subprocess.Popen
    out: "tempfile._TemporaryFileWrapper"
    err: "tempfile._TemporaryFileWrapper"


def start(cmd: List[str], env: Mapping[str, str], cwd: Optional[str] = None) -> Started:
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=dict(env), cwd=cwd,
                                start_new_session=True)   # its own group: a timeout kills what it started too
    except BaseException:
        out.close()
        err.close()
        raise
    return Started(proc, out, err)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def finish(started: Started, timeout: float, limit: int = 1 << 20, deadline: bool = True) -> Run:
    """Wait for a started child within ``timeout`` (and the command's deadline, unless ``deadline``
    is false: the install's own checks are not probing); its group is killed after."""
    proc, out, err = started
    try:
        try:
            code: Optional[int] = proc.wait(timeout=budget(timeout, deadline))
        except subprocess.TimeoutExpired:
            code = None
        except BaseException:        # Ctrl-C: take the child with us
            _kill_group(proc.pid)
            proc.wait()
            raise
        _kill_group(proc.pid)        # whatever it left running (its group only: we made it)
        if code is None:
            proc.wait()
        texts = []
        for f in (out, err):
            f.seek(0)
            texts.append(f.read(limit).decode("utf-8", "replace"))
        return Run(code, *texts)
    finally:
        out.close()
        err.close()


def run(cmd: List[str], env: Mapping[str, str], timeout: float, cwd: Optional[str] = None,
        limit: int = 1 << 20) -> Run:
    """Run ``cmd`` to completion or ``timeout``, keeping ``limit`` bytes of each output; raises
    OSError when it cannot start."""
    return finish(start(cmd, env, cwd), timeout, limit)


def stop(started: Started) -> None:
    """Kill a started child (and its group) that is no longer wanted."""
    _kill_group(started.proc.pid)
    started.proc.wait()
    started.out.close()
    started.err.close()
