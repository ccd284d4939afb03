"""The generated ``.pyi`` stubs: checked against the built modules, and what a user's mypy sees.

``mypy.stubtest`` imports each release's built ``hip.hip``/``hip.hiprtc``/``hip._util.types``
and compares every name, enum member and signature (the wrappers carry CPython text
signatures) with the stubs; ``mypy --strict --disallow-any-expr`` on a user-style script
shows the returns, enums and structs have real types; the README's two-release example is
run exactly as printed.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from wheels_for_tests import ROOT, build_wheel, make_venv

RELEASES = ("5.2.3", "5.7.1", "6.4.3", "7.2.4")
MODULES = ("hip.hip", "hip.hiprtc", "hip._util.types")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """release -> directory holding that release's wheel unpacked (importable, with stubs)."""
    done: dict[str, Path] = {}

    def get(release: str) -> Path:
        if release not in done:
            dest = tmp_path_factory.mktemp(f"wheel{release}")
            with zipfile.ZipFile(build_wheel(release)) as z:
                z.extractall(dest)
            done[release] = dest
        return done[release]
    return get


def _env(root: Path) -> dict:
    # no runtime is needed: importing hip.hip never opens the library
    return dict(os.environ, PYTHONPATH=str(root), MYPYPATH=str(root), HIP_PYTHON_NO_VERSION_CHECK="1")


def stubtest(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy.stubtest", *extra, *MODULES],
                          cwd=root, env=_env(root), capture_output=True, text=True)


