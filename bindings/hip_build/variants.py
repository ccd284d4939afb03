"""PEP 825 wheel variants of the built wheels, keyed on the HIP version, and the per-release indexes.

For every plain wheel in the index directory (``hip_python-5.2.21153.37-cp311-cp311-manylinux_2_28_x86_64.whl``)
the publisher writes its variant, ``...-manylinux_2_28_x86_64-hip5.2.21153.whl``: the same files
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

Wheel files are not copied: every page links the files in the index directory.  A variant is
rewritten only when its plain wheel changed (the plain wheel's sha256 is the variant's zip
comment), and rewriting is deterministic, so an unchanged build publishes unchanged bytes.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import hip_bindgen  # noqa: F401 - puts the resolver's sources on sys.path in a bare checkout
from hip_python_select.variant_provider import (DISTRIBUTION, FEATURE, NAMESPACE, PLUGIN_API, label,
                                                release_index)

# the providers draft's schema, as uv 0.13.9 names it; it adds "providers" to PEP 825's format
SCHEMA = "https://variants-schema.wheelnext.dev/peps/850/v0.2.0.json"
_LABEL = re.compile(r"-hip\d+\.\d+\.\d+\.whl$")
_RELEASE_DIR = re.compile(r"hip-\d+\.\d+\.\d+")
_COMMENT = b"hip-python variant of sha256:"


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


def variant_name(plain: str, hip: str) -> str:
    return plain[:-len(".whl")] + f"-{label(hip)}.whl"


def make_variant(plain: Path, hip: str, sha256: str) -> Path:
    """The variant of ``plain`` beside it: the same entries (same order, times, modes), plus
    ``variant.json`` before ``RECORD``, which gains its line.  Kept when already made from these bytes."""
    dest = plain.with_name(variant_name(plain.name, hip))
    comment = _COMMENT + sha256.encode()
    if dest.is_file():
        try:
            with zipfile.ZipFile(dest) as z:
                if z.comment == comment:
                    return dest
        except zipfile.BadZipFile:
            pass
    tmp = dest.with_name(dest.name + ".part")
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


def _hip(version: str) -> str:
    return ".".join(version.split(".")[:3])


def _anchor(href: str, name: str, sha256: str, requires: str = "") -> str:
    attr = f' data-requires-python="{requires}"' if requires else ""
    return f'<a href="{html.escape(href)}#sha256={sha256}"{attr}>{html.escape(name)}</a><br/>\n'


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(out: Path, rows: list, requires: str, write_pages) -> str:
    """Make the variants of the wheels in ``rows`` (``publish.entries``), write the combined
    index's ``-variants.json`` files and every per-release index (``write_pages(simple_dir, links)``
    writes one index); return the links the combined page adds."""
    for old in list(out.glob("*-variants.json")) + [p for p in out.glob("*.whl") if is_variant(p.name)]:
        old.unlink()    # a variant or -variants.json whose plain wheel is gone goes with it (kept ones are rewritten below)
    for d in out.iterdir():
        if d.is_dir() and _RELEASE_DIR.fullmatch(d.name):
            shutil.rmtree(d)
    combined, by_hip = [], {}
    for r in rows:
        hip = _hip(r["version"])
        v = make_variant(out / r["filename"], hip, r["sha256"])
        by_hip.setdefault(hip, {}).setdefault(r["version"], []).append((r["filename"], r["sha256"], v.name, _sha(v)))
    for hip, versions in sorted(by_hip.items()):
        root = out / release_index(hip).split("/")[0]
        links = []
        for version, files in sorted(versions.items()):
            name = f"hip_python-{version}-variants.json"
            # each page links the -variants.json of its own index: ../../ from simple/hip-python/
            for where, provider, page in ((out, plugin_provider(), combined), (root, static_provider(hip), links)):
                where.mkdir(exist_ok=True)
                path = where / name
                path.write_bytes(_dumps(metadata(hip, provider)))
                page.append(_anchor(f"../../{name}", name, _sha(path)))
            for plain, psha, variant, vsha in files:
                links += [_anchor(f"../../../{plain}", plain, psha, requires),
                          _anchor(f"../../../{variant}", variant, vsha, requires)]
                combined.append(_anchor(f"../../{variant}", variant, vsha, requires))
        write_pages(root / "simple", "".join(links))
    return "".join(combined)
