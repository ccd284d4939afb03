"""Interrupted, killed, concurrent and corrupted installs of the project's real wheels (5.2.3 and
5.7.1, built by the project's own build command): every trial ends with a working hip-python,
the previous one or the new one, never a broken one.

"Working" is checked here independently of the resolver's own check: exactly one
``hip_python-*.dist-info``, every file its RECORD lists present with the recorded hash, and
``import hip.hip`` in the target interpreter.
"""
from __future__ import annotations

import base64
import csv
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from pathlib import Path

import pytest
from resolver_helpers import clean_env, ctrl_c_reaches_it, write_index

CLI = [sys.executable, "-m", "hip_python_select"]
HIPS = {"5.2.3": "5.2.21153", "5.7.1": "5.7.31921"}


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    from wheels_for_tests import build_wheel

    d = tmp_path_factory.mktemp("real-wheels")
    for release in HIPS:
        w = build_wheel(release)
        shutil.copy2(w, d / w.name)
    return d


@pytest.fixture(scope="module")
def target(tmp_path_factory, wheels):
    """A venv holding the real 5.2.3 wheel, installed by the resolver; (python, site-packages)."""
    root = tmp_path_factory.mktemp("interrupt")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    py = root / "venv" / "bin" / "python"
    proc = install(py, wheels, "5.2.21153")
    assert proc.returncode == 0, proc.stderr
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    return py, Path(site)


def install_cmd(py, wheels, hip, *extra):
    return [*CLI, "install", "--python", str(py), "--find-links", str(wheels), "--no-index", "--pre", "--hip-version", hip,
            *extra]


def install(py, wheels, hip, *extra):
    return subprocess.run(install_cmd(py, wheels, hip, *extra), capture_output=True, text=True, env=clean_env())


def working(py, site: Path) -> str:
    """The HIP version of the one intact, importable hip-python in ``site`` (asserts it is so)."""
    dists = sorted(p for p in site.iterdir() if p.name.startswith("hip_python-") and p.name.endswith(".dist-info"))
    assert len(dists) == 1, f"{len(dists)} hip-python .dist-info folders: {[d.name for d in dists]}"
    with open(dists[0] / "RECORD", newline="") as f:
        for path, h, _size in csv.reader(f):
            if not h:
                continue
            algo, digest = h.split("=", 1)
            data = (site / path).read_bytes()
            got = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
            assert got == digest, f"{path} differs from RECORD"
    proc = subprocess.run([str(py), "-I", "-c", "import hip.hip; print(hip.hip.HIP_VERSION_STRING)"],
                          capture_output=True, text=True, cwd="/")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def other(version: str) -> str:
    return HIPS["5.7.1"] if version == HIPS["5.2.3"] else HIPS["5.2.3"]


def _children(pid: int, word: str = "") -> list:
    """Child processes of ``pid`` (whose command line holds ``word``)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                cmdline = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and word in cmdline:
                out.append(int(d.name))
    return out


def _wait_idle(site: Path, timeout: float = 60) -> None:
    """Until nothing holds the environment's lock (a pip whose parent was killed holds it too)."""
    lock = site / ".hip-python-select" / "lock"
    end = time.monotonic() + timeout
    while lock.exists() and time.monotonic() < end:
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            time.sleep(0.05)
        finally:
            os.close(fd)


def _old_gone(site: Path, before: str) -> bool:
    return not any(site.glob(f"hip_python-{before}.*.dist-info"))


# when to strike, as conditions on the running install (proc, site, HIP version installed before it)
POINTS = {
    "probing": lambda p, site, before, t0: time.monotonic() - t0 > 0.3,
    "journal written": lambda p, site, before, t0: (site / ".hip-python-select" / "journal.json").exists(),
    "pip running": lambda p, site, before, t0: bool(_children(p.pid, " pip ")),
    "pip moving files": lambda p, site, before, t0: bool(_children(p.pid, " pip ")) and _old_gone(site, before),
}


ATTEMPTS = 4


