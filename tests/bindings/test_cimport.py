"""The Cython cimport API: a user's extension built against the installed 5.2.3 wheel calls the
real 5.2.3 runtime through hip.hip's own function table (benchmarks/cimport.py holds its source)."""
from __future__ import annotations

import json
import subprocess

import cimport as user_ext   # benchmarks/cimport.py (pytest's pythonpath, pyproject.toml)


def test_user_extension_calls_the_runtime(venv_523, run_523, tmp_path):
    ext = user_ext.build(user_ext.site_packages(venv_523), tmp_path / "ext")
    (so,) = ext.glob("hipuser*.so")
    needed = subprocess.run(["readelf", "-d", str(so)], capture_output=True, text=True, check=True).stdout
    assert "NEEDED" in needed and "amdhip64" not in needed and "hiprtc" not in needed  # no link-time dependency
    out = run_523(f"""
import sys, json
import hipuser
before = "hip.hip" in sys.modules
version = hipuser.runtime_version()
from hip import hip, hiprtc
maps = [l for l in open("/proc/self/maps") if "libamdhip64" in l]
print(json.dumps({{"before": before, "version": version, "py": [int(x) for x in hip.hipRuntimeGetVersion()],
                  "names": [hipuser.error_name(0), hipuser.error_name(1)], "py_name": hip.hipGetErrorName(1)[1],
                  "rtc": hipuser.hiprtc_version(), "facts": hipuser.facts(),
                  "py_rtc": [int(x) for x in hiprtc.hiprtcVersion()], "py_size": hip.sizeof(hip.hipDeviceProp_t),
                  "libs": sorted({{l.split()[-1] for l in maps}}), "lib": hip._library().path}}, default=repr))
""", PYTHONPATH=str(ext))
    assert out["before"] is False                       # cimporting loaded nothing until the first call
    assert out["version"] == [0, 50221153] == out["py"]
    assert out["names"] == ["b'hipSuccess'", "b'hipErrorInvalidValue'"] and out["py_name"] == "hipErrorInvalidValue"
    assert out["rtc"][:3] == out["py_rtc"] and out["rtc"][0] == 0 and out["rtc"][3] == "b'HIPRTC_SUCCESS'"
    assert out["facts"] == ["b'5.2.21153'", out["py_size"], 2, 1, 0]  # struct layout and enum values as Python's
    assert len(out["libs"]) == 1 and out["libs"][0].endswith(out["lib"].rsplit("/", 1)[-1])  # one library, hip.hip's


def test_extension_for_another_wheel_is_refused(run_523):
    out = run_523("""
import json
from hip import hip
try:
    hip._capi_resolve(0, "0" * 16)
except ImportError as e:
    print(json.dumps(str(e)))
""")
    assert "rebuild it against the installed wheel" in out and "HIP 5.2.21153" in out
