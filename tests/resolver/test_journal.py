"""The install journal when the journal itself, or the install, is damaged (issue 27): nothing is
lost and nothing is claimed that was not done.  Stand-in wheels (pure Python, real pip, real venv)."""
from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest
from resolver_helpers import clean_env, make_wheel

CLI = [sys.executable, "-m", "hip_python_select"]
OLD, NEW = "5.2.21153.1", "5.7.31921.1"


@pytest.fixture()
def env(tmp_path):
    """(python, site-packages, wheels dir) with the OLD stand-in installed by the resolver."""
    venv.EnvBuilder(with_pip=True).create(tmp_path / "v")
    py = tmp_path / "v" / "bin" / "python"
    wheels = tmp_path / "w"
    make_wheel(wheels, OLD, "5.2.21153", marker="old")
    make_wheel(wheels, NEW, "5.7.31921", marker="new")
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    assert install(py, wheels, "5.2.21153").returncode == 0
    return py, site, wheels


def install(py, wheels, hip, *extra):
    return subprocess.run([*CLI, "install", "--python", str(py), "--find-links", str(wheels), "--no-index",
                           "--hip-version", hip, *extra], capture_output=True, text=True, env=clean_env())


def installed(py) -> str:
    return subprocess.run([str(py), "-I", "-c", "import importlib.metadata as m; print(m.version('hip-python'))"],
                          capture_output=True, text=True, cwd="/").stdout.strip()


def test_a_damaged_journal_then_a_failed_install_loses_nothing(env):
    py, site, wheels = env
    state = site / ".hip-python-select"
    (state / "journal.json").write_text("{not json")
    # a wheel pip refuses (Wheel-Version 9.0): the install fails after the switch began
    bad = make_wheel(wheels.parent / "bad", "5.7.31921.2", "5.7.31921", wheel_version="9.0")
    proc = install(py, bad.parent, "5.7.31921")
    assert proc.returncode == 6, proc.stderr
    assert "damaged journal" in proc.stderr and f"({OLD}) is intact and was kept" in proc.stderr
    assert f"the previously installed hip-python {OLD} was put back (verified)" in proc.stderr
    assert installed(py) == OLD
    assert (site / "hip" / "__init__.py").read_text().count('MARKER = "old"') == 1
    assert not (state / "journal.json").exists()


def test_a_damaged_journal_with_a_broken_install_changes_nothing_and_says_how(env):
    py, site, wheels = env
    state = site / ".hip-python-select"
    (state / "journal.json").write_text("[1, 2")
    (site / "hip" / "__init__.py").write_text("damaged\n")
    proc = install(py, wheels, "5.7.31921")
    assert proc.returncode == 6, proc.stderr
    assert "damaged journal" in proc.stderr and "nothing was changed" in proc.stderr
    assert "--force-reinstall" in proc.stderr
    assert (site / "hip" / "__init__.py").read_text() == "damaged\n"      # left as it was, not deleted
    assert (state / "journal.json").exists()


def test_a_damaged_file_of_the_installed_wheel_is_repaired_by_installing_it_again(env):
    py, site, wheels = env
    (site / "hip" / "__init__.py").write_text("damaged\n")
    proc = install(py, wheels, "5.2.21153")
    assert proc.returncode == 0, proc.stderr
    assert f"the installed hip-python {OLD} is damaged" in proc.stderr and "reinstalling it" in proc.stderr
    assert 'MARKER = "old"' in (site / "hip" / "__init__.py").read_text()
    assert installed(py) == OLD


def test_killed_with_pip_before_pip_changed_anything_the_next_run_says_so(env):
    py, site, wheels = env
    # the command and its pip both die at the moment pip starts (this "pip" kills its parent, then
    # itself): the journal says "switching", the environment still holds OLD
    code = ("import sys; from hip_python_select import txn\n"
            "pip = [sys.executable, '-c', 'import os, signal; os.kill(os.getppid(), signal.SIGKILL)']\n"
            "txn.switch(sys.argv[1], sys.argv[2], pip, ['hip/__init__.py'], sys.argv[3])\n")
    proc = subprocess.run([sys.executable, "-c", code, str(site), str(py), NEW], capture_output=True,
                          text=True, env=clean_env())   # PYTHONPATH: the resolver's sources
    assert proc.returncode == -9
    assert '"phase": "switching"' in (site / ".hip-python-select" / "journal.json").read_text()
    nxt = install(py, wheels, "5.2.21153")
    assert nxt.returncode == 0, nxt.stderr
    assert f"stopped before pip changed anything; the hip-python installed before it ({OLD}) is in place" \
        in nxt.stderr
    assert "switch was complete" not in nxt.stderr
    assert installed(py) == OLD


def test_install_with_hipconfig_repeats_that_import_hip_will_not_find_it(env, runtime_523):
    py, _site, wheels = env
    proc = subprocess.run([*CLI, "install", "--python", str(py), "--find-links", str(wheels), "--no-index",
                           "--hipconfig", str(runtime_523 / "bin" / "hipconfig"), "--dry-run"],
                          capture_output=True, text=True, env=clean_env(PATH="/usr/bin:/bin"))
    assert proc.returncode == 0, proc.stderr
    assert "but 'import hip' will not find it: export HIP_PYTHON_LIBAMDHIP64_PATH=" in proc.stderr
