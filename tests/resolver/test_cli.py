"""The commands as a user runs them (child processes), with the real 5.2.3 tree."""
from __future__ import annotations

import pytest
from resolver_helpers import clean_env, fake_hipconfig, make_wheel

from hip_python_select import cli as C


def test_help_teaches_by_example_and_lists_exit_codes(cli):
    out = cli("--help", check=0).stdout
    assert "hip-python-select resolve --find-links wheels/" in out
    for code in range(0, 9):
        assert f"\n  {code}  " in out
    for cmd in ("detect", "resolve", "install", "check", "doctor", "constraints"):
        sub = cli(cmd, "--help", check=0).stdout
        assert "example:" in sub and "--json" in sub


def test_detect_json(cli, tree_523):
    env = clean_env(PATH="/usr/bin:/bin", LD_LIBRARY_PATH=str(tree_523 / "lib" / "x86_64-linux-gnu"))
    data = cli.json("detect", "--hipconfig", tree_523 / "bin" / "hipconfig", env=env)
    assert data["hip_version"] == "5.2.21153" and data["hip_version_full"] == "5.2.21153-0"
    assert data["rocm_versions"] == ["5.2.3"]
    for s in data["sources"]:
        assert {"name", "path"} <= set(s) and ("value" in s) != ("error" in s) or "rocm" in s
    assert data["library"]["found_via"] == "LD_LIBRARY_PATH"


def test_detect_nothing(cli, tmp_path):
    proc = cli("detect", "--rocm-path", tmp_path, "--hipconfig", tmp_path / "missing",
               env=clean_env(PATH="/usr/bin:/bin"))
    assert proc.returncode == C.NO_HIP and "no HIP installation detected" in proc.stdout


def test_resolve_prints_the_requirement_line(cli, tree_523, tmp_path):
    for v in ("5.2.21153.9", "5.2.21153.37", "5.7.31921.40"):
        make_wheel(tmp_path, v, v.rsplit(".", 1)[0])
    out = cli("resolve", "--hipconfig", tree_523 / "bin" / "hipconfig", "--find-links", tmp_path, "--no-index",
              check=0).stdout
    assert out.strip() == "hip-python==5.2.21153.37"


def test_resolve_refuses_a_mismatch_unless_allowed(cli, tmp_path):
    make_wheel(tmp_path, "5.7.31921.40", "5.7.31921")
    proc = cli("resolve", "--hip-version", "5.2.21153", "--find-links", tmp_path, "--no-index")
    assert proc.returncode == C.NO_WHEEL and "nearest: hip-python==5.7.31921.40" in proc.stderr
    assert "same-major" in proc.stderr
    data = cli.json("resolve", "--hip-version", "5.2.21153", "--find-links", tmp_path, "--no-index",
                    "--allow-mismatch")
    assert data["grade"] == "same-major" and data["requirement"] == "hip-python==5.7.31921.40"


def test_resolve_with_a_broken_hipconfig_says_what_to_do(cli, tmp_path):
    hc = fake_hipconfig(tmp_path / "bin", "echo 'perl: warning: Setting locale failed.'; exit 0")
    make_wheel(tmp_path / "w", "5.2.21153.1", "5.2.21153")   # an empty --find-links folder is an error of its own
    proc = cli("resolve", "--hipconfig", hc, "--rocm-path", tmp_path, "--find-links", tmp_path / "w", "--no-index")
    assert proc.returncode == C.NO_HIP
    assert "Setting locale failed" in proc.stderr and "--hip-version" in proc.stderr


def test_hanging_hipconfig_times_out_with_a_message(cli, tmp_path):
    hc = fake_hipconfig(tmp_path / "bin", "sleep 30")
    proc = cli("detect", "--hipconfig", hc, "--rocm-path", tmp_path, "--timeout", "0.5", timeout=20)
    assert proc.returncode == C.NO_HIP and "killed" in proc.stdout


@pytest.mark.parametrize("args, line", [
    (("--hip-version", "5.2.21153"), "hip-python>=5.2.21153.0,<5.2.21154"),
    (("--hip-version", "50221153"), "hip-python>=5.2.21153.0,<5.2.21154"),
    (("--rocm-version", "5.7.0"), "hip-python>=5.7.31921.0,<5.7.31922"),
    (("--rocm-version", "6.4.2"), "hip-python>=6.4.43484.0,<6.4.43485"),
    (("--rocm-version", "7.2.4"), "hip-python>=7.2.53211.0,<7.2.53212"),
    (("--rocm-version", "6.2.0", "--amd"), "hip-python>=6.2.0.0,<6.2.1"),
])
def test_constraints_without_rocm(cli, args, line, tmp_path):
    env = clean_env(PATH="/usr/bin:/bin")
    # hip-python's line first; then the same range for the release's other names (test_amd_names.py)
    assert cli("constraints", *args, env=env, check=0).stdout.splitlines()[0] == line


def test_constraints_refuses_unknown_input(cli):
    proc = cli("constraints", "--rocm-version", "5.8.1")   # no such ROCm release
    assert proc.returncode == C.USAGE and "'5.8.1' is not in the ROCm -> HIP table" in proc.stderr
    proc = cli("constraints", "--hip-version", "5.2")
    assert proc.returncode == C.USAGE and "'5.2'" in proc.stderr


def test_doctor_reports_devices_groups_and_the_check(cli, tree_523):
    env = clean_env(PATH=f"{tree_523}/bin:/usr/bin:/bin", LD_LIBRARY_PATH=str(tree_523 / "lib" / "x86_64-linux-gnu"))
    proc = cli("doctor", "--json", env=env)
    import json
    data = json.loads(proc.stdout)
    assert data["detect"]["hip_version"] == "5.2.21153"
    assert set(data["devices"]) >= {"/dev/kfd", "/dev/dri", "groups"}
    if not data["devices"]["/dev/kfd"]:
        assert proc.returncode == C.PROBLEM and any("/dev/kfd" in p for p in data["problems"])


def test_a_reader_that_leaves_early_gets_no_traceback():
    """`hip-python-select releases | head -1`: the reader is gone when the CLI writes."""
    import os
    import subprocess
    import sys

    r, w = os.pipe()
    os.close(r)                      # the reader has left before the first write: deterministic
    try:
        proc = subprocess.run([sys.executable, "-m", "hip_python_select", "releases"], stdout=w,
                              stderr=subprocess.PIPE, text=True, env=clean_env(), timeout=60)
    finally:
        os.close(w)
    assert proc.returncode == 141 and "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, \
        proc.stderr
