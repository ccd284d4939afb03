"""The ROCm <-> HIP version table and the supported releases, read from ``releases.json``.

``releases.json`` is the project's one data file: the build matrix reads its ``supported``
list, every resolver command reads its ROCm table.  A ROCm release ships exactly one HIP
version, several ROCm releases can share one (5.7.0 and 5.7.1 both ship 5.7.31921), and the
HIP number is not derivable from the ROCm one (ROCm 4.5.0 ships HIP 4.4.21401; from ROCm 7.14
on the two diverge: ROCm 10.0 ships HIP 7.15.0, its patch reset to 0).

Three keys hold the table:

* ``rocm``: ROCm release -> HIP ``MAJOR.MINOR.PATCH``, only pairs shown by public evidence;
* ``rocm_minor_only``: releases whose HIP ``MAJOR.MINOR`` is known but whose patch is not
  (no public hipconfig output, package name or release note): answered as a range, with a
  warning, never with a guessed patch;
* ``rocm_sources``: the evidence for each pair, as ``[kind, text]`` (kinds: :data:`SOURCE_KINDS`).
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import List, NamedTuple, Optional, Tuple

from .version import ROCM_KEYED_MAX_PATCH, HipVersion, InvalidHipVersion, RocmVersion, parse, parse_rocm_version

DATA = Path(__file__).with_name("releases.json")

SOURCE_KINDS = {
    "amd-package": "AMD's package of that release (repo.radeon.com name: HIP version, then the packed ROCm one)",
    "compat-matrix": "the HIP row of AMD's ROCm compatibility matrix (ROCm/ROCm docs/compatibility)",
    "hipconfig": "a real hipconfig / hipcc --version output quoted in a public report",
    "changelog": "HIP's CHANGELOG",
    "debian": "a Debian package run by this project's tests",
    "amd-bindings": "AMD's generated HIP Python bindings of that release (ROCm/hip-python)",
    "hip-tag": "the HIP repository's own tag of that release (VERSION / bin/hipvars.pm; scripts/rocm_tags.py reads them)",
}


@functools.lru_cache(maxsize=None)
def load() -> dict:
    return json.loads(DATA.read_text())


def table() -> dict:
    """ROCm version string -> HIP version string, for releases whose HIP patch is known."""
    return load()["rocm"]


def supported() -> list:
    """The releases this project builds wheels for (with their pinned Debian packages)."""
    return load()["supported"]


class Release(NamedTuple):
    """One ROCm release and what is known of the HIP it ships."""

    rocm: str                       # "6.4.3"
    major_minor: Tuple[int, int]    # HIP MAJOR.MINOR, always known for a listed release
    hip: Optional[HipVersion]       # HIP MAJOR.MINOR.PATCH, None when only MAJOR.MINOR is known
    sources: Tuple[Tuple[str, str], ...]
    why_minor_only: str = ""

    @property
    def exact(self) -> bool:
        return self.hip is not None

    @property
    def hip_text(self) -> str:
        return str(self.hip) if self.hip else "{}.{}.x".format(*self.major_minor)

    def warning(self) -> str:
        """Empty for an exact pair; otherwise says what is unknown and what to do."""
        if self.exact:
            return ""
        return (f"ROCm {self.rocm} ships HIP {self.hip_text}: its HIP patch is not published "
                f"({self.why_minor_only}); the answer admits every HIP {'.'.join(map(str, self.major_minor))}"
                f" wheel. Run 'hipconfig --version' on that machine and pass --hip-version for an exact pin.")

    def as_dict(self) -> dict:
        return {"rocm": self.rocm, "hip": str(self.hip) if self.hip else None,
                "hip_major_minor": ".".join(map(str, self.major_minor)), "exact": self.exact,
                "sources": [{"kind": k, "evidence": e} for k, e in self.sources],
                **({"why_minor_only": self.why_minor_only} if not self.exact else {})}


def _key(rocm: str) -> Tuple[int, int, int]:
    return tuple(int(p) for p in rocm.split("."))  # type: ignore[return-value]


@functools.lru_cache(maxsize=None)
def releases() -> Tuple[Release, ...]:
    """Every listed ROCm release, oldest first."""
    data = load()
    srcs = data.get("rocm_sources", {})
    out = []
    for r, h in data["rocm"].items():
        v = parse(h)
        out.append(Release(r, (v.major, v.minor), v, tuple(map(tuple, srcs.get(r, ())))))
    for r, m in data.get("rocm_minor_only", {}).items():
        ma, mi = (int(p) for p in m["hip"].split("."))
        out.append(Release(r, (ma, mi), None, tuple(map(tuple, srcs.get(r, ()))), m["why"]))
    return tuple(sorted(out, key=lambda x: _key(x.rocm)))


def lookup(rocm) -> Optional[Release]:
    """What the table knows of ROCm ``rocm`` (``6.4.3``, ``6.4.3-120``, ``6.4``), or None."""
    r = str(rocm if isinstance(rocm, RocmVersion) else parse_rocm_version(rocm))
    for rel in releases():
        if rel.rocm == r:
            return rel
    return None


def hip_for_rocm(rocm) -> Optional[HipVersion]:
    """The HIP version a ROCm release ships, or None when the table does not know its patch."""
    r = rocm if isinstance(rocm, RocmVersion) else parse_rocm_version(rocm)
    hip = table().get(str(r))
    return parse(hip) if hip else None


def rocm_for_hip(hip) -> list:
    """Every ROCm release (oldest first) that ships ``hip``."""
    h = hip if isinstance(hip, HipVersion) else parse(hip)
    return [r.rocm for r in releases() if r.hip == h]


def _unknown(rocm: str) -> InvalidHipVersion:
    rels = releases()
    return InvalidHipVersion(
        f"ROCm {rocm!r} is not in the ROCm -> HIP table ({len(rels)} releases, {rels[0].rocm} to "
        f"{rels[-1].rocm}; 'hip-python-select releases' lists them). Pass the HIP version instead "
        f"(--hip-version, e.g. from 'hipconfig --version' on that machine).")


_SERIES = re.compile(r"\s*([0-9]{1,2})(?:\.([0-9]{1,2}))?\s*\Z", re.ASCII)


def typed(text) -> RocmVersion:
    """A ROCm release the user typed: MAJOR.MINOR.PATCH (``6.4.2``, ``6.4.2-120``).

    ``6.4`` or ``6`` names a series of releases with different HIP versions, not one release:
    refused with the full form and the series' releases listed, never read as ``6.4.0``."""
    if isinstance(text, str):
        m = _SERIES.match(text)
        if m:
            prefix = ".".join(g for g in m.groups() if g is not None)
            listed = [r.rocm for r in releases() if r.rocm.startswith(prefix + ".")]
            example = listed[-1] if listed else f"{prefix}{'.0' * (3 - prefix.count('.') - 1)}"
            raise InvalidHipVersion(
                f"ROCm {text.strip()!r} names a series, not a release: pass MAJOR.MINOR.PATCH, e.g. "
                f"'{example}'" + (f" (ROCm {prefix} releases: {', '.join(listed)})" if listed else
                                  " (no such release in the table; 'hip-python-select releases' lists them)")
                + ". 'cat /opt/rocm/.info/version' on that machine prints it.")
    return parse_rocm_version(text)


