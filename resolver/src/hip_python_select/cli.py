"""hip-python-select: find this machine's HIP version and install the matching hip-python wheel.

Examples (this project's wheels are not on PyPI, whose 'hip-python' is AMD's: name their index.
'./dev build' writes them to wheels/, with the index wheels/simple; every line runs as printed, tested):
  hip-python-select detect                       # HIP version, every source, which libamdhip64 loads
  hip-python-select detect --json --hipconfig "$(command -v hipconfig)"
  hip-python-select resolve --find-links wheels/ # -> hip-python==HIP_VERSION.REVISION
  hip-python-select resolve --amd --rocm-version 7.2.2 --json   # AMD's PyPI release for ROCm 7.2.2, and why
  hip-python-select install --index-url "file://$PWD/wheels/simple"
  hip-python-select install --python .venv/bin/python --find-links wheels/
  hip-python-select check                        # installed wheel vs the runtime it will load
  hip-python-select check --script app.py --against 7.2.4   # is what app.py uses the same there?
  hip-python-select check --script app.py --wheel 5.2.3 --against 7.2.4   # no hip-python installed
  hip-python-select diff 5.2.3 7.2.4             # API changes between two releases (HIP or ROCm)
  hip-python-select doctor                       # all of the above, plus /dev/kfd, /dev/dri, groups
  hip-python-select constraints --rocm-version 5.2.3 > constraints.txt   # no ROCm needed here
  hip-python-select releases                     # the ROCm -> HIP table and its evidence
  hip-python-select config --for uv --index wheels/   # uv.toml: this release's index, its wheel variant
  pip install --index-url "file://$PWD/wheels/simple" -c constraints.txt hip-python

Exit codes (every command):
  0  success
  1  check/doctor found a problem (each printed with what to do); also an unreadable manifest or
     an internal error (printed as one line, never a traceback)
  2  usage error (also: contradicting versions, a ROCm series such as 6.4 instead of a release)
  3  no HIP installation detected (give --hip-version, --hipconfig or --rocm-path)
  4  no wheel for this HIP version (the nearest is named; --allow-mismatch takes it); constraints:
     this project builds no wheel of that HIP version
  5  an index, find-links location, --manifests URL or download failed, or no index was named
     (nothing was changed; this project's wheels are not on PyPI, whose hip-python is AMD's)
  6  pip/uv failed installing (the previously installed hip-python is unchanged)
  7  hip-python is not installed in the target interpreter (check)
  8  the installed hip-python does not match the HIP runtime it will load (check)
  9  check --script: risky, something the code uses changed between the two releases
  10 check --script: broken, something the code uses is missing from the runtime's release
  130 interrupted
Every failure is one line on stderr ("hip-python-select COMMAND: what went wrong and what to do"),
and with --json also one JSON object {"error", "exit_code"} on stdout; --json prints exactly one
JSON document, whatever happens. --timeout S bounds the whole command's probing (hipconfig, the
runtime, --python), not just each child; downloads and the install itself are not cut by it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional

from . import errors

OK, PROBLEM, USAGE, NO_HIP, NO_WHEEL, INDEX_FAILED, INSTALL_FAILED, NOT_INSTALLED, MISMATCH = (
    errors.OK, errors.Problem.code, errors.UsageError.code, errors.NoHip.code, errors.NoWheel.code,
    errors.IndexFailed.code, errors.InstallFailed.code, errors.NotInstalled.code, errors.Mismatch.code)
VERDICT_EXIT = {"safe": OK, "risky": 9, "broken": 10}
INTERRUPTED = errors.Interrupted.code


class Exit(errors.Failure):
    """An outcome with an explicit code (older call sites; new ones raise an ``errors`` class)."""

    def __init__(self, code: int, message: str):
        super().__init__(message, code)


class _UsageError(Exception):
    """argparse's complaint, raised instead of printed so that --json can answer in JSON too."""

    def __init__(self, message: str, usage: str):
        super().__init__(message)
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(message, self.format_usage())


MAX_TIMEOUT = 86400.0


