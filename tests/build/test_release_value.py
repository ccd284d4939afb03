"""A release travels through the build as one value (hip_bindgen.releases.Release), made once
from its releases.json row; callees read its fields and never look it up again by name."""
import re
import subprocess

import pytest

from conftest import ROOT
from hip_bindgen import libraries, releases


@pytest.mark.parametrize("row", releases.load()["supported"], ids=lambda r: r["hip"])
def test_each_row_becomes_a_release_with_its_facts(row):
    rel = releases.find(row["hip"])
    assert (rel.hip, list(rel.rocm), dict(rel.debian)) == (row["hip"], row["rocm"], row["debian"])
    assert rel.suite == row["debian"]["suite"] and rel.hipify == row["debian"].get("hipify")
    assert dict(rel.libraries) == row["debian"].get("libraries", {}) == libraries.of_release(rel)
    assert rel.runtime_pins() == [row["debian"]["headers"], row["debian"]["hipcc"], *row["debian"]["runtime"]]
    assert rel.short == row["debian"]["runtime"][0]["version"].split(":")[-1].split("-")[0].split("+")[0]
    assert all(releases.find(r) == rel for r in row["rocm"]) and releases.find(rel) is rel
    assert str(rel) == row["hip"] and {rel: 1}[releases.find(row["rocm"][-1])] == 1
    with pytest.raises(AttributeError):
        rel.hip = "0.0.0"                                  # frozen: a callee cannot change it for the next


def test_names_and_local_trees():
    assert releases.short_names() == ("5.2.3", "5.7.1", "6.4.3", "7.2.4")
    local = releases.Release.local("/opt/rocm-6.2.4")
    assert local.hip is None and local.rocm_path == "/opt/rocm-6.2.4" and not local.hipify and not local.libraries
    assert local != releases.find("5.2.3") and str(local) == "/opt/rocm-6.2.4"
    with pytest.raises(KeyError, match="not a supported release; supported: 5.2.3 \\(HIP 5.2.21153\\)"):
        releases.find("9.9.9")


def test_nothing_reads_a_release_as_a_dict():
    """releases.json's row is read in releases.py only; elsewhere a Release's fields."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.py"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    row_read = re.compile(r"releases\.(find|supported)\([^()]*\)(\[\d+\])?\[[\"']")
    hits = [f"{f}:{n}: {line.strip()}" for f in files
            for n, line in enumerate((ROOT / f).read_text().splitlines(), 1) if row_read.search(line)]
    assert len(files) > 100
    assert not hits, "read the Release's fields (rel.hip, rel.debian, rel.suite ...):\n" + "\n".join(hits)
    r = "releases"          # spelled apart: the examples would be caught in this file
    assert row_read.search(f'x = {r}.find("5.2.3")["hip"]') and row_read.search(f"{r}.supported()[0]['hip']")
