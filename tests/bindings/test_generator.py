"""Manifests and generated modules for all four Debian releases, from their real headers."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from hip_bindgen import coverage, emit, parse, params, sources

RELEASES = {  # release: (HIP version, hip* functions libclang finds in hip_runtime_api.h)
    "5.2.3": ("5.2.21153", 379),
    "5.7.1": ("5.7.31921", 431),
    "6.4.3": ("6.4.43484", 466),
    "7.2.4": ("7.2.53211", 498),
}


@pytest.fixture(scope="module", params=sorted(RELEASES))
def release(request):
    manifest = parse.parse(sources.include_dir(request.param))
    return request.param, manifest


def test_manifest_reads_version_and_covers_every_function(release):
    name, m = release
    hip, n_hip = RELEASES[name]
    assert m["hip_version"]["string"] == hip
    assert m["hip_version"]["packed"] == m["constants"]["HIP_VERSION"]["value"]
    exported = [f for f in m["functions"].values() if f["module"] == "hip" and "symbol" not in f]
    assert len(exported) == n_hip
    rtc = {n for n, f in m["functions"].items() if f["module"] == "hiprtc"}
    assert {"hiprtcCreateProgram", "hiprtcCompileProgram", "hiprtcGetCode", "hiprtcGetCodeSize",
            "hiprtcDestroyProgram", "hiprtcGetErrorString", "hiprtcVersion"} <= rtc
    props = m["aliases"].get("hipDeviceProp_t", {"target": "hipDeviceProp_t"})["target"]
    assert m["records"][props]["size"] > 0       # hipDeviceProp_tR0600 from 6.0 on
    get_props = m["aliases"].get("hipGetDeviceProperties", {"target": "hipGetDeviceProperties"})["target"]
    assert get_props in m["functions"]
    assert dict(m["enums"]["hipError_t"]["constants"])["hipErrorNoDevice"] == 100


def test_every_function_is_bound(release):
    _, m = release
    report = coverage.report(m)
    assert report["counts"]["functions"]["bound"] == len(m["functions"])
    assert all(u["reason"] for u in report["unbound"])
    # the gap is only what the library does not export: inline helpers and C++ templates
    assert {u["reason"].split(",")[0] for u in report["unbound"] if u["kind"] == "function"} <= {
        "inline definition in the header", "C++ template"}


def test_generated_header_layouts_match_libclang(release, tmp_path):
    """_api.h carries _Static_assert for every struct size and field offset libclang reported."""
    _, m = release
    files = emit.generate(m)
    (tmp_path / "_api.h").write_text(files["_api.h"])
    (tmp_path / "t.c").write_text('#include "_api.h"\n')
    proc = subprocess.run(["gcc", "-fsyntax-only", "-Wall", "-I", str(tmp_path), str(tmp_path / "t.c")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[:3000]
    complete = [r for r in m["records"].values() if r["size"] is not None]
    expected = sum(1 + sum("bits" not in f for f in r["fields"]) for r in complete)
    assert files["_api.h"].count("_Static_assert(") == expected > 400


def test_generated_modules_are_valid_cython(release, tmp_path):
    _, m = release
    files = emit.generate(m)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "_runtime.pxi").write_text((ROOT / "bindings/hip/_runtime.pxi").read_text())
    util = tmp_path / "hip" / "_util"   # the shared adapter types the modules cimport
    util.mkdir(parents=True)
    for name in ("hip/__init__.py", "hip/_limited.pxd", "hip/_util/__init__.py", "hip/_util/types.pxd",
                 "hip/_util/runtime.pxd"):
        (tmp_path / name).write_text((ROOT / "bindings" / name).read_text())
    for module in ("hip", "hiprtc"):
        proc = subprocess.run([sys.executable, "-m", "cython", "-3", "-I", str(tmp_path), "-o",
                               str(tmp_path / f"{module}.c"), str(tmp_path / f"{module}.pyx")],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert (tmp_path / f"{module}.c").stat().st_size > 10_000


def test_generation_is_byte_identical(tmp_path):
    """Same headers, same bytes: two processes with different hash seeds."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT / "bindings"))
        subprocess.run([sys.executable, "-m", "hip_bindgen", "generate", "--hip", "6.4.3", "-o", str(out)],
                       check=True, env=env)
        subprocess.run([sys.executable, "-m", "hip_bindgen", "manifest", "--hip", "6.4.3", "-o",
                        str(out / "manifest.json")], check=True, env=env)
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    # every generated file of the wheel's package (hip_bindgen.wheelfiles), and the manifest
    assert outs[0].keys() == {"_api.h", "_contract.pxi", "hip.pyx", "hiprtc.pyx", "hip.pyi", "hiprtc.pyi", "py.typed", "chip.pxd",
                              "chiprtc.pxd", "_capi.h", "_libraries.py", "_manifest.json", "_version.py", "manifest.json"}
    assert outs[0] == outs[1]


def test_manifest_has_no_paths():
    m = parse.parse(sources.include_dir("5.2.3"))
    assert sorted(m["headers"]) == ["hip/hip_runtime_api.h", "hip/hiprtc.h", "hip/library_types.h"]
    text = json.dumps(m)
    for header in m["headers"]:      # include-relative names, never the extracted tree's paths
        text = text.replace(header, "")
    assert "/" not in text


def test_coverage_command_prints_all_releases():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bindings"))
    proc = subprocess.run([sys.executable, "-m", "hip_bindgen", "coverage", "--json"], capture_output=True,
                          text=True, env=env, check=True)
    reports = json.loads(proc.stdout)
    assert [r["hip_version"] for r in reports] == [v for v, _ in RELEASES.values()]
    assert [r["functions_by_module"]["hip"] for r in reports] == [381, 431, 466, 498]


@pytest.mark.parametrize("text, expected", [
    (["(", "1", "<<", "3", ")"], 8),
    (["0x10u"], 16),
    (["(", "(", "void", "*", ")", "0x01", ")"], 1),
    (["-", "2"], -2),
    (["FOO", "|", "4"], 6),
    (['"string"'], None),
    (["sizeof", "(", "int", ")"], None),
    (["UNKNOWN_NAME"], None),
])
def test_macro_evaluation(text, expected):
    assert parse.eval_macro(text, {"FOO": 2}) == expected


def test_an_installed_rocm_tree_reads_like_its_release(tmp_path):
    """--rocm-path: a tree laid out as /opt/rocm-X (include/hip/...), here made from 7.2.4's headers."""
    import shutil

    tree = tmp_path / "rocm-7.2.4"
    shutil.copytree(sources.include_dir("7.2.4"), tree / "include")
    assert parse.dumps(parse.parse(sources.include_dir(rocm_path=str(tree)))) == \
        parse.dumps(parse.parse(sources.include_dir("7.2.4")))
    with pytest.raises(parse.ParseError, match="no include/hip/hip_runtime_api.h"):
        sources.include_dir(rocm_path=str(tmp_path / "empty"))
