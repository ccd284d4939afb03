"""hipify.py: the CUDA -> HIP table parsed from Debian's hipify-perl (pure parser; the real
scripts of every supported release's pin), and cudalayer.py's plan over a release's manifest."""
import hashlib

import pytest

from hip_bindgen import cudalayer, debian, hipify, releases

SCRIPT = r'''
sub experimentalSubstitutions {
    subst("cuKernelGetName", "hipKernelGetName", "library");
    subst("cuMemAlloc", "hipExperimentalMalloc", "memory");
}

sub simpleSubstitutions {
    subst("cuMemAlloc", "hipMalloc", "memory");
    subst("cuMemAlloc_v2", "hipMalloc", "memory");
    subst("cuMemAlloc", "hipNotThisOne", "memory");
    subst("nvrtc.h", "hip\/hiprtc.h", "include_cuda_main_header");
    subst("CUDA_SUCCESS", "hipSuccess", "numeric_literal");
}
'''


def test_parse_keeps_the_first_substitution_and_identifiers_only():
    t = hipify.parse(SCRIPT)
    assert list(t) == sorted(t) == ["CUDA_SUCCESS", "cuKernelGetName", "cuMemAlloc", "cuMemAlloc_v2"]
    # hipify-perl applies the experimental substitutions first: they win (with --experimental)
    assert t["cuMemAlloc"] == {"hip": "hipExperimentalMalloc", "kind": "memory", "experimental": True}
    assert t["cuMemAlloc_v2"] == {"hip": "hipMalloc", "kind": "memory", "experimental": False}
    assert t["CUDA_SUCCESS"]["kind"] == "numeric_literal"


def test_parse_refuses_what_is_not_hipify_perl():
    with pytest.raises(ValueError, match="not a hipify-perl script"):
        hipify.parse("sub other {\n}\n")


@pytest.mark.parametrize("release", releases.short_names())
def test_each_release_has_a_pinned_verified_table(release):
    pin = hipify.pin(release)
    assert hashlib.sha256(debian.download(pin).read_bytes()).hexdigest() == pin["sha256"]
    t = hipify.table(release)
    assert t == hipify.table(release)                       # deterministic
    assert t["cuMemAlloc"]["hip"] == t["cudaMalloc"]["hip"] == "hipMalloc"
    assert t["CUDA_SUCCESS"]["hip"] == t["cudaSuccess"]["hip"] == "hipSuccess"
    assert t["nvrtcCreateProgram"]["hip"] == "hiprtcCreateProgram"
    assert len(t) > 3000
    # bookworm has no hipify-perl: its release borrows trixie's and says so
    assert ("(trixie's)" in hipify.version(release)) == (releases.find(release).suite == "bookworm")


def test_plan_binds_what_the_manifest_exposes(manifests):
    for release, m in manifests.items():
        t = hipify.table(release)
        p = cudalayer.plan(m, t)
        assert p["functions"]["cuMemAlloc"] == "hipMalloc" and p["nvrtc_functions"]["nvrtcCreateProgram"] == "hiprtcCreateProgram"
        assert "CUresult" in p["enum_cuda_names"]["hipError_t"] and ("CUDA_SUCCESS", "hipSuccess") in p["enum_aliases"]["hipError_t"]
        r = cudalayer.report(m, t)
        assert r["bound"] + r["unresolved"] == r["table"] and r["functions"] > 400
        assert all(e["hip"] not in cudalayer.exposed(m) for e in p["unresolved"].values())
        files = cudalayer.render(m, t, hipify.version(release), "0")
        assert files == cudalayer.render(m, t, hipify.version(release), "0")   # byte for byte
        assert "cuMemAlloc hipMalloc\\n" in files["cuda/bindings/_hip_names.py"]
