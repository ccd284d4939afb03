"""Each fact of issue 18 is written once; where a copy must exist, it is byte-identical."""
import io
import json
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WHEEL_FACTS = ROOT / "bindings" / "hip" / "_hipfacts.py"
RESOLVER_FACTS = ROOT / "resolver" / "src" / "hip_python_select" / "_hipfacts.py"
CODE = [p for d in ("bindings", "resolver/src", "scripts", "benchmarks", "harness", "tests/matrix")
        for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".pxi") and p.is_file()]


def code_of(path: Path) -> str:
    """The file without its comments and string literals (docstrings may explain a fact)."""
    text = path.read_text()
    if path.suffix != ".py":
        return text
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.STRING):
            out.append(tok.string)
    return " ".join(out)


def test_the_resolver_carries_a_byte_identical_copy_of_the_wheel_facts():
    """The resolver installs without the bindings, so it vendors hip/_hipfacts.py: never edited apart."""
    assert RESOLVER_FACTS.read_bytes() == WHEEL_FACTS.read_bytes(), (
        "edit bindings/hip/_hipfacts.py, then copy it to resolver/src/hip_python_select/_hipfacts.py")


# (what, the pattern that writes it, its one home, whether strings count: a pattern of code is
# searched with comments and string literals removed, so a docstring may explain the fact)
FACTS = [
    ("packed HIP_VERSION arithmetic", r"[*/]\s*10_?000_?000|100_?000\s*%", "_hipfacts.py", False),
    ("the mismatch grade", r"return\s+\"same-minor\"", "_hipfacts.py", True),
    ("the library search order", r"\"/lib64\",\s*\"/usr/lib64\"|\"lib\",\s*\"lib64\"", "_hipfacts.py", True),
    ("hip_version.h parsing", r"HIP_VERSION_(\(MAJOR|\{key\})", "version.py", True),
    ("SOURCE_DATE_EPOCH's value", r"SOURCE_DATE_EPOCH\"?\s*[:=]\s*\"?\d", None, True),
    ("patch < 1000 means ROCm-keyed", r"[<>]=?\s*1000\b|MAX_PATCH\s*=\s*1000\b", "version.py", False),
    ("the verdict exit codes", r"\"risky\"\s*:\s*\d", "cli.py", True),
]


@pytest.mark.parametrize("what, pattern, home, strings", FACTS, ids=[f[0] for f in FACTS])
def test_one_home(what, pattern, home, strings):
    hits = sorted({p.relative_to(ROOT).as_posix() for p in CODE
                   if re.search(pattern, p.read_text() if strings else code_of(p))})
    allowed = {p for p in hits if home and p.endswith(home)}
    assert set(hits) == allowed, f"{what} is written outside its home ({home}): {sorted(set(hits) - allowed)}"
    if home:
        assert allowed, f"{what}: its home {home} no longer has it (the pattern is stale)"


def test_ld_so_conf_is_read_with_its_includes(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("facts", WHEEL_FACTS)
    facts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(facts)
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "10-rocm.conf").write_text("# ROCm\n/opt/rocm-6.4.3/lib\n")
    (tmp_path / "conf.d" / "20-x.conf").write_text("/usr/local/lib\ninclude " + str(tmp_path / "ld.so.conf") + "\n")
    (tmp_path / "ld.so.conf").write_text(f"include {tmp_path}/conf.d/*.conf\n/extra/lib  # trailing\n")
    assert facts.ld_so_conf_dirs(str(tmp_path / "ld.so.conf")) == ["/opt/rocm-6.4.3/lib", "/usr/local/lib", "/extra/lib"]
    assert facts.ld_so_conf_dirs(str(tmp_path / "missing.conf")) == []


def test_the_wheel_and_the_resolver_find_the_same_library(venv_523, runtime_523, tmp_path):
    """The installed wheel's import-time search and the resolver's, on the same environments."""
    libdir = runtime_523 / "lib" / "x86_64-linux-gnu"
    rocm = tmp_path / "rocm"
    (rocm / "lib").mkdir(parents=True)
    (rocm / "lib" / "libamdhip64.so.5").symlink_to(libdir / "libamdhip64.so.5")
    envs = [{"LD_LIBRARY_PATH": str(libdir)}, {"ROCM_PATH": str(rocm)},
            {"HIP_PYTHON_LIBAMDHIP64_PATH": str(libdir / "libamdhip64.so.5"), "ROCM_PATH": str(rocm)},
            {"ROCM_PATH": str(tmp_path / "empty")}, {}]
    from hip_python_select import loader
    code = ("import json, sys; from hip import _loader; "
            "print(json.dumps([_loader.peek('hip', 5, e) for e in json.loads(sys.argv[1])]))")
    wheel = json.loads(subprocess.run([str(venv_523), "-c", code, json.dumps(envs)], capture_output=True,
                                      text=True, check=True, cwd="/").stdout)
    resolver = [(lambda h: h.path if h else None)(loader.search(5, e)[0]) for e in envs]
    assert wheel == resolver
    assert wheel[0] and wheel[1] and wheel[2]


