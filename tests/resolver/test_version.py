"""The version parsers: tables of real strings, and properties (no input raises anything else)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from resolver_helpers import DATA

from hip_python_select import version as V
from hip_python_select.version import HipVersion, InvalidHipVersion

# (stdout of `hipconfig --version`, version, githash); where each comes from is in the comment
HIPCONFIG_VERSION = [
    ("5.2.21153-0", "5.2.21153", "0"),                 # bookworm hipcc 5.2.3 (Perl), run in test_detect too
    ("5.7.31921-0", "5.7.31921", "0"),                 # trixie hipcc 5.7.1 (Perl)
    ("5.4.22804-474e8620", "5.4.22804", "474e8620"),   # ROCm 5.4.3
    ("6.4.43484-9999", "6.4.43484", "9999"),           # sid hipcc 7.0.2 (C++), captured, no newline
    ("7.2.53211-9999", "7.2.53211", "9999"),           # experimental hipcc 7.2.4, captured
    ("6.0.32830-d62f6a171\n", "6.0.32830", "d62f6a171"),  # ROCm 6.0 `hipconfig -v -n`
    ("5.0.13601-", "5.0.13601", ""),                   # ROCm 5.0.2: empty githash, trailing '-'
    ("6.4.43484-9999/usr", "6.4.43484", "9999"),       # `hipconfig --version --path`: glued to the next field
    ("5.1.0-05.1.0-0", "5.1.0", "0"),                  # chipStar's hipconfig -v printing the version twice
    ("HIP version: 7.2.53211-9999", "7.2.53211", "9999"),  # the prefixed form rocBLAS tripped on
    ("  5.2.21153-0  \n", "5.2.21153", "0"),
]


@pytest.mark.parametrize("text, expected, githash", HIPCONFIG_VERSION)
def test_hipconfig_version(text, expected, githash):
    v = V.parse_hipconfig_version(text)
    assert (str(v), v.githash) == (expected, githash)


@pytest.mark.parametrize("name, expected", [
    ("hipconfig-7.0.2-sid--version.txt", "6.4.43484"),
    ("hipconfig-7.0.2-sid--version--path.txt", "6.4.43484"),
    ("hipconfig-7.2.4-experimental--version.txt", "7.2.53211"),
])
def test_hipconfig_version_captures(name, expected):
    assert str(V.parse_hipconfig_version((DATA / name).read_text())) == expected


REPORTS = [  # the first lines of real `hipconfig` / `hipconfig --full` reports
    ("HIP version  : 5.2.21153-0\n\n== hipconfig\nHIP_PATH     : /usr\n", "5.2.21153", "0"),
    ("HIP version  : 5.4.22804-474e8620\n\n== hipconfig\nHIP_PATH     : /opt/rocm-5.4.3\n", "5.4.22804", "474e8620"),
    ("HIP version  : 5.0.13601-\n\n== hipconfig\nHIP_PATH     : /opt/rocm-5.0.2/hip\n", "5.0.13601", ""),
    ("HIP version  : 4.4.21401-bedc5f61\n\n== hipconfig\nHIP_PATH     : /opt/rocm-4.5.0/hip\n", "4.4.21401", "bedc5f61"),
    ("Use of uninitialized value $HIP_CLANG_VERSION in concatenation (.) or string at "
     "/opt/rocm-3.8.0/bin/hipconfig line 145.\nHIP version  : 3.8.20371-d1886b0b\n", "3.8.20371", "d1886b0b"),
    ("\nHIP version: 6.3.42134-a9a80e791\n\n==hipconfig\nHIP_PATH           :/opt/rocm-6.3.2\n", "6.3.42134",
     "a9a80e791"),
]


@pytest.mark.parametrize("text, expected, githash", REPORTS)
def test_hipconfig_report(text, expected, githash):
    v = V.parse_hipconfig_report(text)
    assert (str(v), v.githash) == (expected, githash)


@pytest.mark.parametrize("name, expected", [
    ("hipconfig-7.0.2-sid.txt", "6.4.43484"), ("hipconfig-7.0.2-sid--full.txt", "6.4.43484"),
    ("hipconfig-7.2.4-experimental.txt", "7.2.53211"), ("hipconfig-7.2.4-experimental--full.txt", "7.2.53211"),
])
def test_hipconfig_report_captures(name, expected):
    assert str(V.parse_hipconfig_report((DATA / name).read_text())) == expected


H_523 = """#ifndef HIP_VERSION_H
#define HIP_VERSION_H