def _seconds(text: str) -> float:
    """--timeout: a finite number of seconds above 0 (nan, inf, 1e309 and 0 would disable or break it)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= MAX_TIMEOUT:   # also false for nan
        raise argparse.ArgumentTypeError(f"must be above 0 and at most {MAX_TIMEOUT:g} seconds, not {text!r}")
    return value


def _path(text: str) -> str:
    """A path that cannot be empty: an unset shell variable must not mean 'this interpreter'."""
    if not text.strip() or "\0" in text:
        raise argparse.ArgumentTypeError(f"not a path: {text!r} (an unset shell variable?)")
    return text


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _emit(args, data: dict, text: str) -> None:
    print(json.dumps(data, indent=1) if args.json else text)


# -- shared steps ------------------------------------------------------------------------------

def _context(args, quick: bool = False, major: Optional[int] = None):
    from .detect import Context

    return Context(os.environ, args.hipconfig, args.rocm_path, args.timeout, quick, major)


def _target_hip(args, quick: bool, meanwhile=None):
    """(HipVersion, detect report or None): from --hip-version, --rocm-version or detection.

    ``meanwhile`` runs while the first hipconfig does (resolve's own start-up work)."""
    from . import rocm, version

    try:
        if getattr(args, "hip_version", None) is not None:
            return version.parse(args.hip_version), None
        if getattr(args, "rocm_version", None) is not None:
            return rocm.require_hip_for_rocm(args.rocm_version), None
    except version.InvalidHipVersion as e:
        raise Exit(USAGE, str(e)) from None
    from .detect import detect, QUICK_SOURCES, SOURCES, start_first_hipconfig

    ctx = _context(args, quick)
    if meanwhile is not None:
        ctx = start_first_hipconfig(ctx)
        try:
            meanwhile()
        except BaseException:
            from .bounded import stop

            for started in (ctx.started or {}).values():
                stop(started)
            raise
    report = detect(ctx, QUICK_SOURCES if quick else SOURCES)
    if report.hip_version is None:
        tried = "\n".join(f"  {f.name} {f.path}: {f.error}" for f in report.sources) or f"  {NOTHING_FOUND}"
        raise Exit(NO_HIP, f"no HIP installation detected; looked at:\n{tried}\n"
                           f"Pass --hip-version X (or --rocm-version Y), --hipconfig PATH or --rocm-path DIR.")
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return version.parse(report.hip_version), report


NOTHING_FOUND = ("no hipconfig, .info/version, hip_version.h, runtime library or HIP package found "
                 "in PATH, ROCM_PATH, HIP_PATH, /opt/rocm*")


NO_INDEX = ("no index named, and this project's wheels are not on PyPI (PyPI's 'hip-python' is AMD's, "
            "versioned by ROCm). Pass --index-url URL (this project's index: the wheels/simple that "
            "'./dev build' writes, as file:///ABSOLUTE/PATH/wheels/simple, or the index the workflow "
            "publishes) or --find-links DIR (a folder of wheels); or --amd to choose among AMD's releases "
            "on PyPI. Nothing was installed or changed.")


def _links(args):
    from . import index

    index_urls: List[str] = []
    if not args.no_index:
        named = args.index_url or os.environ.get("PIP_INDEX_URL")
        if named:
            index_urls.append(named)
        elif getattr(args, "amd", False):
            index_urls.append(index.PYPI)
        elif not args.find_links and not args.extra_index_url:
            raise errors.IndexFailed(NO_INDEX)
        index_urls += args.extra_index_url
    if getattr(args, "amd", False):
        print(f"note: --amd: choosing among AMD's hip-python releases (ROCm-keyed) on "
              f"{', '.join(index_urls + args.find_links)}, not this project's wheels", file=sys.stderr)
    try:
        return index.collect(index_urls, args.find_links, args.no_index)
    except index.IndexUnavailable as e:
        raise Exit(INDEX_FAILED, f"{e}. Nothing was installed or changed; check the URL (no other index is tried).") \
            from None


def _interpreter(args, loader: bool = False):
    from .interpreter import ProbeError, probe

    try:
        return probe(args.python, loader=loader, timeout=args.timeout)
    except ProbeError as e:
        raise Exit(USAGE, str(e)) from None


def _wheels_and_target(args):
    """(links, target interpreter): everything resolution needs besides the HIP version."""
    if args.python is not None:
        target = _interpreter(args).target   # a wrong --python is a usage error, before any index
        return _links(args), target
    from .interpreter import current_target

    return _links(args), current_target()


def _resolved(args):
    """(HipVersion, Choice, notes); the index is read while hipconfig runs."""
    got = {}

    def meanwhile():
        got["lt"] = _wheels_and_target(args)

    hip, _ = _target_hip(args, quick=True, meanwhile=meanwhile)
    choice, notes = _choose(args, hip, *(got.get("lt") or _wheels_and_target(args)))
    return hip, choice, notes


def _amd_rocm(args) -> Optional[str]:
    """With --amd --rocm-version R: R itself, so that AMD's wheel for R is taken before another
    release's wheel that ships the same HIP (6.4.2, 6.4.3 and 6.4.4 all ship 6.4.43484)."""
    if not getattr(args, "amd", False) or getattr(args, "rocm_version", None) is None:
        return None
    from . import rocm

    return str(rocm.typed(args.rocm_version))


def _choose(args, hip, links, target):
    from . import rocm
    from .resolve import NoMatchingWheel, choose

    notes: List[str] = []
    try:
        return choose(links, hip, target, rocm.table(), args.pre, args.allow_mismatch, notes,
                      scheme="rocm" if getattr(args, "amd", False) else "hip",
                      rocm_release=_amd_rocm(args)), notes
    except NoMatchingWheel as e:
        skipped = [n for n in notes if ": skipped, " in n]
        more = f" Skipped: {'; '.join(skipped[:3])}" + (f" and {len(skipped) - 3} more" if len(skipped) > 3 else "") \
            if skipped else ""
        ignored = "".join(f" Note: {n}." for n in notes if "ignored" in n)
        raise errors.NoWheel(f"{e}{more}{ignored}") from None


# -- commands ----------------------------------------------------------------------------------

def _ask_bindings(args, report):
    """Replace the library found by our own search with the installed bindings' own answer."""
    from . import loader
    from .interpreter import ProbeError, probe

    try:
        interp = probe(args.python, loader=True, timeout=args.timeout)
    except ProbeError:
        return report
    path, via = _bindings_choice(interp.loader) if interp.loader else (None, None)
    if path is None:
        return report
    return report._replace(library=loader.Hit(path, via, path))


def cmd_detect(args) -> int:
    from .detect import detect

    report = _ask_bindings(args, detect(_context(args)))
    lines = []
    if report.hip_version:
        lines.append(f"HIP {report.hip_version} ({report.hip_version_full}), from {report.chosen_from.name} "
                     f"{report.chosen_from.path}")
    else:
        lines.append("no HIP installation detected")
    if report.rocm_versions:
        lines.append(f"ROCm {', '.join(report.rocm_versions)}")
    lib = report.library
    lines.append(f"'import hip' loads: {lib.path} (via {lib.found_via})" if lib else
                 "'import hip' loads: nothing found (" + "; ".join(report.library_misses) + ")")
    lines.append("sources:" if report.sources else f"sources: none ({NOTHING_FOUND})")
    for f in report.sources:
        val = f.full or f.value or (f"ROCm {f.rocm}" if f.rocm else "")
        lines.append(f"  {f.name:18} {val or 'error':22} {f.path} ({f.found_via})"
                     + (f"\n  {'':18} {f.error}" if f.error else ""))
    lines += [f"warning: {w}" for w in report.warnings]
    data = report.as_dict()
    if not report.hip_version:
        # the one JSON document still carries what every failure carries (--help's promise)
        message = ("no HIP installation detected: pass --hipconfig PATH or --rocm-path DIR, or install "
                   "the HIP runtime (see 'sources' for what was looked at)")
        data.update(error=message, exit_code=NO_HIP)
        print(f"hip-python-select detect: {message}", file=sys.stderr)
    _emit(args, data, "\n".join(lines))
    return OK if report.hip_version else NO_HIP


def cmd_resolve(args) -> int:
    hip, choice, notes = _resolved(args)
    data = {"hip_version": str(hip), "requirement": choice.requirement, "wheel": choice.link.filename,
            "url": choice.link.url, "wheel_hip_version": str(choice.hip), "grade": choice.grade,
            "scheme": choice.scheme, "tag": choice.tag, "notes": notes}
    if choice.scheme == "rocm":
        from . import rocm

        keyed = ".".join(choice.version.split(".")[:3])
        data["rocm_release"] = keyed
        data["why"] = (f"AMD's hip-python {choice.version} is built for ROCm {keyed}, which ships HIP "
                       f"{choice.hip} (ROCm releases shipping it: {', '.join(rocm.rocm_for_hip(choice.hip))}); "
                       f"this machine's HIP is {hip} ({choice.grade}); the highest such release with a "
                       f"wheel for this interpreter ({choice.tag}) wins")
    if choice.grade != "exact":
        print(f"warning: {choice.requirement} is for HIP {choice.hip}, not {hip} ({choice.grade}; "
              f"--allow-mismatch)", file=sys.stderr)
    _emit(args, data, choice.requirement)
    return OK


def cmd_install(args) -> int:
    from . import cuda_layer, distributions
    from .install import FetchError, InstallFailed, install

    hip, choice, notes = _resolved(args)
    interp = _interpreter(args)
    import shutil

    use_uv = args.uv or (interp.uv_env and shutil.which("uv") is not None)
    if not use_uv and not interp.has_pip:
        raise Exit(INSTALL_FAILED, f"{interp.executable} has no pip; pass --uv to install with uv")
    passthrough = []
    if args.index_url:
        passthrough += ["--index-url", args.index_url]
    for url in args.extra_index_url:
        passthrough += ["--extra-index-url", url]
    for loc in args.find_links:
        passthrough += ["--find-links", loc]
    if args.no_index:
        passthrough.append("--no-index")
    if args.cuda:   # before anything changes: never over NVIDIA's cuda.bindings
        if getattr(args, "amd", False):
            raise errors.UsageError("--cuda installs this project's CUDA layer of the release; AMD publishes its "
                                    "own (hip-python-interop) for its newest ROCm only: pass one of --cuda, --amd")
        cuda_layer.refuse_beside_nvidia(interp.executable, args.timeout)
    if args.amd_names and getattr(args, "amd", False):
        raise errors.UsageError("--amd-names installs this project's metapackages of AMD's names for the release; "
                                "--amd installs AMD's own wheels, which are those names: pass one of --amd-names, --amd")
    # the release's other distributions, each pinned to the version just chosen (distributions.py)
    companions = distributions.pins(choice.version, ((distributions.INTEROP,) if args.cuda else ())
                                    + (tuple(distributions.AMD_NAMES) if args.amd_names else ()))
    print(f"installing {choice.requirement} ({choice.link.filename}) into {interp.executable}"
          + "".join(f" and {c}" for c in companions) + (" with uv" if use_uv else ""), file=sys.stderr)
    if args.dry_run:
        data = {"requirement": choice.requirement, "url": choice.link.url, "uv": use_uv}
        if args.cuda:
            data["cuda_layer"] = cuda_layer.requirement(choice.version)
        if companions:
            data["companions"] = companions
        _emit(args, data, "\n".join([choice.requirement, *companions]))
        return OK
    site = (interp.installed or {}).get("location") or interp.purelib
    if not site:
        raise Exit(INSTALL_FAILED, f"{interp.executable} did not tell where it installs packages; nothing was changed")

    def say(message):
        print(f"hip-python-select install: {message}", file=sys.stderr)

    try:
        # with --json, pip's own output goes to stderr: stdout holds exactly one JSON document
        install(choice.link, interp.executable, site, use_uv, passthrough, args.timeout * 6,
                pip_stdout=2 if args.json else None, say=say, expect_version=choice.version)
    except FetchError as e:
        raise Exit(INDEX_FAILED, str(e)) from None
    except InstallFailed as e:
        raise Exit(INSTALL_FAILED, str(e)) from None
    except KeyboardInterrupt:
        raise Exit(INTERRUPTED, "interrupted; the previously installed hip-python (if any) is in place") from None
    data = {"installed": choice.requirement, "wheel": choice.link.filename, "python": interp.executable, "uv": use_uv}
    text = f"installed {choice.requirement}"
    if companions:
        cuda_layer.install(interp.executable, str(choice.version), use_uv, passthrough, args.timeout * 6,
                           pip_stdout=2 if args.json else None, requirements=companions)
        if args.cuda:
            data["cuda_layer"] = cuda_layer.requirement(choice.version)
        data["companions"] = companions
        text += "".join(f" and {c}" for c in companions)
    _emit(args, data, text)
    return OK


def _bindings_choice(report: dict):
    """The library the installed bindings' loader reports it would open (newer wheels say so
    directly; older ones give their search plan, which is followed here step by step)."""
    from . import loader

    if (report.get("would_load") or {}).get("hip"):
        return report["would_load"]["hip"], "the installed bindings' loader"
    for cand in (report.get("search") or {}).get("amdhip64", []):
        p, via = cand.get("path") or "", cand.get("found_via", "?")
        if os.sep in p:
            if os.path.exists(p):
                return os.path.realpath(p), f"the installed bindings' search ({via})"
            continue
        hit = loader.dynamic(p, os.environ)
        if hit:
            return hit.path, f"the installed bindings' search ({via}, {hit.found_via})"
    return None, None


def _installed_hip(inst: dict, python: str):
    """(HIP version, ROCm release or None) of an installed hip-python: ours names its HIP release in
    hip/_manifest.json; AMD's (no manifest, a ROCm-keyed version: 10.0.0.0.1.2) is read through
    the ROCm -> HIP table (ROCm 10.0.0 ships HIP 7.15.0, not "HIP 10.0.0")."""
    from . import rocm, version
    from .resolve import hip_key

    hv = (inst.get("hip_version") or {}).get("string")
    if not hv:
        key = hip_key(f"hip_python-{inst['version']}-py3-none-any.whl", rocm.table())
        if key is not None and key[1] == "rocm":
            return key[0], ".".join(inst["version"].split(".")[:3])
        if len(inst["version"].split(".")) >= 5:
            raise errors.Problem(f"the hip-python {inst['version']} installed in {python} is AMD's, built for ROCm "
                                 f"{'.'.join(inst['version'].split('.')[:3])}, which the ROCm -> HIP table does "
                                 f"not know ('hip-python-select releases'); install this project's wheel: "
                                 f"{_install_advice()}")
        hv = ".".join(inst["version"].split(".")[:3])
    try:
        return version.parse(hv), None
    except version.InvalidHipVersion as e:
        raise errors.Problem(f"the hip-python installed in {python} names no HIP release this tool reads "
                             f"({e}); reinstall it: {_install_advice()}") from None


def _install_advice(hip=None) -> str:
    """The command that installs this project's wheel: names an index, since ours is not PyPI."""
    pin = f" --hip-version {hip}" if hip else ""
    return (f"hip-python-select install{pin} --index-url URL (URL: this project's wheel index, e.g. "
            f"file:///ABSOLUTE/PATH/wheels/simple; PyPI's hip-python is AMD's)")


def _check(args):
    """(code, data, lines) of the installed wheel against the runtime it will load."""
    from . import loader, version
    from .apicheck import hip_version_of
    from .detect import Context, src_runtime

    def release(option):
        try:
            return hip_version_of(getattr(args, option))
        except ValueError as e:
            raise Exit(USAGE, f"--{option}: {e}") from None

    # a mistyped release is a usage error before anything is asked of the interpreter
    asked = {o: release(o) for o in ("wheel", "against") if getattr(args, o, None) is not None}
    interp = _interpreter(args, loader=True)
    inst = interp.installed
    if "wheel" in asked:
        # the question asked for a wheel that is not (or not yet) installed: no hip-python needed
        wheel_hip = version.parse(asked["wheel"])
        data = {"python": interp.executable, "installed": None, "wheel_hip_version": str(wheel_hip)}
        lines = [f"the hip-python wheel for HIP {wheel_hip} (--wheel {args.wheel})"]
    elif not inst:
        return NOT_INSTALLED, {"installed": None}, [
            f"hip-python is not installed in {interp.executable}: run {_install_advice()}, "
            f"or name the wheel's release with --wheel VERSION"]
    else:
        wheel_hip, amd_rocm = _installed_hip(inst, interp.executable)
        data = {"python": interp.executable, "installed": inst["version"], "wheel_hip_version": str(wheel_hip),
                "amd": amd_rocm is not None}
        lines = [f"hip-python {inst['version']} (HIP {wheel_hip}) in {interp.executable}" if amd_rocm is None else
                 f"hip-python {inst['version']} in {interp.executable} is AMD's (ROCm-keyed: built for ROCm "
                 f"{amd_rocm}, which ships HIP {wheel_hip}), not this project's"]
    if "against" in asked:
        rt = asked["against"]
        g = version.grade(wheel_hip, version.parse(rt))
        data.update(runtime=None, runtime_hip_version=rt, against=args.against, grade=g, ok=g == "exact")
        lines.append(f"against HIP {rt} (--against {args.against})")
        if args.script:
            lines += _script_check(args, interp, str(wheel_hip), rt, data)
        return _verdict_code(data, OK if g == "exact" else MISMATCH), data, lines
    path, via = _bindings_choice(interp.loader) if interp.loader else (None, None)
    if path is None:
        if interp.loader_error:
            lines.append(f"note: the installed bindings could not be asked ({interp.loader_error}); "
                         f"applying their search order here")
        hit, misses = loader.search(wheel_hip.major, os.environ)
        if hit:
            path, via = hit.path, hit.found_via
    if path is None:
        data.update(runtime=None, ok=False)
        return PROBLEM, data, lines + [f"no libamdhip64 for HIP {wheel_hip.major}.x will be found: install the "
                                       f"HIP runtime or set ROCM_PATH / HIP_PYTHON_LIBAMDHIP64_PATH"]
    ctx = Context(dict(os.environ, HIP_PYTHON_LIBAMDHIP64_PATH=path), timeout=args.timeout, major=wheel_hip.major)
    probe = src_runtime(ctx, [])
    error = probe[0].error if probe else f"{path} could not be probed"
    rt = probe[0].value if probe and probe[0].value else loader.version_from_path(path)
    data.update(runtime=path, runtime_found_via=via, runtime_hip_version=rt, runtime_error=error)
    if error:   # "OK" means the library opens: a file name that reads like the right release is not enough
        data["ok"] = False
        return PROBLEM, data, lines + [f"the runtime {path} (via {via}) cannot be used: {error}; "
                                       f"'import hip' will fail the same way"]
    if rt is None:
        data["ok"] = False
        return PROBLEM, data, lines + [f"the runtime {path} did not tell its version: "
                                       f"{probe[0].error if probe else 'unknown'}"]
    g = version.grade(wheel_hip, version.parse(rt))
    data.update(grade=g, ok=g == "exact")
    lines.append(f"runtime {path} (via {via}): HIP {rt}")
    if getattr(args, "script", None):
        lines += _script_check(args, interp, str(wheel_hip), rt, data)
    if g == "exact":
        return _verdict_code(data, OK), data, lines + ["OK: the wheel matches the runtime"]
    return _verdict_code(data, MISMATCH), data, lines + [
        f"MISMATCH ({g}): run {_install_advice(rt)} to get the wheel for HIP {rt}"]


def cmd_diff(args) -> int:
    from . import apicheck, manifests

    try:
        a, b = apicheck.hip_version_of(args.a), apicheck.hip_version_of(args.b)
    except ValueError as e:
        raise Exit(USAGE, str(e)) from None
    try:
        text, code = apicheck.run_diff(a, b, args.manifests, args.json, args.limit)
    except manifests.ManifestUnreachable as e:
        raise errors.IndexFailed(str(e)) from None
    except manifests.ManifestNotFound as e:
        raise errors.Problem(str(e)) from None
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as e:
        # what the schema check does not cover still ends as a named refusal, not "internal error"
        raise errors.Problem(f"the API manifests of {args.a} and {args.b} do not read as manifests "
                             f"({type(e).__name__}: {e}); use the manifests/ folder published beside the "
                             f"wheel index, or none for the copies shipped here") from None
    print(text)
    return code


def _script_check(args, interp, wheel_hip: str, runtime_hip: str, data: dict) -> List[str]:
    """What the user's code uses, judged between the wheel's and the runtime's API manifests."""
    from . import manifests, usage

    try:
        a = manifests.load(wheel_hip, args.manifests, interp.executable)
        b = manifests.load(runtime_hip, args.manifests, interp.executable)
    except manifests.ManifestNotFound as e:
        data["script"] = {"error": str(e)}
        return [f"--script: {e}"]
    unread: list = []
    try:
        uses = usage.scan(args.script, unread)
    except (OSError, SyntaxError, ValueError) as e:
        data["script"] = {"error": f"cannot read the code: {e}"}
        return [f"--script: cannot read the code: {e}"]
    try:
        result = usage.judge(uses, a, b, unread)
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as e:
        data["script"] = {"error": f"the API manifests are malformed ({type(e).__name__}: {e})"}
        return [f"--script: {data['script']['error']}"]
    data["script"] = result
    return usage.format_text(result).splitlines()


def _verdict_code(data: dict, code: int) -> int:
    """With --script, the exit code follows the verdict on the code, not the version pair."""
    script = data.get("script")
    if script is None:
        return code
    return VERDICT_EXIT.get(script.get("verdict"), PROBLEM)


def cmd_check(args) -> int:
    code, data, lines = _check(args)
    _emit(args, data, "\n".join(lines))
    return code


def _devices() -> dict:
    import grp

    groups = set()
    for gid in os.getgroups():
        try:
            groups.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            pass
    return {"/dev/kfd": os.path.exists("/dev/kfd"), "/dev/dri": os.path.isdir("/dev/dri"),
            "render_nodes": sorted(n for n in (os.listdir("/dev/dri") if os.path.isdir("/dev/dri") else ())
                                   if n.startswith("renderD")),
            "groups": {g: g in groups or os.geteuid() == 0 for g in ("video", "render")}}


def cmd_doctor(args) -> int:
    from .detect import detect

    report = _ask_bindings(args, detect(_context(args)))
    problems = list(report.warnings)
    if not report.hip_version:
        problems.append("no HIP installation detected")
    dev = _devices()
    if not dev["/dev/kfd"]:
        problems.append("/dev/kfd is missing: no AMD GPU driver (amdgpu) is loaded, or the container lacks "
                        "--device=/dev/kfd; HIP will report no devices")
    if not dev["render_nodes"]:
        problems.append("no /dev/dri/renderD* node: pass --device=/dev/dri to the container, or load amdgpu")
    for g, member in dev["groups"].items():
        if not member:
            problems.append(f"you are not in the '{g}' group: sudo usermod -aG {g} $USER, then log in again")
    code, check, check_lines = _check(args)
    if code != OK:
        problems.append(check_lines[-1])
    data = {"detect": report.as_dict(), "devices": dev, "check": check, "problems": problems}
    lines = [f"HIP: {report.hip_version_full or 'not found'}",
             f"'import hip' loads: {report.library.path if report.library else 'nothing'}",
             *(f"  source {f.name}: {f.full or f.value or f.error} ({f.path})" for f in report.sources),
             f"/dev/kfd: {'present' if dev['/dev/kfd'] else 'missing'}; render nodes: "
             f"{', '.join(dev['render_nodes']) or 'none'}; groups: "
             + ", ".join(f"{g} {'yes' if m else 'no'}" for g, m in dev["groups"].items()),
             *check_lines,
             *(f"problem: {p}" for p in problems)]
    if not problems:
        lines.append("no problems found")
    _emit(args, data, "\n".join(lines))
    return PROBLEM if problems else OK


def cmd_constraints(args) -> int:
    """The constraint lines of a release: one range, for hip-python and every other name it
    publishes (``distributions.PINNED``); every answer is one AMD's ROCm-keyed versions cannot
    meet (resolve.py), and a pin no wheel of this project can meet is refused (exit 4), never
    printed with exit 0."""
    from . import rocm
    from .resolve import constraint, every_name, minor_constraint, rocm_constraint
    from .version import InvalidHipVersion, parse

    try:
        if args.amd:
            if args.rocm_version is None:
                raise errors.UsageError("--amd (AMD's ROCm-keyed releases) needs --rocm-version")
            if args.hip_version is not None:
                raise errors.UsageError("--amd pins AMD's release of a ROCm version: pass --rocm-version only")
            rv = rocm.typed(args.rocm_version)
            if rv.major < 1:   # AMD publishes releases for ROCm versions the table may not know, never for 0.x
                raise errors.UsageError(f"ROCm {rv} does not exist (ROCm versions start at 1.0)")
            lines = every_name(rocm_constraint, str(rv))
            hip = rocm.hip_for_rocm(rv)
            _emit(args, {"constraint": lines[0], "constraints": lines, "hip_version": str(hip) if hip else None},
                  "\n".join(lines))
            return OK
        rel = rocm.require_release(args.rocm_version) if args.rocm_version is not None else None
        hip = parse(args.hip_version) if args.hip_version is not None else None
    except InvalidHipVersion as e:
        raise errors.UsageError(str(e)) from None
    if rel is not None and hip is not None:
        agree = rel.hip == hip if rel.exact else rel.major_minor == (hip.major, hip.minor)
        if not agree:
            raise errors.UsageError(f"--hip-version {hip} and --rocm-version {rel.rocm} contradict: ROCm "
                                    f"{rel.rocm} ships HIP {rel.hip_text}. Pass one of them.")
    if hip is None and rel is not None and not rel.exact:
        built = [s["hip"] for s in rocm.supported() if tuple(map(int, s["hip"].split(".")[:2])) == rel.major_minor]
        data = {"rocm": rel.rocm, "hip_version": None, "hip_major_minor": ".".join(map(str, rel.major_minor)),
                "exact": False, "sources": rel.as_dict()["sources"]}
        data["constraints"] = lines = every_name(minor_constraint, *rel.major_minor)
        data["constraint"] = lines[0]
        data["warning"] = rel.warning() + ("" if built else " " + _not_built(rel.hip_text, rel.rocm))
        print(f"warning: {data['warning']}", file=sys.stderr)
        # pip and uv accept an inline comment: a constraints file written from stdout says it too
        lines = [f"{lines[0]}  # HIP {rel.hip_text}: patch unknown for ROCm {rel.rocm}", *lines[1:]]
        _emit(args, data, "\n".join(lines))
        return OK
    if hip is None and rel is not None:
        hip = rel.hip
    if hip is None:
        hip, _ = _target_hip(args, quick=True)
    lines = every_name(constraint, hip)
    data = {"constraint": lines[0], "constraints": lines, "hip_version": str(hip)}
    note = _require_known(hip)
    if note:
        data["warning"] = note
        print(f"warning: {note}", file=sys.stderr)
    if rel is not None:
        data.update(rocm=rel.rocm, hip_major_minor=".".join(map(str, rel.major_minor)), exact=True,
                    sources=rel.as_dict()["sources"])
    _emit(args, data, "\n".join(lines))
    return OK


def _not_built(hip_text: str, rocm_release: str) -> str:
    from . import rocm

    return (f"This project's default build has no wheel of HIP {hip_text} (it builds "
            f"{', '.join(s['hip'] for s in rocm.supported())}): build one from that release's installed tree "
            f"(./dev build --rocm-path /opt/rocm-{rocm_release}) into the index you install from.")


def _require_known(hip) -> str:
    """The warning for a HIP version the default build has no wheel of ('' when it has one);
    NoWheel for one that no ROCm release ships, whose constraint nothing could ever meet (a typo:
    5.2.99999).  A release outside the default build is answered: a wheel of it can be built
    from its installed tree (``--rocm-path``), and the table is how a user learns its HIP."""
    from . import rocm

    built = [s["hip"] for s in rocm.supported()]
    if str(hip) in built:
        return ""
    shipped = rocm.rocm_for_hip(hip)
    if not shipped:
        raise errors.NoWheel(f"no ROCm release ships HIP {hip} and this project builds no wheel of it (it builds "
                             f"HIP {', '.join(built)}): a constraint for it would match nothing. "
                             f"'hip-python-select releases' shows which ROCm ships which HIP.")
    return _not_built(str(hip), shipped[-1])


def cmd_releases(args) -> int:
    from . import rocm

    _emit(args, {"releases": rocm.as_dicts(), "source_kinds": rocm.SOURCE_KINDS}, rocm.format_table())
    return OK


# -- argument parsing --------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    doc = __doc__.split("\n", 2)[2]
    p = _Parser(prog="hip-python-select", description=__doc__.split("\n")[0],
                                epilog=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    from . import __version__

    p.add_argument("--version", action="version", version=f"hip-python-select {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name, fn, help_, example):
        s = sub.add_parser(name, help=help_, description=f"{help_}\n\nexample:\n  {example}",
                           epilog=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
        s.set_defaults(fn=fn)
        s.add_argument("--json", action="store_true", help="print JSON")
        s.add_argument("--timeout", type=_seconds, default=10.0, metavar="S",
                       help="end all probing (hipconfig, runtime, --python) within S seconds (default 10)")
        s.add_argument("--hipconfig", metavar="PATH", type=_path, help="use this hipconfig only")
        s.add_argument("--rocm-path", metavar="DIR", type=_path, help="the ROCm/HIP tree to inspect (like ROCM_PATH)")
        return s

    def wheels(s):
        s.add_argument("--hip-version", metavar="X", help="target this HIP version instead of detecting it")
        s.add_argument("--rocm-version", metavar="Y", help="target the HIP version ROCm Y ships")
        s.add_argument("--index-url", metavar="URL", help="PEP 503 index of this project's wheels (file:// or "
                       "http://; default $PIP_INDEX_URL; none named is an error, PyPI's hip-python being AMD's; "
                       "with --amd, PyPI)")
        s.add_argument("--extra-index-url", metavar="URL", action="append", default=[])
        s.add_argument("--find-links", "-f", metavar="DIR|URL", type=_path, action="append", default=[])
        s.add_argument("--no-index", action="store_true", help="use --find-links only")
        s.add_argument("--pre", action="store_true", help="allow .devN builds")
        s.add_argument("--allow-mismatch", action="store_true",
                       help="take the nearest wheel when none matches MAJOR.MINOR.PATCH")
        s.add_argument("--python", metavar="EXE", type=_path, help="target interpreter (default: this one)")
        s.add_argument("--amd", action="store_true", help="choose among AMD's ROCm-keyed releases only "
                       "(hip-python 6.2.0.499.16 ... 10.0.0.0.1.2 on PyPI), through the ROCm -> HIP table")

    s = add("detect", cmd_detect, "show the HIP version, every source's answer and the library 'import hip' loads",
            "hip-python-select detect --json")
    s.add_argument("--python", metavar="EXE", type=_path, help="ask this interpreter's installed hip-python which library "
                   "it loads (default: this one)")
    s = add("resolve", cmd_resolve, "print the requirement line of the matching wheel",
            "hip-python-select resolve --find-links wheels/   # hip-python==HIP_VERSION.REVISION")
    wheels(s)
    s = add("install", cmd_install, "install the matching wheel (download first; nothing lost on failure)",
            'hip-python-select install --index-url "file://$PWD/wheels/simple" --python .venv/bin/python')
    wheels(s)
    s.add_argument("--uv", action="store_true", help="install with 'uv pip install' (default in a uv venv without pip)")
    s.add_argument("--cuda", action="store_true", help="also install the release's CUDA layer (hip-python-interop: "
                   "cuda.bindings.driver/runtime/nvrtc, pynvml, nvtx on HIP) from the same index; refused beside "
                   "NVIDIA's cuda-python, nvidia-ml-py or nvtx")
    s.add_argument("--amd-names", action="store_true", help="also install the release's rocm-bindings-* "
                   "(core, hip, libraries, compiler, systems): metapackages of hip-python of the same version, so "
                   "that what requires AMD's names (numba-hip) finds them installed at this release")
    s.add_argument("--dry-run", action="store_true", help="resolve and print, install nothing")
    s = add("check", cmd_check, "compare the installed wheel with the runtime it will load",
            "hip-python-select check --python .venv/bin/python --script app.py")
    s.add_argument("--python", metavar="EXE", type=_path, help="target interpreter (default: this one)")
    s.add_argument("--script", metavar="PATH", type=_path, action="append", default=[],
                   help="also judge what this code (file or directory) uses between the two releases' APIs")
    s.add_argument("--manifests", metavar="DIR|URL", type=_path, action="append", default=[],
                   help="where the releases' API manifests are (the manifests/ folder beside the wheel index)")
    s.add_argument("--against", metavar="VERSION", help="judge against this HIP or ROCm release instead of "
                   "the runtime found here (no ROCm needed)")
    s.add_argument("--wheel", metavar="VERSION", help="judge the wheel of this HIP or ROCm release instead of "
                   "the installed one (no hip-python needed)")
    s = add("diff", cmd_diff, "API differences between two releases: functions, enums, structs, typedefs, "
            "constants", "hip-python-select diff 5.2.3 7.2.4 --manifests wheels/manifests")
    s.add_argument("a", metavar="A", help="HIP version (5.2.21153) or ROCm release (5.2.3)")
    s.add_argument("b", metavar="B")
    s.add_argument("--manifests", metavar="DIR|URL", type=_path, action="append", default=[],
                   help="where the releases' API manifests are (default: ./wheels, $HIP_PYTHON_MANIFESTS)")
    s.add_argument("--limit", type=_count, default=0, metavar="N", help="list at most N names per section (text)")
    s = add("doctor", cmd_doctor, "detect + check + /dev/kfd, /dev/dri, video/render groups",
            "hip-python-select doctor")
    s.add_argument("--python", metavar="EXE", type=_path, help="target interpreter (default: this one)")
    s = add("constraints", cmd_constraints, "print pip/uv constraint lines: hip-python and every other name of "
            "the release (hip-python-interop, AMD's rocm-bindings-*), one range (works without ROCm)",
            "hip-python-select constraints --rocm-version 6.4.3   # hip-python>=6.4.43484.0,<6.4.43485")
    s.add_argument("--hip-version", metavar="X")
    s.add_argument("--rocm-version", metavar="Y")
    s.add_argument("--amd", action="store_true", help="for AMD's ROCm-keyed releases (6.2.0.499.16 style)")
    s = add("releases", cmd_releases, "print the ROCm -> HIP table: every ROCm release known, its HIP version "
            "and the evidence", "hip-python-select releases --json")
    from . import installer_config   # config: the uv.toml / pip.conf of the per-release index (docs/variants.md)
    installer_config.register(add)
    return p


def _fail(as_json: bool, where: str, message: str, code: int) -> int:
    """One line on stderr and, with --json, one JSON object on stdout: every failure looks alike."""
    if as_json:
        print(json.dumps({"error": message, "exit_code": code}, indent=1))
    print(f"{where}: {message}", file=sys.stderr)
    return code


def main(argv: Optional[List[str]] = None) -> int:
    from . import bounded

    argv = sys.argv[1:] if argv is None else list(argv)
    if getattr(sys.stdout, "errors", None) == "strict" and hasattr(sys.stdout, "reconfigure"):
        # a path that is not UTF-8 (argv decodes it with surrogateescape) prints back as its bytes
        sys.stdout.reconfigure(errors="surrogateescape")
    try:
        args = parser().parse_args(argv)
    except _UsageError as e:
        print(e.usage, end="", file=sys.stderr)
        return _fail("--json" in argv, "hip-python-select", f"error: {e}", USAGE)
    where, as_json = f"hip-python-select {args.command}", getattr(args, "json", False)
    bounded.set_deadline(args.timeout)
    try:
        code = args.fn(args)
        sys.stdout.flush()   # a reader that left (| head) shows here, not in the interpreter's exit
        return code
    except errors.Failure as e:
        return _fail(as_json, where, str(e), e.code)
    except KeyboardInterrupt:
        return _fail(as_json, where, "interrupted", INTERRUPTED)
    except BrokenPipeError:
        # the reader left (`... | head`): what it read stands. Point stdout at /dev/null so the
        # interpreter's final flush cannot fail again, and answer as a tool killed by SIGPIPE does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (MemoryError, RecursionError) as e:
        return _fail(as_json, where, f"the input is too large or too deeply nested ({type(e).__name__})", PROBLEM)
    except Exception as e:  # noqa: BLE001 - a bug must still end as one line, not a traceback
        return _fail(as_json, where, f"internal error (a bug: please report it with the command line): "
                                     f"{type(e).__name__}: {e}", PROBLEM)
    finally:
        bounded.set_deadline(None)


if __name__ == "__main__":
    sys.exit(main())
