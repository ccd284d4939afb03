"""The ROCm -> HIP table (releases.json): the real pairs and their evidence, its consistency,
and every release answered by ``constraints --rocm-version`` (no ROCm needed)."""
from __future__ import annotations

import json

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from resolver_helpers import clean_env

from hip_python_select import cli as C
from hip_python_select import detect as D
from hip_python_select import rocm
from hip_python_select import version as V
from hip_python_select.resolve import choose, constraint, hip_key
from hip_python_select.index import Link
from hip_python_select.resolve import Target

# The pairs as found, written out here independently of releases.json, each with the kind of
# evidence that showed it (the text of each piece of evidence is in releases.json).
REAL_PAIRS = [
    ("5.0.0", "5.0.13601", "amd-package"),    # hip-runtime-amd_5.0.13601.50000-49
    ("5.0.1", "5.0.13601", "hip-tag"),        # ROCm/HIP tag rocm-5.0.1: bin/hipvars.pm
    ("5.0.2", "5.0.13601", "hipconfig"),      # hipcc --version under /opt/rocm-5.0.2
    ("5.1.0", "5.1.20531", "amd-package"),
    ("5.1.1", "5.1.20531", "amd-package"),
    ("5.1.2", "5.1.20532", "amd-package"),
    ("5.1.3", "5.1.20532", "amd-package"),
    ("5.2.0", "5.2.21151", "amd-package"),
    ("5.2.1", "5.2.21152", "hip-tag"),        # ROCm/HIP tag rocm-5.2.1: bin/hipvars.pm
    ("5.2.3", "5.2.21153", "debian"),         # bookworm libamdhip64-5 5.2.3-8, run in these tests
    ("5.3.0", "5.3.22061", "amd-package"),
    ("5.3.1", "5.3.22062", "hip-tag"),
    ("5.3.2", "5.3.22062", "amd-package"),
    ("5.3.3", "5.3.22062", "amd-package"),
    ("5.4.0", "5.4.22801", "amd-package"),
    ("5.4.1", "5.4.22802", "amd-package"),
    ("5.4.2", "5.4.22803", "amd-package"),    # rhel8 hip-runtime-amd-5.4.22803.50402-104
    ("5.4.3", "5.4.22804", "amd-bindings"),   # ROCm/hip-python: HIP_VERSION_NAME "5.4.22804-474e8620"
    ("5.4.4", "5.4.22804", "hip-tag"),
    ("5.5.0", "5.5.30201", "amd-package"),
    ("5.5.1", "5.5.30202", "amd-package"),
    ("5.6.0", "5.6.31061", "amd-package"),
    ("5.6.1", "5.6.31062", "amd-package"),
    ("5.7.0", "5.7.31921", "amd-package"),
    ("5.7.1", "5.7.31921", "debian"),         # trixie libamdhip64-5 5.7.1, runtime matrix
    ("6.0.0", "6.0.32830", "amd-package"),
    ("6.0.1", "6.0.32831", "amd-package"),
    ("6.0.2", "6.0.32831", "amd-package"),
    ("6.1.0", "6.1.40091", "compat-matrix"),
    ("6.1.1", "6.1.40092", "hipconfig"),
    ("6.1.2", "6.1.40093", "hipconfig"),
    ("6.1.3", "6.1.40093", "hipconfig"),      # hipcc --version, clang roc-6.1.3
    ("6.1.5", "6.1.40093", "compat-matrix"),
    ("6.2.0", "6.2.41133", "compat-matrix"),
    ("6.2.1", "6.2.41134", "changelog"),      # "HIP 6.2.41134 for ROCm 6.2.1"
    ("6.2.2", "6.2.41134", "compat-matrix"),
    ("6.2.4", "6.2.41134", "compat-matrix"),
    ("6.3.0", "6.3.42131", "compat-matrix"),
    ("6.3.1", "6.3.42133", "compat-matrix"),
    ("6.3.2", "6.3.42134", "hipconfig"),      # ROCm/ROCm#4369
    ("6.3.3", "6.3.42134", "compat-matrix"),
    ("6.4.0", "6.4.43482", "compat-matrix"),
    ("6.4.1", "6.4.43483", "compat-matrix"),
    ("6.4.2", "6.4.43484", "amd-package"),
    ("6.4.3", "6.4.43484", "debian"),         # sid libamdhip64-6 6.4.3-5, runtime matrix
    ("6.4.4", "6.4.43484", "amd-bindings"),
    ("7.0.0", "7.0.51830", "compat-matrix"),
    ("7.0.1", "7.0.51831", "amd-package"),
    ("7.0.2", "7.0.51831", "compat-matrix"),
    ("7.1.0", "7.1.25424", "amd-package"),
    ("7.1.1", "7.1.52802", "hipconfig"),
    ("7.2.0", "7.2.26015", "amd-package"),
    ("7.2.1", "7.2.53211", "amd-package"),
    ("7.2.2", "7.2.53211", "hipconfig"),
    ("7.2.3", "7.2.53211", "amd-package"),
    ("7.2.4", "7.2.53211", "debian"),         # experimental libamdhip64-7 7.2.4-1~exp2
    ("10.0.0", "7.15.0", "amd-bindings"),    # HIP != ROCm from here; the patch restarts at 0
]
MINOR_ONLY = [("6.2.3", (6, 2)), ("7.14.0", (7, 13)), ("10.1.0", (7, 16)), ("10.2.0", (7, 17))]


