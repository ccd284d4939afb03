"""The target interpreter: its wheel tags, its environment kind, and the installed hip-python.

For another interpreter (``--python``) everything is asked in one child process, which
reads the installed wheel through ``importlib.metadata`` and ``hip/_manifest.json``
without importing ``hip`` (a broken or mismatched install cannot break the question),
then asks the bindings' loader, if present, which library ``import hip`` would open.
"""
from __future__ import annotations

import json
import os
import sys
from typing import NamedTuple, Optional

from .resolve import Target

# Runs inside the target interpreter; standard library only (the target may lack packaging).
_PROBE = r"""
import json, os, sys, sysconfig
out = {"executable": sys.executable, "version": list(sys.version_info[:3]), "prefix": sys.prefix,
       "platform": sysconfig.get_platform(), "glibc": None, "tags": None, "uv_env": False,
       "has_pip": False, "installed": None, "loader": None, "loader_error": None,
       "purelib": sysconfig.get_path("purelib")}
try:
    out["glibc"] = os.confstr("CS_GNU_LIBC_VERSION")
except (ValueError, OSError, AttributeError):
    pass
for mod in ("packaging.tags", "pip._vendor.packaging.tags"):
    try:
        tags = __import__(mod, fromlist=["sys_tags"])
        out["tags"] = [str(t) for t in tags.sys_tags()]
        break
    except Exception:
        continue
try:
    with open(os.path.join(sys.prefix, "pyvenv.cfg")) as f:
        out["uv_env"] = any(line.split("=")[0].strip() == "uv" for line in f)
except OSError:
    pass
import importlib.util
out["has_pip"] = importlib.util.find_spec("pip") is not None
import importlib.metadata as md
try:
    dist = md.distribution("hip-python")
except md.PackageNotFoundError:
    dist = None
if dist is not None:
    inst = {"version": dist.version, "location": str(dist.locate_file("")), "hip_version": None}
    try:
        with open(dist.locate_file("hip/_manifest.json")) as f:
            inst["hip_version"] = json.load(f).get("hip_version")
    except (OSError, ValueError) as e:
        inst["manifest_error"] = str(e)
    out["installed"] = inst
    if "--loader" in sys.argv:
        try:
            from hip import _loader
            out["loader"] = json.loads(_loader.report_json())
        except Exception as e:
            out["loader_error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"""


class ProbeError(RuntimeError):
    """The target interpreter could not be asked (not found, crashed, printed no JSON)."""


class Interpreter(NamedTuple):
    executable: str
    version: tuple
    tags: list
    uv_env: bool
    has_pip: bool
    installed: Optional[dict]     # {"version", "location", "hip_version": {...}} or None
    loader: Optional[dict]        # hip._loader.report_json() of the installed bindings
    loader_error: Optional[str]
    purelib: Optional[str] = None  # where pip installs a new distribution in that environment

    @property
    def target(self) -> Target:
        return Target(tuple(self.version), self.tags)


def probe(python: Optional[str] = None, loader: bool = False, timeout: float = 60.0) -> Interpreter:
    """Ask ``python`` (default: this interpreter, in a child too) about itself."""
    from . import bounded

    exe = sys.executable if python is None else python
    if not exe.strip() or "\0" in exe:
        raise ProbeError(f"--python {exe!r}: not an interpreter path (an unset shell variable?)")
    if os.sep in exe:
        # the child runs in "/": a relative path (.venv/bin/python) means one in our cwd. Not
        # realpath: a venv's python is a symlink whose name is what makes it the venv's.
        exe = os.path.abspath(exe)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    try:
        proc = bounded.run([exe, "-I", "-c", _PROBE, *(["--loader"] if loader else [])], env, timeout, cwd="/")
    except FileNotFoundError:
        raise ProbeError(f"--python {exe!r}: no such interpreter") from None
    except OSError as e:
        raise ProbeError(f"--python {exe!r}: cannot run it ({e.strerror or e})") from None
    if proc.returncode is None:
        raise ProbeError(f"--python {exe!r} did not answer within {bounded.budget(timeout) or timeout:g} s "
                         f"(--timeout) and was killed") from None
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        check_answer(data)
    except (IndexError, ValueError, TypeError) as e:
        why = f" ({e})" if isinstance(e, TypeError) else ""
        raise ProbeError(f"--python {exe!r} is not a Python this tool can ask{why} (exit {proc.returncode}): "
                         f"{(proc.stderr or proc.stdout).strip()[-500:]!r}") from None
    tags = data["tags"] or fallback_tags(tuple(data["version"]), data["platform"], data["glibc"])
    return Interpreter(data["executable"], tuple(data["version"]), tags, data["uv_env"], data["has_pip"],
                       data["installed"], data["loader"], data["loader_error"], data.get("purelib"))


_ANSWER = {"executable": str, "version": list, "platform": str, "glibc": (str, type(None)),
           "tags": (list, type(None)), "uv_env": bool, "has_pip": bool, "installed": (dict, type(None)),
           "loader": (dict, type(None)), "loader_error": (str, type(None))}


def check_answer(data) -> None:
    """TypeError unless ``data`` has the shape ``_PROBE`` prints (a foreign program's JSON is refused)."""
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object, got {type(data).__name__}")
    for key, kind in _ANSWER.items():
        if not isinstance(data.get(key), kind):
            raise TypeError(f"{key!r} is {type(data.get(key)).__name__}")
    if len(data["version"]) != 3 or not all(isinstance(x, int) and not isinstance(x, bool) for x in data["version"]):
        raise TypeError("'version' is not three integers")
    inst = data["installed"]
    if inst is not None and not (isinstance(inst.get("version"), str) and isinstance(inst.get("location"), str)):
        raise TypeError("'installed' lacks version/location")


def current_target() -> Target:
    """This interpreter's tags, without a child process (``resolve``'s fast path)."""
    from packaging import tags

    return Target(tuple(sys.version_info[:3]), [str(t) for t in tags.sys_tags()])


def fallback_tags(version: tuple, platform: str, glibc: Optional[str]) -> list:
    """CPython tags for an interpreter that has neither packaging nor pip (e.g. a bare uv venv)."""
    from packaging import tags

    arch = platform.split("-")[-1] if platform.startswith("linux-") else platform.replace("-", "_")
    plats = []
    if platform.startswith("linux-") and glibc and glibc.startswith("glibc "):
        major, minor = (int(x) for x in glibc.split()[1].split(".")[:2])
        legacy = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}
        for m in range(minor, 4, -1) if major == 2 else ():
            plats.append(f"manylinux_2_{m}_{arch}")
            if (2, m) in legacy:
                plats.append(f"{legacy[(2, m)]}_{arch}")
    plats.append(f"linux_{arch}" if platform.startswith("linux-") else platform.replace("-", "_").replace(".", "_"))
    return [str(t) for t in tags.cpython_tags(tuple(version[:2]), platforms=plats)] + \
        [str(t) for t in tags.compatible_tags(tuple(version[:2]), platforms=plats)]
