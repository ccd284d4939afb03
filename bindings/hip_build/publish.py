"""Publish ``wheels/`` as an index (the resolver's ``index.py`` reads it): PEP 503 pages with sha256 fragments, index.json, manifest bundle; the wheel variants and
per-release indexes come from ``variants.py``."""
from __future__ import annotations

import hashlib
import html
import json
import threading
from pathlib import Path

from packaging.utils import parse_wheel_filename

from . import project, variants

PROJECT = "hip-python"
CACHE = ".build-cache.json"
_lock = threading.Lock()


def cached_wheel(out: Path, key: str) -> "Path | None":
    """The wheel built earlier for ``key``, if that very file is still there.

    Two builds can share a file name (a '+dirty' version does not change with the sources),
    so a hit must also match the bytes recorded when it was built, or it is someone else's."""
    path = out / CACHE
    with _lock:
        entry = json.loads(path.read_text()).get(key) if path.exists() else None
    if not isinstance(entry, dict):
        return None
    wheel = out / entry["name"]
    return wheel if wheel.is_file() and _sha256(wheel) == entry["sha256"] else None


def remember(out: Path, key: str, wheel: Path) -> None:
    path = out / CACHE
    with _lock:
        cache = json.loads(path.read_text()) if path.exists() else {}
        cache[key] = {"name": wheel.name, "sha256": _sha256(wheel)}
        path.write_text(json.dumps(cache, indent=1, sort_keys=True))


def write_manifest(out: Path, manifest: dict) -> Path:
    """The API manifest beside the index, so tools can compare releases without any wheel."""
    from hip_bindgen import parse

    path = out / "manifests" / f"{manifest['hip_version']['string']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(parse.dumps(manifest))
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entries(out: Path, data: dict) -> list[dict]:
    """One record per wheel in ``out``: version, HIP version, ROCm releases, tags, sha256, size."""
    rocm_by_hip: dict[str, list[str]] = {}
    for rocm, hip in data["rocm"].items():
        rocm_by_hip.setdefault(hip, []).append(rocm)
    rows = []
    for whl in sorted(out.glob("*.whl")):
        _, version, _, tags = parse_wheel_filename(whl.name)
        hip = ".".join(str(p) for p in version.release[:3])
        rows.append({"filename": whl.name, "version": str(version), "hip_version": hip,
                     "rocm_versions": sorted(rocm_by_hip.get(hip, [])),
                     "tags": sorted(str(t) for t in tags), "sha256": _sha256(whl),
                     "size": whl.stat().st_size})
    return rows


def link(href: str, name: str, sha256: str, requires: str = "") -> str:
    """One file's line on a project page: its sha256 fragment, and ``requires`` (escaped) as data-requires-python."""
    attr = f' data-requires-python="{requires}"' if requires else ""
    return f'<a href="{html.escape(href)}#sha256={sha256}"{attr}>{html.escape(name)}</a><br/>\n'


def write_pages(simple: Path, links: str) -> None:
    """A PEP 503 index of the one project at ``simple``: its root page and the project's page of ``links``."""
    (simple / PROJECT).mkdir(parents=True, exist_ok=True)
    (simple / "index.html").write_text(
        "<!DOCTYPE html>\n<html><body>\n"
        f'<a href="{PROJECT}/">{PROJECT}</a>\n</body></html>\n')
    (simple / PROJECT / "index.html").write_text(
        f"<!DOCTYPE html>\n<html><head><title>Links for {PROJECT}</title></head><body>\n"
        f"<h1>Links for {PROJECT}</h1>\n{links}</body></html>\n")


def write_index(out: Path, data: dict | None = None) -> None:
    if data is None:
        from hip_bindgen import releases
        data = releases.load()
    rows = entries(out, data)
    requires = html.escape(project.requires_python())
    links = "".join(link(f"../../{r['filename']}", r["filename"], r["sha256"], requires) for r in rows)
    links += variants.publish(out, rows, requires)   # the variant wheels, per-release indexes
    write_pages(out / "simple", links)
    (out / "index.json").write_text(json.dumps({"project": PROJECT, "wheels": rows}, indent=1) + "\n")
