"""Find a release's API manifest: a bundle directory or URL, an index's manifests/, or a wheel.

The build matrix publishes ``manifests/<HIP version>.json`` beside the wheel index, so
comparing releases needs neither ROCm nor the wheels themselves.  Where nothing is named,
the places searched are ``$HIP_PYTHON_MANIFESTS``, ``./wheels``, the ``manifests/`` beside
``$PIP_INDEX_URL`` (the index the wheels come from), and last the copy shipped inside this
package (``manifests/<HIP version>.json.xz``, the supported releases, written by
``scripts/ship_manifests.py`` from the real headers), so ``diff`` and ``check --script`` work
in a fresh venv outside the checkout.
"""
from __future__ import annotations

import json
import lzma
import os
import sys
import urllib.request
import zipfile
from pathlib import Path
from typing import Iterable, Optional

from . import safefile


class ManifestNotFound(LookupError):
    """No manifest for a HIP version in any of the places searched (all listed in the message)."""


class ManifestInvalid(ManifestNotFound):
    """A file where a manifest should be is not one (not JSON, another program's JSON, a FIFO)."""


class ManifestUnreachable(ManifestNotFound):
    """A ``--manifests`` URL did not answer (refused, timed out, a server error): an error, never a
    silent fall back to another copy (exit 5, as for an index)."""


_SECTIONS = ("functions", "enums", "records", "constants")
# the largest manifest is about 3.3 MB (6.4.43484's hipBLAS); a member or page past this is refused
# before it is inflated or read whole
MAX_MANIFEST = 16 << 20


def checked(m, hip: str, source) -> dict:
    """``m`` if it has the shape of HIP ``hip``'s API manifest; ManifestInvalid naming ``source`` otherwise."""
    why = None
    if not isinstance(m, dict):
        why = f"a JSON {type(m).__name__}, not an object"
    elif not isinstance(m.get("hip_version"), dict) or not isinstance(m["hip_version"].get("string"), str):
        why = "no hip_version.string"
    elif m["hip_version"]["string"] != hip:
        why = f"it is HIP {m['hip_version']['string']!r}'s"
    else:
        bad = [k for k in _SECTIONS if not isinstance(m.get(k), dict)]
        if not isinstance(m.get("aliases", {}), dict):
            bad.append("aliases")
        if bad:
            why = f"{', '.join(bad)} missing or not an object"
        else:
            why = _entries(m)
    if why:
        raise ManifestInvalid(f"{source} is not the API manifest of HIP {hip}: {why}")
    return m


# what each entry of a section must be (the parts every reader indexes without looking first)
_ENTRY = {"functions": {"result": (dict, str), "params": list}, "enums": {"constants": list},
          "records": {"fields": list}, "constants": {}}


def _entries(m: dict) -> Optional[str]:
    """Why an entry of ``m`` is not what the readers expect (a tampered or wrongly typed manifest),
    or None: a wrong type is named here, never met later as a TypeError."""
    for section, keys in _ENTRY.items():
        for name, entry in m[section].items():
            if not isinstance(entry, dict):
                return f"{section}[{name!r}] is a JSON {type(entry).__name__}, not an object"
            for key, kind in keys.items():
                if key in entry and not isinstance(entry[key], kind):
                    return f"{section}[{name!r}].{key} is a JSON {type(entry[key]).__name__}"
            if section == "enums" and not all(isinstance(c, list) and len(c) == 2 and isinstance(c[0], str)
                                              for c in entry.get("constants", ())):
                return f"enums[{name!r}].constants is not a list of [name, value] pairs"
            if section == "records" and not all(isinstance(f, dict) and isinstance(f.get("name"), str)
                                                for f in entry.get("fields", ())):
                return f"records[{name!r}].fields is not a list of fields with a name"
    for name, alias in m.get("aliases", {}).items():
        if not isinstance(alias, dict) or not isinstance(alias.get("target"), str):
            return f"aliases[{name!r}] has no target name"
    return None


