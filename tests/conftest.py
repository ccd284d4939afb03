"""Shared fixtures: real Debian HIP releases (cached), wheels built from them, fresh venvs.

The first run downloads the pinned Debian packages (network: Debian's archive) and builds
wheels; later runs reuse ~/.cache/hip-python-dist and build/test-wheels.
"""
from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# hip_bindgen, hip_build and harness/ (the tools the tests share with ./dev matrix and benchmarks/)
# are pyproject.toml's hip-python-dev, installed editable in .venv by ./dev
from hip_bindgen import debian

from wheels_for_tests import TEST_WHEELS, build_wheel, make_venv  # noqa: F401


@pytest.fixture(scope="session")
def runtime_523() -> Path:
    """The real HIP 5.2.3 runtime, hiprtc and hipconfig from bookworm (network on first use)."""
    return debian.runtime("5.2.3")


@pytest.fixture(scope="session")
def wheel_523() -> Path:
    return build_wheel("5.2.3")


@pytest.fixture(scope="session")
def venv_523(tmp_path_factory, wheel_523) -> Path:
    return make_venv(tmp_path_factory.mktemp("venv") / "v523", wheel_523)


class Runner:
    """Runs Python code in a venv against a runtime; the code prints one JSON value."""

    def __init__(self, python: Path, libdir: Path):
        self.python, self.libdir = python, libdir

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HIP_PYTHON_", "ROCM_PATH", "HIP_PATH"))}
        env["LD_LIBRARY_PATH"] = str(self.libdir)
        env.update(extra)
        return env

    def proc(self, code: str, **extra) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.python), "-c", code], capture_output=True, text=True,
                              env=self.env(**extra), cwd="/")

    def __call__(self, code: str, **extra):
        p = self.proc(code, **extra)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def run_523(venv_523, runtime_523) -> Runner:
    return Runner(venv_523, runtime_523 / "lib" / "x86_64-linux-gnu")


# -- API manifests of the four real releases (parsed from their headers, once per session) --
from hip_bindgen import releases as _releases  # noqa: E402

MANIFEST_RELEASES = _releases.short_names()   # every supported release (releases.json)


@pytest.fixture(scope="session")
def manifests():
    from hip_bindgen import parse, sources
    return {r: parse.parse(sources.include_dir(r)) for r in MANIFEST_RELEASES}


# -- Two tiers: `./dev test` runs the quick one, `./dev test --all` (CI) everything ------------
# A test belongs to the full tier when it needs something a developer's quick loop should not
# wait for: the Debian root file systems (debootstrap, as root) or wheels of every release.
# The reason is printed beside the count of what was left out, so nobody wonders where tests went.
FULL_TIER = {
    "tests/matrix/": "the Debian root file systems of four suites (root, debootstrap)",
    "tests/compat/test_fuzz_every_function.py": "every function of every release and of its libraries, ~1,000,000 calls",
    "tests/compat/test_struct_fields.py": "a wheel of every release",
    "tests/compat/test_library_scripts.py": "a library wheel of every release",
}


def pytest_addoption(parser):
    parser.addoption("--all", action="store_true", dest="all_tiers",
                     help="run the full tier too (what CI runs): root file systems, every release's wheels")


def _full_tier_reason(item) -> str | None:
    rel = Path(str(item.fspath)).resolve().relative_to(ROOT).as_posix()
    return next((why for prefix, why in FULL_TIER.items() if rel.startswith(prefix)), None)


def pytest_collection_modifyitems(config, items):
    if config.getoption("all_tiers"):
        return
    keep, left = [], {}
    for item in items:
        why = _full_tier_reason(item)
        if why is None:
            keep.append(item)
        else:
            left.setdefault(why, []).append(item)
    if left:
        config.hook.pytest_deselected(items=[i for group in left.values() for i in group])
        items[:] = keep
        config._hip_full_tier = {why: len(group) for why, group in left.items()}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    left = getattr(config, "_hip_full_tier", None)
    if left:
        terminalreporter.write_line(f"quick tier: {sum(left.values())} tests of the full tier left out "
                                    "(./dev test --all runs them):")
        for why, n in left.items():
            terminalreporter.write_line(f"  {n:5d}  need {why}")


def pytest_sessionfinish(session, exitstatus):
    # CI (--all) treats a skip as a failure: a test that cannot run here hides a missing install
    # step or a broken fixture, and a green run must mean every test ran.
    if not session.config.getoption("all_tiers"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; under --all a skip fails the run", red=True)
        session.exitstatus = 1
