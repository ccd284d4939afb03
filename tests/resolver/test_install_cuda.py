"""``install --cuda``: the release's CUDA layer (hip-python-interop) beside the hip-python wheel
install picks, from the same index (the project's own index writer: both projects on it); and
never into an environment that has NVIDIA's cuda-python, nvidia-ml-py or nvtx (the import names
the layer's cuda, pynvml and nvtx share), where nothing may change."""
from __future__ import annotations

import json
import subprocess
import sys
import venv

import pytest
from resolver_helpers import clean_env

from hip_python_select.distributions import AMD_NAMES, PINNED
from test_help_examples import _wheel_523, as_final

CLI = [sys.executable, "-m", "hip_python_select"]


@pytest.fixture(scope="module")
def index(tmp_path_factory, manifests):
    from hip_build import amd_names, interop, publish

    root = tmp_path_factory.mktemp("cuda-index")
    wheel = as_final(_wheel_523(), root)
    version = wheel.name.split("-")[1]
    interop.build(manifests["5.2.3"], version, root, "5.2.3")
    amd_names.build(version, "5.2.21153", root)   # as the build writes them beside (--amd-names)
    publish.write_index(root)
    return version, (root / "simple").as_uri()


def _venv(path):
    venv.EnvBuilder(with_pip=True).create(path)
    return path / "bin" / "python"


def _versions(py) -> dict:
    code = ("import importlib.metadata as m, json\nout = {}\nfor n in %r:\n" % (PINNED,) +
            "    try: out[n] = m.version(n)\n    except m.PackageNotFoundError: pass\nprint(json.dumps(out))")
    return json.loads(subprocess.run([str(py), "-c", code], capture_output=True, text=True).stdout)


def _install(py, url, *extra):
    env = clean_env(PATH="/usr/bin:/bin")
    return subprocess.run([*CLI, "install", "--cuda", "--python", str(py), "--index-url", url,
                           "--hip-version", "5.2.21153", *extra], capture_output=True, text=True, env=env, timeout=600)


def test_install_cuda_puts_the_release_layer_beside_its_wheel(index, tmp_path, runtime_523):
    version, url = index
    py = _venv(tmp_path / "v")
    proc = _install(py, url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # pip's own lines come first (stdout); the command's answer is the last line
    assert proc.stdout.strip().splitlines()[-1] == f"installed hip-python=={version} and hip-python-interop=={version}"
    assert _versions(py) == {"hip-python": version, "hip-python-interop": version}
    code = ("from cuda.bindings import driver, runtime\nfrom hip import hip\n"
            "print(driver.cuInit is hip.hipInit, runtime.cudaMalloc is hip.hipMalloc)")
    env = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": str(runtime_523 / "lib" / "x86_64-linux-gnu")}
    out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, env=env, cwd="/")
    assert out.stdout.split() == ["True", "True"], out.stderr
    # the shims are there too; bookworm's hip-python has neither AMD SMI nor roctx: each import says so
    for shim, module in (("pynvml", "amdsmi"), ("nvtx", "roctx")):
        out = subprocess.run([str(py), "-c", f"import {shim}"], capture_output=True, text=True, env=env, cwd="/")
        last = out.stderr.strip().splitlines()[-1]
        assert last.startswith(f"ImportError: {shim} of hip-python-interop ") and f"(hip.{module}): hip-python " \
            f"{version}" in last and f"(HIP 5.2.21153, ROCm 5.2.3) has no {module} module" in last, out.stderr


@pytest.mark.parametrize("dist_info,name,shared", [("cuda_bindings-12.8.0", "cuda-bindings", "cuda.bindings"),
                                                   ("nvidia_ml_py-12.560.30", "nvidia-ml-py", "pynvml"),
                                                   ("nvtx-0.2.10", "nvtx", "nvtx")])
def test_install_cuda_is_refused_beside_nvidias_bindings_and_changes_nothing(index, tmp_path, dist_info, name, shared):
    version, url = index
    py = _venv(tmp_path / "v")
    # NVIDIA's distribution as pip records it (its metadata is what the check reads)
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True).stdout.strip()
    dist = tmp_path / "v" / site.split(str(tmp_path / "v") + "/", 1)[1] / f"{dist_info}.dist-info"
    dist.mkdir(parents=True)
    release = dist_info.split("-")[1]
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {release}\n")
    (dist / "RECORD").write_text("")
    proc = _install(py, url)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"NVIDIA's {name} {release}, which installs {shared} too" in proc.stderr, proc.stderr
    assert f"pip uninstall {name}'" in proc.stderr and "Nothing was changed" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _versions(py) == {}


def test_install_cuda_dry_run_names_both(index, tmp_path):
    version, url = index
    py = _venv(tmp_path / "v")
    proc = _install(py, url, "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [f"hip-python=={version}", f"hip-python-interop=={version}"]
    assert _versions(py) == {}


def test_install_amd_names_puts_the_releases_names_beside_its_wheel(index, tmp_path, runtime_523):
    """``--amd-names``: the release's rocm-bindings-* metapackages, each == the version installed,
    so that a later ``pip install`` of something requiring AMD's names finds them satisfied."""
    version, url = index
    py = _venv(tmp_path / "v")
    proc = _install(py, url, "--amd-names")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "installed " + " and ".join(
        f"{n}=={version}" for n in ("hip-python", "hip-python-interop", *AMD_NAMES))
    assert _versions(py) == {n: version for n in PINNED}
    check = subprocess.run([str(py), "-m", "pip", "check", "--disable-pip-version-check"], capture_output=True, text=True)
    # every name's Requires-Dist: hip-python==<it> is met; the one unmet is PyPI's libclang, which
    # rocm-bindings-compiler requires (rocm.bindings.clang.cindex) and --no-deps leaves to pip
    assert [ln.split(",")[0] for ln in check.stdout.splitlines()] == \
        [f"rocm-bindings-compiler {version} requires libclang"], check.stdout
