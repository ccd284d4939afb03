"""PEP 825 wheel variants keyed on the HIP version: the files the publisher writes, checked against
the published schema and the draft's reference library (variantlib), and the real proof: uv from
PyPI with the preview flag installs the variant from a per-release index and pip the plain wheel,
both importing against the real 5.2.3 runtime.  (docs/variants.md)"""
from __future__ import annotations

import hashlib
import json
import base64
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, build_wheel

from hip_build import variants  # noqa: E402

SCHEMAS = Path(__file__).parent / "data" / "variants-schema"
HIP = "5.2.21153"
UV = Path(sys.executable).with_name("uv")   # uv from PyPI, pinned in requirements-dev.txt
UV_VERSION = "0.13.9"
SELECT = [sys.executable, "-m", "hip_python_select"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """A published index of the 5.2.3 wheel, by the project's own command."""
    out = tmp_path_factory.mktemp("index")
    shutil.copy(build_wheel("5.2.3"), out)
    subprocess.run([sys.executable, str(ROOT / "scripts/build_matrix.py"), "--index-only", "--out", str(out)],
                   check=True, capture_output=True)
    return out


def _plain_and_variant(index):
    (plain,) = index.glob("*.whl")   # the directory lists the plain wheels only, as it always did
    (variant,) = (index / "variants").glob("*.whl")
    assert variants.is_variant(variant.name) and not variants.is_variant(plain.name)
    return plain, variant


def _variant_json(whl: Path) -> dict:
    with zipfile.ZipFile(whl) as z:
        return json.loads(z.read(next(n for n in z.namelist() if n.endswith(".dist-info/variant.json"))))


def test_the_variant_is_the_plain_wheel_plus_variant_json(index):
    plain, variant = _plain_and_variant(index)
    assert variant.name == plain.name[:-4] + f"-hip{HIP}.whl"
    with zipfile.ZipFile(plain) as p, zipfile.ZipFile(variant) as v:
        added = set(v.namelist()) - set(p.namelist())
        assert len(added) == 1 and added.pop().endswith(".dist-info/variant.json")
        for name in p.namelist():
            if not name.endswith("RECORD"):
                assert v.read(name) == p.read(name), name
        record = v.read(next(n for n in v.namelist() if n.endswith(".dist-info/RECORD"))).decode()
        for line in record.splitlines():   # every file's hash holds, variant.json's too
            name, digest, size = line.rsplit(",", 2)
            if digest:
                data = v.read(name)
                assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                assert int(size) == len(data)
        assert "variant.json" in record
    assert _variant_json(variant)["variants"] == {f"hip{HIP}": {"hip": {"version": [HIP]}}}


def test_republishing_changes_no_byte(index, tmp_path):
    copy = tmp_path / "again"
    shutil.copytree(index, copy)
    shutil.rmtree(copy / "variants")
    subprocess.run([sys.executable, str(ROOT / "scripts/build_matrix.py"), "--index-only", "--out", str(copy)],
                   check=True, capture_output=True)
    for p in index.rglob("*"):
        if p.is_file():
            assert (copy / p.relative_to(index)).read_bytes() == p.read_bytes(), p


def _documents(index):
    """(where, document) of every variant metadata file the publisher wrote."""
    docs = [(p, _variant_json(p)) for p in (index / "variants").glob("*.whl")]
    docs += [(p, json.loads(p.read_text())) for p in index.rglob("*-variants.json")]
    assert len(docs) == 3   # the wheel's variant.json, the combined and the per-release -variants.json
    return docs


def _check_schemas(doc: dict) -> None:
    pep825 = json.loads((SCHEMAS / "pep825-v0.1.0.json").read_text())
    providers = json.loads((SCHEMAS / "providers-structure.json").read_text())
    jsonschema.validate({k: v for k, v in doc.items() if k != "providers"}, pep825)
    jsonschema.validate(doc["providers"], providers)


def test_metadata_passes_the_published_schema_and_variantlib(index):
    from variantlib.variant_dist_info import VariantDistInfo
    from variantlib.variants_json import VariantsJson

    for path, doc in _documents(index):
        _check_schemas(doc)
        if path.name.endswith("-variants.json"):
            parsed = VariantsJson(doc)
        else:   # the wheel's own: exactly one variant, the one its file name carries
            parsed = VariantDistInfo(json.dumps(doc), expected_label=path.name[:-4].rsplit("-", 1)[1])
        assert parsed.namespace_priorities == ["hip"]
        (vdesc,) = parsed.variants.values()
        assert [p.to_str() for p in vdesc.properties] == [f"hip :: version :: {HIP}"]


@pytest.mark.parametrize("broken", [
    lambda d: d["variants"].update({"hip5.2.21153.toolong": d["variants"][f"hip{HIP}"]}),   # label > 16
    lambda d: d["providers"]["hip"].update({"requires": ["hip-python-select"]}),           # two kinds
    lambda d: d["variants"][f"hip{HIP}"]["hip"].update({"version": ["5.2-21153"]}),         # bad value
])
def test_the_checks_reject_a_broken_document(index, broken):
    doc = json.loads(next(index.glob("hip-*/*-variants.json")).read_text())
    broken(doc)
    with pytest.raises(jsonschema.ValidationError):
        _check_schemas(doc)


def test_each_index_declares_its_provider(index):
    plain, variant = _plain_and_variant(index)
    version = plain.name.split("-")[1]
    combined = json.loads((index / f"hip_python-{version}-variants.json").read_text())
    release = json.loads((index / f"hip-{HIP}" / f"hip_python-{version}-variants.json").read_text())
    assert combined["providers"] == {"hip": {"requires": ["hip-python-select"], "optional": True,
                                             "plugin-api": "hip_python_select.variant_provider"}}
    assert release["providers"] == {"hip": {"static-properties": {"version": [HIP]}}}
    page = (index / f"hip-{HIP}" / "simple" / "hip-python" / "index.html").read_text()
    for f in (plain, variant):
        href = f.relative_to(index)
        assert f'href="../../../{href}#sha256={hashlib.sha256(f.read_bytes()).hexdigest()}"' in page
    assert f'href="../../hip_python-{version}-variants.json#sha256=' in page
    top = (index / "simple" / "hip-python" / "index.html").read_text()
    assert f'href="../../variants/{variant.name}#' in top and f"../../hip_python-{version}-variants.json" in top
    assert [r["filename"] for r in json.loads((index / "index.json").read_text())["wheels"]] == [plain.name]


def _env(runtime, **extra):
    libdir = runtime / "lib" / "x86_64-linux-gnu"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH",
                                                                      "PIP_", "UV_", "VIRTUAL_ENV"))}
    env.update(PATH=f"{runtime}/bin:/usr/bin:/bin", LD_LIBRARY_PATH=str(libdir), PIP_CONFIG_FILE=os.devnull,
               PYTHONPATH=str(ROOT / "resolver" / "src"))
    env.update(extra)
    return env