def _member(z: zipfile.ZipFile, name: str, source) -> bytes:
    """One member of a wheel, refused before it is inflated past the size any manifest has (a
    crafted member can expand a thousandfold): the stored size first, then a capped read."""
    info = z.getinfo(name)
    if info.file_size > MAX_MANIFEST:
        raise ManifestInvalid(f"{source}:{name} is {info.file_size} bytes uncompressed, more than a manifest "
                              f"({MAX_MANIFEST} at most); not read")
    with z.open(info) as f:
        data = f.read(MAX_MANIFEST + 1)
    if len(data) > MAX_MANIFEST:
        raise ManifestInvalid(f"{source}:{name} inflates past {MAX_MANIFEST} bytes (its header says "
                              f"{info.file_size}); not read")
    return data


def _json(data, source):
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as e:
        raise ManifestInvalid(f"{source} is not an API manifest (not JSON: {e})") from None


def _from_dir(d: Path, hip: str) -> Optional[dict]:
    for cand in (d / f"{hip}.json", d / "manifests" / f"{hip}.json"):
        if cand.exists():
            try:
                data = safefile.read_bytes(cand)   # never blocks on a FIFO
            except OSError as e:
                raise ManifestInvalid(f"cannot read {cand}: {e.strerror or e}") from None
            return checked(_json(data, cand), hip, cand)
    for whl in sorted(d.glob(f"hip_python-{hip}.*.whl")) if d.is_dir() else []:
        try:
            with zipfile.ZipFile(safefile.open_regular(whl)) as z:
                m = checked(_json(_member(z, "hip/_manifest.json", whl), whl), hip, whl)
                libs = {n[len("hip/_manifest_"):-len(".json")]: n for n in sorted(z.namelist())
                        if n.startswith("hip/_manifest_") and n.endswith(".json")}
                if libs:   # the ROCm library modules' manifests, beside hip's
                    m["libraries"] = {lib: _json(_member(z, n, whl), f"{whl}:{n}") for lib, n in libs.items()}
                return m
        except ManifestInvalid:
            raise
        except (OSError, zipfile.BadZipFile, KeyError, EOFError, RuntimeError, NotImplementedError) as e:
            raise ManifestInvalid(f"{whl} holds no readable hip/_manifest.json ({e})") from None
    return None


def _from_url(base: str, hip: str) -> Optional[dict]:
    """The manifest at ``base`` (None when the server says it has none: 404); ManifestUnreachable
    when it cannot be asked or does not answer within what is left of ``--timeout``."""
    import time
    import urllib.error

    from . import bounded

    base = base.rstrip("/")
    for url in (f"{base}/{hip}.json", f"{base}/manifests/{hip}.json"):
        left = bounded.budget(20.0)
        if left <= 0:
            raise ManifestUnreachable(f"--manifests {base}: no answer within --timeout; nothing else was tried")
        end = time.monotonic() + left
        try:
            with urllib.request.urlopen(url, timeout=left) as r:  # noqa: S310 - user-given location
                chunks, size = [], 0
                while size <= MAX_MANIFEST:
                    if time.monotonic() > end:   # a server trickling bytes: the deadline is overall
                        raise TimeoutError("timed out")
                    block = r.read(1 << 16)
                    if not block:
                        break
                    chunks.append(block)
                    size += len(block)
                data = b"".join(chunks)[:MAX_MANIFEST + 1]
        except urllib.error.HTTPError as e:
            if e.code == 404:
                continue
            raise ManifestUnreachable(f"--manifests {url}: the server answered {e.code} {e.reason}") from None
        except (OSError, ValueError) as e:
            reason = getattr(e, "reason", None) or e
            raise ManifestUnreachable(f"--manifests {url} is unreachable ({reason}); nothing else was tried "
                                      f"(pass a reachable location, or none for the copies shipped here)") from None
        if len(data) > MAX_MANIFEST:
            raise ManifestInvalid(f"{url} is larger than any manifest ({MAX_MANIFEST} bytes); not read")
        return checked(_json(data, url), hip, url)
    return None


