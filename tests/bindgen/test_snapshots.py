"""Generator snapshot tests, rust-bindgen's way: tiny headers, one behaviour each, expected output beside.

Each ``cases/NAME.h`` is parsed (libclang, as for a real release; no Debian download) as a
release's ``hip/hip_runtime_api.h`` (``hiprtc*.h`` cases as its ``hip/hiprtc.h``) and run
through ``wheelfiles.files``, what a wheel's build writes; every file, and the call plan as
text (``plan.txt``: how each parameter and result is classified, ``plan.py``), must equal
``expected/NAME/`` byte for byte, so a change to ``parse.py``, ``params.py``, ``plan.py`` or
any renderer shows as a diff here.
They are stored as ``NAME.snap`` (``hip.pyx.snap``): snapshots to read, not sources to build.
After a deliberate change, rewrite them and review the diff:

    HIP_BINDGEN_BLESS=1 ./dev test tests/bindgen
    git diff tests/bindgen/expected
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from hip_bindgen import libraries, parse, plan, wheelfiles

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "cases").glob("*.h"))
EXPECTED = HERE / "expected"
# CI never blesses: a switch left set in its environment would make every snapshot test pass
BLESS = (os.environ.get("HIP_BINDGEN_BLESS", "").strip().lower() in ("1", "true", "yes", "on")
         and not os.environ.get("CI"))
VERSION_H = "#define HIP_VERSION_MAJOR 9\n#define HIP_VERSION_MINOR 8\n#define HIP_VERSION_PATCH 76543\n"
MINIMAL_HIP = "typedef enum hipError_t { hipSuccess = 0 } hipError_t;\n"
LIBRARY_HIP = MINIMAL_HIP + "typedef struct ihipStream_t* hipStream_t;\n"


def snapshots(manifest: dict, planned: dict) -> dict[str, str]:
    """{snapshot name: text}: every generated file of the wheel, and the plan of ``planned``."""
    files = {n: t for n, t in wheelfiles.files(manifest, "0.0.0").items() if t}   # py.typed is empty
    files["plan.txt"] = plan.text(plan.plan(planned))
    return {f"{name}.snap": text for name, text in files.items()}


def generated(case: Path, tmp: Path) -> dict[str, str]:
    """{file name: text}: the plan and every file of the wheel for this one header."""
    hip = tmp / "include" / "hip"
    hip.mkdir(parents=True)
    (hip / "hip_version.h").write_text(VERSION_H)
    if case.name.startswith("library_"):
        return library_generated(case, tmp)
    rtc = case.name.startswith("hiprtc")
    (hip / "hip_runtime_api.h").write_text(MINIMAL_HIP if rtc else case.read_text())
    (hip / "hiprtc.h").write_text(case.read_text() if rtc else "")
    manifest = parse.parse(tmp / "include")
    return snapshots(manifest, manifest)


def library_generated(case: Path, tmp: Path) -> dict[str, str]:
    """``library_NAME.h``: the header of ROCm library NAME (beside a tiny HIP header), through
    libraries.py into a wheel of that HIP with that library (the plan: the library's)."""
    name = case.stem.split("_", 1)[1]
    include = tmp / "include"
    (include / "hip" / "hip_runtime_api.h").write_text(LIBRARY_HIP)
    (include / "hip" / "hiprtc.h").write_text("")
    desc = libraries.LIBRARIES[name]
    for header in (desc["header"], *desc.get("extra_headers", ())):
        (include / header).parent.mkdir(parents=True, exist_ok=True)
        (include / header).write_text("#pragma once\n")
    (include / desc["header"]).write_text(case.read_text())
    entry = {"version": "1.2.3", "soname": f"lib{name}.so.0", "package": f"lib{name}0"}
    hip = parse.parse(include)
    manifest = libraries.rehome(libraries.parse_library(include, name, entry), hip)
    return snapshots(dict(hip, libraries={name: manifest}), manifest)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_snapshot(case, tmp_path):
    got = generated(case, tmp_path)
    folder = EXPECTED / case.stem
    if BLESS:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in got:
                old.unlink()
        for name, text in got.items():
            (folder / name).write_text(text)
    assert folder.is_dir(), f"no expected output for {case.name}: run with HIP_BINDGEN_BLESS=1 and review it"
    assert sorted(p.name for p in folder.iterdir()) == sorted(got), "the emitter writes other files than expected"
    diffs = []
    for name, text in sorted(got.items()):
        want = (folder / name).read_text()
        if text != want:
            diffs += difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                          f"expected/{case.stem}/{name}", f"generated/{name}", n=2)
    assert not diffs, ("generated output differs (HIP_BINDGEN_BLESS=1 rewrites it; review the diff):\n"
                       + "".join(diffs[:200]))


def test_every_expected_folder_has_its_case():
    assert sorted(p.name for p in EXPECTED.iterdir()) == sorted(c.stem for c in CASES)


def test_generation_does_not_depend_on_where_the_headers_are(tmp_path):
    case = HERE / "cases" / "structs.h"
    assert generated(case, tmp_path / "a") == generated(case, tmp_path / "deeper" / "b")
