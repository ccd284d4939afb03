"""PEP 825 wheel variants of the built wheels, keyed on the HIP version, and the per-release indexes.

For every plain wheel in the index directory (``hip_python-5.2.21153.37-cp311-cp311-manylinux_2_28_x86_64.whl``)
the publisher writes its variant, ``variants/...-manylinux_2_17_x86_64-hip5.2.21153.whl``: the same files
plus ``.dist-info/variant.json`` declaring ``hip :: version :: 5.2.21153`` (names and why:
``hip_python_select.variant_provider``).  The plain wheel stays; it is the null variant, the one an
installer that does not know variants (pip) installs, and the one an installer that knows them
takes when the machine's HIP version is not known to match.

Installers choose a variant among the files of one version, and every HIP release is a version of
its own, so a variant never changes *which release* an installer takes from the combined index.
Hence two kinds of index, each with a ``hip_python-{version}-variants.json`` per version:

- the combined one (``simple/``, every release): its provider is the plugin
  (``hip-python-select``'s ``variant_provider``, optional: mainline uv skips third-party plugins
  and installs the plain wheel);
- one per release (``hip-5.2.21153/simple/``, that release only): its provider declares the
  release's HIP version as a static property, so ``uv pip install --preview-features
  wheel-variants hip-python`` against it takes the variant, no plugin involved.

Wheel files are not copied: every page links the files in the index directory, the variants in
its ``variants/`` folder (so whatever lists the directory's ``*.whl``, ``--find-links`` or a
test, sees the plain wheels it always saw, which auditwheel and pip can read).  A variant is
rewritten only when its plain wheel changed (the plain wheel's sha256 is the variant's zip
comment), and rewriting is deterministic, so an unchanged build publishes unchanged bytes.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import threading
import zipfile
from pathlib import Path

from hip_python_select.variant_provider import (DISTRIBUTION, FEATURE, NAMESPACE, PLUGIN_API, label,
                                                release_index)

# the providers draft's schema, as uv 0.13.9 names it; it adds "providers" to PEP 825's format
SCHEMA = "https://variants-schema.wheelnext.dev/peps/850/v0.2.0.json"
_LABEL = re.compile(r"-hip\d+\.\d+\.\d+\.whl$")
_RELEASE_DIR = re.compile(r"hip-\d+\.\d+\.\d+")
_COMMENT = b"hip-python variant of sha256:"
DIR = "variants"


def is_variant(filename: str) -> bool:
    """Is this a variant wheel of ours (``...-hip5.2.21153.whl``)?  Platform tags never start with 'hip'."""
    return bool(_LABEL.search(filename))


def static_provider(hip: str) -> dict:
    return {"static-properties": {FEATURE: [hip]}}


def plugin_provider() -> dict:
    return {"requires": [DISTRIBUTION], "plugin-api": PLUGIN_API, "optional": True}


def metadata(hip: str, provider: dict, labels=None) -> dict:
    """variant.json / -variants.json: the variants of HIP ``hip`` (``labels``; default its one label)."""
    return {"$schema": SCHEMA, "default-priorities": {"namespace": [NAMESPACE]},
            "providers": {NAMESPACE: provider},
            "variants": {lab: {NAMESPACE: {FEATURE: [hip]}} for lab in (labels or [label(hip)])}}


def _dumps(data: dict) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _json_name(version: str) -> str:
    return f"hip_python-{version}-variants.json"


def _write(path: Path, data: bytes) -> Path:
    """Replace ``path`` whole: a reader (or another publisher) never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def variant_name(plain: str, hip: str) -> str:
    return plain[:-len(".whl")] + f"-{label(hip)}.whl"


