"""End to end with the project's real wheels: a local index over HTTP, a fresh venv, install,
check against the real 5.2.3 runtime, switch releases, and a failed install that loses nothing.

The wheels of two releases (5.2.3 and 5.7.1) are built for this interpreter by the project's
own build command (cached in build/test-wheels); ``HIP_PYTHON_E2E_WHEELS=DIR`` uses the
wheels in DIR instead.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from resolver_helpers import ROOT, clean_env, write_index

CLI = [sys.executable, "-m", "hip_python_select"]
WHEELS = os.environ.get("HIP_PYTHON_E2E_WHEELS")  # override: another wheel dir


def _interpreter_for(tag: str):
    """A CPython matching a cpXY tag: this one, pythonX.Y on PATH, or a pyenv version."""
    want = (int(tag[2]), int(tag[3:]))
    if sys.version_info[:2] == want:
        return sys.executable
    name = f"python{want[0]}.{want[1]}"
    found = shutil.which(name)
    if found:
        return found
    for d in sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob(f"{want[0]}.{want[1]}.*"), reverse=True):
        if (d / "bin" / name).exists():
            return str(d / "bin" / name)
    return None


@pytest.fixture(scope="module")
def project_wheels():
    if WHEELS:
        wheels = sorted(Path(WHEELS).glob("hip_python-*.whl"))
    else:
        from wheels_for_tests import build_wheel
        wheels = [build_wheel("5.2.3"), build_wheel("5.7.1")]
    assert wheels, f"no hip_python wheel in {WHEELS}"
    by_python = {}
    for w in wheels:
        by_python.setdefault(w.name.split("-")[2], []).append(w)
    ordered = sorted(by_python.items(), key=lambda kv: (kv[0] != f"cp{sys.version_info[0]}{sys.version_info[1]}",
                                                        -len({".".join(w.name.split("-")[1].split(".")[:3]) for w in kv[1]})))
    for tag, ws in ordered:
        python = _interpreter_for(tag)
        if python:
            return python, ws
    raise AssertionError(f"no interpreter here matches the wheels in {WHEELS}: {[w.name for w in wheels]}")


@pytest.fixture(scope="module")
def served(project_wheels, tmp_path_factory):
    """The wheels, in a PEP 503 index served over HTTP on 127.0.0.1."""
    python, wheels = project_wheels
    root = tmp_path_factory.mktemp("e2e-index")
    copies = []
    for w in wheels:
        shutil.copy2(w, root / w.name)
        copies.append(root / w.name)
    write_index(root, copies)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield python, f"http://127.0.0.1:{server.server_address[1]}/simple", copies
    server.shutdown()


def run(*args, env):
    # --pre: on a branch ahead of main the wheels are MAJOR.MINOR.PATCH.N.devM, pre-releases
    args = (*args, "--pre") if args[0] == "install" else args
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def installed(py):
    code = "import importlib.metadata as m; print(m.version('hip-python'))"
    return subprocess.run([str(py), "-c", code], capture_output=True, text=True).stdout.strip()


def test_install_check_and_fail_safely(served, tree_523, tmp_path):
    base, url, copies = served
    subprocess.run([base, "-m", "venv", str(tmp_path / "venv")], check=True)
    py = tmp_path / "venv" / "bin" / "python"
    libdir = tree_523 / "lib" / "x86_64-linux-gnu"
    env = clean_env(PATH=f"{tree_523}/bin:/usr/bin:/bin", LD_LIBRARY_PATH=str(libdir))

    # 1. detect (real Perl hipconfig 5.2.3 on PATH) -> install the newest 5.2.21153 wheel from the HTTP index
    proc = run("install", "--python", py, "--index-url", url, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from packaging.version import Version
    newest = max(Version(c.name.split("-")[1]) for c in copies if c.name.startswith("hip_python-5.2.21153."))
    assert installed(py) == str(newest)

    # 2. check asks the installed bindings' loader, then the real runtime
    data = json.loads(run("check", "--python", py, "--json", env=env).stdout)
    assert data["grade"] == "exact" and data["runtime_hip_version"] == "5.2.21153", data
    assert data["runtime_found_via"].startswith("the installed bindings'"), data
    assert os.path.realpath(data["runtime"]) == str((libdir / "libamdhip64.so.5.2.21153").resolve())

    # 3. the installed wheel really works against the runtime
    code = "from hip import hip; print(hip.hipRuntimeGetVersion()[1])"
    out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "50221153", out.stderr

    # 4. a failing install (unreachable index) leaves it exactly as it was
    before = installed(py)
    proc = run("install", "--python", py, "--index-url", "http://127.0.0.1:9/simple", env=env)
    assert proc.returncode == 5 and installed(py) == before


def test_switch_release_and_back(served, tree_523, tmp_path):
    base, url, copies = served
    others = sorted({".".join(c.name.split("-")[1].split(".")[:3]) for c in copies} - {"5.2.21153"})
    assert others, "the e2e index needs a second release's wheel"
    subprocess.run([base, "-m", "venv", str(tmp_path / "venv")], check=True)
    py = tmp_path / "venv" / "bin" / "python"
    env = clean_env(PATH=f"{tree_523}/bin:/usr/bin:/bin", LD_LIBRARY_PATH=str(tree_523 / "lib" / "x86_64-linux-gnu"))
    other = others[0]
    proc = run("install", "--python", py, "--index-url", url, "--hip-version", other, env=env)
    assert proc.returncode == 0, proc.stderr
    assert installed(py).startswith(other + ".")
    proc = run("check", "--python", py, env=env)
    assert proc.returncode == 8 and "MISMATCH" in proc.stdout, proc.stdout + proc.stderr
    # what a script uses, judged between the two releases' real API manifests
    app = tmp_path / "app.py"
    app.write_text("from hip import hip\nerr, v = hip.hipRuntimeGetVersion()\nerr, n = hip.hipGetDeviceCount()\n")
    proc = run("check", "--python", py, "--script", app, "--manifests", copies[0].parent, "--json", env=env)
    data = json.loads(proc.stdout)
    # with --script the exit code follows the verdict on the code: both functions are unchanged
    assert proc.returncode == 0 and data["script"]["verdict"] == "safe", data
    assert {r["symbol"] for r in data["script"]["symbols"]} == {"hipRuntimeGetVersion", "hipGetDeviceCount"}
    assert run("install", "--python", py, "--index-url", url, env=env).returncode == 0
    assert installed(py).startswith("5.2.21153.")
    assert run("check", "--python", py, env=env).returncode == 0


def test_check_says_ok_only_when_the_runtime_opens(served, tree_523, tmp_path):
    """ROCM_PATH at a copy of the real 5.2.3 runtime whose dependencies cannot be found: its file
    name reads like the right release, but 'import hip' would fail, so check and doctor are not OK."""
    base, url, copies = served
    subprocess.run([base, "-m", "venv", str(tmp_path / "venv")], check=True)
    py = tmp_path / "venv" / "bin" / "python"
    env = clean_env(PATH=f"{tree_523}/bin:/usr/bin:/bin", LD_LIBRARY_PATH=str(tree_523 / "lib" / "x86_64-linux-gnu"))
    assert run("install", "--python", py, "--index-url", url, env=env).returncode == 0
    broken = tmp_path / "rocm" / "lib"
    broken.mkdir(parents=True)
    real = (tree_523 / "lib" / "x86_64-linux-gnu" / "libamdhip64.so.5").resolve()
    shutil.copy(real, broken / real.name)
    (broken / "libamdhip64.so.5").symlink_to(real.name)
    env = clean_env(PATH=f"{tree_523}/bin:/usr/bin:/bin", ROCM_PATH=str(tmp_path / "rocm"))
    proc = run("check", "--python", py, "--json", env=env)
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and data["ok"] is False, data
    assert data["runtime"].startswith(str(broken)) and data["runtime_error"], data
    proc = run("check", "--python", py, env=env)
    assert "OK" not in proc.stdout and "cannot be used" in proc.stdout, proc.stdout
    # and the script really fails: what 'OK' would have hidden
    out = subprocess.run([str(py), "-c", "from hip import hip; hip.hipRuntimeGetVersion()"],
                         capture_output=True, text=True, env=env)
    assert out.returncode != 0
    proc = run("doctor", "--python", py, env=env)
    assert proc.returncode == 1 and "cannot be used" in proc.stdout, proc.stdout
