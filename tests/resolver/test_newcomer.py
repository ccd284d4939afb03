"""What a newcomer meets first (issue 28) and the resolver's hostile-input findings (issue 27):
relative --python, ROCm series, --version, detect --json on failure, an empty --find-links, no
index named, AMD's hip-python of the same name, contradicting versions, manifests that are too
large, malformed or unreachable."""
from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from resolver_helpers import DATA, ROOT, clean_env, make_wheel, write_index

from hip_python_select import cli as C
from hip_python_select import errors, index, rocm

CLI = [sys.executable, "-m", "hip_python_select"]
AMD_VERSIONS = sorted({l.filename.split("-")[1] for l in index.parse_links(
    (DATA / "pypi-simple-hip-python.html").read_text(), "https://pypi.org/simple/hip-python/")} - {"0.0.2"})


def run(*args, cwd=ROOT, env=None, timeout=120):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=str(cwd),
                          env=env or clean_env(), timeout=timeout)


@pytest.fixture(scope="module")
def small_venv(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("newcomer")
    venv.EnvBuilder(with_pip=False).create(root / ".venv")
    return root


def test_relative_python_is_taken_from_the_cwd(small_venv):
    proc = run("resolve", "--python", ".venv/bin/python", "--hip-version", "5.2.21153", "--find-links",
               small_venv / "w", cwd=small_venv)
    assert "no such interpreter" not in proc.stderr
    make_wheel(small_venv / "w", "5.2.21153.9", "5.2.21153")
    proc = run("resolve", "--python", ".venv/bin/python", "--hip-version", "5.2.21153", "--find-links", "w",
               cwd=small_venv)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "hip-python==5.2.21153.9"


@pytest.mark.parametrize("cmd", [("resolve", "--find-links", "."), ("install", "--find-links", "."),
                                 ("constraints",), ("constraints", "--amd")])
@pytest.mark.parametrize("series, listed", [("6.4", "6.4.0, 6.4.1, 6.4.2, 6.4.3, 6.4.4"), ("6", "6.0.0")])
def test_a_rocm_series_is_refused_with_the_full_form(cmd, series, listed):
    proc = run(*cmd, "--rocm-version", series)
    assert proc.returncode == C.USAGE, proc.stderr
    assert f"ROCm '{series}' names a series, not a release: pass MAJOR.MINOR.PATCH" in proc.stderr
    assert listed in proc.stderr


def test_diff_of_two_series_says_why():
    proc = run("diff", "5.2", "7.2")
    assert proc.returncode == C.USAGE
    assert "ROCm '5.2' names a series" in proc.stderr and "5.2.3" in proc.stderr


def test_version_option():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == "hip-python-select 0.1.0"


def test_detect_json_on_no_hip_carries_error_and_exit_code(tmp_path):
    proc = run("detect", "--json", "--rocm-path", tmp_path, env=clean_env(PATH=str(tmp_path)))
    assert proc.returncode == C.NO_HIP
    d = json.loads(proc.stdout)
    assert d["exit_code"] == 3 and "no HIP installation detected" in d["error"] and "sources" in d
    assert "no HIP installation detected" in proc.stderr


def test_find_links_to_an_index_folder_says_what_it_expected(tmp_path):
    write_index(tmp_path, [make_wheel(tmp_path, "5.2.21153.9", "5.2.21153")])
    proc = run("resolve", "--hip-version", "5.2.21153", "--find-links", "simple", cwd=tmp_path)
    assert proc.returncode == C.INDEX_FAILED
    assert "--find-links 'simple' holds no .whl file" in proc.stderr
    assert f"pass --index-url {(tmp_path / 'simple').as_uri()}" in proc.stderr


def test_no_index_named_is_an_error_not_pypi():
    for cmd in ("resolve", "install"):
        proc = run(cmd, "--hip-version", "7.2.53211")
        assert proc.returncode == C.INDEX_FAILED, proc.stderr
        assert "no index named" in proc.stderr and "AMD's" in proc.stderr and "--index-url" in proc.stderr


@pytest.fixture(scope="module")
def pypi_with_ours(tmp_path_factory) -> str:
    """PyPI's real hip-python page (AMD's releases) plus one wheel of ours, as one index."""
    root = tmp_path_factory.mktemp("mixed")
    ours = make_wheel(root, "6.4.43484.7", "6.4.43484")
    write_index(root, [ours])
    page = root / "simple" / "hip-python" / "index.html"
    page.write_text(page.read_text() + (DATA / "pypi-simple-hip-python.html").read_text())
    return (root / "simple").as_uri()


def test_amd_wheels_are_never_chosen_without_amd(pypi_with_ours):
    proc = run("resolve", "--hip-version", "7.2.53211", "--index-url", pypi_with_ours)
    assert proc.returncode == C.NO_WHEEL, proc.stdout     # AMD's 7.2.2.562.43 ships it: not taken
    assert "of AMD's ROCm-keyed hip-python ignored (--amd chooses among them)" in proc.stderr
    assert run("resolve", "--hip-version", "6.4.43484", "--index-url", pypi_with_ours).stdout.strip() == \
        "hip-python==6.4.43484.7"


@pytest.mark.parametrize("release", ["6.4.2", "6.4.3", "6.4.4", "7.2.1", "7.2.2", "6.3.2"])
def test_amd_with_a_rocm_release_takes_that_releases_own_wheel(pypi_with_ours, release):
    proc = run("resolve", "--amd", "--rocm-version", release, "--index-url", pypi_with_ours, "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["rocm_release"] == release and d["requirement"].startswith(f"hip-python=={release}.")
    assert "--amd: choosing among AMD's hip-python releases" in proc.stderr


def test_constraints_refuse_contradicting_versions():
    proc = run("constraints", "--hip-version", "5.2.21153", "--rocm-version", "6.4.3")
    assert proc.returncode == C.USAGE
    assert "contradict: ROCm 6.4.3 ships HIP 6.4.43484" in proc.stderr
    agree = run("constraints", "--hip-version", "6.4.43484", "--rocm-version", "6.4.3")
    assert agree.returncode == 0 and agree.stdout.splitlines()[0] == "hip-python>=6.4.43484.0,<6.4.43485"


@pytest.mark.parametrize("args", [("--rocm-version", "6.4.0"), ("--hip-version", "6.4.43482"),
                                  ("--rocm-version", "6.2.3"), ("--rocm-version", "10.0.0")])
def test_constraints_of_a_release_outside_the_default_build_say_how_to_build_its_wheel(args):
    """A real release's pin is answered (a wheel of it is built from its tree, --rocm-path), with a
    warning that the default build has none and the command that makes one."""
    proc = run("constraints", *args)
    assert proc.returncode == 0, proc.stderr
    assert "default build has no wheel of HIP" in proc.stderr and "./dev build --rocm-path /opt/rocm-" in proc.stderr
    assert proc.stdout.startswith("hip-python>=")


@pytest.mark.parametrize("hip", ["5.2.99999", "6.4.1", "9.9.9"])
def test_constraints_never_exit_0_with_a_pin_nothing_can_meet(hip):
    """A HIP version no ROCm release ships and no wheel is built of: refused, nothing printed."""
    proc = run("constraints", "--hip-version", hip)
    assert proc.returncode == C.NO_WHEEL, proc.stdout
    assert f"no ROCm release ships HIP {hip}" in proc.stderr and not proc.stdout.strip()


def test_no_constraint_we_print_admits_an_amd_version():
    """Every answer of ``constraints --rocm-version`` over the whole table, against every version
    AMD has published: none is admitted (AMD's third field is a ROCm patch, ours a HIP one)."""
    printed = []
    for rel in rocm.releases():
        proc = run("constraints", "--rocm-version", rel.rocm)
        if proc.returncode == 0:
            printed += [line.split("#")[0].strip() for line in proc.stdout.splitlines()]   # every name's
    assert len(printed) >= 6
    for line in printed:
        spec = SpecifierSet(line[line.index(">"):])
        admitted = [v for v in AMD_VERSIONS if spec.contains(Version(v), prereleases=True)]
        assert admitted == [], (line, admitted)


def _amd_like_wheel(directory: Path, version: str) -> Path:
    """A wheel shaped as AMD's hip-python metapackage is (a ``hip`` package, no hip/_manifest.json,
    a ROCm-keyed version), so the check is tested where AMD's own wheel is not at hand."""
    from resolver_helpers import zip_wheel

    directory.mkdir(parents=True)
    di = f"hip_python-{version}.dist-info"
    files = {"hip/__init__.py": "# the hip.* alias of AMD's rocm.bindings\n",
             f"{di}/METADATA": f"Metadata-Version: 2.4\nName: hip-python\nVersion: {version}\n",
             f"{di}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    return zip_wheel(directory / f"hip_python-{version}-py3-none-any.whl", di, files)


def test_check_reads_amds_installed_wheel_through_the_rocm_table(tmp_path):
    venv.EnvBuilder(with_pip=True).create(tmp_path / "v")
    py = tmp_path / "v" / "bin" / "python"
    amd = _amd_like_wheel(tmp_path / "amd", "10.0.0.0.1.2")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(amd)], check=True)
    proc = run("check", "--python", py, "--against", "7.15.0", "--json")
    d = json.loads(proc.stdout)
    assert d["wheel_hip_version"] == "7.15.0" and d["amd"] is True, d
    assert proc.returncode == 0
    text = run("check", "--python", py, "--against", "7.15.0").stdout
    assert "is AMD's (ROCm-keyed: built for ROCm 10.0.0, which ships HIP 7.15.0)" in text


# -- manifests -------------------------------------------------------------------------------------

def test_a_crafted_wheel_is_not_inflated_to_read_its_manifest(tmp_path):
    whl = tmp_path / "hip_python-5.2.21153.1-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("hip/_manifest.json", "w", force_zip64=True) as f:   # 600 MB of spaces, ~0.6 MB stored
            for _ in range(600):
                f.write(b" " * (1 << 20))
    assert whl.stat().st_size < 1 << 20
    # the peak of this process image (VmHWM, KiB): ru_maxrss would also count the pytest process it was
    # forked from (Linux keeps that high-water mark across exec): hundreds of MB late in a full run
    code = ("import sys; from hip_python_select import manifests as M\n"
            "try:\n    M.load('5.2.21153', [sys.argv[1]])\nexcept M.ManifestInvalid as e:\n    print(e)\n"
            "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')))")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          env=clean_env(), timeout=120)
    message, peak_kib = proc.stdout.strip().splitlines()
    assert "more than a manifest" in message, proc.stderr
    assert int(peak_kib) < 200 << 10, peak_kib     # well under the 600 MB it would inflate to


