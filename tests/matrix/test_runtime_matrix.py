"""Every wheel against every real HIP runtime (4 x 4), and the user path on each, as root.

One run of ``harness/runtime_matrix.py`` (the command the README shows) provisions the four
Debian root filesystems (cached in ~/.cache/hip-python-dist/rootfs), builds the wheels for
each suite's Python, runs the sixteen cells and the four user paths, and writes JSON; the
tests below read that JSON, so every cell and every environment is its own test result.

Needs root (debootstrap, chroot, mount /proc) and network access to Debian's archive and
PyPI.  CI runs as root; anywhere else these tests fail and say so, they are never skipped.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
from hip_bindgen import releases  # noqa: E402

RELEASES = releases.short_names()      # releases.json: 5.2.3, 5.7.1, 6.4.3, 7.2.4
HIP = {r: releases.find(r).hip for r in RELEASES}
PACKED = {"5.2.3": 50221153, "5.7.1": 50731921, "6.4.3": 60443484, "7.2.4": 70253211}   # what the runtimes return

# The import-time warning each wheel (row) must give on each runtime (column), by eye:
# None on the diagonal, the grade of the difference everywhere else.
EXPECTED_WARNING = {
    "5.2.3": {"5.2.3": None,              "5.7.1": "same-major",      "6.4.3": "different-major", "7.2.4": "different-major"},
    "5.7.1": {"5.2.3": "same-major",      "5.7.1": None,              "6.4.3": "different-major", "7.2.4": "different-major"},
    "6.4.3": {"5.2.3": "different-major", "5.7.1": "different-major", "6.4.3": None,              "7.2.4": "different-major"},
    "7.2.4": {"5.2.3": "different-major", "5.7.1": "different-major", "6.4.3": "different-major", "7.2.4": None},
}
GRADES = ("same-minor", "same-major", "different-major")


def test_the_expectations_cover_exactly_the_supported_releases():
    assert set(EXPECTED_WARNING) == set(RELEASES) == set(PACKED)
    assert all(set(row) == set(RELEASES) for row in EXPECTED_WARNING.values())


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, request) -> dict:
    if os.geteuid() != 0:
        pytest.fail("the runtime matrix needs root (debootstrap, chroot, mount /proc): run './dev test' as root, "
                    "as CI does; or run 'sudo ./dev matrix' alone", pytrace=False)
    out = tmp_path_factory.mktemp("matrix") / "runtime-matrix.json"
    logfile = out.with_suffix(".log")
    # minutes on a fresh machine: every line goes to the terminal as it comes (pytest's capture
    # is lifted for it), prefixed with the time so far, and to the log
    capture = request.config.pluginmanager.getplugin("capturemanager")
    start = time.monotonic()
    with open(logfile, "w") as log, subprocess.Popen(
            [sys.executable, "-u", str(ROOT / "harness" / "runtime_matrix.py"), "--json", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        for line in proc.stdout:
            log.write(line)
            with capture.global_and_fixture_disabled():
                print(f"  matrix {time.monotonic() - start:6.0f}s  {line.rstrip()}", flush=True)
        proc.wait(timeout=3600)
    text = logfile.read_text()
    assert out.exists(), f"runtime_matrix.py wrote no results (exit {proc.returncode}):\n{text[-6000:]}"
    data = json.loads(out.read_text())
    assert "setup_error" not in data, f"setup failed:\n{data['setup_error']}\n\n{text[-4000:]}"
    assert proc.returncode in (0, 1), text[-6000:]
    data["returncode"] = proc.returncode
    return data


def _cell(matrix, wheel, runtime) -> dict:
    found = [c for c in matrix["cells"] if c["wheel"] == HIP[wheel] and c["runtime"] == HIP[runtime]]
    assert len(found) == 1, f"no cell for the {wheel} wheel on the {runtime} runtime"
    return found[0]


@pytest.mark.parametrize("runtime", RELEASES)
@pytest.mark.parametrize("wheel", RELEASES)
def test_cell(matrix, wheel, runtime):
    c = _cell(matrix, wheel, runtime)
    want = EXPECTED_WARNING[wheel][runtime]
    r = c["result"]
    assert c["returncode"] == 0, f"the interpreter died: {c['stderr']}"
    assert r.get("stage") == "done", r
    mism = [w for w in r["import_warnings"] if w["category"] == "HipVersionMismatchWarning"]
    if want is None:
        assert mism == [], mism
    else:
        assert len(mism) == 1, r["import_warnings"]
        msg = mism[0]["message"]
        assert f"({want})" in msg and HIP[wheel] in msg and HIP[runtime] in msg, msg
        assert [g for g in GRADES if f"({g})" in msg] == [want], msg
    assert r["later_warnings"] == []                  # once, at import: never again on a call
    assert r["hipRuntimeGetVersion"] == ["hipSuccess", PACKED[runtime]]
    assert r["hipGetDeviceCount"][0] == "hipErrorNoDevice"
    assert r["hipGetErrorName"] == "hipErrorNoDevice"
    if c["missing_count"]:
        m = r["missing"]
        assert m["raised"] == "HipFunctionNotFoundError", m
        loaded = [x for x in r["loaded"] if x["module"] == "hip"][0]["path"]
        assert m["function"] in m["message"] and os.path.basename(loaded) in m["message"], m
        assert HIP[runtime] in m["message"], m
    assert c["ok"], c["problems"]


@pytest.mark.parametrize("release", RELEASES)
def test_user_path(matrix, release):
    """hip-python-select install picks the release's wheel from its hipconfig; the wheel works."""
    u = [x for x in matrix["user_path"] if x["release"] == HIP[release]]
    assert len(u) == 1, f"no user path for {release}"
    u = u[0]
    steps = u["steps"]
    for name in ("venv", "pip install resolver", "detect", "install"):
        assert steps[name]["returncode"] == 0, f"{name}: {steps[name]['stdout'][-1500:]}{steps[name]['stderr'][-1500:]}"
    assert u["hipconfig"] and u["hipconfig"]["value"] == HIP[release], u["hipconfig"]
    assert u["hipconfig"]["path"].endswith("/hipconfig")
    calls = u["calls"]
    assert calls["wheel"]["hip"] == HIP[release], calls["wheel"]
    silent = steps["import silent"]
    assert (silent["returncode"], silent["stdout"], silent["stderr"]) == (0, "", "")
    assert calls["import_warnings"] == []
    assert calls["hipRuntimeGetVersion"] == ["hipSuccess", PACKED[release]]
    assert calls["hipGetDeviceCount"][0] == "hipErrorNoDevice"
    rtc = calls["hiprtc"]
    assert (rtc["create"], rtc["compile"], rtc["get_code"], rtc["destroy"]) == ("HIPRTC_SUCCESS",) * 4, rtc["log"]
    assert rtc["code_size"][0] == "HIPRTC_SUCCESS" and rtc["code_size"][1] > 0
    assert u["ok"], u["problems"]


