"""AMD's distribution names (rocm-bindings-*) on our index: metapackages of the release's
hip-python, and ``constraints`` / ``install --amd-names`` pinning the whole set.

A requirement written against AMD's names (numba-hip's ``rocm-bindings-hip>=7.2.3``) is resolved
by pip itself from an index of two releases: with the constraints ``hip-python-select constraints``
prints for one release, every name resolves to that release's wheels; without them, to the newest.
"""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
from resolver_helpers import clean_env, zip_wheel

from hip_python_select import distributions

RELEASES = {"5.2.21153": "5.2.21153.7", "5.7.31921": "5.7.31921.7"}   # HIP -> our wheels' version


def _stand_in(root, version):
    """A hip-python wheel in form (pure Python, installable anywhere): what pip resolves is the point."""
    di = f"hip_python-{version}.dist-info"
    return zip_wheel(root / f"hip_python-{version}-py3-none-any.whl", di, {
        "hip_standin/__init__.py": f"VERSION = {version!r}\n",
        f"{di}/METADATA": f"Metadata-Version: 2.1\nName: hip-python\nVersion: {version}\n",
        f"{di}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"})


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from hip_build import amd_names, publish

    root = tmp_path_factory.mktemp("names-index")
    for hip, version in RELEASES.items():
        _stand_in(root, version)
        amd_names.build(version, hip, root)
    # PyPI's libclang, which rocm-bindings-compiler requires (rocm.bindings.clang.cindex), in form,
    # beside the index (pip's --find-links): the resolution reads nothing else
    di = "libclang-18.1.1.dist-info"
    (root / "pypi").mkdir()
    zip_wheel(root / "pypi" / "libclang-18.1.1-py2.py3-none-any.whl", di, {
        "clang_standin/__init__.py": "",
        f"{di}/METADATA": "Metadata-Version: 2.1\nName: libclang\nVersion: 18.1.1\n",
        f"{di}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py2.py3-none-any\n"})
    publish.write_index(root)
    return root


def test_each_name_is_a_metapackage_of_its_release(index):
    for hip, version in RELEASES.items():
        for name in distributions.AMD_NAMES:
            whl = index / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
            with zipfile.ZipFile(whl) as z:
                files = z.namelist()
                meta = z.read(f"{name.replace('-', '_')}-{version}.dist-info/METADATA").decode()
            # no file of its own: uninstalling it never deletes a file hip-python owns
            assert all(f.split("/")[0].endswith(".dist-info") for f in files), files
            assert f"\nName: {name}\nVersion: {version}\n" in meta
            # hip-python of its own version; the compiler name also PyPI's libclang (clang.cindex)
            assert [ln for ln in meta.splitlines() if ln.startswith("Requires-Dist:")] == \
                [f"Requires-Dist: hip-python=={version}"] + \
                (["Requires-Dist: libclang"] if name == "rocm-bindings-compiler" else [])


def test_the_metapackages_are_byte_identical_when_rebuilt(tmp_path):
    from hip_build import amd_names

    a = amd_names.build("5.2.21153.7", "5.2.21153", tmp_path / "a")
    b = amd_names.build("5.2.21153.7", "5.2.21153", tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b] and len(a) == len(distributions.AMD_NAMES)


def test_every_name_is_a_project_of_the_combined_and_the_release_index(index):
    listed = json.loads((index / "index.json").read_text())["amd_names"]
    assert sorted(listed) == sorted(distributions.AMD_NAMES)
    for name in distributions.AMD_NAMES:
        page = (index / "simple" / name / "index.html").read_text()
        assert all(f"{name.replace('-', '_')}-{v}-py3-none-any.whl#sha256=" in page for v in RELEASES.values())
        for hip, version in RELEASES.items():   # a release's own index has its own version only
            own = (index / f"hip-{hip}" / "simple" / name / "index.html").read_text()
            other = next(v for v in RELEASES.values() if v != version)
            assert version in own and other not in own
            assert f'href="{name}/"' in (index / f"hip-{hip}" / "simple" / "index.html").read_text()


def _resolve(index, tmp_path, *args) -> dict:
    """What pip would install (name -> version) for ``args``, from the index alone (and libclang beside it)."""
    report = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q",
                           "--disable-pip-version-check", "--report", str(report),
                           "--index-url", (index / "simple").as_uri(), "--find-links", str(index / "pypi"), *args],
                          capture_output=True, text=True, env=clean_env(PATH="/usr/bin:/bin"), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return {i["metadata"]["name"]: i["metadata"]["version"] for i in json.loads(report.read_text())["install"]}


def test_amds_names_with_the_constraints_resolve_to_the_releases_wheel(index, tmp_path, cli):
    wanted = ["rocm-bindings-hip>=5.2", "rocm-bindings-compiler>=5.2", "rocm-bindings-core"]
    # without constraints pip takes the newest release's: the mismatch numba-hip gets from PyPI
    assert _resolve(index, tmp_path, *wanted)["hip-python"] == RELEASES["5.7.31921"]
    lines = cli("constraints", "--hip-version", "5.2.21153", env=clean_env(PATH="/usr/bin:/bin")).stdout.splitlines()
    assert lines[0] == "hip-python>=5.2.21153.0,<5.2.21154" and len(lines) == len(distributions.PINNED)
    assert lines[1:] == [f"{n}>=5.2.21153.0,<5.2.21154" for n in distributions.PINNED[1:]]
    (tmp_path / "c.txt").write_text("\n".join(lines) + "\n")
    got = _resolve(index, tmp_path, "-c", str(tmp_path / "c.txt"), *wanted)
    assert got.pop("libclang") == "18.1.1"   # what rocm-bindings-compiler requires besides (clang.cindex)
    assert got == {"hip-python": "5.2.21153.7", "rocm-bindings-hip": "5.2.21153.7",
                   "rocm-bindings-compiler": "5.2.21153.7", "rocm-bindings-core": "5.2.21153.7"}


def test_constraints_pin_every_name_in_every_form(cli):
    env = clean_env(PATH="/usr/bin:/bin")
    d = cli.json("constraints", "--rocm-version", "6.2.3", env=env)   # patch unknown: the minor's range
    assert d["constraints"] == [f"{n}>=6.2.1000,<6.3" for n in distributions.PINNED]
    out = cli("constraints", "--rocm-version", "6.2.3", env=env).stdout.splitlines()
    assert out[0].startswith("hip-python>=6.2.1000,<6.3  # HIP 6.2.x") and out[1:] == d["constraints"][1:]
    assert cli.json("constraints", "--amd", "--rocm-version", "10.0.0", env=env)["constraints"] == \
        [f"{n}>=10.0.0.0,<10.0.1" for n in distributions.PINNED]


def test_install_amd_names_pins_the_names_to_the_version_it_picked(index, cli):
    d = cli.json("install", "--dry-run", "--amd-names", "--cuda", "--hip-version", "5.7.31921", "--python",
                 sys.executable, "--index-url", (index / "simple").as_uri(), env=clean_env(PATH="/usr/bin:/bin"))
    assert d["requirement"] == "hip-python==5.7.31921.7"
    assert d["companions"] == [f"{n}==5.7.31921.7" for n in distributions.PINNED[1:]]
    proc = cli("install", "--dry-run", "--amd-names", "--amd", "--rocm-version", "7.2.0", "--python", sys.executable)
    assert proc.returncode == 2 and "pass one of --amd-names, --amd" in proc.stderr