def require_release(rocm: str) -> Release:
    """Like :func:`lookup` but raises :class:`InvalidHipVersion` naming the table's range; a
    series typed without its patch (``6.4``) is refused (:func:`typed`)."""
    rocm = typed(rocm) if isinstance(rocm, str) else rocm
    rel = lookup(rocm)
    if rel is None:
        raise _unknown(str(rocm))
    return rel


def require_hip_for_rocm(rocm: str) -> HipVersion:
    """The exact HIP version of ROCm ``rocm``; raises :class:`InvalidHipVersion` when the table
    does not know it or knows only its MAJOR.MINOR (the message says which)."""
    rel = require_release(rocm)
    if rel.hip is None:
        raise InvalidHipVersion(rel.warning() + " ('constraints --rocm-version' answers with the range.)")
    return rel.hip


def hip_of_name(name: str) -> HipVersion:
    """A release named on the command line: a ROCm release in the table, or a HIP version.

    ``5.2.3`` is ROCm 5.2.3 (HIP 5.2.21153); ``5.2.21153`` and ``7.15.0`` are HIP versions
    (``7.15.0`` is no ROCm release: ROCm 10.0 ships it).  A name that looks like a ROCm
    release (small patch) but is neither raises, rather than being taken for a HIP version."""
    if not isinstance(name, str):
        raise InvalidHipVersion(f"not a HIP or ROCm version: {name!r} (expected text)")
    if _SERIES.match(name):
        typed(name)   # raises: '5.2' is a ROCm series, not a release
    try:
        rel = lookup(name)
    except InvalidHipVersion:
        rel = None
    if rel is not None:
        return require_hip_for_rocm(name)
    try:
        hip = parse(name)
    except InvalidHipVersion:
        raise InvalidHipVersion(f"not a HIP or ROCm version: {name!r} (e.g. ROCm '6.4.3' or HIP "
                                f"'6.4.43484')") from None
    # A HIP patch from ROCm 5 to 7.2 has five digits; a small one is a HIP release only when some
    # ROCm release ships it (HIP 7.15.0 of ROCm 10.0), otherwise it is an unlisted ROCm release.
    if hip.patch < ROCM_KEYED_MAX_PATCH and not rocm_for_hip(hip):
        raise _unknown(name.strip())
    return hip


