"""The build facts stated once (pyproject.toml, requirements-dev.txt) and everything that follows them."""
import html
import shutil
import sys
import tomllib

from conftest import build_wheel
from hip_build import project, publish, pythons, wheel


def test_the_regex_reader_agrees_with_tomllib():
    cibw = tomllib.loads(project.PYPROJECT.read_text())["tool"]["cibuildwheel"]
    assert project.source_date_epoch() == cibw["environment"]["SOURCE_DATE_EPOCH"]
    assert [f"cp{v.replace('.', '')}-*" for v in project.pythons()] == cibw["build"].split()
    assert project.requires_python() == f">={project.pythons()[0]}"


def test_one_cython_pin_for_every_build():
    reqs = project.build_requirements()
    cython = [r for r in reqs if r.lower().startswith("cython")]
    assert len(cython) == 1 and "==" in cython[0], "the Cython that generates C must be pinned exactly"
    import Cython
    assert cython[0].split("==")[1] == Cython.__version__      # .venv has the pinned one


def test_staged_sources_follow_the_project_facts(tmp_path):
    manifest = {"hip_version": {"string": "9.8.76543", "major": 9, "minor": 8, "patch": 76543, "packed": 90876543,
                                "githash": ""}, "functions": {}, "enums": {}, "records": {}, "typedefs": {},
                "constants": {}, "aliases": {}, "skipped": {}, "headers": {}, "format": 1}
    src = wheel.stage(manifest, "9.8.76543.1", tmp_path / "src")
    meta = tomllib.loads((src / "pyproject.toml").read_text())
    assert meta["build-system"]["requires"] == list(project.build_requirements())
    assert meta["project"]["requires-python"] == project.requires_python()
    assert wheel.build_env()["SOURCE_DATE_EPOCH"] == project.source_date_epoch()


def test_the_local_build_looks_for_exactly_the_supported_pythons(monkeypatch):
    asked = []
    monkeypatch.setattr(pythons.shutil, "which", lambda name: asked.append(name))
    monkeypatch.setenv("PYENV_ROOT", "/nonexistent")
    pythons.find()
    current = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    assert sorted(asked + [current]) == sorted(f"python{v}" for v in set(project.pythons()) | {current[6:]})


def test_the_index_states_the_same_python_range(tmp_path):
    shutil.copy(build_wheel("5.2.3"), tmp_path)
    publish.write_index(tmp_path)
    page = (tmp_path / "simple" / "hip-python" / "index.html").read_text()
    assert f'data-requires-python="{html.escape(project.requires_python())}"' in page