@pytest.mark.parametrize("rocm_v, hip, kind", REAL_PAIRS, ids=[p[0] for p in REAL_PAIRS])
def test_real_pair_and_its_evidence(rocm_v, hip, kind):
    rel = rocm.lookup(rocm_v)
    assert rel is not None and rel.exact and str(rel.hip) == hip
    assert rocm.hip_for_rocm(rocm_v) == V.parse(hip)
    assert kind in {k for k, _ in rel.sources}
    assert all(text.strip() for _, text in rel.sources)


@pytest.mark.parametrize("rocm_v, mm", MINOR_ONLY, ids=[m[0] for m in MINOR_ONLY])
def test_minor_only_releases_are_never_given_a_patch(rocm_v, mm):
    rel = rocm.lookup(rocm_v)
    assert rel is not None and not rel.exact and rel.hip is None and rel.major_minor == mm
    assert rocm.hip_for_rocm(rocm_v) is None and rel.why_minor_only
    assert "patch is not published" in rel.warning()
    with pytest.raises(V.InvalidHipVersion, match="patch is not published"):
        rocm.require_hip_for_rocm(rocm_v)


def test_every_release_from_5_0_0_to_7_2_4_is_listed():
    listed = {r.rocm for r in rocm.releases()}
    expected = {p[0] for p in REAL_PAIRS} | {m[0] for m in MINOR_ONLY}
    assert expected <= listed
    between = [r for r in rocm.releases() if (5, 0, 0) <= rocm._key(r.rocm) <= (7, 2, 4)]
    assert len(between) == 57 and sum(r.exact for r in between) == 56


def test_the_table_is_consistent():
    rels = rocm.releases()
    data = rocm.load()
    assert not set(data["rocm"]) & set(data["rocm_minor_only"]), "a release is both exact and MAJOR.MINOR only"
    assert [rocm._key(r.rocm) for r in rels] == sorted({rocm._key(r.rocm) for r in rels}), "releases repeat"
    for a, b in zip(rels, rels[1:]):
        # a later ROCm release never ships an older HIP (MAJOR.MINOR, then the patch when both are known)
        assert a.major_minor <= b.major_minor, (a.rocm, b.rocm)
        if a.exact and b.exact:
            assert a.hip <= b.hip, (a.rocm, a.hip, b.rocm, b.hip)
    for r in rels:
        if r.exact:
            assert r.sources, f"ROCm {r.rocm}: no evidence"
            assert {k for k, _ in r.sources} <= set(rocm.SOURCE_KINDS)
            assert r.hip[:2] == r.major_minor
        else:
            assert r.why_minor_only
    assert set(data["rocm_sources"]) <= set(data["rocm"]), "evidence for a release that is not listed"


