"""API differences between the four real Debian releases."""
import json
import pytest

from hip_python_select import apidiff

PAIRS = [("5.2.3", "5.7.1"), ("5.7.1", "6.4.3"), ("6.4.3", "7.2.4"), ("5.2.3", "7.2.4")]


@pytest.mark.parametrize("release", ["5.2.3", "7.2.4"])
def test_identical_releases_give_an_empty_diff(manifests, release):
    d = apidiff.diff(manifests[release], json.loads(json.dumps(manifests[release])))
    assert apidiff.is_empty(d)
    assert apidiff.format_text(d).endswith("identical API")


@pytest.mark.parametrize("a, b", PAIRS)
def test_diff_is_symmetric(manifests, a, b):
    ab, ba = apidiff.diff(manifests[a], manifests[b]), apidiff.diff(manifests[b], manifests[a])
    for kind in apidiff.KINDS:
        assert ab[kind]["added"] == ba[kind]["removed"]
        assert ab[kind]["removed"] == ba[kind]["added"]
        assert set(ab[kind]["changed"]) == set(ba[kind]["changed"])


def test_functions_added_after_523_are_found(manifests):
    d = apidiff.diff(manifests["5.2.3"], manifests["7.2.4"])
    added = set(d["functions"]["added"])
    assert len(added) > 100
    assert "hipDrvGetErrorName" in added                       # not in 5.2.3, in 7.2.4
    assert "hipGetDevicePropertiesR0600" in added              # the 6.0 rename of hipGetDeviceProperties
    assert d["aliases"]["hipGetDeviceProperties"] == [None, "hipGetDevicePropertiesR0600"]


def test_struct_layout_changes_are_found(manifests):
    d = apidiff.diff(manifests["5.2.3"], manifests["7.2.4"])
    changed = d["records"]["changed"]
    assert changed, "some struct's layout changed between 5.2.3 and 7.2.4"
    assert any("size" in h or "offset" in h or "type" in h for hows in changed.values() for h in hows)


def test_enum_value_changes_are_reported_per_constant(manifests):
    d = apidiff.diff(manifests["5.2.3"], manifests["7.2.4"])
    assert "hipDeviceAttribute_t" in d["enums"]["changed"]
    assert any("value" in h or "added" in h for h in d["enums"]["changed"]["hipDeviceAttribute_t"])


def test_text_report_is_readable(manifests):
    text = apidiff.format_text(apidiff.diff(manifests["6.4.3"], manifests["7.2.4"]), limit=3)
    assert text.startswith("HIP 6.4.43484 -> HIP 7.2.53211")
    assert "functions:" in text and "records:" in text