@pytest.mark.parametrize("tamper", [
    lambda m: m["functions"].update(hipMalloc=7),
    lambda m: m["enums"].update(hipError_t={"constants": [["hipSuccess"]]}),
    lambda m: m["records"].update(dim3={"fields": [3]}),
])
def test_a_tampered_manifest_is_named_not_an_internal_error(tmp_path, tamper):
    from hip_python_select import manifests as M

    m = M.shipped("5.2.21153")
    m.pop("libraries", None)
    tamper(m)
    (tmp_path / "5.2.21153.json").write_text(json.dumps(m))
    proc = run("diff", "5.2.21153", "5.7.31921", "--manifests", tmp_path)
    assert proc.returncode == C.PROBLEM
    assert "internal error" not in proc.stderr
    assert "is not the API manifest of HIP 5.2.21153" in proc.stderr


def test_an_unreachable_manifests_url_is_an_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]        # closed when the test runs: connection refused
    proc = run("diff", "5.2.21153", "5.7.31921", "--manifests", f"http://127.0.0.1:{port}/m")
    assert proc.returncode == errors.IndexFailed.code == 5
    assert "is unreachable" in proc.stderr and not proc.stdout.strip()


def test_a_server_that_never_answers_is_bounded_by_timeout():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)                      # accepts (the kernel does), never answers
    try:
        t0 = time.monotonic()
        proc = run("diff", "5.2.21153", "5.7.31921", "--timeout", "3", "--manifests",
                   f"http://127.0.0.1:{server.getsockname()[1]}/m")
        took = time.monotonic() - t0
    finally:
        server.close()
    assert proc.returncode == 5, proc.stderr
    assert took < 3 + 6, took             # the deadline, plus the interpreter's start on a busy machine