def mypy(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """mypy as a user runs it: the wheel installed in ``python``'s venv (its own sources are then
    third-party code, checked only through the stubs)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--python-executable", str(python),
                           *args], cwd=cwd, env=env, capture_output=True, text=True)


# stubtest checks names, kinds and signatures, not values: this compares every enum member's and
# every int constant's value in the stubs with the module's (prints the differences as JSON)
VALUES = r"""
import ast, importlib, json, sys
bad = []
for mod in ("hip", "hiprtc"):
    m = importlib.import_module("hip." + mod)
    tree = ast.parse(open(m.__file__.rsplit("/", 1)[0] + f"/{mod}.pyi").read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(ast.unparse(b) == "enum.IntEnum" for b in node.bases):
            members = {t.targets[0].id: t.value.value for t in node.body if isinstance(t, ast.Assign)}
            runtime = {n: int(v) for n, v in getattr(m, node.name).__members__.items()}
            if members != runtime:
                bad.append([mod, node.name, sorted(set(members.items()) ^ set(runtime.items()))])
        elif isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Constant):
            if getattr(m, node.target.id) != node.value.value:
                bad.append([mod, node.target.id, node.value.value, getattr(m, node.target.id)])
print(json.dumps(bad))
"""


def stub_values_differ(root: Path) -> list:
    proc = subprocess.run([sys.executable, "-c", VALUES], cwd=root, env=_env(root), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("release", RELEASES)
def test_stubtest_clean(unpacked, release):
    root = unpacked(release)
    assert (root / "hip" / "py.typed").exists() and (root / "hip" / "hip.pyi").exists()
    proc = stubtest(root)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert stub_values_differ(root) == []


def test_stubtest_fails_when_a_stub_disagrees(unpacked, tmp_path):
    """A renamed parameter, a function the module lacks and a wrong enum value are each caught."""
    import shutil
    root = tmp_path / "w"
    shutil.copytree(unpacked("5.2.3"), root)
    stub = root / "hip" / "hip.pyi"
    text = stub.read_text()
    text = text.replace("def hipSetDevice(deviceId: int)", "def hipSetDevice(device: int)")
    text = text.replace("    hipErrorInvalidValue = 1\n", "    hipErrorInvalidValue = 2\n")
    text += "def hipNotAFunction() -> tuple[hipError_t]: ...\n"
    stub.write_text(text)
    proc = stubtest(root)
    assert proc.returncode == 1
    for needle in ("hip.hip.hipSetDevice is inconsistent", "hip.hip.hipNotAFunction is not present at runtime"):
        assert f"error: {needle}" in proc.stdout, proc.stdout[-4000:]
    assert stub_values_differ(root) == [["hip", "hipError_t", [["hipErrorInvalidValue", 1], ["hipErrorInvalidValue", 2]]]]


USER_SCRIPT = '''\
from hip import hip, hiprtc

err, count = hip.hipGetDeviceCount()
if err != hip.hipError_t.hipSuccess:
    print(hip.hipGetErrorString(err)[1])
err, stream = hip.hipStreamCreate()
err, buf = hip.hipMalloc(1024)
buf.configure(typestr="float32", shape=(16, 16))
err, props = hip.hipGetDeviceProperties(0)
block = hip.dim3(16, 16)
err, = hip.hipMemcpy(buf, bytearray(1024), 1024, hip.hipMemcpyKind.hipMemcpyHostToDevice)
err, = hip.hipStreamDestroy(stream)
rerr, prog = hiprtc.hiprtcCreateProgram(b"__global__ void k() {}", b"k.cpp", 0, None, None)
rerr, = hiprtc.hiprtcCompileProgram(prog, 1, [b"--offload-arch=gfx90a"])
rerr, size = hiprtc.hiprtcGetCodeSize(prog)
reveal_type(err)
reveal_type(count)
reveal_type(stream)
reveal_type(buf)
reveal_type(props)
reveal_type(props.name)
reveal_type(props.totalGlobalMem)
reveal_type(block.x)
reveal_type(rerr)
reveal_type(prog)
reveal_type(size)
reveal_type(hip.hipGetErrorName(err))
reveal_type(hip.hipMemcpyKind.hipMemcpyHostToDevice)
'''
REVEALED = ["hip.hip.hipError_t", "int", "hip.hip.ihipStream_t", "hip._util.types.DeviceArray",
            "hip.hip.hipDeviceProp_t", "bytes", "int", "int",
            "hip.hiprtc.hiprtcResult", "hip.hiprtc._hiprtcProgram", "int",
            "tuple[hip.hip.hipError_t, hip._util.types.CStr | None]", "Literal[hip.hip.hipMemcpyKind.hipMemcpyHostToDevice]?"]


def test_mypy_strict_user_script_has_real_types(venv_523, tmp_path):
    """--strict plus --disallow-any-expr: not one expression of the script is Any."""
    (tmp_path / "user.py").write_text(USER_SCRIPT)
    proc = mypy(venv_523, "--strict", "--disallow-any-expr", "user.py", cwd=tmp_path)
    notes = re.findall(r'note: Revealed type is "(.*)"', proc.stdout)
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert not errors, proc.stdout
    assert notes == REVEALED, proc.stdout


def test_mypy_flags_wrong_argument_types(venv_523, tmp_path):
    (tmp_path / "bad.py").write_text("from hip import hip\n"
                      "hip.hipSetDevice('0')\n"                 # an int parameter
                      "hip.hipMalloc(size=1.5)\n"               # size_t
                      "err, n = hip.hipStreamCreate(0)\n"       # the out-parameter is not passed
                      "x: str = hip.hipGetDeviceCount()[1]\n")  # an int comes back
    proc = mypy(venv_523, "--strict", "bad.py", cwd=tmp_path)
    lines = {int(m) for m in re.findall(r"bad\.py:(\d+): error", proc.stdout)}
    assert lines == {2, 3, 4, 5}, proc.stdout


def _readme_block() -> tuple[str, list[tuple[str, str]]]:
    """The README's two-release example: the script and each (command, expected output)."""
    text = (ROOT / "docs" / "types-and-cython.md").read_text()
    section = text.split("<!-- typed-example -->", 2)[1]
    script = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shell = re.search(r"```console\n(.*?)```", section, re.S).group(1)
    runs, cmd, out = [], None, []
    for line in shell.splitlines():
        if line.startswith("$ "):
            if cmd:
                runs.append((cmd, "\n".join(out)))
            cmd, out = line[2:], []
        else:
            out.append(line)
    runs.append((cmd, "\n".join(out)))
    return script, runs


def test_readme_two_release_example(tmp_path):
    """The README's script type-checked against the 5.2.3 and 7.2.4 wheels, run as printed."""
    script, runs = _readme_block()
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "typed.py").write_text(script)
    assert (ROOT / "examples" / "typed.py").read_text() == script
    for release in ("5.2.3", "7.2.4"):
        make_venv(tmp_path / f"v{release.replace('.', '')[:3]}", build_wheel(release))
    assert [c.split()[0] for c, _ in runs] == ["mypy", "mypy"]
    for cmd, expected in runs:
        args = cmd.split()[1:]
        proc = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", *args], cwd=tmp_path,
                              capture_output=True, text=True,
                              env={k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")})
        assert proc.stdout.strip() == expected.strip(), (cmd, proc.stdout)
