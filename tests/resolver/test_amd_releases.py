"""AMD's ROCm-keyed hip-python releases, from PyPI's real project page (captured, see data/README.md):
which of them fits a machine, through the ROCm -> HIP table, and why."""
from __future__ import annotations

from pathlib import Path

import pytest
from resolver_helpers import clean_env

from hip_python_select import cli as C
from hip_python_select import index, rocm
from hip_python_select import version as V
from hip_python_select.resolve import Target, choose, hip_key

PAGE = Path(__file__).with_name("data") / "pypi-simple-hip-python.html"


@pytest.fixture(scope="module")
def pypi_index(tmp_path_factory) -> str:
    """A PEP 503 index serving PyPI's page as captured (file://: any PEP 503 index reads the same)."""
    root = tmp_path_factory.mktemp("pypi") / "simple"
    (root / "hip-python").mkdir(parents=True)
    (root / "hip-python" / "index.html").write_text(PAGE.read_text())
    return root.as_uri()


def test_every_amd_release_on_pypi_is_recognised():
    links = index.parse_links(PAGE.read_text(), "https://pypi.org/simple/hip-python/")
    keys = {l.filename.split("-")[1]: hip_key(l.filename, rocm.table()) for l in links}
    assert keys.pop("0.0.2") is None                     # AMD's placeholder, neither scheme
    assert len(keys) == 23 and all(k is not None and k[1] == "rocm" for k in keys.values())
    assert keys["6.2.0.499.16"][0] == V.parse("6.2.41133")
    assert keys["7.0.0.555.40"][0] == V.parse("7.0.51830")
    assert keys["7.2.2.562.43"][0] == V.parse("7.2.53211")
    assert keys["10.0.0.0.1.2"][0] == V.parse("7.15.0")


@pytest.mark.parametrize("hip, requirement, rocm_release", [
    ("7.2.53211", "hip-python==7.2.2.562.43", "7.2.2"),      # 7.2.1 and 7.2.2 both fit: the higher wins
    ("7.2.26015", "hip-python==7.2.0.562.43", "7.2.0"),
    ("6.4.43484", "hip-python==6.4.4.555.40", "6.4.4"),
    ("6.3.42133", "hip-python==6.3.1.540.31", "6.3.1"),      # 540.31 over the older 524.17 build
    ("7.15.0", "hip-python==10.0.0.0.1.2", "10.0.0"),        # ROCm 10.0 ships HIP 7.15.0
])
def test_which_amd_release_fits(cli, pypi_index, hip, requirement, rocm_release):
    d = cli.json("resolve", "--amd", "--hip-version", hip, "--index-url", pypi_index,
                 env=clean_env(PATH="/usr/bin:/bin"))
    assert d["requirement"] == requirement and d["scheme"] == "rocm" and d["grade"] == "exact"
    assert d["rocm_release"] == rocm_release and f"ROCm {rocm_release}, which ships HIP {hip}" in d["why"]


def test_no_amd_release_for_hip_5_names_the_nearest(cli, pypi_index):
    proc = cli("resolve", "--amd", "--hip-version", "5.2.21153", "--index-url", pypi_index)
    assert proc.returncode == C.NO_WHEEL
    assert "AMD's ROCm-keyed releases only" in proc.stderr and "nearest: hip-python==6.2.0.499.16" in proc.stderr


def test_without_amd_this_projects_wheel_wins_over_amds():
    links = index.parse_links(PAGE.read_text(), "https://pypi.org/simple/hip-python/")
    ours = index.Link("hip_python-6.4.43484.12-cp311-cp311-manylinux2014_x86_64.whl", "file:///w/x.whl")
    target = Target((3, 11, 0), ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"])
    assert choose(links + [ours], V.parse("6.4.43484"), target, rocm.table()).version == "6.4.43484.12"
    assert choose(links + [ours], V.parse("6.4.43484"), target, rocm.table(), scheme="rocm").version == \
        "6.4.4.555.40"