def installed(python: str = sys.executable) -> Optional[dict]:
    """The manifest of the hip-python wheel installed for ``python`` (read, not imported)."""
    code = ("import glob, importlib.util, json, os, sys; s = importlib.util.find_spec('hip')\n"
            "if s:\n    d = s.submodule_search_locations[0]\n    m = json.load(open(d + '/_manifest.json'))\n"
            "    libs = {os.path.basename(p)[10:-5]: json.load(open(p)) for p in sorted(glob.glob(d + '/_manifest_*.json'))}\n"
            "    m.update({'libraries': libs} if libs else {})\n    sys.stdout.write(json.dumps(m))")
    from . import bounded

    try:   # a FIFO in place of the manifest, or a hanging interpreter, ends with the command's deadline
        proc = bounded.run([python, "-c", code], os.environ, 60.0, cwd="/", limit=safefile.LIMIT)
    except OSError:
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    try:
        return json.loads(proc.stdout)
    except ValueError:
        return None


SHIPPED = Path(__file__).with_name("manifests")


def shipped(hip: str) -> Optional[dict]:
    """The copy of ``hip``'s manifest shipped with the resolver, if it ships one, with the
    manifests of the ROCm library modules of that release (``<hip>-<library>.json.xz``)."""
    path = SHIPPED / f"{hip}.json.xz"
    if not path.is_file():
        return None
    m = json.loads(lzma.decompress(path.read_bytes()))
    libs = {p.name[len(hip) + 1:-len(".json.xz")]: json.loads(lzma.decompress(p.read_bytes()))
            for p in sorted(SHIPPED.glob(f"{hip}-*.json.xz"))}
    if libs:
        m["libraries"] = libs
    return m


def shipped_versions() -> list[str]:
    return sorted(p.name[:-len(".json.xz")] for p in SHIPPED.glob("*.json.xz") if "-" not in p.name)


def _index_base(url: str) -> Optional[str]:
    """The folder an index's ``simple/`` lives in (the build publishes ``manifests/`` there)."""
    url = url.strip().rstrip("/")
    return url[:-len("/simple")] if url.endswith("/simple") else None


def default_places() -> list[str]:
    places = [p for p in os.environ.get("HIP_PYTHON_MANIFESTS", "").split(os.pathsep) if p]
    for d in (Path.cwd() / "wheels", Path(__file__).resolve().parents[3] / "wheels"):
        d = d.resolve()
        if d.is_dir() and str(d) not in places:
            places.append(str(d))
    base = _index_base(os.environ.get("PIP_INDEX_URL", ""))
    if base and base not in places:
        places.append(base)
    return places


def load(hip: str, places: Iterable[str] = (), python: Optional[str] = None) -> dict:
    """The manifest of HIP ``hip`` (MAJOR.MINOR.PATCH) from the first place that has it."""
    tried = []
    inst = installed(python) if python else None
    if isinstance(inst, dict) and (inst.get("hip_version") or {}).get("string") == hip:
        return checked(inst, hip, f"the hip-python installed for {python}")
    asked = list(places)
    for place in asked + default_places():
        if "\0" in place:
            raise ManifestInvalid(f"--manifests {place!r} is not a path or URL")
        try:
            m = _from_url(place, hip) if "://" in place and not place.startswith("file://") else \
                _from_dir(Path(place[7:] if place.startswith("file://") else place), hip)
        except ManifestUnreachable:
            if place in asked:
                raise
            m = None   # beside $PIP_INDEX_URL: only looked at in passing; the places tried are listed
        if m is not None:
            return m
        tried.append(place)
    m = shipped(hip)
    if m is not None:
        return m
    tried.append(f"the copy shipped with hip-python-select (HIP {', '.join(shipped_versions())})")
    raise ManifestNotFound(f"no API manifest for HIP {hip}; looked in: {', '.join(tried)}. "
                           "Pass --manifests DIR_OR_URL (the manifests/ folder published beside the wheel "
                           "index), or build it with scripts/build_matrix.py.")