@pytest.mark.parametrize("release", RELEASES)
def test_the_installer_alone_picks_the_variant(matrix, release):
    """On each suite's real runtime: uv's wheel-variants preview, pointed by `config --for uv` at the
    per-release index, installs the variant wheel of the machine's release with no plugin, and the
    provider plugin supports exactly the version detect reads."""
    (u,) = [x for x in matrix["user_path"] if x["release"] == HIP[release]]
    for name in ("config --for uv", "uv venv", "uv install", "uv installed", "provider"):
        step = u["steps"][name]
        assert step["returncode"] == 0, f"{name}: {step['stdout'][-1500:]}{step['stderr'][-1500:]}"
    assert u["uv"] == {"hip": HIP[release], "variant": True, "warnings": []}, u["uv"]
    assert u["provider"] == [["version", [HIP[release]]]], u["provider"]


def test_one_command_reports_every_cell(matrix):
    assert len(matrix["cells"]) == 16 and len(matrix["user_path"]) == 4
    assert matrix["returncode"] == (0 if all(c["ok"] for c in matrix["cells"] + matrix["user_path"]) else 1)
    assert matrix["ok"] is (matrix["returncode"] == 0)


def test_the_runtimes_come_from_the_one_fetcher(matrix):
    """Each root filesystem installed its pinned packages from hip_bindgen.debian's cache (the
    .debs the wheels' headers come from), at the pinned versions and sha256."""
    from hip_bindgen import debian

    assert len(matrix["environments"]) == len(RELEASES)
    for hip, env in matrix["environments"].items():
        pins = releases.find(hip).runtime_pins()
        assert set(env["fetched"]) == {p["package"] for p in pins}, env["fetched"]
        for p in pins:
            path = debian.cache_dir() / "debs" / env["fetched"][p["package"]]
            assert debian.sha256_file(path) == p["sha256"], path
            assert env["installed"][p["package"]] == p["version"]


def test_wheels_built_in_a_root_are_the_build_librarys(matrix):
    """Wheels for a Python this host has no interpreter of are built in a root by
    scripts/build_matrix.py: audited (a manylinux tag, never linux_x86_64), one per release and
    Python, built or taken from the build's own cache, and the ones the cells used.  sid's 3.14
    is always among them; trixie's 3.13 too where the PATH holds no 3.13 (CI's bare PATH)."""
    builds = matrix["chroot_builds"]
    by_tag: dict = {}
    for b in builds:
        tag = b["ident"].rsplit("-", 1)[-1]
        by_tag.setdefault(tag, []).append(b)
        assert b["status"] in ("built", "cached", "stamped") and b["ident"] == f"hip{b['hip']}-{tag}", b
        name = Path(b["wheel"]).name
        platforms = name[:-len(".whl")].split("-")[-1].split(".")
        assert f"-{tag}-{tag}-" in name and all(p.startswith("manylinux") for p in platforms), name   # audited
    assert "cp314" in by_tag, builds
    for tag, group in by_tag.items():
        assert sorted(b["hip"] for b in group) == sorted(HIP.values()), (tag, group)
    used = {c["wheel_file"] for c in matrix["cells"]
            if "cp" + "".join(c["python"].split(".")[:2]) in by_tag}
    assert used == {Path(b["wheel"]).name for b in builds}
