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

from hip_python_select.distributions import AMD_NAMES, INTEROP, MAIN as PROJECT
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


def entries(out: Path, data: dict, project_name: str = PROJECT) -> list[dict]:
    """One record per wheel of ``project_name`` in ``out``: version, HIP version, ROCm releases, tags, sha256, size."""
    rocm_by_hip: dict[str, list[str]] = {}
    for rocm, hip in data["rocm"].items():
        rocm_by_hip.setdefault(hip, []).append(rocm)
    rows = []
    for whl in sorted(out.glob("*.whl")):
        name, version, _, tags = parse_wheel_filename(whl.name)
        if name != project_name:
            continue
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


def write_pages(simple: Path, pages: dict[str, str]) -> None:
    """A PEP 503 index at ``simple``: its root page and one page per project of ``pages``
    (project name -> its links); a project without links gets no page."""
    pages = {name: links for name, links in pages.items() if links or name == PROJECT}
    simple.mkdir(parents=True, exist_ok=True)
    (simple / "index.html").write_text(
        "<!DOCTYPE html>\n<html><body>\n" + "".join(f'<a href="{p}/">{p}</a>\n' for p in pages) + "</body></html>\n")
    for name, links in pages.items():
        (simple / name).mkdir(parents=True, exist_ok=True)
        (simple / name / "index.html").write_text(
            f"<!DOCTYPE html>\n<html><head><title>Links for {name}</title></head><body>\n"
            f"<h1>Links for {name}</h1>\n{links}</body></html>\n")


def write_index(out: Path, data: dict | None = None) -> None:
    if data is None:
        from hip_bindgen import releases
        data = releases.load()
    rows = entries(out, data)
    # the CUDA layer (hip_build/interop.py) and AMD's names (hip_build/amd_names.py, metapackages
    # of hip-python) are projects of their own on the same index
    others = {name: entries(out, data, name) for name in (INTEROP, *AMD_NAMES)}
    requires = html.escape(project.requires_python())
    links = "".join(link(f"../../{r['filename']}", r["filename"], r["sha256"], requires) for r in rows)
    links += variants.publish(out, rows, requires, others)   # the variant wheels, per-release indexes
    write_pages(out / "simple", {PROJECT: links, **{name: "".join(
        link(f"../../{r['filename']}", r["filename"], r["sha256"], requires) for r in rs) for name, rs in others.items()}})
    index = {"project": PROJECT, "wheels": rows}
    if others[INTEROP]:
        index["interop"] = {"project": INTEROP, "wheels": others[INTEROP]}
    names = {name: rs for name, rs in others.items() if name in AMD_NAMES and rs}
    if names:
        index["amd_names"] = {name: {"project": name, "wheels": rs} for name, rs in names.items()}
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
