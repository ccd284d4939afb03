"""install never loses the installed hip-python, and check compares it with the real 5.2.3 runtime.

The wheels here are minimal pure-Python stand-ins (the install machinery does not care what a
wheel holds); test_e2e.py does the same with the project's real wheels."""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

import pytest
from resolver_helpers import clean_env, ctrl_c_reaches_it, make_wheel, write_index

CLI = [sys.executable, "-m", "hip_python_select"]


@pytest.fixture(scope="module")
def env_py(tmp_path_factory) -> Path:
    """A fresh venv (with pip) holding hip-python 5.2.21153.3 (stand-in)."""
    root = tmp_path_factory.mktemp("inst")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    py = root / "venv" / "bin" / "python"
    good = make_wheel(root / "good", "5.2.21153.3", "5.2.21153", marker="v1")
    proc = run("install", "--python", py, "--find-links", good.parent, "--no-index", "--hip-version", "5.2.21153")
    assert proc.returncode == 0, proc.stderr
    return py


def run(*args, env=None, **kw):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, env=env or clean_env(), **kw)


def snapshot(py: Path) -> dict:
    """Installed version + sha256 of every file of the installed distribution."""
    code = ("import importlib.metadata as m, hashlib, json; d = m.distribution('hip-python'); "
            "print(json.dumps({'version': d.version, 'files': {str(f): hashlib.sha256(f.locate().read_bytes())"
            ".hexdigest() for f in d.files if f.locate().is_file()}}))")
    return json.loads(subprocess.run([str(py), "-c", code], capture_output=True, text=True, check=True).stdout)


def test_install_put_the_matching_wheel_in(env_py):
    snap = snapshot(env_py)
    assert snap["version"] == "5.2.21153.3" and "hip/_manifest.json" in snap["files"]


def test_unreachable_index_changes_nothing(env_py):
    before = snapshot(env_py)
    proc = run("install", "--python", env_py, "--index-url", "http://127.0.0.1:9/simple", "--hip-version", "5.7.31921")
    assert proc.returncode == 5, proc.stderr
    assert "no other index is tried" in proc.stderr
    assert snapshot(env_py) == before


def test_hash_mismatch_changes_nothing(env_py, tmp_path):
    before = snapshot(env_py)
    w = make_wheel(tmp_path, "5.7.31921.3", "5.7.31921")
    simple = write_index(tmp_path, [w], hashes={w.name: "0" * 64})
    proc = run("install", "--python", env_py, "--index-url", simple.as_uri(), "--hip-version", "5.7.31921")
    assert proc.returncode == 5 and "does not match the index's" in proc.stderr, proc.stderr
    assert snapshot(env_py) == before


def test_pip_failure_changes_nothing(env_py, tmp_path):
    before = snapshot(env_py)
    # intact (RECORD matches) but of a wheel format pip refuses: the failure is pip's
    bad = make_wheel(tmp_path, "5.7.31921.3", "5.7.31921", wheel_version="9.0")
    simple = write_index(tmp_path, [bad])
    proc = run("install", "--python", env_py, "--index-url", simple.as_uri(), "--hip-version", "5.7.31921")
    assert proc.returncode == 6, proc.stdout + proc.stderr
    assert "put back" in proc.stderr
    assert snapshot(env_py) == before


def test_a_file_that_is_not_a_wheel_is_refused_before_pip(env_py, tmp_path):
    before = snapshot(env_py)
    bad = tmp_path / "hip_python-5.7.31921.3-py3-none-any.whl"
    bad.write_bytes(b"PK\x03\x04 this is not a wheel")
    simple = write_index(tmp_path, [bad])          # hash matches: the file itself is bad
    proc = run("install", "--python", env_py, "--index-url", simple.as_uri(), "--hip-version", "5.7.31921")
    assert proc.returncode == 5 and "not a readable wheel" in proc.stderr, proc.stdout + proc.stderr
    assert snapshot(env_py) == before


