"""A wheel generated from newer headers (5.7.1) against an older real runtime (5.2.3)."""
import json
import subprocess

import pytest

from conftest import Runner, build_wheel, make_venv
from hip_bindgen import params, parse, sources


@pytest.fixture(scope="module")
def run_571_on_523(tmp_path_factory, runtime_523):
    py = make_venv(tmp_path_factory.mktemp("venv") / "v571", build_wheel("5.7.1"))
    return Runner(py, runtime_523 / "lib" / "x86_64-linux-gnu")


@pytest.fixture(scope="module")
def lacking(runtime_523):
    """A function of the 5.7.1 API that the real 5.2.3 library does not export, and its arity."""
    nm = subprocess.run(["nm", "-D", "--defined-only", str(runtime_523 / "lib/x86_64-linux-gnu/libamdhip64.so.5")],
                        capture_output=True, text=True, check=True).stdout
    exported = {line.split()[-1].split("@")[0] for line in nm.splitlines()}
    m = parse.parse(sources.include_dir("5.7.1"))
    missing = []
    for n, f in sorted(m["functions"].items()):
        roles = params.roles(n, f, m["typedefs"])
        if f["module"] == "hip" and f.get("symbol", n) not in exported and "record" not in roles:
            missing.append((n, sum(r != "out" for r in roles)))
    assert len(missing) > 10, "5.7.1 adds functions over 5.2.3"
    return missing[0]


def test_missing_function_names_function_file_and_version(run_571_on_523, lacking):
    lacking, arity = lacking
    p = run_571_on_523.proc(f"from hip import hip; hip.{lacking}")
    assert p.returncode == 0, p.stderr  # looking the name up is fine; calling it is not
    out = run_571_on_523(f'''
import json
from hip import hip
try:
    hip.{lacking}(*[0] * {arity})
except hip._loader.HipFunctionNotFoundError as e:
    print(json.dumps(["error", str(e)]))
except TypeError as e:
    print(json.dumps(["type", str(e)]))
''')
    # a TypeError would mean our dummy arguments were wrong, not that the check failed
    assert out[0] == "error", out
    msg = out[1]
    assert lacking in msg and "libamdhip64.so.5.2.21153" in msg and "HIP 5.2.21153" in msg
    assert "5.7.31921" in msg


def test_functions_present_in_both_still_work(run_571_on_523):
    assert run_571_on_523("from hip import hip; import json; e, v = hip.hipRuntimeGetVersion(); "
                          "print(json.dumps([e.name, v, hip.HIP_VERSION_STRING]))") == [
        "hipSuccess", 50221153, "5.7.31921"]


def test_import_warns_once_naming_both_versions_and_the_grade(run_571_on_523):
    p = run_571_on_523.proc("import warnings; warnings.simplefilter('always'); from hip import hip, hiprtc; "
                            "hip.hipRuntimeGetVersion(); hip.hipGetDeviceCount()")
    assert p.returncode == 0, p.stderr
    assert p.stderr.count("HipVersionMismatchWarning") == 1, p.stderr
    for text in ("5.7.31921", "5.2.21153", "same-major", "hip-python-select install", "HIP_PYTHON_NO_VERSION_CHECK"):
        assert text in p.stderr


def test_environment_variable_silences_the_warning(run_571_on_523):
    p = run_571_on_523.proc("import warnings; warnings.simplefilter('error'); from hip import hip; "
                            "hip.hipRuntimeGetVersion()", HIP_PYTHON_NO_VERSION_CHECK="1")
    assert p.returncode == 0, p.stderr


def test_load_time_check_catches_what_import_could_not_see(run_571_on_523, runtime_523, tmp_path):
    """A runtime reached through a name without a version (libamdhip64.so) is asked for its version."""
    link = tmp_path / "libamdhip64.so"
    link.symlink_to(runtime_523 / "lib/x86_64-linux-gnu/libamdhip64.so.5.2.21153")
    p = run_571_on_523.proc("import warnings; warnings.simplefilter('always'); from hip import hip; "
                            "print(hip.hipRuntimeGetVersion()[1])", HIP_PYTHON_LIBAMDHIP64_PATH=str(link))
    assert p.returncode == 0, p.stderr
    assert "HipVersionMismatchWarning" in p.stderr and "5.2.21153" in p.stderr


@pytest.mark.parametrize("value", ["0", "false", "no", "", " ", "off"])
def test_a_false_value_does_not_silence_the_warning(run_571_on_523, value):
    """HIP_PYTHON_NO_VERSION_CHECK=0 (or false, no, empty) means "check": only a true value silences."""
    p = run_571_on_523.proc("import warnings; warnings.simplefilter('always'); from hip import hip; "
                            "hip.hipRuntimeGetVersion()", HIP_PYTHON_NO_VERSION_CHECK=value)
    assert p.returncode == 0, p.stderr
    assert p.stderr.count("HipVersionMismatchWarning") == 1, p.stderr


@pytest.mark.parametrize("value", ["1", "true", "YES", "on "])
def test_a_true_value_silences_the_warning(run_571_on_523, value):
    p = run_571_on_523.proc("import warnings; warnings.simplefilter('error'); from hip import hip; "
                            "hip.hipRuntimeGetVersion()", HIP_PYTHON_NO_VERSION_CHECK=value)
    assert p.returncode == 0, p.stderr
