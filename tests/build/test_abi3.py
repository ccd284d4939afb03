"""The abi3 wheel: one per release, for the Pythons no per-version wheel serves (3.14 today).

pip's own tag choice is asked for a Python this machine lacks (``pip download --python-version``),
so the test of "which wheel does a 3.14 user get" needs no 3.14; the wheel itself runs here on
3.11 and 3.13 against the real 5.2.3 runtime, and on 3.14 in tests/matrix/test_py314.py."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
from hip_build import publish, pythons, wheel  # noqa: E402
from wheels_for_tests import build_wheels  # noqa: E402


def test_abi3_staging_asks_for_the_limited_api(tmp_path, manifests):
    m = manifests["5.2.3"]
    per_version = wheel.stage(m, "5.2.21153.0", tmp_path / "cp")
    abi3 = wheel.stage(m, "5.2.21153.0", tmp_path / "abi3", abi3=True)
    assert "Py_LIMITED_API" not in (per_version / "setup.py").read_text()
    setup = (abi3 / "setup.py").read_text()
    assert '("Py_LIMITED_API", "0x030B0000")' in setup and "py_limited_api=True" in setup
    assert "'py_limited_api': 'cp311'" in setup
    # per-version modules keep binding=False (faster calls); the abi3 build cannot
    assert "binding=False" in (per_version / "hip" / "hip.pyx").read_text()
    assert not any("binding=False" in p.read_text() for p in abi3.rglob("*.pyx"))


def test_the_abi3_build_is_made_by_the_newest_python_from_3_11():
    found = {"3.9": "/p/3.9", "3.11": "/p/3.11", "3.13": "/p/3.13"}
    assert pythons.with_abi3(found) == {**found, "abi3": "/p/3.13"}
    assert pythons.with_abi3({"3.9": "/p/3.9", "3.10": "/p/3.10"}) == {"3.9": "/p/3.9", "3.10": "/p/3.10"}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """An index holding 5.2.3's wheel for this Python and its abi3 wheel, as the build publishes."""
    out = tmp_path_factory.mktemp("abi3-index")
    wheels = build_wheels("5.2.3", f"{sys.version_info[0]}.{sys.version_info[1]},abi3")   # one run: one version
    assert len({w.name.split("-")[1] for w in wheels}) == 1 and len(wheels) == 2
    for w in wheels:
        shutil.copy(w, out)
    publish.write_index(out)
    return out


def _pip_pick(index: Path, dest: Path, py: str) -> str:
    """The file pip chooses for a CPython ``py`` on manylinux x86_64 (``pip download``'s own logic)."""
    proc = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--pre", "--only-binary", ":all:",
                           "--disable-pip-version-check", "--python-version", py, "--implementation", "cp",
                           "--abi", f"cp{py.replace('.', '')}", "--platform", "manylinux2014_x86_64",
                           "--index-url", (index / "simple").as_uri(), "-d", str(dest), "hip-python==5.2.21153.*"],
                          capture_output=True, text=True)
    got = [p.name for p in dest.glob("*.whl")] if dest.exists() else []
    return got[0] if proc.returncode == 0 and len(got) == 1 else f"none ({proc.stderr.strip().splitlines()[-1:]})"


def test_pip_takes_the_abi3_wheel_only_where_no_per_version_wheel_exists(index, tmp_path):
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    assert f"-{tag}-{tag}-" in _pip_pick(index, tmp_path / "here", here)       # the per-version wheel
    assert "-cp311-abi3-manylinux" in _pip_pick(index, tmp_path / "314", "3.14")
    assert "-cp311-abi3-manylinux" in _pip_pick(index, tmp_path / "315", "3.15")
    assert _pip_pick(index, tmp_path / "310", "3.10").startswith("none")       # abi3 needs 3.11


def test_the_abi3_wheel_is_audited_and_runs_on_the_real_runtime(index, runtime_523, tmp_path):
    (abi3,) = index.glob("*-cp311-abi3-*.whl")
    assert "manylinux2014_x86_64" in abi3.name
    names = zipfile.ZipFile(abi3).namelist()
    assert {"hip/hip.abi3.so", "hip/hiprtc.abi3.so", "hip/_util/types.abi3.so"} <= set(names)
    pys = pythons.find(("3.11", "3.13"))
    assert set(pys) >= {"3.11", "3.13"}, f"this test runs the wheel on 3.11 and 3.13; found {pys}"
    lib = runtime_523 / "lib" / "x86_64-linux-gnu"
    for v in ("3.11", "3.13"):
        venv = tmp_path / f"v{v}"
        subprocess.run([pys[v], "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-index", "--disable-pip-version-check",
                        str(abi3)], check=True)
        out = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "from hip import hip; print(hip.__file__.rsplit('/', 1)[1], hip.hipRuntimeGetVersion()[1], "
                              "hip.hipGetErrorName(hip.hipError_t.hipErrorNoDevice)[1].decode())\n" + REFCOUNTS],
                             capture_output=True, text=True, env={"LD_LIBRARY_PATH": str(lib), "PATH": "/usr/bin:/bin"},
                             cwd=str(tmp_path))
        assert out.stdout.split() == ["hip.abi3.so", "50221153", "hipErrorNoDevice", "0", "0", "0"], out.stderr


# None, True and False are mortal on 3.11: a module built by a Python whose headers treat them as
# immortal under the limited API of 3.11 (CPython 3.12.0-3.13.3) loses a reference at each field
# access and comparison, and 3.11 aborts after a few hundred.  What each of them lost over 3,000
# rounds of field reads and writes, enum comparisons and calls (3.12+ prints 0 too: immortal).
REFCOUNTS = """
import sys
s, p = hip.dim3(), hip.hipDeviceProp_t()
counts = lambda: [sys.getrefcount(o) for o in (None, True, False)]
before = counts()
for i in range(3000):
    s.x = 5; s.x; p.major = 1; p.major; s == s; hip.hipError_t.hipSuccess == 0
    hip.hipGetErrorName(hip.hipError_t.hipErrorNoDevice)
print(*[max(0, b - a) // 1000 for b, a in zip(before, counts())])
"""
