"""Shared fixtures: real Debian HIP releases (cached), wheels built from them, fresh venvs.

The first run downloads the pinned Debian packages (network: Debian's archive) and builds
wheels; later runs reuse ~/.cache/hip-python-dist and build/test-wheels.
"""
from __future__ import annotations

import json
import os
import subprocess
import venv
from collections.abc import Mapping
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


class _Lazy(Mapping):
    """A read-only mapping over fixed keys whose values are made on first use and kept: the
    quick tier asks for one or two releases, and should not parse the headers of the other two."""

    def __init__(self, keys, make):
        self._keys, self._make, self._made = tuple(keys), make, {}

    def __getitem__(self, key):
        if key not in self._keys:
            raise KeyError(key)
        if key not in self._made:
            self._made[key] = self._make(key)
        return self._made[key]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self):
        return len(self._keys)


@pytest.fixture(scope="session")
def manifests() -> Mapping:
    """release -> its HIP manifest, parsed from its headers on first use."""
    from hip_bindgen import parse, sources
    return _Lazy(MANIFEST_RELEASES, lambda r: parse.parse(sources.include_dir(r)))


@pytest.fixture(scope="session")
def library_manifests(manifests) -> Mapping:
    """(release, library) -> the library's manifest, on first use: ~1 s each, 37 pairs, and three
    test files need the same ones (the shipped copies, the overrides, the libraries' own tests)."""
    from hip_bindgen import libraries
    pairs = [(r, lib) for r in MANIFEST_RELEASES for lib in sorted(libraries.of_release(r))]
    return _Lazy(pairs, lambda key: libraries.manifest(key[0], key[1], manifests[key[0]]))


# -- Two tiers: `./dev test` runs the quick one, `./dev test --all` (CI) everything ------------
# The quick tier is a developer's loop (<= 5 minutes warm on 2 cores, docs/testing.md); it still
# goes through every stage once (headers -> manifest -> plan -> renderers -> build -> runtime ->
# resolver). A test belongs to the full tier by one of three rules, and the end of a quick run
# prints how many each left out and why, so nobody wonders where tests went:
#
# 1. FULL_TIER, by path: what the test needs that a quick loop should not wait for.
FULL_TIER = {
    "tests/matrix/": "the Debian root file systems of four suites (root, debootstrap)",
    "tests/compat/test_fuzz_every_function.py": "every function of every release and of its libraries, ~1,000,000 calls",
    "tests/compat/test_struct_fields.py": "a wheel of every release",
    "tests/compat/test_library_scripts.py": "a library wheel of every release",
}
# 2. One release: a test parametrized by release (a parameter whose value is one of
#    releases.short_names()) runs in the quick tier for QUICK_RELEASE only -- the cases naming it
#    (a diff of 5.2.3 and 7.2.4 is one), or the test's first case when none does, so no test
#    disappears from the quick tier by this rule. 5.2.3 because it is the release this bookworm
#    host has a real runtime of (runtime_523 below: the runtime tests use it anyway, so its
#    wheel is built regardless), and the oldest, with the fewest functions and libraries.
#    tests/resolver/ is exempt: there a release string is what a user types, not a release
#    built or parsed here, and those cases cost milliseconds.
QUICK_RELEASE = "5.2.3"
RELEASE_RULE_EXEMPT = ("tests/resolver/",)
# 3. SLOW, by test (all its cases): what took more than SLOW_SECONDS warm on 2 cores, its setup
#    and all its cases together (`./dev test -q --durations=0`, 2026-12-07), unless it is the
#    quick tier's only pass through a stage; with what makes it slow and the seconds measured.
SLOW_SECONDS = 10
SLOW = {
    "tests/apidiff/test_outside.py::test_shipped_manifests_are_what_the_generator_makes_from_the_real_headers":
        "every release's 37 library manifests parsed from their headers (25 s)",
    "tests/bindings/test_params.py::test_overrides_name_real_parameters":
        "every release's 37 library manifests parsed from their headers (21 s)",
    "tests/bindings/test_debian.py::test_an_unreachable_archive_says_so_and_sends_nobody_to_edit_the_pins":
        "apt-get update of four suites, failing (14 s)",
    "tests/bindings/test_debian.py::test_a_version_the_archive_no_longer_serves_is_named_as_gone":
        "apt-get update of four suites from Debian's archive (12 s)",
    "tests/resolver/test_hostile.py::test_no_hang_past_the_timeout":
        "waits out ~20 hanging hipconfigs and Pythons to their --timeout, one at a time (17 s)",
    "tests/resolver/test_hostile.py::test_every_command_refuses_bad_input_in_process":
        "over 300 runs of the CLI on bad input (16 s)",
    "tests/compat/test_hostile_surface.py::test_a_typedef_alias_of_an_enum_is_the_class_itself":
        "5.7.1's all-library wheel in a venv on nine null runtimes (17 s setup, shared by four tests)",
    "tests/compat/test_hostile_surface.py::test_the_statuses_of_the_issue_are_instances_of_their_alias":
        "5.7.1's all-library wheel in a venv on nine null runtimes (17 s setup, shared by four tests)",
    "tests/compat/test_hostile_surface.py::test_threads_touching_enums_first_at_once_get_one_class":
        "5.7.1's all-library wheel in a venv on nine null runtimes (17 s setup, shared by four tests)",
    "tests/compat/test_hostile_surface.py::test_a_missing_library_is_named_by_its_own_version_not_as_a_hip_release":
        "5.7.1's all-library wheel in a venv on nine null runtimes (17 s setup, shared by four tests)",
    "tests/resolver/test_help_examples.py::test_every_help_example_runs_as_printed":
        "every --help example run as printed, in fresh venvs (17 s)",
    "tests/resolver/test_interrupt.py::test_ctrl_c_keeps_the_previous_or_completes":
        "an install interrupted or killed at each point, a fresh venv each (30 s)",
    "tests/resolver/test_interrupt.py::test_sigkill_then_next_run_mends":
        "an install interrupted or killed at each point, a fresh venv each (30 s)",
    "tests/resolver/test_install_cuda.py::test_install_cuda_is_refused_beside_nvidias_bindings_and_changes_nothing":
        "three fresh venvs with pip installs (13 s)",
    "tests/build/test_index.py::test_rebuild_gives_identical_bytes":
        "a 5.2.3 wheel compiled again with the cache off, to compare its bytes (44-116 s)",
}
assert QUICK_RELEASE in MANIFEST_RELEASES


