"""Choosing a wheel (pure), reading wheel links from directories and PEP 503 pages (file:// and http)."""
from __future__ import annotations

import functools
import http.server
import threading
import time

import pytest
from packaging import tags
from resolver_helpers import make_wheel, write_index

from hip_python_select import index, rocm, version as V
from hip_python_select.index import Link
from hip_python_select.resolve import NoMatchingWheel, Target, choose, constraint, hip_key, rocm_constraint

_PLATFORMS = ["manylinux_2_36_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "linux_x86_64"]
CP311 = Target((3, 11, 7), [str(t) for t in (*tags.cpython_tags((3, 11), platforms=_PLATFORMS),
                                             *tags.compatible_tags((3, 11), platforms=_PLATFORMS))])


def links(*names, **extra):
    return [Link(n, f"file:///w/{n}", **extra) for n in names]


def pick(names, hip, **kw):
    return choose(links(*names), V.parse(hip), CP311, rocm.table(), **kw)


def test_highest_n_of_the_exact_release():
    c = pick(["hip_python-5.2.21153.9-cp311-cp311-linux_x86_64.whl",
              "hip_python-5.2.21153.37-cp311-cp311-linux_x86_64.whl",
              "hip_python-5.2.21153.40-cp310-cp310-linux_x86_64.whl",     # not this interpreter
              "hip_python-5.2.21153.41.dev3-cp311-cp311-linux_x86_64.whl",  # dev: only with --pre
              "hip_python-5.7.31921.50-cp311-cp311-linux_x86_64.whl"], "5.2.21153")
    assert (c.requirement, c.grade, c.scheme) == ("hip-python==5.2.21153.37", "exact", "hip")


def test_dev_builds_with_pre():
    c = pick(["hip_python-5.2.21153.37-cp311-cp311-linux_x86_64.whl",
              "hip_python-5.2.21153.41.dev3-cp311-cp311-linux_x86_64.whl"], "5.2.21153", pre=True)
    assert c.version == "5.2.21153.41.dev3"


def test_most_preferred_tag_among_equal_versions():
    c = pick(["hip_python-5.2.21153.1-cp311-cp311-linux_x86_64.whl",
              "hip_python-5.2.21153.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"], "5.2.21153")
    assert c.tag == "cp311-cp311-manylinux_2_17_x86_64"


def test_abi3_wheel_fits():
    c = pick(["hip_python-6.4.43484.2-cp310-abi3-linux_x86_64.whl"], "6.4.43484")
    assert c.version == "6.4.43484.2"


@pytest.mark.parametrize("available, grade", [
    ("hip_python-5.2.21160.3-cp311-cp311-linux_x86_64.whl", "same-minor"),
    ("hip_python-5.7.31921.3-cp311-cp311-linux_x86_64.whl", "same-major"),
    ("hip_python-6.4.43484.3-cp311-cp311-linux_x86_64.whl", "different-major"),
])
def test_no_exact_match_names_and_grades_the_nearest(available, grade):
    with pytest.raises(NoMatchingWheel) as e:
        pick([available], "5.2.21153")
    assert e.value.nearest.grade == grade and grade in str(e.value) and "--allow-mismatch" in str(e.value)
    assert pick([available], "5.2.21153", allow_mismatch=True).grade == grade


def test_a_rocm_version_given_as_hip_is_named_as_such_not_built_again():
    """--hip-version 5.2.3 (ROCm's number): the nearest is HIP 5.2.21153, which is ROCm 5.2.3 itself,
    so the next step is --rocm-version, never a build of the wheel just called the nearest."""
    with pytest.raises(NoMatchingWheel) as e:
        pick(["hip_python-5.2.21153.3-cp311-cp311-linux_x86_64.whl"], "5.2.3")
    msg = str(e.value)
    assert "5.2.3 is a ROCm version" in msg and "--rocm-version 5.2.3" in msg and "--hip-version 5.2.21153" in msg
    assert "build" not in msg


def test_a_supported_release_without_a_wheel_suggests_its_build_and_others_do_not():
    with pytest.raises(NoMatchingWheel) as e:
        pick(["hip_python-5.7.31921.3-cp311-cp311-linux_x86_64.whl"], "5.2.21153")
    assert "./dev build --hip 5.2.21153" in str(e.value)
    with pytest.raises(NoMatchingWheel) as e:
        pick(["hip_python-5.7.31921.3-cp311-cp311-linux_x86_64.whl"], "5.2.21160")
    assert "build" not in str(e.value).replace("builds no wheel", "") and "supported: 5.2.21153" in str(e.value)


def test_nearest_prefers_the_closer_grade():
    with pytest.raises(NoMatchingWheel) as e:
        pick(["hip_python-6.4.43484.3-cp311-cp311-linux_x86_64.whl",
              "hip_python-5.7.31921.3-cp311-cp311-linux_x86_64.whl",
              "hip_python-5.3.22062.3-cp310-cp310-linux_x86_64.whl"], "5.2.21153")  # wrong interpreter
    assert str(e.value.nearest.hip) == "5.7.31921"


def test_amd_rocm_keyed_releases_map_through_the_table():
    assert hip_key("hip_python-6.2.1.499.16-cp311-cp311-linux_x86_64.whl", rocm.table()) == \
        (V.parse("6.2.41134"), "rocm")
    c = pick(["hip_python-6.2.1.499.16-cp311-cp311-linux_x86_64.whl"], "6.2.41134")
    assert (c.version, c.scheme, c.grade) == ("6.2.1.499.16", "rocm", "exact")
    # this project's own wheel wins over AMD's for the same HIP release
    c = pick(["hip_python-6.2.1.499.16-cp311-cp311-linux_x86_64.whl",
              "hip_python-6.2.41134.2-cp311-cp311-linux_x86_64.whl"], "6.2.41134")
    assert c.scheme == "hip"


def test_yanked_and_requires_python_are_respected():
    ls = links("hip_python-5.2.21153.5-cp311-cp311-linux_x86_64.whl", yanked=True) + \
        links("hip_python-5.2.21153.4-py3-none-any.whl", requires_python=">=3.12") + \
        links("hip_python-5.2.21153.3-py3-none-any.whl", requires_python=">=3.9")
    notes = []
    assert choose(ls, V.parse("5.2.21153"), CP311, rocm.table(), notes=notes).version == "5.2.21153.3"
    assert any("yanked" in n for n in notes) and any("Requires-Python" in n for n in notes)


def test_nothing_at_all():
    with pytest.raises(NoMatchingWheel, match="nor any other HIP release"):
        pick(["numpy-2.0.0-cp311-cp311-linux_x86_64.whl"], "5.2.21153")


def test_constraints():
    assert constraint(V.parse("5.2.21153")) == "hip-python>=5.2.21153.0,<5.2.21154"
    assert constraint(rocm.require_hip_for_rocm("5.4.3")) == "hip-python>=5.4.22804.0,<5.4.22805"
    assert rocm_constraint("6.2.0") == "hip-python>=6.2.0.0,<6.2.1"


def synthetic(n: int):
    """n wheel names over many HIP releases, tags and build numbers (like a long-lived index)."""
    out = []
    tags = ["cp39-cp39", "cp310-cp310", "cp311-cp311", "cp312-cp312", "cp313-cp313"]
    i = 0
    while len(out) < n:
        major, minor, patch = 5 + i % 3, i % 10, 20000 + (i * 7) % 60000
        for t in tags:
            out.append(f"hip_python-{major}.{minor}.{patch}.{i % 50}-{t}-manylinux_2_17_x86_64.whl")
        i += 1
    return links(*out[:n]) + links("hip_python-5.2.21153.37-cp311-cp311-manylinux_2_17_x86_64.whl")


def test_choosing_from_10000_links_takes_under_100ms():
    ls = synthetic(10_000)
    best = min(_timed(lambda: choose(ls, V.parse("5.2.21153"), CP311, rocm.table())) for _ in range(3))
    assert best < 0.1, f"{best * 1000:.1f} ms"


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# -- index sources ----------------------------------------------------------------------------

def test_pep503_page_parsing():
    html = ('<a href="../../hip_python-5.2.21153.1-cp311-cp311-linux_x86_64.whl#sha256=ab12" '
            'data-requires-python="&gt;=3.9">x</a><a href="hip_python-5.2.21153.0.tar.gz">sdist</a>'
            '<a href="/f/hip_python-5.2.21153.2-py3-none-any.whl" data-yanked="">y</a>')
    got = index.parse_links(html, "https://example.org/simple/hip-python/")
    assert [(g.url, g.sha256, g.requires_python, g.yanked) for g in got] == [
        ("https://example.org/hip_python-5.2.21153.1-cp311-cp311-linux_x86_64.whl", "ab12", ">=3.9", False),
        ("https://example.org/f/hip_python-5.2.21153.2-py3-none-any.whl", None, None, True)]


@pytest.fixture()
def served(tmp_path):
    """A two-release local index served over HTTP on 127.0.0.1."""
    wheels = [make_wheel(tmp_path, "5.2.21153.3", "5.2.21153"), make_wheel(tmp_path, "5.7.31921.3", "5.7.31921")]
    write_index(tmp_path, wheels)
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_file_and_http_indexes_and_find_links(served):
    root, url = served
    for source in (index.from_index(f"{url}/simple"), index.from_index((root / "simple").as_uri()),
                   index.from_find_links(str(root)), index.from_index(str(root / "simple"))):
        assert sorted(l.filename for l in source) == ["hip_python-5.2.21153.3-py3-none-any.whl",
                                                      "hip_python-5.7.31921.3-py3-none-any.whl"]
    http_links = index.from_index(f"{url}/simple")
    assert all(l.sha256 and l.url.startswith(url) for l in http_links)


def test_unreachable_index_is_an_error_not_a_fallback(tmp_path):
    with pytest.raises(index.IndexUnavailable, match="cannot read"):
        index.collect(["http://127.0.0.1:9/simple"])
    with pytest.raises(index.IndexUnavailable, match="does not exist"):
        index.collect([], [str(tmp_path / "nope")], no_index=True)
