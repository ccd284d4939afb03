"""wheels/ as an index: pip, uv and --find-links install from it; wheels are audited and reproducible."""
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, TEST_WHEELS, build_wheel, make_venv

TAG = f"cp{sys.version_info[0]}{sys.version_info[1]}"
# --pre everywhere: on a branch ahead of main the wheels are MAJOR.MINOR.PATCH.N.devM, pre-releases


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """An index holding two releases' wheels, written by the project's own command."""
    out = tmp_path_factory.mktemp("index")
    for rel in ("5.2.3", "5.7.1"):
        shutil.copy(build_wheel(rel), out)
    subprocess.run([sys.executable, str(ROOT / "scripts/build_matrix.py"), "--index-only", "--out", str(out)],
                   check=True, capture_output=True)
    return out


def _installed(py):
    out = subprocess.run([str(py), "-c", "import hip, json; print(json.dumps([hip.__version__, hip.HIP_VERSION_STRING]))"],
                         capture_output=True, text=True, check=True, cwd="/")
    return json.loads(out.stdout)


@pytest.mark.parametrize("release, hip", [("5.7.1", "5.7.31921"), ("5.2.3", "5.2.21153")])
def test_pip_installs_each_release_from_the_simple_index(index_dir, tmp_path, release, hip):
    py = make_venv(tmp_path / "v", pip=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--pre", "--disable-pip-version-check", "--index-url",
                    (index_dir / "simple").as_uri(), f"hip-python=={hip}.*"], check=True)
    version, reported = _installed(py)
    assert reported == hip and version.startswith(hip + ".")


def test_find_links_and_uv(index_dir, tmp_path):
    py = make_venv(tmp_path / "v", pip=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--pre", "--no-index", "--find-links", str(index_dir),
                    "hip-python>=5.2.21153.0,<5.2.21154"], check=True)
    assert _installed(py)[1] == "5.2.21153"
    uv = shutil.which("uv") or str(__import__("pathlib").Path(sys.executable).parent / "uv")
    py2 = make_venv(tmp_path / "v2")
    subprocess.run([uv, "pip", "install", "-q", "--prerelease", "allow", "--python", str(py2), "--index-url", (index_dir / "simple").as_uri(),
                    "hip-python==5.7.31921.*"], check=True)
    assert _installed(py2)[1] == "5.7.31921"


def test_index_json_and_sha256_fragments(index_dir):
    data = json.loads((index_dir / "index.json").read_text())
    rows = {r["hip_version"]: r for r in data["wheels"]}
    assert set(rows) == {"5.2.21153", "5.7.31921"}
    assert rows["5.7.31921"]["rocm_versions"] == ["5.7.0", "5.7.1"]
    page = (index_dir / "simple" / "hip-python" / "index.html").read_text()
    for r in rows.values():
        assert hashlib.sha256((index_dir / r["filename"]).read_bytes()).hexdigest() == r["sha256"]
        assert f"{r['filename']}#sha256={r['sha256']}" in page


def test_auditwheel_names_a_manylinux_tag_and_nothing_is_grafted(index_dir):
    for whl in index_dir.glob("hip_python-*.whl"):   # not hip-python-interop: pure Python
        proc = subprocess.run([sys.executable, "-m", "auditwheel", "show", str(whl)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert "manylinux_2_17_x86_64" in proc.stdout.replace("\n", " ")
        names = zipfile.ZipFile(whl).namelist()
        assert not [n for n in names if "libamdhip64" in n or "libhiprtc" in n or ".libs/" in n]
        assert "hip/_manifest.json" in names


def test_rebuild_gives_identical_bytes(tmp_path):
    """Same headers and generator: a fresh build of another revision is, byte for byte, the cached
    wheel restamped with that version (SOURCE_DATE_EPOCH, fixed paths; only the version differs,
    which is what lets the build cache skip the compiler when only the commit count moved)."""
    from hip_build import restamp

    first = build_wheel("5.2.3")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/build_matrix.py"), "--hip", "5.2.3", "--python",
                           "current", "--libraries", "none", "--revision", "1", "--no-cache", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (second,) = tmp_path.glob(f"*-{TAG}-*.whl")
    assert restamp.version_of(second) == "5.2.21153.1" != restamp.version_of(first)
    stamped = restamp.restamp(first, "5.2.21153.1", tmp_path / "stamped")
    assert stamped.name == second.name
    assert hashlib.sha256(stamped.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    back = restamp.restamp(second, restamp.version_of(first), tmp_path / "back")
    assert back.name == first.name and back.read_bytes() == first.read_bytes()


def test_a_new_revision_restamps_the_cached_wheel_instead_of_compiling(tmp_path):
    """The build cache's key leaves the version out: with the cache of build_wheel's build at hand,
    another revision is 'stamped' (no compiler), and the wheel says its new version when imported."""
    first = build_wheel("5.2.3")
    shutil.copy(first, tmp_path)
    shutil.copy(TEST_WHEELS / ".build-cache.json", tmp_path)
    results = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/build_matrix.py"), "--hip", "5.2.3", "--python",
                           "current", "--revision", "2", "--libraries", "none", "--out", str(tmp_path),
                           "--json", str(results)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (build,) = json.loads(results.read_text())["results"]
    assert build["status"] == "stamped", build
    assert "1 restamped" in proc.stdout
    py = make_venv(tmp_path / "venv", Path(build["wheel"]))
    assert _installed(py) == ["5.2.21153.2", "5.2.21153"]
    with zipfile.ZipFile(build["wheel"]) as z:   # RECORD names every file with its hash, itself last
        rows = [r.split(",") for r in z.read("hip_python-5.2.21153.2.dist-info/RECORD").decode().split()]
        files = [n for n in z.namelist() if not n.endswith("/")]
        assert [r[0] for r in rows] == files and rows[-1] == ["hip_python-5.2.21153.2.dist-info/RECORD", "", ""]
        for name, digest, size in rows[:-1]:
            data = z.read(name)
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert int(size) == len(data)


def test_selection_errors_are_clear():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/build_matrix.py"), "--hip", "9.9.9"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "'9.9.9' is not a supported release" in proc.stdout
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/build_matrix.py"), "--github-matrix"],
                          capture_output=True, text=True, check=True)
    assert [e["hip"] for e in json.loads(proc.stdout)["include"]] == ["5.2.21153", "5.7.31921", "6.4.43484", "7.2.53211"]


def test_the_build_cache_hits_only_the_very_file_it_built(tmp_path):
    """A '+dirty' wheel's name does not change with the sources: a later build of other sources
    overwrites the file, and the first build's cache entry must then miss, not return it."""
    from hip_build import publish

    wheel = tmp_path / "hip_python-5.2.21153.1+dirty-cp311-cp311-linux_x86_64.whl"
    wheel.write_bytes(b"first build")
    publish.remember(tmp_path, "key-of-first-sources", wheel)
    assert publish.cached_wheel(tmp_path, "key-of-first-sources") == wheel
    wheel.write_bytes(b"second build, other sources, same name")
    assert publish.cached_wheel(tmp_path, "key-of-first-sources") is None
    assert publish.cached_wheel(tmp_path, "never built") is None
