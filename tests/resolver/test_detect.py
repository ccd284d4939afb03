"""Detection against the real Perl hipconfig of 5.2.3 and 5.7.1 and the real 5.2.3 runtime;
tiny fake hipconfigs only for what no archive ships (hanging, garbage, failing)."""
from __future__ import annotations

import os
import time

from resolver_helpers import clean_env, fake_hipconfig

from hip_python_select import detect as D


def ctx(env=None, **kw):
    return D.Context(env if env is not None else clean_env(PATH="/usr/bin:/bin"), **kw)


def by_name(report, name):
    return [f for f in report.sources if f.name == name]


def test_real_523_hipconfig_and_runtime(tree_523):
    libdir = tree_523 / "lib" / "x86_64-linux-gnu"
    env = clean_env(PATH=f"{tree_523}/bin:/usr/bin:/bin", LD_LIBRARY_PATH=str(libdir))
    r = D.detect(ctx(env))
    assert r.hip_version == "5.2.21153" and r.hip_version_full == "5.2.21153-0"
    assert r.rocm_versions == ["5.2.3"]
    hc = by_name(r, "hipconfig")[0]
    assert hc.found_via == "PATH" and hc.full == "5.2.21153-0"
    rt = by_name(r, "runtime")[0]
    assert rt.value == "5.2.21153" and rt.full == "50221153", rt   # hipRuntimeGetVersion, in a child
    assert r.chosen_from.name == "runtime"
    assert r.library.path == str((libdir / "libamdhip64.so.5.2.21153").resolve())
    assert r.library.found_via == "LD_LIBRARY_PATH"
    assert {f.name for f in r.sources} >= {"hip_version.h", "share/hip/version", "library file name"}
    assert not [w for w in r.warnings if "disagree" in w]


def test_rocm_path_finds_the_library_like_the_bindings(tree_523):
    env = clean_env(PATH="/usr/bin:/bin", ROCM_PATH=str(tree_523))
    r = D.detect(ctx(env, quick=True), D.QUICK_SOURCES)
    assert r.hip_version == "5.2.21153"
    assert r.library.found_via == "ROCM_PATH"
    assert by_name(r, "hipconfig")[0].found_via == "ROCM_PATH"


def test_real_571_hipconfig(tree_571):
    r = D.detect(ctx(hipconfig=str(tree_571 / "bin" / "hipconfig")))
    assert r.hip_version == "5.7.31921" and r.hip_version_full == "5.7.31921-0"
    assert r.rocm_versions == ["5.7.0", "5.7.1"]


def test_stale_hip_path_makes_sources_disagree(tree_523, tree_571):
    """5.7.1's real hipconfig with HIP_PATH pointing at the 5.2.3 tree prints 5.2's version."""
    env = clean_env(PATH="/usr/bin:/bin", HIP_PATH=str(tree_523))
    r = D.detect(ctx(env, hipconfig=str(tree_571 / "bin" / "hipconfig")), D.QUICK_SOURCES)
    hc = by_name(r, "hipconfig")[0]
    assert hc.value == "5.2.21153"
    headers = {f.value for f in by_name(r, "hip_version.h")}
    assert headers == {"5.2.21153", "5.7.31921"}
    assert any("sources disagree" in w and "5.7.31921" in w and "5.2.21153" in w for w in r.warnings)


def test_hipconfig_on_path_before_the_rocm_one_is_reported(tree_523, tree_571):
    env = clean_env(PATH=f"{tree_571}/bin:/usr/bin:/bin", ROCM_PATH=str(tree_523))
    r = D.detect(ctx(env), D.QUICK_SOURCES)
    hcs = by_name(r, "hipconfig")
    assert [h.found_via for h in hcs][:2] == ["PATH", "ROCM_PATH"]
    assert any("first on PATH" in w and str(tree_571) in w for w in r.warnings), r.warnings
    assert r.hip_version == "5.2.21153"      # the library ROCM_PATH gives 'import hip' decides


def test_hanging_hipconfig_is_killed(tmp_path):
    hc = fake_hipconfig(tmp_path / "bin", "sleep 60 & sleep 60")   # a child keeps the pipe open too
    start = time.monotonic()
    f = D.run_hipconfig(str(hc), "--hipconfig", ctx(timeout=0.5))
    assert time.monotonic() - start < 5
    assert f.value is None and "did not finish within 0.5 s and was killed" in f.error


