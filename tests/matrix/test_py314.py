"""Python 3.14 (Debian sid's) gets a wheel from the index: the abi3 one, as root in sid's root
filesystem (the same one the runtime matrix provisions), with the command the issue names:
``pip install --index-url file://.../wheels/simple 'hip-python==5.2.21153.*'``.

The 5.2.3 wheel runs on bookworm's real 5.2.3 runtime copied in (its library asks for an
executable stack, which sid's glibc refuses unless told: GLIBC_TUNABLES=glibc.rtld.execstack=2);
the 6.4.3 wheel runs on sid's own 6.4.3 runtime.  Needs root, as every test here."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
import rootfs  # noqa: E402
from hip_build import publish  # noqa: E402
from wheels_for_tests import build_wheel  # noqa: E402

CODE = ("import sys; from hip import hip; print(sys.version_info[0], sys.version_info[1], "
        "hip.__file__.rsplit('/', 1)[1], hip.hipRuntimeGetVersion()[1], "
        "hip.hipGetErrorName(hip.hipError_t.hipErrorNoDevice)[1].decode())")


@pytest.fixture(scope="module")
def sid():
    if os.geteuid() != 0:
        pytest.fail("needs root (chroot into sid's root filesystem): run './dev test' as root, as CI does",
                    pytrace=False)
    return rootfs.provision("6.4.3", log=lambda m: None).path


@pytest.mark.parametrize("release, hip, packed", [("5.2.3", "5.2.21153", "50221153"),
                                                   ("6.4.3", "6.4.43484", "60443484")])
def test_python_314_installs_the_abi3_wheel_and_calls_the_runtime(sid, runtime_523, release, hip, packed):
    assert rootfs.python_version(sid).startswith("3.14")
    work = sid / "tmp" / f"py314-{release}"
    shutil.rmtree(work, ignore_errors=True)
    (work / "wheels").mkdir(parents=True)
    shutil.copy(build_wheel(release, python="abi3"), work / "wheels")
    publish.write_index(work / "wheels")
    inside = f"/tmp/{work.name}"
    rootfs.run(sid, ["python3", "-m", "venv", f"{inside}/venv"], "python3 -m venv")
    rootfs.run(sid, [f"{inside}/venv/bin/pip", "install", "-q", "--disable-pip-version-check", "--pre",
                     "--index-url", f"file://{inside}/wheels/simple", f"hip-python=={hip}.*"], "pip install")
    env = {}
    if release == "5.2.3":
        shutil.copytree(runtime_523 / "lib" / "x86_64-linux-gnu", work / "lib", symlinks=True)
        env = {"LD_LIBRARY_PATH": f"{inside}/lib", "GLIBC_TUNABLES": "glibc.rtld.execstack=2"}
    out = rootfs.run(sid, [f"{inside}/venv/bin/python", "-c", CODE], "import hip", env=env).stdout.split()
    assert out == ["3", "14", "hip.abi3.so", packed, "hipErrorNoDevice"]
    shutil.rmtree(work)
