"""LLVM-C on the real libLLVM of every suite (issue 25), no GPU: numba-hip's calls, AMD's module
names, every bound function in the real file.  Needs root, as every test here (library_cells)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import llvm_cell
from hip_bindgen import libraries, releases
from wheels_for_tests import build_wheel

ROOT = Path(__file__).resolve().parents[2]
RELEASES = [r for r in releases.short_names() if "llvm_c" in libraries.of_release(r)]
_done: dict = {}


def cell(release: str) -> dict:
    if release not in _done:
        if os.geteuid() != 0:
            pytest.fail("needs root (chroot, mount overlay): run './dev test' as root, as CI does", pytrace=False)
        wheel = build_wheel(release, python="abi3", libraries="llvm_c", out=ROOT / "build" / "test-wheels-llvm")
        _done[release] = llvm_cell.run_release(release, wheel)
    r = _done[release]
    assert r["exit"] == 0 and r["cell"].get("stage") == "done", (r["cell"], r["stderr"])
    return r


def test_every_suite_with_a_comgr_has_its_llvm():
    assert RELEASES == ["5.2.3", "5.7.1", "6.4.3", "7.2.4"]
    majors = {r: libraries.of_release(r)["llvm_c"]["version"].split(".")[0] for r in RELEASES}
    assert majors == {"5.2.3": "15", "5.7.1": "17", "6.4.3": "21", "7.2.4": "22"}


@pytest.mark.parametrize("release", RELEASES)
def test_ir_to_bitcode_to_an_amdgpu_object(release):
    """Parse IR in a context, verify, bitcode to a memory buffer and back, the AMDGPU target, a
    gfx90a target machine, an object file in a memory buffer: an AMDGPU ELF (e_machine 224)."""
    c = cell(release)["cell"]
    assert c["context_type"] == "LLVMOpaqueContext" and c["context_is_types_class"], c
    assert c["parse"] == [0, "LLVMOpaqueModule", None], c["parse"]
    assert c["verify"][0] == 0, c["verify"]
    n, magic = c["bitcode"]
    assert magic == "4243c0de" and n > 100, c["bitcode"]           # 'BC' 0xC0DE
    assert c["reread"] == [0, True, "CString"], c["reread"]
    assert c["target"][:2] == [0, "amdgcn"], c["target"]
    assert c["machine"] == ["LLVMOpaqueTargetMachine", "gfx90a"], c["machine"]
    # AMDGPU's (LLVM 22 leads with the mangling, "e-m:e-p:64:64-p1:64:64-...")
    assert c["datalayout"].startswith("e-") and "p:64:64-p1:64:64-p2:32:32-p3:32:32" in c["datalayout"], c["datalayout"]
    status, err, size, elf_magic, machine = c["object"]
    assert status == 0 and err is None and elf_magic == "7f454c46" and machine == 224 and size > 500, c["object"]
    assert c["typeerror"] == "TypeError"
    assert "LLVMInitializeAllTargets" in c["inline_initializers"], c["inline_initializers"]


@pytest.mark.parametrize("release", RELEASES)
def test_the_real_libllvm_exports_every_bound_function(release):
    r = cell(release)
    (rep,) = r["cell"]["loaded"]
    assert os.path.basename(rep["path"]) == libraries.of_release(release)["llvm_c"]["soname"], rep
    assert r["bound"] > 900 and r["not_exported"] == [], r["not_exported"]


@pytest.mark.parametrize("release", RELEASES)
def test_version_answers_the_headers_and_nothing_warns(release):
    """LLVMGetVersion (LLVM 16 on) answers the version llvm-config.h declares; LLVM 15 has none."""
    c = cell(release)["cell"]
    declared = libraries.of_release(release)["llvm_c"]["version"]
    if declared.startswith("15."):
        assert c["version"] is None
    else:
        assert ".".join(map(str, c["version"])) == declared, c["version"]
    assert c["warnings"] == [], c["warnings"]
