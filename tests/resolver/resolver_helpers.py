"""Helpers for the resolver tests: the CLI as a child process, tiny fake hipconfigs for odd
behaviour no archive has, minimal pure-Python stand-in wheels and PEP 503 pages for them."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "resolver" / "src"
DATA = Path(__file__).with_name("data")


def clean_env(**extra) -> dict:
    """The environment minus anything that points at a HIP installation."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ROCM_PATH", "HIP_PATH", "LD_LIBRARY_PATH", "PIP_INDEX_URL", "PIP_FIND_LINKS")
           and not k.startswith("HIP_PYTHON_")}
    env["PYTHONPATH"] = str(SRC)
    env.update(extra)
    return env


def ctrl_c_reaches_it() -> None:
    """``preexec_fn`` for a child a test will press Ctrl-C on: SIGINT acts as at a terminal.

    A shell that starts a job in the background without job control (as CI may be started)
    ignores SIGINT in it, every descendant inherits that, and Python keeps an inherited
    SIG_IGN instead of raising KeyboardInterrupt: the test's Ctrl-C would then do nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Cli:
    def __call__(self, *args, env=None, check=None, timeout=120):
        proc = subprocess.run([sys.executable, "-m", "hip_python_select", *map(str, args)], capture_output=True,
                              text=True, env=env or clean_env(), timeout=timeout, cwd=str(ROOT))
        if check is not None:
            assert proc.returncode == check, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc

    def json(self, *args, env=None, check=0):
        return json.loads(self(*args, "--json", env=env, check=check).stdout)


def fake_hipconfig(directory: Path, body: str) -> Path:
    """A shell script named hipconfig (odd behaviour only: hangs, garbage, failures)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "hipconfig"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def make_wheel(directory: Path, version: str, hip: str, tag: str = "py3-none-any", marker: str = "",
               wheel_version: str = "1.0") -> Path:
    """A minimal stand-in hip-python wheel (pure Python) carrying hip/_manifest.json."""
    directory.mkdir(parents=True, exist_ok=True)
    major, minor, patch = (int(x) for x in hip.split("."))
    files = {
        "hip/__init__.py": f'__version__ = "{version}"\nHIP_VERSION_STRING = "{hip}"\nMARKER = "{marker}"\n',
        "hip/_manifest.json": json.dumps({"hip_version": {"major": major, "minor": minor, "patch": patch,
                                                          "string": hip}}),
    }
    di = f"hip_python-{version}.dist-info"
    files[f"{di}/METADATA"] = f"Metadata-Version: 2.1\nName: hip-python\nVersion: {version}\n"
    files[f"{di}/WHEEL"] = f"Wheel-Version: {wheel_version}\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n"
    return zip_wheel(directory / f"hip_python-{version}-{tag}.whl", di, files)


def zip_wheel(path: Path, dist_info: str, files: dict) -> Path:
    """``files`` (name -> text) as the wheel ``path``, with the RECORD pip checks."""
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append(f"{dist_info}/RECORD,,")
    files = {**files, f"{dist_info}/RECORD": "\n".join(record) + "\n"}
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_index(root: Path, wheels, hashes=None) -> Path:
    """A PEP 503 index at root/simple linking ``wheels`` (files under root), with #sha256."""
    page = root / "simple" / "hip-python"
    page.mkdir(parents=True, exist_ok=True)
    links = []
    for w in wheels:
        digest = (hashes or {}).get(w.name, sha256(w))
        rel = os.path.relpath(w, page)
        links.append(f'<a href="{rel}#sha256={digest}" data-requires-python="&gt;=3.9">{w.name}</a><br/>')
    (page / "index.html").write_text("<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n")
    (root / "simple" / "index.html").write_text('<a href="hip-python/">hip-python</a>\n')
    return root / "simple"