def test_a_hip_version_maps_back_to_the_releases_that_ship_it():
    assert rocm.rocm_for_hip("7.2.53211") == ["7.2.1", "7.2.2", "7.2.3", "7.2.4"]
    assert rocm.rocm_for_hip("6.1.40093") == ["6.1.2", "6.1.3", "6.1.5"]
    assert rocm.rocm_for_hip("5.7.31921") == ["5.7.0", "5.7.1"]
    assert rocm.rocm_for_hip("7.15.0") == ["10.0.0"]
    assert rocm.rocm_for_hip("7.13.0") == []          # 7.14's HIP patch is unknown: no claim either way
    rels = rocm.releases()
    names = [r.rocm for r in rels]
    for r in rels:
        if r.exact:
            shipped = rocm.rocm_for_hip(r.hip)
            assert r.rocm in shipped
            # the releases sharing one HIP version are neighbours in the table; only a release
            # whose patch is unknown (5.0.1 between 5.0.0 and 5.0.2) may stand between them
            between = rels[names.index(shipped[0]):names.index(shipped[-1]) + 1]
            assert all(b.hip == r.hip or (not b.exact and b.major_minor == r.major_minor) for b in between)


def test_supported_releases_agree_with_the_table():
    for rel in rocm.supported():
        for r in rel["rocm"]:
            assert rocm.table()[r] == rel["hip"]


def test_hip_of_name_tells_rocm_from_hip():
    assert str(rocm.hip_of_name("5.2.3")) == "5.2.21153"
    assert str(rocm.hip_of_name("10.0.0")) == "7.15.0"
    with pytest.raises(V.InvalidHipVersion, match="names a series, not a release"):
        rocm.hip_of_name("10.0")                            # a series: never read as 10.0.0
    assert str(rocm.hip_of_name("7.15.0")) == "7.15.0"     # HIP 7.15.0, not an unknown ROCm 7.15.0
    assert str(rocm.hip_of_name("6.4.43484")) == "6.4.43484"
    with pytest.raises(V.InvalidHipVersion, match="not in the ROCm -> HIP table"):
        rocm.hip_of_name("6.2.5")                           # no such release
    assert str(rocm.hip_of_name("5.2.1")) == "5.2.21152"     # from the HIP repository's tag
    with pytest.raises(V.InvalidHipVersion, match="patch is not published"):
        rocm.hip_of_name("6.2.3")
    with pytest.raises(V.InvalidHipVersion):
        rocm.hip_of_name(None)


# -- constraints, as a CI job runs it -------------------------------------------------------

BUILT = {s["hip"] for s in rocm.supported()}


def _built(rel) -> bool:
    """Whether this project builds a wheel the release's constraint can meet."""
    if rel.exact:
        return str(rel.hip) in BUILT
    return any(tuple(map(int, h.split(".")[:2])) == rel.major_minor for h in BUILT)


@pytest.mark.parametrize("rel", rocm.releases(), ids=lambda r: r.rocm)
def test_constraints_answers_every_release_in_the_table(cli, rel):
    proc = cli("constraints", "--rocm-version", rel.rocm, env=clean_env(PATH="/usr/bin:/bin"))
    assert proc.returncode == 0, proc.stderr
    # a release outside the default build is answered too, with the command that builds its wheel
    assert ("default build has no wheel" in proc.stderr) == (not _built(rel)), proc.stderr
    line = proc.stdout.splitlines()[0]   # hip-python's (the other names' share its range: test_amd_names.py)
    spec = SpecifierSet(line.split("#")[0].strip()[len("hip-python"):])
    if rel.exact:
        assert line == constraint(rel.hip) and ("warning" in proc.stderr) == (not _built(rel))
        assert f"{rel.hip}.7" in spec and f"{rel.hip.next_patch()}.0" not in spec
    else:
        ma, mi = rel.major_minor
        assert line.endswith(f"# HIP {ma}.{mi}.x: patch unknown for ROCm {rel.rocm}")
        assert "warning:" in proc.stderr and "patch is not published" in proc.stderr
        assert f"{ma}.{mi}.12345.1" in spec and f"{ma}.{mi + 1}.0.1" not in spec


