"""Releases x Pythons -> wheels in an index, as a library: structured results, not log lines.

A build is named by its identifier, ``hip5.2.21153-cp311`` (cibuildwheel's style), which is
also what ``select`` takes (globs allowed: ``hip5.2.*-cp311``), so the summary of a failed
run prints the exact command that retries just the failed builds.  ``run`` logs progress
(``[3/20] hip5.7.31921-cp311 built ... 41.2s``) through ``log`` and returns a ``Report``;
``scripts/build_matrix.py`` is the command line, other code (the runtime matrix, the
benchmarks) calls ``run`` directly.
"""
from __future__ import annotations

import concurrent.futures
import fnmatch
import hashlib
import os
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from hip_bindgen import libraries, parse, releases, sources

from . import amd_names, interop, project, publish, pythons, restamp, wheel

BUILD = project.ROOT / "build"
LOGS = BUILD / "logs"


def ident(hip: str, python: str) -> str:
    """The identifier of one build: ``hip5.2.21153-cp311``, or ``hip5.2.21153-abi3``."""
    return f"hip{hip}-{python}" if python == wheel.ABI3 else f"hip{hip}-cp{python.replace('.', '')}"


def selected(name: str, patterns) -> bool:
    return not patterns or any(fnmatch.fnmatchcase(name, p) for p in patterns)


@dataclass
class Result:
    """One build: its identifier, what happened (built / cached / stamped: the cached wheel under
    this version / failed), the wheel or the error."""
    ident: str
    hip: str
    python: str
    status: str
    wheel: Optional[Path] = None
    seconds: float = 0.0
    error: Optional[str] = None
    log: Optional[Path] = None

    def as_dict(self) -> dict:
        return {"ident": self.ident, "hip": self.hip, "python": self.python, "status": self.status,
                "wheel": str(self.wheel) if self.wheel else None, "seconds": self.seconds,
                "error": self.error, "log": str(self.log) if self.log else None}


@dataclass
class Report:
    results: list = field(default_factory=list)
    index: Optional[Path] = None
    seconds: float = 0.0
    interop: dict = field(default_factory=dict)   # {hip: the hip-python-interop wheel of the release}
    amd_names: dict = field(default_factory=dict)   # {hip: [the rocm-bindings-* metapackages of the release]}

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return bool(self.results) and not self.failed

    def wheels(self) -> dict:
        """{(hip, python): wheel path} of the builds that produced one."""
        return {(r.hip, r.python): r.wheel for r in self.results if r.wheel}

    def as_dict(self) -> dict:
        return {"ok": self.ok, "index": str(self.index) if self.index else None, "seconds": self.seconds,
                "built": self.count("built"), "cached": self.count("cached"), "stamped": self.count("stamped"), "failed": len(self.failed),
                "results": [r.as_dict() for r in self.results],
                "interop": {h: str(p) for h, p in sorted(self.interop.items())},
                "amd_names": {h: [str(p) for p in ps] for h, ps in sorted(self.amd_names.items())}}


def manifest_for(rel: releases.Release, libs: "set[str] | None" = None) -> dict:
    """The release's manifest; ``libraries`` holds one manifest per ROCm library Debian has for
    the release (all of them, or those named in ``libs``)."""
    manifest = parse.parse(sources.include_dir(rel, rel.rocm_path))
    if not rel.rocm_path:
        names = [n for n in sorted(rel.libraries) if libs is None or n in libs]
        manifest["libraries"] = {n: libraries.manifest(rel, n, manifest) for n in names}
    return manifest


def content_key(manifest: dict, py_version: str) -> str:
    """The build cache's key: everything that shapes the wheel's bytes except its version
    (the headers' manifest, the generator and static files, the build pins, the Python)."""
    parts = [parse.dumps(manifest), wheel.generator_digest(), py_version, project.requires_python(),
             project.source_date_epoch(), *project.build_requirements()]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def build_one(manifest: dict, version: str, py_version: str, interpreter: str, out: Path,
              jobs: int) -> tuple[Path, str]:
    """(wheel, 'built' | 'cached' | 'stamped') for one release and one Python.

    The cache is keyed on what shapes the compiled wheel, not on its version (which counts
    commits): a wheel whose version alone is stale is restamped ('stamped', well under a
    second), giving the bytes a fresh build of that version gives."""
    hip = manifest["hip_version"]["string"]
    key = content_key(manifest, py_version)
    cached = publish.cached_wheel(out, key)
    if cached and restamp.version_of(cached) == restamp.normalized(version):
        return cached, "cached"
    if cached:
        try:
            final = restamp.restamp(cached, version, out)
        except restamp.RestampError:
            pass   # a wheel of another shape (an older generator): built afresh below
        else:
            publish.remember(out, key, final)
            return final, "stamped"
    # one staging tree per output index and process: two builds of one wheel at once (two test
    # runs into build/test-wheels) never write or delete each other's tree
    slot = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:8] + f"-{os.getpid()}"
    src = BUILD / "staging" / slot / ident(hip, py_version) / "src"
    abi3 = py_version == wheel.ABI3
    wheel.stage(manifest, version, src, abi3=abi3)
    if jobs > 1:
        (src / "setup.cfg").write_text("[build_ext]\nparallel = 1\n")
    build_version = pythons.version_of(interpreter) if abi3 else py_version
    built = wheel.build(src, src.parent / "raw", python=pythons.build_python(build_version, interpreter))
    final = wheel.audit(built, out)
    publish.remember(out, key, final)
    shutil.rmtree(src.parent, ignore_errors=True)   # ~11 MB of generated C a wheel: kept only when it failed
    return final, "built"