#define HIP_VERSION_MAJOR 5
#define HIP_VERSION_MINOR 2
#define HIP_VERSION_PATCH 21153
#define HIP_VERSION_GITHASH ""
#define HIP_VERSION_BUILD_ID 0
#define HIP_VERSION_BUILD_NAME ""
#define HIP_VERSION    (HIP_VERSION_MAJOR * 10000000 + HIP_VERSION_MINOR * 100000 + HIP_VERSION_PATCH)
"""


def test_hip_version_h_of_the_real_headers(tree_523, tree_571):
    assert V.parse_hip_version_h((tree_523 / "include/hip/hip_version.h").read_text()) == HipVersion(5, 2, 21153)
    assert V.parse_hip_version_h((tree_571 / "include/hip/hip_version.h").read_text()) == HipVersion(5, 7, 31921)
    assert V.parse_hip_version_h(H_523) == V.parse("5.2.21153")


def test_version_file_of_the_real_trees(tree_523, tree_571):
    assert str(V.parse_version_file((tree_571 / "share/hip/version").read_text())) == "5.7.31921"
    assert str(V.parse_version_file((tree_523 / "share/hip/version").read_text())) == "5.2.21153"


@pytest.mark.parametrize("value, expected", [
    (50221153, "5.2.21153"), ("50221153", "5.2.21153"), (50731921, "5.7.31921"),
    (60443484, "6.4.43484"), (70253211, "7.2.53211"), (60342134, "6.3.42134"),
])
def test_packed(value, expected):
    v = V.parse_packed(value)
    assert str(v) == expected and v.packed == int(value)


@pytest.mark.parametrize("text, expected", [
    ("6.4.2-120", "6.4.2"), ("7.1.0", "7.1.0"), ("5.4.3-121\n", "5.4.3"), ("6.4", "6.4.0"),
])
def test_rocm_info_version(text, expected):
    assert str(V.parse_rocm_version(text)) == expected


@pytest.mark.parametrize("parser, text", [
    (V.parse_hipconfig_version, ""),
    (V.parse_hipconfig_version, "garbage"),
    (V.parse_hipconfig_version, "5.2"),
    (V.parse_hipconfig_version, "5.2.21153.37"),           # a wheel version, not hipconfig's
    (V.parse_hipconfig_version, "5.2.21153x"),
    (V.parse_hipconfig_version, "5.200.21153-0"),           # MINOR does not fit HIP_VERSION's two digits
    (V.parse_hipconfig_version, "5.2.2115399-0"),
    (V.parse_hipconfig_version, "Can't locate hipvars.pm in @INC"),
    (V.parse_hipconfig_report, "== hipconfig\nHIP_PATH     : /usr\n"),
    (V.parse_hipconfig_report, "HIP version  : unknown\n"),
    (V.parse_hip_version_h, "#define HIP_VERSION_MAJOR 5\n#define HIP_VERSION_MINOR 2\n"),
    (V.parse_version_file, "HIP_VERSION_MAJOR=5\nHIP_VERSION_MINOR=\nHIP_VERSION_PATCH=1\n"),
    (V.parse_packed, 12000),          # CUDA's own runtime version, on the nvidia platform
    (V.parse_packed, -1),
    (V.parse_packed, True),
    (V.parse_packed, "5.2.21153"),
    (V.parse, "latest"),
    (V.parse_rocm_version, "rocm-6.4"),
])
def test_refused_with_the_input_quoted(parser, text):
    with pytest.raises(InvalidHipVersion) as e:
        parser(text)
    quoted = repr(text.strip()[:25])[1:-1] if isinstance(text, str) else repr(text)
    assert quoted in str(e.value)


def test_value_object():
    a, b = V.parse_hipconfig_version("5.2.21153-0"), V.parse("50221153")
    assert a == b and hash(a) == hash(b) and a.githash == "0" and b.githash == ""
    assert a.full == "5.2.21153-0" and str(b) == "5.2.21153" and a.packed == 50221153
    assert sorted([V.parse("6.4.43484"), V.parse("5.7.31921"), V.parse("5.2.21153")])[0] == a
    assert a.next_patch() == V.parse("5.2.21154")


@pytest.mark.parametrize("wheel, runtime, grade", [
    ("5.2.21153", "5.2.21153", "exact"), ("5.2.21153", "5.2.21154", "same-minor"),
    ("5.2.21153", "5.7.31921", "same-major"), ("5.7.31921", "6.4.43484", "different-major"),
])
def test_grade(wheel, runtime, grade):
    assert V.grade(V.parse(wheel), V.parse(runtime)) == grade


PARSERS = [V.parse, V.parse_hipconfig_version, V.parse_hipconfig_report, V.parse_hip_version_h,
           V.parse_version_file, V.parse_packed, V.parse_rocm_version]
versionish = st.from_regex(r"\A\s*(HIP version\s*:\s*)?[0-9]{1,7}(\.[0-9]{0,7}){0,4}(-[0-9a-zA-Z/]{0,12})?\s*\Z")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PARSERS), st.one_of(st.text(max_size=80), st.binary(max_size=40), versionish,
                                           st.integers(min_value=-2**40, max_value=2**40), st.none(),
                                           st.floats(allow_nan=True)))
def test_only_the_documented_error(parser, value):
    try:
        v = parser(value)
    except InvalidHipVersion:
        return
    assert isinstance(v, (V.HipVersion, V.RocmVersion))
    if isinstance(v, HipVersion):
        assert V.parse_packed(v.packed) == v      # every accepted HIP version round-trips


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 99), st.integers(0, 99), st.integers(0, 99_999), st.from_regex(r"\A[0-9a-f]{0,9}\Z"))
def test_printed_versions_parse_back(major, minor, patch, githash):
    v = HipVersion(major, minor, patch, githash)
    got = V.parse_hipconfig_version(f"{v}-{githash}")
    assert got == v and got.githash == githash
    assert V.parse_hipconfig_report(f"HIP version  : {v}-{githash}\n\n== hipconfig\n") == v
