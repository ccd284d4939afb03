"""``diff`` and ``check`` where users run them: hip-python-select installed from resolver/ into a
fresh venv outside the checkout, every README example run as printed."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
from hip_python_select import manifests as M  # noqa: E402
from hip_python_select import rocm  # noqa: E402


def test_shipped_manifests_are_what_the_generator_makes_from_the_real_headers(manifests, library_manifests):
    """The compressed copies inside the resolver equal the manifests parsed now from each
    release's headers (regenerate with scripts/ship_manifests.py when this fails)."""
    from hip_bindgen import libraries

    assert M.shipped_versions() == sorted(r["hip"] for r in rocm.supported())
    for release, fresh in manifests.items():
        hip = fresh["hip_version"]["string"]
        shipped = M.shipped(hip)
        libs = shipped.pop("libraries", {})
        assert shipped == fresh, f"shipped manifest of HIP {hip} ({release}) is stale: run scripts/ship_manifests.py"
        # and its ROCm library modules' (hip.hipblas ...), so diff and check --script cover them
        fresh_libs = {lib: library_manifests[(release, lib)] for lib in sorted(libraries.of_release(release))}
        assert libs == fresh_libs, f"shipped library manifests of HIP {hip} are stale"
    size = sum(p.stat().st_size for p in M.SHIPPED.glob("*.json.xz"))
    assert size < 400_000, f"the shipped manifests grew to {size} bytes"   # 78 KB hip, 149 KB libraries


def test_a_missing_manifest_lists_every_place_looked_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HIP_PYTHON_MANIFESTS", raising=False)
    monkeypatch.setenv("PIP_INDEX_URL", "file:///nonexistent/wheels/simple")
    with pytest.raises(M.ManifestNotFound) as e:
        M.load("5.4.22804")
    assert "file:///nonexistent/wheels" in str(e.value)
    assert "the copy shipped with hip-python-select (HIP 5.2.21153, 5.7.31921" in str(e.value)


def test_the_index_a_user_installs_from_publishes_manifests(tmp_path, monkeypatch, manifests):
    """A manifest beside $PIP_INDEX_URL wins over the shipped copy (a release the resolver
    does not ship is found there)."""
    from hip_bindgen import parse

    pub = tmp_path / "wheels" / "manifests"
    pub.mkdir(parents=True)
    fake = dict(manifests["5.2.3"], hip_version={"string": "5.4.22804", "packed": 50422804})
    (pub / "5.4.22804.json").write_text(parse.dumps(fake))
    monkeypatch.chdir("/")
    monkeypatch.setenv("PIP_INDEX_URL", (tmp_path / "wheels" / "simple").as_uri())
    assert M.load("5.4.22804")["hip_version"]["string"] == "5.4.22804"


# -- a fresh venv outside the checkout -----------------------------------------------------------

APP = """\
from hip import hip

err, n = hip.hipGetDeviceCount()
err, props = hip.hipGetDeviceProperties(0)
err, arr = hip.hipArrayCreate(None)
"""


def _readme_examples() -> list[str]:
    """Every ``hip-python-select diff|check`` line of the READMEs and the resolver's page, as printed."""
    lines = []
    for readme in (ROOT / "README.md", ROOT / "docs" / "resolver.md", ROOT / "resolver" / "README.md"):
        for line in readme.read_text().splitlines():
            m = re.match(r"^(hip-python-select (?:diff|check)\b[^#]*)", line)
            if m:
                lines.append(m.group(1).strip())
    return lines


def test_the_readmes_show_diff_and_check():
    ex = _readme_examples()
    assert "hip-python-select diff 5.2.3 7.2.4" in ex
    assert any("--script" in e for e in ex) and any(e == "hip-python-select check" for e in ex)


@pytest.fixture(scope="module")
def outside(tmp_path_factory, wheel_523):
    """A venv made outside the checkout with hip-python-select installed from resolver/ (a copy,
    not editable) and the real 5.2.3 wheel, and a working directory holding a user's code."""
    base = tmp_path_factory.mktemp("outside")
    assert ROOT not in base.parents
    venv.EnvBuilder(with_pip=True, clear=True).create(base / "venv")
    py = base / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "HIP_PYTHON_", "PIP_INDEX"))}
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT / "resolver"),
                    str(wheel_523)], check=True, env=env, cwd=str(base))
    work = base / "work"
    (work / "src" / "pkg").mkdir(parents=True)
    (work / "app.py").write_text(APP)
    (work / "src" / "pkg" / "run.py").write_text(APP)
    return base / "venv" / "bin", work, env


@pytest.mark.parametrize("example", _readme_examples())
def test_every_readme_example_runs_as_printed(outside, runtime_523, example):
    bindir, work, env = outside
    env = dict(env, PATH=f"{bindir}:/usr/bin:/bin", LD_LIBRARY_PATH=str(runtime_523 / "lib" / "x86_64-linux-gnu"))
    proc = subprocess.run(shlex.split(example), capture_output=True, text=True, env=env, cwd=str(work), timeout=120)
    out = proc.stdout + proc.stderr
    assert "no API manifest" not in out and "Traceback" not in out, out
    if " diff " in f" {example} ":
        assert proc.returncode == 0 and proc.stdout.startswith("HIP 5.2.21153 -> HIP 7.2.53211\n"), out
    elif "--script" in example:
        assert proc.returncode in (0, 9, 10) and re.search(r"Verdict: (safe|risky|broken)", proc.stdout), out
        if "--against 7.2.4" in example:
            # hipGetDeviceProperties is gone from 7.2.4's headers (the R0600 rename): broken there
            assert proc.returncode == 10 and "hipGetDeviceProperties" in proc.stdout, out
    else:
        assert proc.returncode == 0 and "OK: the wheel matches the runtime" in proc.stdout, out