def _installed(py: Path, env) -> dict:
    """What 'import hip' says, its warnings, and whether the installed wheel was the variant."""
    code = ("import json, warnings, importlib.metadata as m\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always'); import hip\n"
            "files = [str(f) for f in m.distribution('hip-python').files]\n"
            "print(json.dumps({'hip': hip.HIP_VERSION_STRING, 'warnings': [str(x.message) for x in w],"
            " 'variant': any(f.endswith('.dist-info/variant.json') for f in files)}))")
    proc = subprocess.run([str(py), "-c", code], capture_output=True, text=True, env=env, cwd="/")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_uv_installs_the_variant_and_pip_the_plain_wheel(index, runtime_523, tmp_path):
    """The chain a user runs: hip-python-select config (detecting the real 5.2.3 runtime) writes
    uv.toml / pip.conf for the per-release index; uv with the preview takes the variant, pip the plain wheel."""
    assert subprocess.run([str(UV), "--version"], capture_output=True, text=True).stdout.split()[1] == UV_VERSION
    env = _env(runtime_523)
    uv_toml, pip_conf = tmp_path / "uv.toml", tmp_path / "pipenv" / "pip.conf"
    for tool, target in (("uv", uv_toml), ("pip", pip_conf)):
        proc = subprocess.run(SELECT + ["config", "--for", tool, "--index", str(index), "--write", str(target)],
                              capture_output=True, text=True, env=env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    assert f'url = "{(index / f"hip-{HIP}" / "simple").as_uri()}/"' in uv_toml.read_text()

    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(tmp_path / "uvenv")], check=True, env=env)
    uvpy = tmp_path / "uvenv" / "bin" / "python"
    proc = subprocess.run([str(UV), "pip", "install", "--config-file", str(uv_toml), "--python", str(uvpy),
                           "--prerelease", "allow", "--no-cache", "hip-python"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert _installed(uvpy, env) == {"hip": HIP, "warnings": [], "variant": True}

    subprocess.run([sys.executable, "-m", "venv", str(pip_conf.parent)], check=True)
    pippy = pip_conf.parent / "bin" / "python"
    proc = subprocess.run([str(pippy), "-m", "pip", "install", "-q", "--pre", "--disable-pip-version-check",
                           "--no-cache-dir", "hip-python"], capture_output=True, text=True,
                          env=_env(runtime_523, PIP_CONFIG_FILE=str(pip_conf)))
    assert proc.returncode == 0, proc.stderr
    assert _installed(pippy, env) == {"hip": HIP, "warnings": [], "variant": False}


def test_uv_without_a_plugin_takes_the_plain_wheel_from_the_combined_index(index, runtime_523, tmp_path):
    """Mainline uv skips third-party provider plugins: on the combined index it falls back to the
    null variant (the plain wheel) instead of failing."""
    env = _env(runtime_523)
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(tmp_path / "v")], check=True, env=env)
    py = tmp_path / "v" / "bin" / "python"
    proc = subprocess.run([str(UV), "pip", "install", "--no-config", "--preview-features", "wheel-variants",
                           "--python", str(py), "--prerelease", "allow", "--no-cache", "--index-url",
                           (index / "simple").as_uri(), "hip-python"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert _installed(py, env)["variant"] is False


def test_the_provider_reports_what_detect_finds_through_variantlib(runtime_523):
    """variantlib (the draft's reference library) finds the plugin by its entry point and runs it in
    a child process, as an installer would; its answer is detect's, on the real 5.2.3 runtime."""
    env = _env(runtime_523)
    code = ("import json\nfrom variantlib.plugins.loader import EntryPointPluginLoader\n"
            "with EntryPointPluginLoader() as l:\n"
            "    cfg = l.get_supported_configs()['hip']\n"
            "    every = l.get_all_configs()['hip']\n"
            "print(json.dumps({'supported': [[c.name, c.values] for c in cfg.configs],"
            " 'all': [v for c in every.configs for v in c.values]}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/")
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    detected = json.loads(subprocess.run(SELECT + ["detect", "--json"], capture_output=True, text=True,
                                         env=env).stdout)["hip_version"]
    assert got["supported"] == [["version", [detected]]] and detected == HIP
    assert {HIP, "5.7.31921", "6.4.43484", "7.2.53211"} <= set(got["all"])
    # no HIP here: the provider supports nothing, so an installer takes the plain wheel
    bare = {k: v for k, v in env.items() if k != "LD_LIBRARY_PATH"}
    proc = subprocess.run([sys.executable, "-c", code.replace("['hip']", ".get('hip')").replace(
        "[[c.name, c.values] for c in cfg.configs]", "cfg").replace(
        "[v for c in every.configs for v in c.values]", "None")], capture_output=True, text=True,
        env={**bare, "PATH": "/usr/bin:/bin"}, cwd="/")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["supported"] is None


def _config(*args, cwd, env=None):
    return subprocess.run(SELECT + ["config", *args], capture_output=True, text=True, cwd=cwd,
                          env=env or {**os.environ, "PYTHONPATH": str(ROOT / "resolver" / "src")})


def test_config_says_what_it_cannot_do(index, tmp_path):
    """No index for the release: exit 4 naming what is there; a file someone else wrote is kept;
    a path that cannot be written is one line, not a traceback."""
    proc = _config("--hip-version", "5.7.31921", "--index", str(index), "--json", cwd=tmp_path)
    assert proc.returncode == 4 and f"hip-{HIP}" in json.loads(proc.stdout)["error"]
    theirs = tmp_path / "uv.toml"
    theirs.write_text("[pip]\nno-build = true\n")
    proc = _config("--hip-version", HIP, "--index", str(index), "--write", cwd=tmp_path)
    assert proc.returncode == 1 and "not written by hip-python-select" in proc.stderr
    assert theirs.read_text() == "[pip]\nno-build = true\n"
    proc = _config("--for", "pip", "--hip-version", HIP, "--index", str(index), "--write", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    proc = _config("--hip-version", HIP, cwd=tmp_path)          # no ./wheels here, no --index
    assert proc.returncode == 2 and "--index" in proc.stderr
    printed = _config("--for", "pip", "--hip-version", HIP, "--index", str(index), cwd=tmp_path).stdout
    assert "hip-python>=5.2.21153.0,<5.2.21154" in printed and f"hip-{HIP}/simple/" in printed


@pytest.mark.parametrize("capture, hip", [("hipconfig-7.0.2-sid--version.txt", "6.4.43484"),
                                          ("hipconfig-7.2.4-experimental--version.txt", "7.2.53211")])
def test_the_provider_reads_the_real_cxx_hipconfig_output_as_detect_does(capture, hip, tmp_path):
    """The C++ hipconfig of sid and experimental (glibc >= 2.38: not runnable here) replayed from
    its captured output: the provider, run as variantlib runs it, says what detect says."""
    data = ROOT / "tests" / "resolver" / "data" / capture
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "hipconfig").write_text(f'#!/bin/sh\n[ "$1" = --version ] && exec cat "{data}"\nexit 1\n')
    (bindir / "hipconfig").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH", "LD_"))}
    env.update(PATH=f"{bindir}:/usr/bin:/bin", PYTHONPATH=str(ROOT / "resolver" / "src"))
    code = ("import json\nfrom variantlib.plugins.loader import EntryPointPluginLoader\n"
            "with EntryPointPluginLoader() as l:\n"
            "    print(json.dumps([c.values for c in l.get_supported_configs()['hip'].configs]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/")
    assert proc.returncode == 0, proc.stderr
    detected = json.loads(subprocess.run(SELECT + ["detect", "--json"], capture_output=True, text=True,
                                         env=env).stdout)["hip_version"]
    assert json.loads(proc.stdout) == [[detected]] and detected == hip