def why_no_hip(rocm) -> str:
    """Why :func:`hip_for_rocm` has no answer for ``rocm``: unlisted, or only MAJOR.MINOR known."""
    rel = lookup(rocm)
    if rel is None:
        return f"ROCm {rocm} is not in the ROCm -> HIP table"
    return f"ROCm {rel.rocm} ships HIP {rel.hip_text}, its patch is not published (only MAJOR.MINOR is known)"


def split_amd_package(upstream: str) -> Optional[Tuple[str, str]]:
    """(HIP, ROCm) of the upstream version of AMD's ``hip-runtime-amd`` package, which is the
    HIP version followed by the packed ROCm one: ``6.1.40091.60100`` -> (6.1.40091, 6.1.0),
    ``7.2.53211.70204`` -> (7.2.53211, 7.2.4).  None when it is not of that form, or when the
    first three fields are the ROCm release itself (a rebuild versioned by ROCm, ``5.7.1.50701``)."""
    parts = upstream.split(".")
    if len(parts) < 4 or not all(p.isdigit() for p in parts[:4]) or len(parts[3]) < 5:
        return None
    packed = int(parts[3])
    rocm = f"{packed // 10000}.{packed // 100 % 100}.{packed % 100}"
    hip = ".".join(str(int(p)) for p in parts[:3])
    return None if hip == rocm else (hip, rocm)


def format_table() -> str:
    """The table as text: one line per ROCm release, its HIP version and the kinds of evidence."""
    rels = releases()
    exact = sum(r.exact for r in rels)
    lines = [f"{len(rels)} ROCm releases ({rels[0].rocm} to {rels[-1].rocm}): {exact} with the exact HIP "
             f"version, {len(rels) - exact} with HIP MAJOR.MINOR only",
             f"{'ROCm':8} {'HIP':11} evidence"]
    for r in rels:
        kinds = ", ".join(dict.fromkeys(k for k, _ in r.sources)) or "MAJOR.MINOR only: " + r.why_minor_only
        lines.append(f"{r.rocm:8} {r.hip_text:11} {kinds}")
    return "\n".join(lines)


def as_dicts() -> List[dict]:
    return [r.as_dict() for r in releases()]
