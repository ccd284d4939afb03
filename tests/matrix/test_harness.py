"""The matrix harness's own logic: expectations, the table, staleness of root filesystems, mounts."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
import rootfs  # noqa: E402
import runtime_matrix as rm  # noqa: E402
from hip_bindgen import releases  # noqa: E402


@pytest.mark.parametrize("wheel, runtime, grade", [
    ("5.2.21153", "5.2.21153", None),
    ("5.2.21153", "5.2.21154", "same-minor"),
    ("5.2.21153", "5.7.31921", "same-major"),
    ("5.7.31921", "5.2.21153", "same-major"),
    ("5.7.31921", "6.4.43484", "different-major"),
    ("7.2.53211", "6.4.43484", "different-major"),
])
def test_expected_grade(wheel, runtime, grade):
    assert rm.expected_grade(wheel, runtime) == grade


@pytest.mark.parametrize("hip, value", [("5.2.21153", 50221153), ("5.7.31921", 50731921),
                                        ("6.4.43484", 60443484), ("7.2.53211", 70253211)])
def test_packed_hip_version(hip, value):
    assert rm.packed(hip) == value


def test_table_marks_a_cell_that_differs():
    hips = ["5.2.21153", "5.7.31921"]
    cells = [{"wheel": w, "runtime": r, "ok": True, "actual": rm.cell_text(rm.expected_grade(w, r), 0)}
             for w in hips for r in hips]
    cells[1] = dict(cells[1], ok=False, actual="crash", expected="warn same-major")
    text = rm.table(hips, cells)
    lines = text.splitlines()
    assert "runtime 5.2.3 (bookworm)" in lines[0] and "runtime 5.7.1 (trixie)" in lines[0]
    assert "wheel 5.2.3" in lines[2] and "! crash (want warn same-major)" in lines[2]
    assert "!" not in lines[3] and "warn same-major" in lines[3]


def test_expected_table_needs_no_root():
    out = subprocess.run([sys.executable, str(ROOT / "harness" / "runtime_matrix.py"), "--expected"],
                         capture_output=True, text=True, check=True).stdout
    rows = [r for r in out.splitlines() if r.startswith("| wheel")]
    assert len(rows) == 4 and all(r.count("| ok ") == 1 for r in rows)
    assert out.count("warn different-major") == 10 and out.count("warn same-major") == 2


def test_missing_functions_come_from_the_manifest_and_the_exports():
    manifest = {"functions": {
        "hipA": {"module": "hip", "params": [1, 2]},
        "hipB": {"module": "hip", "params": []},
        "hipC": {"module": "hip", "params": [], "symbol": "_Z4hipCv"},
        "hiprtcX": {"module": "hiprtc", "params": []},
        "hipD": {"module": "hip", "params": [1]},
    }}
    assert rm.missing_functions(manifest, {"hipD", "_Z4hipCv"}) == ["hipB", "hipA"]   # fewest parameters first


def test_hipconfig_finding_is_read_from_detect_json():
    detect = {"hip_version": "6.4.43484", "findings": [
        {"name": "runtime", "path": "/usr/lib/x86_64-linux-gnu/libamdhip64.so.6", "value": "6.4.43484"},
        {"name": "hipconfig", "path": "/usr/bin/hipconfig", "found_via": "PATH", "value": "6.4.43484",
         "full": "6.4.43484-9999"}]}
    assert rm.hipconfig_finding(detect) == {"path": "/usr/bin/hipconfig", "found_via": "PATH",
                                            "value": "6.4.43484", "full": "6.4.43484-9999"}
    assert rm.hipconfig_finding(None) is None


# -- root filesystems: what decides a rebuild --------------------------------------------------

def test_each_release_gets_its_suite_and_pins():
    for rel in releases.supported():
        spec = rootfs.env_spec(rel.hip)
        deb = rel.debian
        assert spec["suite"] == deb["suite"]
        assert spec["packages"][deb["hipcc"]["package"]] == deb["hipcc"]["version"]
        assert all(spec["packages"][p["package"]] == p["version"] for p in deb["runtime"])
        assert rootfs.env_path(rel.hip).name.startswith(deb["suite"] + "-")
    assert rootfs.env_spec("7.2.4")["sources"] == ["sid", "experimental"]
    assert rootfs.env_spec("7.2.4")["target"] == "experimental"
    assert rootfs.base_spec("experimental")["suite"] == "sid"


def test_a_changed_pin_gives_another_root_filesystem(monkeypatch):
    before = rootfs.env_path("6.4.3")
    data = json.loads(json.dumps(releases.load()))
    rel = [r for r in data["supported"] if r["hip"] == "6.4.43484"][0]
    rel["debian"]["runtime"][0]["version"] = "6.4.3-6"
    monkeypatch.setattr(releases, "load", lambda: data)
    after = rootfs.env_path("6.4.3")
    assert after != before and after.parent == before.parent and after.name.startswith("sid-")


def test_stamp_decides_reuse(tmp_path, monkeypatch):
    monkeypatch.setenv("HIP_PYTHON_CACHE", str(tmp_path))
    spec = rootfs.env_spec("5.7.1")
    path = rootfs.env_path("5.7.1")
    assert path.parent == tmp_path / "rootfs"
    path.mkdir(parents=True)
    assert rootfs._stamp_ok(path, spec) is None                       # no stamp: interrupted, rebuild
    (path / rootfs.STAMP).write_text(json.dumps({"spec": spec}))
    assert rootfs._stamp_ok(path, spec) is None                       # stamp, but the pins are not installed
    status = "".join(f"Package: {p}\nStatus: install ok installed\nVersion: {v}\n\n" for p, v in spec["packages"].items())
    (path / "var/lib/dpkg").mkdir(parents=True)
    (path / "var/lib/dpkg/status").write_text(status)
    assert rootfs._stamp_ok(path, spec)["spec"] == spec               # complete and current: reuse
    changed = dict(spec, packages=dict(spec["packages"], hipcc="5.7.1-7"))
    assert rootfs._stamp_ok(path, changed) is None                    # pins moved: stale
    old = path.with_name("trixie-000000000000")
    old.mkdir()
    assert rootfs._stale("trixie", path) == [old]


def test_installed_reads_only_installed_packages(tmp_path):
    (tmp_path / "var/lib/dpkg").mkdir(parents=True)
    (tmp_path / "var/lib/dpkg/status").write_text(
        "Package: a\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: b\nStatus: deinstall ok config-files\nVersion: 2\n\n"
        "Package: c\nVersion: 3:4-5\nStatus: install ok installed\n")
    assert rootfs.installed(tmp_path) == {"a": "1", "c": "3:4-5"}


def test_nothing_is_deleted_below_a_mount(tmp_path):
    """remove() unmounts what is mounted below a root filesystem before deleting it (root only)."""
    if os.geteuid() != 0:
        pytest.fail("mount tests need root, as the runtime matrix does (CI runs as root)", pytrace=False)
    keep = tmp_path / "host-dir"
    keep.mkdir()
    (keep / "precious").write_text("x")
    root = tmp_path / "sid-000000000000"
    (root / "proc").mkdir(parents=True)
    with rootfs.mounted(root, {str(keep): "/var/cache/debs"}):
        assert rootfs.is_mount(root / "proc") and rootfs.is_mount(root / "var/cache/debs")
        assert set(rootfs.mounts_under(root)) == {str(root / "proc"), str(root / "var/cache/debs")}
    assert rootfs.mounts_under(root) == []
    subprocess.run(["mount", "--bind", str(keep), str(root / "proc")], check=True)   # a leftover of a killed run
    rootfs.remove(root)
    assert not root.exists() and (keep / "precious").read_text() == "x"


def test_a_pin_the_archive_no_longer_serves_fails_before_any_tree(monkeypatch):
    """Provisioning fetches through hip_bindgen.debian first: a dropped pin names itself and what
    the archive serves, and no root filesystem is touched (root only, as provisioning is)."""
    if os.geteuid() != 0:
        pytest.fail("provisioning needs root, as the runtime matrix does (CI runs as root)", pytrace=False)
    data = json.loads(json.dumps(releases.load()))
    rel = [r for r in data["supported"] if r["hip"] == "6.4.43484"][0]
    rel["debian"]["runtime"][0]["version"] = "6.4.3-0"
    monkeypatch.setattr(releases, "load", lambda: data)
    path = rootfs.env_path("6.4.3")
    with pytest.raises(rootfs.RootfsError) as err:
        rootfs.provision("6.4.3", log=lambda m: None)
    msg = str(err.value)
    assert "libamdhip64-6=6.4.3-0" in msg and "no longer served" in msg and "6.4.3-5" in msg and "releases.json" in msg
    assert not path.exists() and not path.with_name(path.name + ".partial").exists()
