"""Every resolver command × careless or hostile input, with and without ``--json``.

Each row is one command line and what it may answer: a documented exit code (never 0 for bad
input), one clear line on stderr and no traceback, exactly one JSON document on stdout with
``--json``, and an end within the row's time budget.  Rows that can only fail by hanging (a
FIFO, a hipconfig that leaves a child holding its stdout) run as child processes; the rest run
the CLI in this process (fast), under an alarm so that a hang fails the row instead of the run.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple, Optional, Tuple

import pytest
from resolver_helpers import SRC, clean_env, fake_hipconfig, make_wheel

DOCUMENTED = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 130}
FAIL = DOCUMENTED - {0}


class Row(NamedTuple):
    argv: Tuple[str, ...]
    ok: frozenset              # the exit codes this input may give
    child: bool = False        # run as a child process (hang or signal to observe)
    budget: float = 20.0       # seconds the whole command may take


def _row(*argv, ok=FAIL, child=False, budget=20.0) -> Row:
    return Row(tuple(map(str, argv)), frozenset(ok), child, budget)


def _manifest(hip: str) -> dict:
    return {"hip_version": {"string": hip}, "functions": {}, "enums": {}, "records": {}, "constants": {},
            "aliases": {}}


@pytest.fixture(scope="module")
def P(tmp_path_factory) -> dict:
    """The hostile material: FIFOs, bad pages, odd interpreters, broken manifests."""
    t = tmp_path_factory.mktemp("hostile")
    p = {"t": t}
    # a ROCm tree whose hip_version.h is a FIFO (a read would block forever)
    (t / "fifo-tree" / "include" / "hip").mkdir(parents=True)
    os.mkfifo(t / "fifo-tree" / "include" / "hip" / "hip_version.h")
    p["fifo_tree"] = t / "fifo-tree"
    os.mkfifo(t / "fifo")
    p["fifo"] = t / "fifo"
    # hipconfig that answers at once but leaves a child holding stdout; and one that escapes the group
    p["lingering"] = fake_hipconfig(t / "linger", "sleep 30 &\necho 5.2.21153-0")
    p["escaping"] = fake_hipconfig(t / "escape", "setsid sleep 30 &\necho 5.2.21153-0")
    p["hanging"] = fake_hipconfig(t / "hang", "sleep 30")
    # interpreters whose probe answer is not what a Python prints
    for name, body in (("py_empty", "echo '{}'"), ("py_list", "echo '[1]'"), ("py_garbage", "echo 'x'; exit 0"),
                       ("py_nulls", 'echo \'{"executable": null, "version": null, "tags": null}\''),
                       ("py_hang", "sleep 30")):
        p[name] = fake_hipconfig(t / name, body).rename(t / name / "python")
    # a non-UTF-8 index page (its ASCII hrefs still count, as for pip) and one with a path separator hidden in a file name
    good = make_wheel(t / "w", "5.2.21153.3", "5.2.21153")
    page = t / "latin1" / "simple" / "hip-python"
    page.mkdir(parents=True)
    (page / "index.html").write_bytes(b"\xff\xfe<a href='../../../w/" + good.name.encode() + b"'>\xe9</a>")
    p["latin1"] = (t / "latin1" / "simple").as_uri()
    sep = t / "sep"
    sep.mkdir()
    (sep / "index.html").write_text('<a href="hip_python-5.2.21153.3-0%2F..-py3-none-any.whl">x</a>')
    p["sep"] = sep / "index.html"
    p["whl"] = good
    p["notzip"] = t / "notzip" / "hip_python-5.2.21153.4-py3-none-any.whl"
    p["notzip"].parent.mkdir()
    p["notzip"].write_bytes(b"not a zip")
    # manifests: good (tiny), malformed, foreign, a FIFO
    for name, text in (("good", None), ("malformed", "{"), ("foreign_list", "[]"), ("foreign_obj", '{"a": 1}'),
                       ("foreign_hip", '{"hip_version": "5.2.21153"}'),
                       ("foreign_fields", '{"hip_version": {"string": "5.2.21153"}, "functions": [], "enums": 1}')):
        d = t / f"m-{name}"
        d.mkdir()
        for hip in ("5.2.21153", "5.7.31921"):
            (d / f"{hip}.json").write_text(text if text is not None else json.dumps(_manifest(hip)))
        p[f"m_{name}"] = d
    (t / "m-fifo").mkdir()
    os.mkfifo(t / "m-fifo" / "5.2.21153.json")
    os.mkfifo(t / "m-fifo" / "5.7.31921.json")
    p["m_fifo"] = t / "m-fifo"
    # code too deeply nested for the parser (MemoryError / RecursionError inside ast.parse)
    p["nested"] = t / "nested.py"
    p["nested"].write_text("x = " + "(" * 200_000 + ")" * 200_000 + "\n")
    p["binary"] = t / "binary.py"
    p["binary"].write_bytes(b"\x00\xff\xfe import hip\n")
    return p


FULLWIDTH = "５.２.２１１５３"
ARABIC = "٥.٢.٢١١٥٣"
BAD_VERSIONS = ("5.2.99999999", FULLWIDTH, ARABIC, "5.100.21153", "5.2.21153 && rm -rf x", "", "0.0.0",
                "5.2.21153-0 junk", "-1.2.3", "5.2.21153\x00", "1e3")
BAD_TIMEOUTS = ("nan", "inf", "1e309", "-1", "0", "abc", "-inf")


def rows(P) -> list:
    R = []
    hv = ("--hip-version", "5.2.21153")
    # every command: bad --timeout, --python, unknown option
    for cmd, extra in (("detect", ()), ("resolve", hv), ("install", (*hv, "--dry-run")), ("check", ()),
                       ("diff", ("5.2.21153", "5.7.31921")), ("doctor", ()), ("constraints", hv), ("releases", ()),
                       ("config", (*hv, "--index", "http://[::1]:9/"))):
        R += [_row(cmd, *extra, "--timeout", t, ok={2}) for t in BAD_TIMEOUTS]
        R.append(_row(cmd, *extra, "--bogus", ok={2}))
        if cmd in ("detect", "resolve", "install", "check", "doctor"):
            R.append(_row(cmd, *extra, "--python", "", ok={2}))
            R.append(_row(cmd, *extra, "--python", "   ", ok={2}))
        if cmd in ("resolve", "install", "check", "doctor"):
            for k in ("py_empty", "py_list", "py_garbage", "py_nulls"):
                R.append(_row(cmd, *extra, "--python", P[k], ok={2}))
            R.append(_row(cmd, *extra, "--python", P["t"] / "missing", ok={2}))
            R.append(_row(cmd, *extra, "--python", P["t"], ok={2}))
            R.append(_row(cmd, *extra, "--python", P["py_hang"], "--timeout", "1", ok={2}, child=True, budget=8))
    R += [_row(), _row("bogus"), _row("--json")]
    # versions typed by the user
    for v in BAD_VERSIONS:
        R.append(_row("resolve", "--hip-version", v, "--no-index", ok={2}))
        R.append(_row("constraints", "--hip-version", v, ok={2}))
        R.append(_row("check", "--wheel", v, "--against", "5.7.31921", ok={2}))
        R.append(_row("check", "--wheel", "5.2.21153", "--against", v, ok={2}))
        R.append(_row("diff", v, "5.7.1", "--manifests", P["m_good"], ok={2}))
        R.append(_row("diff", "5.2.3", v, "--manifests", P["m_good"], ok={2}))
        R.append(_row("constraints", "--rocm-version", v, ok={2}))
        R.append(_row("constraints", "--amd", "--rocm-version", v, ok={2}))
        R.append(_row("install", "--rocm-version", v, "--no-index", "--dry-run", ok={2}))
        R.append(_row("resolve", "--amd", "--rocm-version", v, "--no-index", ok={2}))
    R.append(_row("constraints", "--amd", ok={2}))
    # where wheels come from
    for url in ("http://[::1/simple", "file:///tmp/x%00y", "file:///nonexistent/simple", "ftp://x/simple",
                "http://127.0.0.1:9/simple", P["latin1"], "://", "http://", "file://" + "a" * 5000):
        R.append(_row("resolve", *hv, "--index-url", url, ok={0} if url == P["latin1"] else {4, 5}))
        R.append(_row("resolve", *hv, "--no-index", "--find-links", url, ok={4, 5}))
    R.append(_row("resolve", *hv, "--extra-index-url", "http://[::1/x", ok={5}))
    R.append(_row("resolve", *hv, "--no-index", "--find-links", P["whl"], ok={0}))
    R.append(_row("resolve", "--hip-version", "5.2.21153", "--no-index", "--find-links", P["notzip"], ok={0}))
    R.append(_row("resolve", *hv, "--no-index", "--find-links", P["sep"], ok={4}))
    R.append(_row("install", *hv, "--no-index", "--find-links", P["sep"], "--dry-run", ok={4}))
    R.append(_row("resolve", *hv, "--no-index", "--find-links", P["fifo"], ok={5}, child=True, budget=8))
    R.append(_row("resolve", *hv, "--index-url", P["fifo"], ok={5}, child=True, budget=8))
    # manifests and code under check --script / diff
    pair = ("--wheel", "5.2.21153", "--against", "5.7.31921")
    for m in ("m_malformed", "m_foreign_list", "m_foreign_obj", "m_foreign_hip", "m_foreign_fields"):
        R.append(_row("diff", "5.2.21153", "5.7.31921", "--manifests", P[m], ok={1}))
        R.append(_row("check", *pair, "--script", P["binary"], "--manifests", P[m], ok={1}))
    R.append(_row("diff", "5.2.21153", "5.7.31921", "--manifests", P["m_fifo"], ok={1}, child=True, budget=8))
    R.append(_row("check", *pair, "--script", P["nested"], "--manifests", P["m_good"], ok={1}, child=True, budget=30))
    R.append(_row("check", *pair, "--script", P["fifo"], "--manifests", P["m_good"], ok={1}, child=True, budget=8))
    R.append(_row("check", *pair, "--script", P["t"] / "missing.py", "--manifests", P["m_good"], ok={1}))
    R.append(_row("check", *pair, "--script", P["binary"], "--manifests", P["m_good"], ok={1}))
    R.append(_row("diff", "5.2.21153", "5.7.31921", "--manifests", P["m_good"], "--limit", "abc", ok={2}))
    # where HIP is looked for: hangs must end within --timeout (plus start-up)
    R.append(_row("detect", "--hipconfig", P["lingering"], "--timeout", "2", ok={0}, child=True, budget=6))
    R.append(_row("detect", "--hipconfig", P["escaping"], "--timeout", "2", ok={0}, child=True, budget=6))
    R.append(_row("detect", "--hipconfig", P["hanging"], "--timeout", "1", ok={3}, child=True, budget=6))
    R.append(_row("resolve", "--hipconfig", P["hanging"], "--timeout", "1", "--no-index", ok={3}, child=True,
                  budget=6))
    R.append(_row("detect", "--rocm-path", P["fifo_tree"], "--timeout", "2", ok={3}, child=True, budget=6))
    R.append(_row("detect", "--rocm-path", P["t"] / "missing", ok={3}))
    R.append(_row("detect", "--hipconfig", P["t"], ok={3}))
    # the options every command has, on every command: an empty value is a usage error; a
    # missing or wrong-kind path is refused where HIP is detected (commands told the version,
    # or that never detect, answer without looking)
    for cmd, extra, detects in COMMANDS:
        for opt in ("--hipconfig", "--rocm-path"):
            R.append(_row(cmd, *extra, f"{opt}=", ok={2}))
            R.append(_row(cmd, *extra, f"{opt}=\x00", ok={2}))
            for bad in (P["t"] / "missing", P["binary"], P["t"]):
                if opt == "--rocm-path" and bad == P["t"]:
                    continue   # a directory is what --rocm-path names
                R.append(_row(cmd, *extra, opt, bad, ok=detects))
    # install takes the same sources of wheels as resolve
    for url in ("http://[::1/simple", "file:///tmp/x%00y", "file:///nonexistent/simple", "ftp://x/simple", "://"):
        R.append(_row("install", *hv, "--dry-run", "--index-url", url, ok={4, 5}))
        R.append(_row("install", *hv, "--dry-run", "--no-index", "--find-links", url, ok={4, 5}))
    R.append(_row("install", *hv, "--dry-run", "--extra-index-url", "http://[::1/x", ok={5}))
    R.append(_row("install", "--amd", "--rocm-version", "0.0.0", "--no-index", "--dry-run", ok={2}))
    # config: its own options (the index is never read over http; a file:// one is looked at)
    R += [_row("config", *hv, "--index", "", ok={2}), _row("config", *hv, "--for", "conda", ok={2}),
          _row("config", *hv, "--index", "file:///tmp/x%00y", ok={4, 5}),
          _row("config", *hv, "--index", P["t"] / "missing", ok={4}),
          _row("config", *hv, "--index", "http://[::1]:9/", "--write", P["t"], ok={1}),
          _row("config", "--rocm-version", "0.0.0", "--index", "http://[::1]:9/", ok={2})]
    return R


# every command, the arguments that make it otherwise valid, and the exit codes a bad
# --hipconfig/--rocm-path may give it (FAIL where it detects HIP; {0} where it does not look)
_HV = ("--hip-version", "5.2.21153")
COMMANDS = (("detect", (), FAIL), ("resolve", (*_HV, "--no-index"), {0, 4}),
            ("install", (*_HV, "--no-index", "--dry-run"), {0, 4}), ("check", ("--wheel", "5.2.21153"), FAIL),
            ("diff", ("5.2.21153", "5.7.31921"), {0}), ("doctor", (), FAIL),
            ("constraints", _HV, {0}), ("releases", (), {0}),
            ("config", (*_HV, "--index", "http://[::1]:9/"), {0}))


class Hang(BaseException):
    """Raised by the alarm inside an in-process row that ran past its budget."""


def _in_process(argv, budget: float):
    from hip_python_select import cli

    out, err = io.StringIO(), io.StringIO()

    def alarm(*_):
        raise Hang()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, budget)
    start = time.monotonic()
    code: Optional[int]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(argv))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 2
            except Hang:
                code = None
            except BaseException as e:  # noqa: BLE001 - the very thing this test looks for
                import traceback

                traceback.print_exc(file=err)
                code = -1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return code, out.getvalue(), err.getvalue(), time.monotonic() - start


def _child(argv, budget: float):
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "hip_python_select", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=clean_env(), cwd="/", start_new_session=True)
    try:
        out, err = proc.communicate(timeout=budget)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    return code, out, err, time.monotonic() - start


def failures(row: Row, json_mode: bool, result) -> list:
    """The classes this run falls in: traceback, hang, json, exit (accepted or undocumented)."""
    code, out, err, took = result
    bad = []
    if code is None:
        bad.append(f"hang (> {row.budget:g} s)")
    elif code == -1 or "Traceback" in err or "internal error" in err:
        bad.append("traceback")
    elif code not in row.ok:
        bad.append("exit-0-on-bad-input" if code == 0 else f"exit {code} not in {sorted(row.ok)}")
    if code is not None and code >= 0:
        if json_mode:
            try:
                json.loads(out)
            except ValueError:
                bad.append("json")
        if code != 0 and not (err.strip() or out.strip()):
            bad.append("no message")
    return bad


def walk(P, child: bool):
    tried, failed = 0, []
    for row in rows(P):
        if row.child != child:
            continue
        for json_mode in (False, True):
            argv = row.argv + (("--json",) if json_mode and "--json" not in row.argv else ())
            result = (_child if child else _in_process)(argv, row.budget)
            tried += 1
            bad = failures(row, json_mode, result)
            if bad:
                failed.append((bad, argv, result[0], result[2].strip()[-300:]))
    return tried, failed


def _report(tried, failed) -> str:
    from collections import Counter

    classes = Counter(c.split(" (")[0].split(" not")[0] for bad, *_ in failed for c in bad)
    lines = [f"{len(failed)} of {tried} runs wrong: {dict(classes)}"]
    lines += [f"  {bad} {list(argv)!r} -> {code}: {err[-200:]!r}" for bad, argv, code, err in failed]
    return "\n".join(lines)


@pytest.fixture
def quiet_env(monkeypatch):
    for k in list(os.environ):
        if k in ("ROCM_PATH", "HIP_PATH", "LD_LIBRARY_PATH", "PIP_INDEX_URL", "PIP_FIND_LINKS") \
                or k.startswith("HIP_PYTHON_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("PYTHONPATH", str(SRC))
    monkeypatch.chdir("/")


def test_every_command_refuses_bad_input_in_process(P, quiet_env):
    tried, failed = walk(P, child=False)
    assert tried > 300
    assert not failed, _report(tried, failed)


def test_no_hang_past_the_timeout(P):
    tried, failed = walk(P, child=True)
    assert tried >= 20
    assert not failed, _report(tried, failed)


def test_the_walk_covers_every_command_and_option(P):
    """A command or option added to the CLI without rows here fails: every subcommand and
    every option that takes a value appears in some row (flags have no bad value)."""
    import argparse

    from hip_python_select import cli

    sub = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    walked: dict = {}
    for row in rows(P):
        if row.argv:
            walked.setdefault(row.argv[0], set()).update(a.split("=")[0] for a in row.argv if a.startswith("--"))
    assert {c for c, _, _ in COMMANDS} == set(sub.choices)
    missing = []
    for name, sp in sub.choices.items():
        for a in sp._actions:
            long = [o for o in a.option_strings if o.startswith("--")]
            if long and a.nargs != 0 and long[0] not in walked.get(name, ()):
                missing.append(f"{name} {long[0]}")
    assert missing == []