def make_variant(plain: Path, hip: str, sha256: str) -> Path:
    """The variant of ``plain`` in ``variants/`` beside it: the same entries (same order, times, modes), plus
    ``variant.json`` before ``RECORD``, which gains its line.  Kept when already made from these bytes."""
    dest = plain.parent / DIR / variant_name(plain.name, hip)
    dest.parent.mkdir(exist_ok=True)
    comment = _COMMENT + sha256.encode()
    if dest.is_file():
        try:
            with zipfile.ZipFile(dest) as z:
                if z.comment == comment:
                    return dest
        except zipfile.BadZipFile:
            pass
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.part")
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        infos = src.infolist()
        record = next(i for i in infos if i.filename.endswith(".dist-info/RECORD"))
        dist_info = record.filename.rsplit("/", 1)[0]
        body = _dumps(metadata(hip, static_provider(hip)))
        for info in infos:
            data = src.read(info)
            if info is record:
                vinfo = zipfile.ZipInfo(f"{dist_info}/variant.json", date_time=record.date_time)
                vinfo.external_attr = record.external_attr
                out.writestr(vinfo, body, zipfile.ZIP_DEFLATED)
                lines = data.decode().splitlines(keepends=True)
                at = next(n for n, line in enumerate(lines) if line.startswith(f"{dist_info}/RECORD,"))
                lines.insert(at, f"{dist_info}/variant.json,{_record_hash(body)},{len(body)}\n")
                data = "".join(lines).encode()
            out.writestr(info, data, info.compress_type)
        out.comment = comment
    tmp.replace(dest)
    return dest


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(out: Path, rows: list, requires: str, others: "dict | None" = None) -> str:
    """Make the variants of the wheels in ``rows`` (``publish.entries``), write the combined
    index's ``-variants.json`` files and every per-release index (with the release's wheels of
    the other projects, ``others``: name -> rows, the CUDA layer and AMD's names, beside it);
    return the links the combined page adds (``requires``: the pages' data-requires-python)."""
    from .publish import PROJECT, link, write_pages   # publish calls this: both loaded

    # what belonged to a plain wheel that is gone goes with it; nothing else is removed, and every
    # write replaces a whole file, so two builds publishing into one directory at once (two test
    # runs) cannot break each other's index
    keep = {variant_name(r["filename"], r["hip_version"]) for r in rows} | \
        {_json_name(r["version"]) for r in rows} | {release_index(r["hip_version"]).split("/")[0] for r in rows}
    for old in [*out.glob(f"{DIR}/*.whl"), *out.glob("*-variants.json"), *out.glob("hip-*/*-variants.json")]:
        if old.name not in keep:
            old.unlink(missing_ok=True)
    for d in out.glob("hip-*"):
        if d.is_dir() and _RELEASE_DIR.fullmatch(d.name) and d.name not in keep:
            shutil.rmtree(d, ignore_errors=True)
    combined, by_hip = [], {}
    for r in rows:
        hip = r["hip_version"]
        v = make_variant(out / r["filename"], hip, r["sha256"])
        by_hip.setdefault(hip, {}).setdefault(r["version"], []).append((r["filename"], r["sha256"], v.name, _sha(v)))
    for hip, versions in sorted(by_hip.items()):
        root = out / release_index(hip).split("/")[0]
        links = []
        for version, files in sorted(versions.items()):
            name = _json_name(version)
            # each page links the -variants.json of its own index: ../../ from simple/hip-python/
            for where, provider, page in ((out, plugin_provider(), combined), (root, static_provider(hip), links)):
                where.mkdir(exist_ok=True)
                path = _write(where / name, _dumps(metadata(hip, provider)))
                page.append(link(f"../../{name}", name, _sha(path)))
            for plain, psha, variant, vsha in files:
                links += [link(f"../../../{plain}", plain, psha, requires),
                          link(f"../../../{DIR}/{variant}", variant, vsha, requires)]
                combined.append(link(f"../../{DIR}/{variant}", variant, vsha, requires))
        write_pages(root / "simple", {PROJECT: "".join(links), **{name: "".join(
            link(f"../../../{r['filename']}", r["filename"], r["sha256"], requires)
            for r in rs if r["hip_version"] == hip) for name, rs in (others or {}).items()}})
    return "".join(combined)
