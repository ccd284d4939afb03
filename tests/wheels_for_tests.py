"""Wheels and venvs for tests, built by the project's own build command (cached in build/)."""
from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_WHEELS = ROOT / "build" / "test-wheels"


def build_wheel(release: str) -> Path:
    """The host-Python wheel of ``release``, built by the project's own build command."""
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_matrix.py"), "--hip", release,
                           "--python", "current", "--allow-dirty", "--out", str(TEST_WHEELS)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from hip_bindgen import releases
    hip = releases.find(release)["hip"]
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    wheels = sorted(TEST_WHEELS.glob(f"hip_python-{hip}.*-{tag}-*.whl"), key=lambda p: p.stat().st_mtime)
    assert wheels, proc.stdout
    return wheels[-1]


def make_venv(path: Path, *wheels: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    py = path / "bin" / "python"
    if wheels:
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-index", "--disable-pip-version-check",
                        *map(str, wheels)], check=True)
    return py