class SlowHandler(http.server.SimpleHTTPRequestHandler):
    requested, release = threading.Event(), threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.endswith(".whl"):
            self.requested.set()
            self.release.wait(30)        # hold the download until the test has pressed Ctrl-C
        super().do_GET()


def test_ctrl_c_during_download_changes_nothing(env_py, tmp_path):
    before = snapshot(env_py)
    w = make_wheel(tmp_path, "5.7.31921.3", "5.7.31921")
    write_index(tmp_path, [w])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SlowHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/simple"
        proc = subprocess.Popen([*CLI, "install", "--python", str(env_py), "--index-url", url, "--hip-version",
                                 "5.7.31921"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(),
                                preexec_fn=ctrl_c_reaches_it)
        assert SlowHandler.requested.wait(30), "the download never started"
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)   # Ctrl-C while the wheel is being downloaded
        out, err = proc.communicate(timeout=30)
    finally:
        SlowHandler.release.set()
        server.shutdown()
    assert proc.returncode == 130 and "interrupted" in err, err
    assert snapshot(env_py) == before


def test_check_matches_the_real_runtime(env_py, tree_523):
    env = clean_env(LD_LIBRARY_PATH=str(tree_523 / "lib" / "x86_64-linux-gnu"))
    proc = run("check", "--python", env_py, "--json", env=env)
    data = json.loads(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert data["installed"] == "5.2.21153.3" and data["runtime_hip_version"] == "5.2.21153"
    assert data["grade"] == "exact"


def test_upgrade_then_check_reports_the_mismatch(tmp_path_factory, tree_523):
    root = tmp_path_factory.mktemp("upg")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    py = root / "venv" / "bin" / "python"
    for v, hip in (("5.2.21153.3", "5.2.21153"), ("5.7.31921.3", "5.7.31921")):
        w = make_wheel(root / "w", v, hip)
    proc = run("install", "--python", py, "--find-links", w.parent, "--no-index", "--hip-version", "5.7.31921")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(py)["version"] == "5.7.31921.3"
    env = clean_env(LD_LIBRARY_PATH=str(tree_523 / "lib" / "x86_64-linux-gnu"))
    proc = run("check", "--python", py, env=env)
    assert proc.returncode == 8 and "MISMATCH (same-major)" in proc.stdout, proc.stdout + proc.stderr


def test_check_without_hip_python(tmp_path):
    venv.EnvBuilder(with_pip=False).create(tmp_path / "venv")
    proc = run("check", "--python", tmp_path / "venv" / "bin" / "python")
    assert proc.returncode == 7 and "hip-python-select install" in proc.stdout


UV = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))  # requirements-dev.txt installs it


def test_install_with_uv(tmp_path):
    assert Path(UV).exists(), "uv is a test requirement (requirements-dev.txt)"
    subprocess.run([UV, "venv", "-q", str(tmp_path / "venv")], check=True, capture_output=True)
    py = tmp_path / "venv" / "bin" / "python"
    w = make_wheel(tmp_path / "w", "5.2.21153.3", "5.2.21153")
    proc = run("install", "--python", py, "--find-links", w.parent, "--no-index", "--hip-version", "5.2.21153")
    assert proc.returncode == 0, proc.stderr          # a uv venv without pip: uv is used by itself
    assert "with uv" in proc.stderr
    assert snapshot(py)["version"] == "5.2.21153.3"


def test_the_check_after_pip_is_not_cut_by_the_probing_deadline(env_py):
    """--timeout bounds probing; the verification after a (slow) pip must not be killed by it."""
    from hip_python_select import bounded, txn

    site = subprocess.run([str(env_py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    bounded.set_deadline(0.001)
    time.sleep(0.01)               # the command's probing time is over, as after a long pip run
    try:
        assert bounded.budget(5.0) == 0.0
        assert txn.healthy(site, str(env_py)) is None
    finally:
        bounded.set_deadline(None)