def test_garbage_hipconfig_says_what_to_do(tmp_path):
    hc = fake_hipconfig(tmp_path / "bin", "echo 'Segmentation fault (core dumped)'")
    f = D.run_hipconfig(str(hc), "--hipconfig", ctx())
    assert f.value is None
    assert "'Segmentation fault (core dumped)" in f.error and "--hip-version" in f.error


def test_failing_hipconfig_says_what_to_do(tmp_path):
    hc = fake_hipconfig(tmp_path / "bin", "echo \"Can't locate hipvars.pm in @INC\" >&2; exit 2")
    f = D.run_hipconfig(str(hc), "--hipconfig", ctx())
    assert "exited with status 2" in f.error and "hipvars.pm" in f.error and "HIP_PATH" in f.error


def test_nothing_installed_gives_no_version(tmp_path):
    r = D.detect(ctx(rocm_path=str(tmp_path), hipconfig=str(tmp_path / "none")), D.QUICK_SOURCES)
    assert r.hip_version is None


def test_conclude_prefers_the_runtime_and_lists_disagreements():
    found = [D.Finding("hipconfig", "/usr/bin/hipconfig", "PATH", "6.4.43484", "6.4.43484-9999"),
             D.Finding("runtime", "/opt/rocm-5.7.1/lib/libamdhip64.so.5", "ROCM_PATH", "5.7.31921", "50731921"),
             D.Finding("hip_version.h", "/usr/include/hip/hip_version.h", "/usr", error="not a hip_version.h: ''")]
    chosen, warnings = D.conclude(found)
    assert chosen.name == "runtime"
    assert len(warnings) == 1 and "6.4.43484: hipconfig /usr/bin/hipconfig" in warnings[0]


def test_the_installation_named_on_the_command_line_wins(tree_523, tree_571):
    """The real 5.2.3 runtime is what loads, but the user asked about 5.7.1's hipconfig."""
    libdir = tree_523 / "lib" / "x86_64-linux-gnu"
    env = clean_env(PATH="/usr/bin:/bin", LD_LIBRARY_PATH=str(libdir))
    r = D.detect(ctx(env, hipconfig=str(tree_571 / "bin" / "hipconfig")))
    assert r.hip_version == "5.7.31921" and r.chosen_from.found_via == "--hipconfig"
    assert by_name(r, "runtime")[0].value == "5.2.21153"
    assert any("sources disagree" in w and "using 5.7.31921" in w for w in r.warnings)


def test_a_runtime_import_hip_cannot_reach_is_pointed_out(tree_523):
    r = D.detect(ctx(rocm_path=str(tree_523)))
    assert r.hip_version == "5.2.21153" and r.library is None
    hint = [w for w in r.warnings if "will not find it" in w]
    assert hint and f"HIP_PYTHON_LIBAMDHIP64_PATH={tree_523}" in hint[0]


def test_debian_package_versions_map_through_the_table():
    f = D._package_finding("dpkg", "libamdhip64-5", "5.2.3-8")
    assert (f.value, f.rocm) == ("5.2.21153", "5.2.3")
    f = D._package_finding("dpkg", "libamdhip64-6", "6.4.3-5")
    assert (f.value, f.rocm) == ("6.4.43484", "6.4.3")
    f = D._package_finding("rpm", "hip-runtime-amd", "6.1.40091.60100")
    assert f.value == "6.1.40091"
    f = D._package_finding("dpkg", "libamdhip64-5", "5.5.1-1")
    assert (f.value, f.rocm) == ("5.5.30202", "5.5.1")
    f = D._package_finding("dpkg", "libamdhip64-5", "5.8.0-1")   # no such ROCm release
    assert f.value is None and "not in the ROCm -> HIP table" in f.error


def test_several_runtimes_shadowing_each_other(tree_523, tmp_path):
    """Two trees holding the same real runtime file: both listed, the loaded one named."""
    other = tmp_path / "rocm-copy"
    (other / "lib").mkdir(parents=True)
    real = tree_523 / "lib" / "x86_64-linux-gnu" / "libamdhip64.so.5.2.21153"
    os.symlink(real, other / "lib" / "libamdhip64.so.5")
    (other / "lib" / "libamdhip64.so.5.7.31921").write_bytes(b"")   # a second file: another install
    env = clean_env(PATH="/usr/bin:/bin", ROCM_PATH=str(tree_523), LD_LIBRARY_PATH=str(other / "lib"))
    r = D.detect(ctx(env))
    assert len(r.libraries) >= 2
    assert any("shadow each other" in w and "ROCM_PATH" in w for w in r.warnings), r.warnings
