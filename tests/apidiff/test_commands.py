"""`hip-python-select diff` and `check --script --against`, run as a user runs them."""
import json
import subprocess
import sys

import pytest

from wheels_for_tests import build_wheel, make_venv

CLI = [sys.executable, "-m", "hip_python_select"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, manifests):
    """A manifest bundle as build_matrix publishes beside the index (wheels/manifests/)."""
    d = tmp_path_factory.mktemp("manifests")
    for m in manifests.values():
        (d / f"{m['hip_version']['string']}.json").write_text(json.dumps(m))
    return d


def run(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True)


def test_diff_by_rocm_and_hip_versions(bundle):
    p = run("diff", "5.2.3", "7.2.53211", "--manifests", bundle, "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert (d["from"], d["to"]) == ("5.2.21153", "7.2.53211")
    assert "hipDrvGetErrorName" in d["functions"]["added"]
    text = run("diff", "6.4.3", "7.2.4", "--manifests", bundle, "--limit", "2").stdout
    assert text.startswith("HIP 6.4.43484 -> HIP 7.2.53211") and "more added" in text


def test_diff_errors_are_clear(bundle, tmp_path):
    p = run("diff", "5.2.3", "9.9.99999", "--manifests", bundle)
    assert p.returncode == 1 and "no API manifest for HIP 9.9.99999" in p.stderr
    p = run("diff", "5.2.3", "banana", "--manifests", bundle)
    assert p.returncode == 2 and "'banana'" in p.stderr


@pytest.fixture(scope="module")
def venv_571(tmp_path_factory):
    return make_venv(tmp_path_factory.mktemp("v") / "v571", build_wheel("5.7.1"))


def test_check_script_verdicts_and_exit_codes(venv_571, bundle, tmp_path):
    stable = tmp_path / "stable.py"
    stable.write_text("from hip import hip\nerr, n = hip.hipGetDeviceCount()\nerr, v = hip.hipRuntimeGetVersion()\n")
    newer = tmp_path / "newer.py"
    newer.write_text("from hip import hip\nerr, s = hip.hipDrvGetErrorName(0)\n")
    p = run("check", "--python", venv_571, "--script", stable, "--against", "5.2.3", "--manifests", bundle)
    assert p.returncode == 0 and "Verdict: safe" in p.stdout, p.stdout + p.stderr
    p = run("check", "--python", venv_571, "--script", newer, "--against", "5.2.3", "--manifests", bundle, "--json")
    assert p.returncode == 10, p.stdout + p.stderr
    data = json.loads(p.stdout)
    assert data["script"]["verdict"] == "broken"
    assert [r["symbol"] for r in data["script"]["symbols"] if r["status"] == "missing"] == ["hipDrvGetErrorName"]


def test_check_a_wheel_that_is_not_installed(bundle, tmp_path):
    """--wheel asks the question before anything is installed (this interpreter has no hip-python)."""
    app = tmp_path / "app.py"
    app.write_text("from hip import hip\nerr, s = hip.hipDrvGetErrorName(0)\n")
    p = run("check", "--script", app, "--wheel", "7.2.4", "--against", "6.4.3", "--manifests", bundle)
    assert p.returncode == 0 and "the hip-python wheel for HIP 7.2.53211 (--wheel 7.2.4)" in p.stdout, p.stdout
    p = run("check", "--script", app, "--wheel", "7.2.4", "--against", "5.2.3", "--manifests", bundle)
    assert p.returncode == 10 and "Verdict: broken" in p.stdout, p.stdout + p.stderr
    p = run("check", "--script", app, "--wheel", "banana", "--against", "5.2.3", "--manifests", bundle)
    assert p.returncode == 2 and "--wheel" in p.stderr and "'banana'" in p.stderr