def test_constraints_json_says_exact_or_not(cli):
    d = cli.json("constraints", "--rocm-version", "6.2.3")
    assert d["exact"] is False and d["hip_version"] is None and d["hip_major_minor"] == "6.2"
    # from patch 1000 up: AMD's ROCm-keyed 6.2.x.y.z (x a ROCm patch, below 100) is not admitted
    assert d["constraint"] == "hip-python>=6.2.1000,<6.3" and "hipconfig --version" in d["warning"]
    # from HIP 7.15 (ROCm 10) the patch restarts at 0 and no ROCm release is numbered 7.15+
    assert cli.json("constraints", "--rocm-version", "10.1.0")["constraint"] == "hip-python>=7.16.0,<7.17"
    # patch-exact from the HIP repository's own tag (scripts/rocm_tags.py)
    d = cli.json("constraints", "--rocm-version", "5.2.1")
    assert d["exact"] is True and d["hip_version"] == "5.2.21152"
    assert d["sources"][0]["kind"] == "hip-tag" and "rocm-5.2.1" in d["sources"][0]["evidence"]
    d = cli.json("constraints", "--rocm-version", "6.4.2")
    assert d["exact"] is True and d["hip_version"] == "6.4.43484"
    assert {"kind": "compat-matrix", "evidence": "ROCm compatibility matrix, HIP row: 6.4.43484"} in d["sources"]


def test_constraints_for_an_unknown_release_names_the_table(cli):
    proc = cli("constraints", "--rocm-version", "6.2.5")
    assert proc.returncode == C.USAGE
    assert "not in the ROCm -> HIP table" in proc.stderr and "hip-python-select releases" in proc.stderr


def test_releases_command_prints_the_table(cli):
    out = cli("releases", check=0).stdout
    n = len(rocm.releases())
    assert out.startswith(f"{n} ROCm releases (3.5.0 to 10.2.0): {n - 4} with the exact HIP version, 4 with HIP "
                          f"MAJOR.MINOR only")
    assert "\n7.2.4    7.2.53211   debian, amd-package\n" in out
    assert "\n7.14.0   7.13.x      MAJOR.MINOR only" in out
    d = cli.json("releases")
    assert len(d["releases"]) == n and set(d["source_kinds"]) == set(rocm.SOURCE_KINDS)


# -- the HIP != ROCm era: ROCm 10.0 ships HIP 7.15.0 -----------------------------------------

def test_hip_7_15_0_wheels_sort_and_pin():
    spec = SpecifierSet(constraint(rocm.require_hip_for_rocm("10.0.0"))[len("hip-python"):])
    assert str(spec) == "<7.15.1,>=7.15.0.0"
    assert {"7.15.0.0", "7.15.0.41", "7.15.0.41.dev2"} & set(spec.filter(["7.15.0.0", "7.15.0.41"])) == \
        {"7.15.0.0", "7.15.0.41"}
    for other in ("7.15.1.0", "7.16.0.3", "7.13.26154.9", "7.2.53211.40"):
        assert other not in spec
    order = ["7.2.53211.40", "7.13.26154.9", "7.15.0.0", "7.15.0.41", "7.17.0.1"]
    assert sorted(order, key=Version) == order


def _link(name):
    return Link(name, f"file:///w/{name}")


def test_wheel_names_of_both_schemes_in_the_new_era():
    t = rocm.table()
    assert hip_key("hip_python-7.15.0.3-cp311-cp311-manylinux2014_x86_64.whl", t) == (V.parse("7.15.0"), "hip")
    assert hip_key("hip_python-7.15.0.3.dev2-cp311-cp311-manylinux2014_x86_64.whl", t) == (V.parse("7.15.0"), "hip")
    assert hip_key("hip_python-10.0.0.0.1.2-py3-none-any.whl", t) == (V.parse("7.15.0"), "rocm")
    assert hip_key("hip_python-6.2.0.499.16-cp311-cp311-manylinux_2_17_x86_64.whl", t) == (V.parse("6.2.41133"), "rocm")
    assert hip_key("hip_python-0.0.2-py3-none-any.whl", t) is None
    target = Target((3, 11, 0), ["cp311-cp311-manylinux2014_x86_64", "py3-none-any"])
    links = [_link("hip_python-7.15.0.3-cp311-cp311-manylinux2014_x86_64.whl"),
             _link("hip_python-10.0.0.0.1.2-py3-none-any.whl"),
             _link("hip_python-7.13.26154.3-cp311-cp311-manylinux2014_x86_64.whl")]
    assert choose(links, V.parse("7.15.0"), target, t).version == "7.15.0.3"
    amd = choose(links, V.parse("7.15.0"), target, t, scheme="rocm")
    assert amd.version == "10.0.0.0.1.2" and amd.scheme == "rocm"