def _eta(done: int, total: int, elapsed: float) -> str:
    if done == 0 or done == total:
        return ""
    return f", ~{elapsed / done * (total - done):.0f}s left"


def run(rels: list, interpreters: dict, out: Path, revision, jobs: int = 2, select=(),
        log: Callable[[str], None] = print, libs: "set[str] | None" = None) -> Report:
    """Build every (release, Python) the ``select`` patterns admit into ``out`` and write its index.

    ``rels``: Releases (``releases.find``; ``Release.local(DIR)`` for a ROCm tree); ``interpreters``:
    {'3.11': path}; ``revision``: a ``gitversion.Revision``; ``libs``: the ROCm library modules
    to build (None: every one the release has).  Parse errors raise; a failed
    wheel build is a failed ``Result`` (the others go on)."""
    t0 = time.perf_counter()
    report = Report()
    todo = [(r, v) for r in rels for v in interpreters
            if r.hip is None or selected(ident(r.hip, v), select)]
    manifests = {}
    unique = list(dict((id(r), r) for r, _ in todo).values())
    for i, r in enumerate(unique, 1):
        t = time.perf_counter()
        m = manifest_for(r, libs)
        manifests[id(r)] = m
        publish.write_manifest(out, m)
        log(f"[headers {i}/{len(unique)}] HIP {m['hip_version']['string']}: {len(m['functions'])} functions "
            f"({time.perf_counter() - t:.1f}s)")
    plan = [(manifests[id(r)], v) for r, v in todo
            if selected(ident(manifests[id(r)]["hip_version"]["string"], v), select)]
    total = len(plan)
    LOGS.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futs = {}
        for m, v in plan:
            hip = m["hip_version"]["string"]
            fut = pool.submit(build_one, m, revision.version(hip), v, interpreters[v], out, jobs)
            futs[fut] = (hip, v, time.perf_counter())
        for n, fut in enumerate(concurrent.futures.as_completed(futs), 1):
            hip, v, t = futs[fut]
            name = ident(hip, v)
            secs = round(time.perf_counter() - t, 1)
            try:
                path, how = fut.result()
                res = Result(name, hip, v, how, path, secs)
                log(f"[{n}/{total}] {name} {how}: {path.name} ({path.stat().st_size / 1e6:.2f} MB, {secs:.1f}s"
                    f"{_eta(n, total, time.perf_counter() - start)})")
            except Exception as exc:  # noqa: BLE001 - every failed build is reported, the others go on
                logfile = LOGS / f"{name}.log"
                logfile.write_text("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                res = Result(name, hip, v, "failed", None, secs, str(exc), logfile)
                log(f"[{n}/{total}] {name} FAILED ({secs:.1f}s): {first} (full log: {logfile})")
            report.results.append(res)
    # the CUDA layer of each release built here (pure Python, well under a second): beside the
    # wheels, with their version; a tree given by --rocm-path has no hipify pin, so no layer
    for hip in sorted({r.hip for r in report.results if r.wheel}):
        rel = next((r for r in rels if r.hip == hip), None)
        if rel is not None and rel.hipify:   # a release with no pin has no table
            m = next(m for m in manifests.values() if m["hip_version"]["string"] == hip)
            report.interop[hip] = interop.build(m, revision.version(hip), out, rel)
            log(f"[interop] HIP {hip}: {report.interop[hip].name}")
    # AMD's distribution names of each release built here: metapackages of its hip-python (amd_names.py)
    for hip in sorted({r.hip for r in report.results if r.wheel}):
        report.amd_names[hip] = amd_names.build(revision.version(hip), hip, out)
        log(f"[amd names] HIP {hip}: {', '.join(p.name for p in report.amd_names[hip])}")
    publish.write_index(out)
    report.index = out / "simple"
    report.seconds = round(time.perf_counter() - t0, 1)
    return report


def summary(report: Report, retry: list) -> list[str]:
    """The closing lines: counts, the index, and (on failure) the command that retries the failed builds."""
    stamped = f"{report.count('stamped')} restamped, " if report.count("stamped") else ""
    lines = [f"{report.count('built')} built, {report.count('cached')} cached, {stamped}{len(report.failed)} failed "
             f"of {len(report.results)} in {report.seconds:.1f}s; index: {report.index}"]
    if report.failed:
        ids = ",".join(r.ident for r in report.failed)
        lines.append(f"retry the failed: {' '.join(retry + ['--only', ids])}")
    return lines