def _trial(py, site, wheels, point, action):
    """One install struck by ``action`` at ``point``; (before, want, exit code, stderr).

    Every trial proves it interrupted: the signal is sent only while the point holds and the
    install is still running, and the install's end shows it was struck (killed, exit 130, or the
    switch's "finishing the switch safely" note).  An install that finished or passed the point
    before the signal could be sent is not a trial: it is run again (at most ATTEMPTS times), and
    the test fails if none was struck."""
    for _ in range(ATTEMPTS):
        before = working(py, site)
        want = other(before)
        proc = subprocess.Popen(install_cmd(py, wheels, want), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=clean_env(), start_new_session=True, preexec_fn=ctrl_c_reaches_it)
        t0 = time.monotonic()
        reached = False
        while proc.poll() is None and time.monotonic() < t0 + 30:
            reached = POINTS[point](proc, site, before, t0)
            if reached:
                break
            time.sleep(0.002)
        pips = _children(proc.pid, " pip ")
        sent = reached and proc.poll() is None
        if sent:
            action(proc, pips)
        out, err = proc.communicate(timeout=120)
        _wait_idle(site)
        struck = sent and (proc.returncode in (-signal.SIGKILL, 130) or "finishing the switch safely" in err)
        if struck:
            return before, want, proc.returncode, err
    pytest.fail(f"{action.__name__} at {point!r}: in {ATTEMPTS} attempts the install never was struck while "
                f"running (last exit {proc.returncode}, point reached: {reached}): the trial proves nothing")


def _sigint(proc, pips):
    proc.send_signal(signal.SIGINT)


def _ctrl_c(proc, pips):
    os.killpg(proc.pid, signal.SIGINT)     # what a terminal does: the whole foreground group


def _sigkill(proc, pips):
    proc.kill()


def _sigkill_all(proc, pips):
    proc.kill()
    for pid in pips:                       # pip too, mid-way: only the journal can mend this
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.parametrize("point", list(POINTS))
def test_ctrl_c_keeps_the_previous_or_completes(target, wheels, point):
    py, site = target
    for action in (_sigint, _ctrl_c):
        before, want, code, err = _trial(py, site, wheels, point, action)
        now = working(py, site)
        assert code in (0, 130), err
        assert now == (want if code == 0 else before), (code, err)
        assert "Traceback" not in err


@pytest.mark.parametrize("point", ["journal written", "pip running", "pip moving files"])
def test_sigkill_then_next_run_mends(target, wheels, point):
    py, site = target
    for action in (_sigkill, _sigkill_all):
        before, want, _code, _err = _trial(py, site, wheels, point, action)
        if action is _sigkill:   # pip, in its own session, finishes by itself
            assert working(py, site) in (before, want)
        # killed outright: the next install into this environment finishes the job first
        proc = install(py, wheels, before)
        assert proc.returncode == 0, proc.stderr
        assert working(py, site) == before
        assert not (site / ".hip-python-select" / "journal.json").exists()
        # the killed run's download directory is gone too (others' may be live)
        assert all(_alive(p) for p in Path(tempfile.gettempdir()).glob("hip-python-select-dl-*"))


def _alive(path: Path) -> bool:
    pid = int(path.name.split("-")[4])
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_concurrent_installs_take_turns(target, wheels):
    py, site = target
    before = working(py, site)
    procs = [subprocess.Popen(install_cmd(py, wheels, hip), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=clean_env()) for hip in (other(before), before, other(before))]
    results = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in results), "\n".join(e for _, e in results)
    assert working(py, site) in HIPS.values()
    assert len(list(site.glob("hip_python-*.dist-info"))) == 1


def test_corrupted_wheel_with_matching_hash_is_refused(target, wheels, tmp_path):
    py, site = target
    before = working(py, site)
    src = next(wheels.glob(f"hip_python-{other(before)}.*.whl"))
    bad = tmp_path / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".so") and "hip.cpython" in info.filename:
                data = data[:4096] + bytes(64) + data[4160:]    # a flipped block, RECORD untouched
            zout.writestr(info, data)
    simple = write_index(tmp_path, [bad])          # the index hashes the corrupted file: it matches
    proc = subprocess.run([*CLI, "install", "--python", str(py), "--index-url", simple.as_uri(), "--hip-version",
                           other(before), "--pre", "--json"], capture_output=True, text=True, env=clean_env())
    assert proc.returncode == 5, proc.stderr
    assert "does not match the wheel's RECORD" in proc.stderr
    assert json.loads(proc.stdout)["exit_code"] == 5
    assert working(py, site) == before


def test_install_json_is_one_document(target, wheels):
    py, site = target
    want = other(working(py, site))
    proc = install(py, wheels, want, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["installed"].startswith(f"hip-python=={want}")
    assert working(py, site) == want
