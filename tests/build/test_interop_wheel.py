"""hip_build/interop.py: the hip-python-interop wheel (metadata, determinism) and its place on the index."""
import json
import zipfile

from hip_bindgen import hipify
from hip_build import interop, publish


def test_interop_wheel_is_locked_to_its_hip_python_and_byte_identical(tmp_path, manifests):
    m = manifests["5.2.3"]
    a = interop.build(m, "5.2.21153.7", tmp_path / "a", "5.2.3")
    b = interop.build(m, "5.2.21153.7", tmp_path / "b", "5.2.3")
    assert a.name == "hip_python_interop-5.2.21153.7-py3-none-any.whl" and a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        names = set(z.namelist())
        meta = z.read("hip_python_interop-5.2.21153.7.dist-info/METADATA").decode()
    assert "Requires-Dist: hip-python==5.2.21153.7\n" in meta and f"hipify-perl {hipify.version('5.2.3')}" in meta
    assert {"cuda/bindings/driver.py", "cuda/bindings/runtime.py", "cuda/bindings/nvrtc.py", "cuda/cuda.py",
            "cuda/cudart.py", "cuda/nvrtc.py", "cuda/bindings/driver.pyi", "cuda/bindings/_hip_foreign.py"} <= names
    # the shims, in every release's wheel (on 5.2.3 their import says what the release lacks), each
    # with its own copy of the foreign-files check; nothing else of theirs
    assert {n for n in names if n.startswith(("pynvml/", "nvtx/"))} == \
        {"pynvml/__init__.py", "pynvml/_hip_foreign.py", "nvtx/__init__.py", "nvtx/_hip_foreign.py"}
    with zipfile.ZipFile(a) as z:
        assert z.read("hip_python_interop-5.2.21153.7.dist-info/top_level.txt") == b"cuda\nnvtx\npynvml\n"
        assert z.read("pynvml/_hip_foreign.py") == z.read("cuda/bindings/_hip_foreign.py")
    # no file NVIDIA's cuda-bindings also installs: uninstalling one never deletes the other's
    assert not names & {"cuda/__init__.py", "cuda/bindings/__init__.py", "cuda/bindings/_version.py"}


def test_the_index_lists_the_layer_as_its_own_project(tmp_path):
    for name in ("hip_python-5.2.21153.7-cp311-cp311-manylinux_2_17_x86_64.whl",
                 "hip_python_interop-5.2.21153.7-py3-none-any.whl"):
        dist = "-".join(name.split("-")[:2])   # a wheel in form only: the publisher makes variants of it
        with zipfile.ZipFile(tmp_path / name, "w") as z:
            z.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\n")
            z.writestr(f"{dist}.dist-info/RECORD", f"{dist}.dist-info/WHEEL,,\n{dist}.dist-info/RECORD,,\n")
    publish.write_index(tmp_path)
    index = json.loads((tmp_path / "index.json").read_text())
    assert [w["filename"] for w in index["wheels"]] == ["hip_python-5.2.21153.7-cp311-cp311-manylinux_2_17_x86_64.whl"]
    assert [w["filename"] for w in index["interop"]["wheels"]] == ["hip_python_interop-5.2.21153.7-py3-none-any.whl"]
    page = (tmp_path / "simple" / "hip-python-interop" / "index.html").read_text()
    assert "hip_python_interop-5.2.21153.7-py3-none-any.whl#sha256=" in page
    assert "interop" not in (tmp_path / "simple" / "hip-python" / "index.html").read_text()
    # the per-release index has the release's layer beside its wheel (one index URL for both)
    release = tmp_path / "hip-5.2.21153" / "simple"
    assert "hip_python_interop-5.2.21153.7" in (release / "hip-python-interop" / "index.html").read_text()
    assert 'href="hip-python-interop/"' in (release / "index.html").read_text()