def pytest_addoption(parser):
    parser.addoption("--all", action="store_true", dest="all_tiers",
                     help="run the full tier too (what CI runs): root file systems, every release's wheels, "
                          "every release's cases, the slow tests")


def _rel_path(item) -> str:
    return Path(str(item.fspath)).resolve().relative_to(ROOT).as_posix()


def _releases_of(item) -> set:
    """The releases a case is parametrized with (empty: not a release-parametrized case)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return {v for v in params.values() if isinstance(v, str) and v in MANIFEST_RELEASES}


def _full_tier_reasons(items) -> dict:
    """item -> why it is in the full tier, for the items that are."""
    why = {}
    by_test = {}
    for item in items:
        rel = _rel_path(item)
        reason = next((r for prefix, r in FULL_TIER.items() if rel.startswith(prefix)), None)
        if reason is not None:
            why[item] = f"need {reason}"
            continue
        test = item.nodeid.split("[")[0]
        if test in SLOW:
            why[item] = f"more than {SLOW_SECONDS} s warm: {SLOW[test]}"
            continue
        if not rel.startswith(RELEASE_RULE_EXEMPT) and _releases_of(item):
            by_test.setdefault(test, []).append(item)
    others = ", ".join(r for r in MANIFEST_RELEASES if r != QUICK_RELEASE)
    for cases in by_test.values():
        keep = [c for c in cases if QUICK_RELEASE in _releases_of(c)] or cases[:1]
        for c in cases:
            if c not in keep:
                why[c] = f"the other releases' cases ({others}) of a release-parametrized test"
    return why


def _files_left_out(config, items) -> list:
    """The test files a whole-suite run did not collect: pytest skips a folder silently when a
    ``norecursedirs`` pattern matches it (its default named ``build``, and ``tests/build`` went
    unrun for days).  A file that failed to import is reported by pytest itself."""
    if config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return []       # a file or folder named on the command line: the selection is the user's
    collected = {Path(str(i.fspath)).resolve() for i in items}
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")
                  if p.resolve() not in collected)


def pytest_collection_modifyitems(session, config, items):
    left_out = _files_left_out(config, items)
    if left_out and not session.testsfailed:
        raise pytest.UsageError(f"{len(left_out)} test file(s) were not collected: {', '.join(left_out)} "
                                "(pyproject.toml's norecursedirs?)")
    if config.getoption("all_tiers"):
        return
    why = _full_tier_reasons(items)
    if why:
        left = {}
        for item in items:
            if item in why:
                left.setdefault(why[item], []).append(item)
        config.hook.pytest_deselected(items=list(why))
        items[:] = [i for i in items if i not in why]
        config._hip_full_tier = {reason: len(group) for reason, group in left.items()}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    left = getattr(config, "_hip_full_tier", None)
    if left:
        terminalreporter.write_line(f"quick tier: {sum(left.values())} tests of the full tier left out "
                                    "(./dev test --all runs them):")
        # by rule (what a test needs, then the release rule, then the slow ones), largest first
        rank = {"need": 0, "the other": 1, "more than": 2}
        for why, n in sorted(left.items(), key=lambda kv: (next(v for k, v in rank.items() if kv[0].startswith(k)), -kv[1])):
            terminalreporter.write_line(f"  {n:5d}  {why}")


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
