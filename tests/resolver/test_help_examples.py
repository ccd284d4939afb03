"""Every example ``hip-python-select --help`` prints (and each command's own ``example:``) runs as
printed, in a shell, from a fresh venv outside the checkout: the resolver installed there from
resolver/ (not editable), this project's real 5.2.3 wheel in ``wheels/`` with its index
``wheels/simple``, and the real 5.2.3 runtime (bookworm's) with its hipconfig on PATH."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from resolver_helpers import DATA, ROOT, write_index

from hip_python_select import cli as C

APP = "from hip import hip\n\nerr, n = hip.hipGetDeviceCount()\nerr, ptr = hip.hipMalloc(64)\nhip.hipFree(ptr)\n"


def _examples() -> list[str]:
    """The example lines of --help (epilog) and of every command's --help, as printed (no comment)."""
    p = C.parser()
    texts = [p.format_help()]
    sub = next(a for a in p._actions if a.dest == "command")
    texts += [s.format_help().split("Exit codes")[0] for s in sub.choices.values()]
    found = []
    for text in texts:
        for line in text.splitlines():
            m = re.match(r"^  ((?:hip-python-select|pip) .*?)(?:\s+#.*)?$", line)
            if m and m.group(1) not in found:
                found.append(m.group(1))
    return found


EXAMPLES = _examples()


def _wheel_523() -> Path:
    """A host-Python 5.2.3 wheel: one already built in build/test-wheels (any revision: the examples
    exercise the resolver, not the bindings), else built now."""
    from wheels_for_tests import TEST_WHEELS, build_wheel

    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    cached = sorted(TEST_WHEELS.glob(f"hip_python-5.2.21153.*-{tag}-{tag}-*.whl"), key=lambda p: p.stat().st_mtime)
    return cached[-1] if cached else build_wheel("5.2.3")


def as_final(wheel: Path, dest: Path) -> Path:
    """``wheel`` re-versioned as the final release a clean checkout builds (5.2.21153.123.dev4+dirty
    -> 5.2.21153.123): the examples are for users, whose wheels are final."""
    name, version, rest = wheel.name.split("-", 2)
    final = re.match(r"[0-9.]+[0-9]", version).group(0)
    old_di, new_di = f"{name}-{version}.dist-info", f"{name}-{final}.dist-info"
    out = dest / f"{name}-{final}-{rest}"
    rows = []
    with zipfile.ZipFile(wheel) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.is_dir():
                continue
            data, member = zin.read(info), info.filename.replace(old_di, new_di, 1)
            if member == f"{new_di}/RECORD":
                continue
            if member == f"{new_di}/METADATA":
                data = re.sub(rb"(?m)^Version: .*$", f"Version: {final}".encode(), data)
            zout.writestr(member, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append(f"{member},sha256={digest},{len(data)}")
        zout.writestr(f"{new_di}/RECORD", "\n".join(rows + [f"{new_di}/RECORD,,"]) + "\n")
    return out


def test_the_examples_are_found_and_pin_no_revision():
    assert len(EXAMPLES) >= 18 and any(e.startswith("pip install") for e in EXAMPLES)
    text = C.parser().format_help()
    assert not re.search(r"hip-python==\d+\.\d+\.\d+\.\d+", text)   # no revision that will not exist


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, runtime_523):
    base = tmp_path_factory.mktemp("help-examples")
    assert ROOT not in base.parents
    venv.EnvBuilder(with_pip=True, clear=True).create(base / ".venv")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "HIP_PYTHON_", "PIP_INDEX", "PIP_FIND", "ROCM", "HIP_PATH"))}
    subprocess.run([str(base / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT / "resolver")],
                   check=True, env=env, cwd=str(base))
    (base / "wheels").mkdir()
    wheel = as_final(_wheel_523(), base / "wheels")
    write_index(base / "wheels", [wheel])
    write_index(base / "wheels" / "hip-5.2.21153", [wheel])   # the per-release index the build writes too
    (base / "app.py").write_text(APP)
    pypi = base / "pypi" / "simple" / "hip-python"    # PyPI's hip-python page, as captured
    pypi.mkdir(parents=True)
    (pypi / "index.html").write_text((DATA / "pypi-simple-hip-python.html").read_text())
    env.update(PATH=f"{base / '.venv' / 'bin'}:{runtime_523 / 'bin'}:/usr/bin:/bin",
               LD_LIBRARY_PATH=str(runtime_523 / "lib" / "x86_64-linux-gnu"))
    return base, env


def test_every_help_example_runs_as_printed(fresh):
    base, env = fresh
    for example in EXAMPLES:
        run_env = dict(env)
        if "--amd" in example:    # PyPI itself is not reached from the test: its page, captured
            run_env["PIP_INDEX_URL"] = (base / "pypi" / "simple").as_uri()
        proc = subprocess.run(["bash", "-c", example], capture_output=True, text=True, env=run_env,
                              cwd=str(base), timeout=300)
        out = proc.stdout + proc.stderr
        assert "Traceback" not in out and "internal error" not in out, (example, out)
        if example.startswith("hip-python-select doctor"):
            # no GPU in the test machine: /dev/kfd is missing, said as a problem (exit 1)
            assert proc.returncode in (0, 1) and "HIP: 5.2.21153" in proc.stdout, (example, out)
        elif "--script" in example:
            assert proc.returncode in (0, 9, 10) and re.search(r"Verdict: (safe|risky|broken)", proc.stdout), \
                (example, out)
        else:
            assert proc.returncode == 0, (example, out)
        if example == "hip-python-select check":
            assert "OK: the wheel matches the runtime" in proc.stdout
        if example.startswith("hip-python-select resolve --find-links"):
            assert proc.stdout.strip() == f"hip-python=={next((base / 'wheels').glob('*.whl')).name.split('-')[1]}"
    # what the install examples installed is the 5.2.3 wheel, importable
    check = subprocess.run([str(base / ".venv" / "bin" / "python"), "-c", "import hip.hip; print(hip.hip.HIP_VERSION_STRING)"],
                           capture_output=True, text=True, env=env, cwd="/")
    assert check.stdout.strip().startswith("5.2.21153"), check.stderr