def test_detect_reads_amd_package_versions_in_both_eras():
    f = D._package_finding("dpkg", "hip-runtime-amd", "7.2.53211.70204-93~22.04")
    assert (f.value, f.rocm) == ("7.2.53211", "7.2.4")
    f = D._package_finding("dpkg", "hip-runtime-amd", "7.15.0.100000-12~24.04")
    assert (f.value, f.rocm) == ("7.15.0", "10.0.0")
    f = D._package_finding("dpkg", "hip-runtime-amd", "5.7.1.50701-1~24.04")   # versioned by ROCm
    assert (f.value, f.rocm) == ("5.7.31921", "5.7.1")
    f = D._package_finding("dpkg", "rocm-core", "10.0.0.100000-12~24.04")
    assert (f.value, f.rocm) == ("7.15.0", "10.0.0")
    f = D._package_finding("dpkg", "rocm-core", "6.2.3.60203-79")
    assert f.value is None and "only MAJOR.MINOR is known" in f.error
    f = D._package_finding("dpkg", "rocm-core", "5.2.1.50201-79")
    assert (f.value, f.rocm) == ("5.2.21152", "5.2.1")


def test_rocm_info_version_of_the_new_era(tmp_path):
    (tmp_path / ".info").mkdir()
    (tmp_path / ".info" / "version").write_text("10.0.0-44\n")
    found = D.src_rocm_info(D.Context({}, rocm_path=str(tmp_path)))
    assert [(f.value, f.rocm) for f in found] == [("7.15.0", "10.0.0")]
    (tmp_path / ".info" / "version").write_text("7.14.0-7\n")
    found = D.src_rocm_info(D.Context({}, rocm_path=str(tmp_path)))
    assert found[0].value is None and "ships HIP 7.13.x" in found[0].error


def test_json_of_the_table_round_trips():
    d = json.loads(json.dumps(rocm.as_dicts()))
    assert d[0]["rocm"] == "3.5.0" and d[-3]["rocm"] == "10.0.0" and d[-3]["hip"] == "7.15.0"
    assert d[-1] == {
        "rocm": "10.2.0", "hip": None, "hip_major_minor": "7.17", "exact": False, "sources": [],
        "why_minor_only": rocm.load()["rocm_minor_only"]["10.2.0"]["why"]}
    assert d[-4] == {
        "rocm": "7.14.0", "hip": None, "hip_major_minor": "7.13", "exact": False, "sources": [],
        "why_minor_only": rocm.load()["rocm_minor_only"]["7.14.0"]["why"]}


def test_every_evidence_is_public():
    """Evidence names public sources only (packages, AMD's matrix and wheels, public reports), never
    a document outside the repository."""
    for r in rocm.releases():
        for kind, text in r.sources:
            assert kind in rocm.SOURCE_KINDS and "brief" not in text and "shared/README" not in text, (r.rocm, text)
        assert "shared/README" not in r.why_minor_only and "brief" not in r.why_minor_only
    assert "project-brief" not in rocm.SOURCE_KINDS


def test_readme_states_the_table_as_it_is():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "docs" / "resolver.md").read_text()
    rels = rocm.releases()
    exact = sum(r.exact for r in rels)
    assert f"**{len(rels)} ROCm releases, {rels[0].rocm} to {rels[-1].rocm}, {exact} with the exact HIP\n" \
           f"version and {len(rels) - exact} with HIP MAJOR.MINOR only**" in readme
    minor = ", ".join(r.rocm for r in rels if not r.exact)
    assert f"Where no evidence gives the patch (ROCm {minor})" in readme