# -- One way to import the project's tools: installed (./dev: pyproject.toml's hip-python-dev) --------
def project_py() -> list:
    """Every .py of the project, committed or not (git's view: .venv, build/ and wheels/ are ignored)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.py"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / p for p in sorted(set(out.split("\0")) - {""}) if (ROOT / p).is_file()]


# an edit of the import path: sys.path changed in place or rebound, or a site directory added; in
# code and in code a child runs (strings count: a child gets its folders through PYTHONPATH)
SYS_PATH_EDIT = re.compile(r"\bsys\s*\.\s*path\s*(\.\s*(insert|append|extend|remove|pop|clear)\s*\(|\[[^\]]*\]\s*=[^=]|\+=|=[^=])"
                           r"|\baddsitedir\s*\(")


def test_no_module_edits_sys_path():
    files = project_py()
    assert len(files) > 100 and ROOT / "tests" / "conftest.py" in files     # the listing is the tree's
    allowed = {"tests/conftest.py"}
    edits = [f"{p.relative_to(ROOT).as_posix()}:{n}: {line.strip()}" for p in files
             if p.relative_to(ROOT).as_posix() not in allowed
             for n, line in enumerate(p.read_text().splitlines(), 1) if SYS_PATH_EDIT.search(line)]
    assert not edits, ("import the tools by name (./dev installs hip-python-dev and the resolver into .venv; "
                       "a child process gets a folder through PYTHONPATH):\n" + "\n".join(edits))


def test_sys_path_edit_pattern_catches_the_forms_it_names():
    s = "sys" + ".path"     # spelled apart: this file would be caught by its own examples
    caught = [f"{s}.insert(0, d)", f"{s}[:0] = [d]", f"{s}.append(d)", f"{s} += [d]", f"{s} = [d] + {s}",
              "site.addsite" + "dir(d)", f"import sys; {s}.insert(0, {{ext!r}})"]
    passed = [f"print({s})", f"if d in {s}:", f"{s}[0] == d", "PYTHONPATH=str(ext)"]
    assert all(SYS_PATH_EDIT.search(s) for s in caught)
    assert not any(SYS_PATH_EDIT.search(s) for s in passed)


def test_nothing_outside_tests_imports_or_runs_a_file_of_tests():
    """tests/ may use the tools; the tools (bindings, harness, benchmarks, scripts, resolver) never
    reach into tests/: neither by importing one of its modules nor by running one of its files."""
    import ast
    files = project_py()
    test_modules = {"tests"} | {p.stem for p in files if p.relative_to(ROOT).parts[0] == "tests"}
    outside = [p for p in files if p.relative_to(ROOT).parts[0] != "tests"]
    found = []
    for p in outside:
        for node in ast.walk(ast.parse(p.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
            found += [f"{p.relative_to(ROOT)}:{node.lineno} imports {n}" for n in names
                      if n.split(".")[0] in test_modules]
        # a path into tests/ built in code: ROOT / "tests" ..., or a quoted "tests/....py"
        found += [f"{p.relative_to(ROOT)}: {m.group(0)}"
                  for m in re.finditer(r"/\s*[\"']tests[\"'/]|[\"']tests/[\w/]*\.py[\"']", code_of_strings(p))]
    for script in ("dev", ".ci/run"):
        found += [f"{script}: {line.strip()}" for line in (ROOT / script).read_text().splitlines()
                  if re.search(r"\btests/\S*\.py", line) and not line.lstrip().startswith("#")]
    assert len(outside) > 50 and "conftest" in test_modules
    assert not found, "\n".join(found)


def code_of_strings(path: Path) -> str:
    """The file without its comments and docstrings (a docstring may name a test); strings stay."""
    out = []
    prev = tokenize.NEWLINE
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        docstring = tok.type == tokenize.STRING and prev in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT)
        if tok.type != tokenize.COMMENT and not docstring:
            out.append(tok.string)
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            prev = tok.type
    return " ".join(out)


def test_the_development_package_holds_every_tool_module():
    """A module added to harness/ or a package to bindings/ tooling is importable only once listed
    in pyproject.toml's hip-python-dev (./dev reinstalls it when pyproject.toml changes)."""
    import tomllib
    st = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert sorted(st["py-modules"]) == sorted(p.stem for p in (ROOT / "harness").glob("*.py"))
    assert st["package-dir"][""] == "harness"
    assert all(st["package-dir"][p] == f"bindings/{p}" and (ROOT / "bindings" / p / "__init__.py").is_file()
               for p in st["packages"])
    import hip_bindgen, rootfs   # noqa: E401 - installed editable: the source tree's files
    assert Path(hip_bindgen.__file__).parent == ROOT / "bindings" / "hip_bindgen"
    assert Path(rootfs.__file__) == ROOT / "harness" / "rootfs.py"


def test_a_library_override_variable_is_a_name_a_shell_can_export():
    import importlib.util
    spec = importlib.util.spec_from_file_location("_hipfacts", ROOT / "bindings" / "hip" / "_hipfacts.py")
    facts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(facts)
    assert facts.env_var("amdhip64") == "HIP_PYTHON_LIBAMDHIP64_PATH"
    # LLVM 15's soname stem is LLVM-15 (libLLVM-15.so.1): `export HIP_PYTHON_LIBLLVM-15_PATH=` is a shell error
    assert facts.env_var("LLVM-15") == "HIP_PYTHON_LIBLLVM_15_PATH"
    assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", facts.env_var("amd_comgr.x"))
