"""The README's "## Install" section runs as printed: its shell block in a fresh directory outside
the checkout (a copy of resolver/, this project's real 5.2.3 wheel in wheels/ with its index, the
real bookworm 5.2.3 runtime in place of the apt packages), its pip line likewise, and its apt
packages are the ones each suite's release pins in releases.json."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from resolver_helpers import DATA, ROOT, write_index
from test_help_examples import _wheel_523, as_final

from hip_python_select import rocm

README = (ROOT / "README.md").read_text()


def _section() -> str:
    m = re.search(r"^## Install\n(.*?)^## ", README, re.S | re.M)
    assert m, "README has no '## Install' section"
    return m.group(1)


def test_install_is_the_first_section_and_names_amd():
    heads = re.findall(r"^## (.*)$", README, re.M)
    assert heads[0] == "Install"
    assert "PyPI's `hip-python` is **AMD's**" in _section()


def test_the_apt_packages_are_the_runtimes_each_suite_pins():
    rows = re.findall(r"^\s*\| [^|]*\b(bookworm|trixie|sid|experimental)\b[^|]*\| ([0-9.]+) [^|]*\| `([^`]+)` \|",
                      _section(), re.M)
    assert len(rows) == 4
    for suite, hip, packages in rows:
        rel = next(r for r in rocm.supported() if r["hip"] == hip)
        assert rel["debian"]["suite"] == suite or (suite == "sid" and rel["debian"]["suite"] in ("sid", "forky"))
        pinned = {p["package"] for p in rel["debian"]["runtime"]}
        assert set(packages.split()) <= pinned, (suite, packages, pinned)


@pytest.fixture(scope="module")
def outside(tmp_path_factory, runtime_523):
    base = tmp_path_factory.mktemp("readme-install")
    assert ROOT not in base.parents
    shutil.copytree(ROOT / "resolver", base / "resolver", ignore=shutil.ignore_patterns("*.egg-info", "build",
                                                                                      "__pycache__"))
    (base / "wheels").mkdir()
    wheel = as_final(_wheel_523(), base / "wheels")
    simple = write_index(base / "wheels", [wheel])
    # PyPI's hip-python page (AMD's releases) in the same index: the pins must still take ours
    page = simple / "hip-python" / "index.html"
    page.write_text(page.read_text() + (DATA / "pypi-simple-hip-python.html").read_text())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "HIP_PYTHON_", "PIP_INDEX", "PIP_FIND", "ROCM", "HIP_PATH", "VIRTUAL_ENV"))}
    # the runtime as apt installs it: found by the dynamic loader (here through LD_LIBRARY_PATH)
    env.update(PATH="/usr/bin:/bin", LD_LIBRARY_PATH=str(runtime_523 / "lib" / "x86_64-linux-gnu"))
    return base, env, wheel


def test_the_install_block_runs_as_printed(outside):
    base, env, wheel = outside
    block = re.search(r"```sh\n(.*?)```", _section(), re.S).group(1)
    proc = subprocess.run(["bash", "-e", "-c", block], capture_output=True, text=True, env=env, cwd=str(base),
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"installed hip-python=={wheel.name.split('-')[1]}" in proc.stdout
    # the first example prints what its comment says
    said = re.search(r"print\(hip\.hipRuntimeGetVersion\(\)\)'\s+# (.*) on bookworm", block).group(1)
    assert proc.stdout.strip().splitlines()[-1] == said


def test_the_pin_line_takes_our_wheel_even_beside_amds(outside):
    base, env, wheel = outside
    line = re.search(r"`(pip install --index-url [^`]+)`", _section()).group(1)
    subprocess.run(["python3", "-m", "venv", str(base / "pinvenv")], check=True, env=env)
    proc = subprocess.run(["bash", "-e", "-c", f". pinvenv/bin/activate\n{line}"], capture_output=True, text=True,
                          env=env, cwd=str(base), timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = subprocess.run([str(base / "pinvenv" / "bin" / "python"), "-c",
                          "import importlib.metadata as m; print(m.version('hip-python'))"],
                         capture_output=True, text=True, env=env, cwd="/")
    assert got.stdout.strip() == wheel.name.split("-")[1]


def test_the_wheels_advice_is_a_pin_amds_versions_cannot_meet():
    """The runtime-mismatch warning of the wheel (bindings/hip/_loader.py) advises a pip command
    naming an index and a pin; no version AMD has published meets that pin."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version
    from test_newcomer import AMD_VERSIONS

    text = (ROOT / "bindings" / "hip" / "_loader.py").read_text()
    m = re.search(r"pip install --index-url URL 'hip-python==\{major\}\.\{minor\}\.\{patch\}\.\*'", text)
    assert m, "the wheel's advice names no index"
    for hip in (r["hip"] for r in rocm.supported()):
        spec = SpecifierSet(f"=={hip}.*")
        assert not [v for v in AMD_VERSIONS if spec.contains(Version(v), prereleases=True)]
