"""Choose the wheel for a HIP version from a list of links (pure: no I/O).

Two version schemes share the ``hip-python`` name:

* this project's, keyed by HIP: ``MAJOR.MINOR.PATCH.N[.devM]`` (``5.2.21153.37``);
* AMD's published releases, keyed by ROCm: ``ROCM_MAJOR.ROCM_MINOR.ROCM_PATCH.X.Y``
  (``6.2.0.499.16``), mapped to HIP through the ROCm table.

They are told apart by the number of release fields: this project's have four
(``5.2.21153.37``, ``7.15.0.2``), AMD's five or more (``6.2.0.499.16``, ``10.0.0.0.1.2``: ROCm
10.0.0 + generator 0.1.2).  The third field cannot tell them apart any more: from ROCm 10.0 the
HIP patch restarts at 0 (HIP 7.15.0), so a small third field no longer means "a ROCm release".  The choice: the wheels whose HIP MAJOR.MINOR.PATCH equals the target's,
not yanked, allowed by ``Requires-Python``, with a tag the target interpreter supports,
final releases only unless ``pre``; highest version wins (this project's scheme before
AMD's, then the interpreter's most preferred tag).  With no exact match the nearest
usable wheel is named and graded (``same-minor`` / ``same-major`` / ``different-major``),
and chosen only with ``allow_mismatch``.

Speed: names are grouped by HIP version with one regex; only the groups that are
looked at are fully parsed (``packaging.utils.parse_wheel_filename``), so choosing from
10,000 links parses a handful.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from . import _hipfacts
from .distributions import MAIN, PINNED
from .index import Link
from .version import ROCM_KEYED_MAX_PATCH, HipVersion, grade

GRADES = _hipfacts.GRADES
_NAME = re.compile(r"hip_python-([0-9]+)\.([0-9]+)\.([0-9]+)((?:\.[0-9]+)*)(?:[.+!a-zA-Z][0-9A-Za-z.+!]*)?-",
                   re.ASCII)


class NoMatchingWheel(LookupError):
    """No usable wheel for the HIP version (the message names the nearest, if any)."""

    def __init__(self, message: str, nearest: Optional["Choice"] = None):
        super().__init__(message)
        self.nearest = nearest


class Choice(NamedTuple):
    link: Link
    version: str            # the wheel's version (``5.2.21153.37``)
    hip: HipVersion         # the HIP release it was built for
    scheme: str             # "hip" (this project) or "rocm" (AMD's ROCm-keyed releases)
    grade: str              # exact / same-minor / same-major / different-major
    tag: str                # the supported tag it matched

    @property
    def requirement(self) -> str:
        return f"hip-python=={self.version}"


def hip_key(filename: str, rocm_table: Dict[str, str]) -> Optional[Tuple[HipVersion, str]]:
    """(HIP version, scheme) of a wheel file name: ``hip`` for this project's four-field
    versions, ``rocm`` for AMD's ROCm-keyed ones (mapped through ``rocm_table``)."""
    m = _NAME.match(filename)
    if not m:
        return None
    a, b, c = (int(x) for x in m.groups()[:3])
    extra = m.group(4).count(".")
    if extra == 1 or (extra == 0 and c >= ROCM_KEYED_MAX_PATCH):
        return HipVersion(a, b, c), "hip"
    if extra < 2:  # "0.0.2", a placeholder AMD once published: neither scheme
        return None
    hip = rocm_table.get(f"{a}.{b}.{c}")
    if hip is None:
        return None
    x, y, z = (int(p) for p in hip.split("."))
    return HipVersion(x, y, z), "rocm"


class Target(NamedTuple):
    """The interpreter a wheel is chosen for."""

    python_version: Tuple[int, int, int]
    tags: Sequence[str]     # supported tags, most preferred first


def _evaluate(links: Iterable[Tuple[Link, str]], target: Target, priority: Dict[str, int], pre: bool, notes: List[str],
              rocm_release: Optional[str] = None) -> Optional[Tuple[tuple, Link, str, str, str]]:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    pyver = ".".join(map(str, target.python_version))
    best = None
    for link, scheme in links:
        if any(c in link.filename for c in "/\\\0"):
            notes.append(f"{link.filename!r}: skipped, a file name cannot hold a path separator (%2F in the link?)")
            continue
        try:
            _name, version, _build, tags = parse_wheel_filename(link.filename)
        except InvalidWheelFilename as e:
            notes.append(f"{link.filename}: skipped, {e}")
            continue
        if link.yanked:
            notes.append(f"{link.filename}: skipped, yanked")
            continue
        if version.is_prerelease and not pre:
            notes.append(f"{link.filename}: skipped, a pre-release (use --pre)")
            continue
        if link.requires_python:
            from packaging.specifiers import InvalidSpecifier, SpecifierSet  # only pages carry it

            try:
                if not SpecifierSet(link.requires_python).contains(pyver, prereleases=True):
                    notes.append(f"{link.filename}: skipped, Requires-Python {link.requires_python}")
                    continue
            except InvalidSpecifier:
                pass  # pip ignores a bad data-requires-python too
        ranks = [(priority[str(t)], str(t)) for t in tags if str(t) in priority]
        if not ranks:
            notes.append(f"{link.filename}: skipped, no tag this interpreter supports")
            continue
        rank, tag = min(ranks)
        # AMD's wheel keyed by the asked ROCm release first (then the highest, as for ours)
        own = rocm_release is not None and scheme == "rocm" and \
            ".".join(map(str, version.release[:3])) == rocm_release
        key = (scheme == "hip", own, version, -rank)
        if best is None or key > best[0]:
            best = (key, link, str(version), scheme, tag)
    return best


def choose(links: Sequence[Link], hip: HipVersion, target: Target, rocm_table: Dict[str, str],
           pre: bool = False, allow_mismatch: bool = False, notes: Optional[List[str]] = None,
           scheme: Optional[str] = None, rocm_release: Optional[str] = None) -> Choice:
    """The wheel for ``hip`` (see the module docstring); raises :class:`NoMatchingWheel`.

    ``scheme`` ``"rocm"`` considers AMD's ROCm-keyed releases only, ``"hip"`` this project's only
    (the command line's default: AMD's wheels are never chosen unasked); ``rocm_release`` prefers
    AMD's wheel of that ROCm release among those shipping the same HIP."""
    notes = [] if notes is None else notes
    groups: Dict[HipVersion, List[Tuple[Link, str]]] = {}
    unknown = other = 0
    for link in links:
        key = hip_key(link.filename, rocm_table)
        if key is None:
            unknown += link.filename.startswith("hip_python-")
            continue
        if scheme is not None and key[1] != scheme:
            other += 1
            continue
        groups.setdefault(key[0], []).append((link, key[1]))
    if unknown:
        notes.append(f"{unknown} hip_python wheel(s) ignored: version keyed by a ROCm release the "
                     f"table does not know, or not a hip-python version")
    if other and scheme == "hip":
        notes.append(f"{other} wheel(s) of AMD's ROCm-keyed hip-python ignored (--amd chooses among them)")
    priority = {t: i for i, t in enumerate(target.tags)}

    def pick(h: HipVersion) -> Optional[Choice]:
        found = _evaluate(groups[h], target, priority, pre, notes, rocm_release)
        if found is None:
            return None
        _key, link, version, scheme, tag = found
        return Choice(link, version, h, scheme, grade(h, hip), tag)

    if hip in groups:
        exact = pick(hip)
        if exact is not None:
            return exact
    rank = {g: i for i, g in enumerate(GRADES)}
    others = sorted((h for h in groups if h != hip),
                    key=lambda h: (rank[grade(h, hip)], abs(h.packed - hip.packed), -h.packed))
    nearest = None
    for h in others:
        nearest = pick(h)
        if nearest is not None:
            break
    if nearest is not None and allow_mismatch:
        return nearest
    where = f"{len(links)} wheel link(s)" + (" (AMD's ROCm-keyed releases only)" if scheme == "rocm" else "")
    if nearest is None:
        raise NoMatchingWheel(f"no hip-python wheel for HIP {hip} (nor any other HIP release) that "
                              f"this interpreter can install among {where}")
    raise NoMatchingWheel(
        f"no hip-python wheel for HIP {hip} among {where}; nearest: {nearest.requirement} "
        f"(HIP {nearest.hip}, {nearest.grade}). " + _next_step(hip, rocm_table), nearest)


def _next_step(hip: HipVersion, rocm_table: Dict[str, str]) -> str:
    """What to do when no wheel matches: never a build of the wheel just called the nearest."""
    shipped = rocm_table.get(str(hip)) if hip.patch < ROCM_KEYED_MAX_PATCH else None
    if shipped and shipped != str(hip):   # x.y.z with a small z: a ROCm version given as a HIP one
        return (f"{hip} is a ROCm version, not a HIP one: ROCm {hip} ships HIP {shipped}, so pass "
                f"--rocm-version {hip} (or --hip-version {shipped}).")
    from . import rocm

    if any(r["hip"] == str(hip) for r in rocm.supported()):
        return (f"A wheel built for another HIP release can misbehave with this runtime: build the "
                f"matching one (./dev build --hip {hip}, or scripts/build_matrix.py) and install from "
                f"its index, or pass --allow-mismatch to take the nearest anyway.")
    return (f"This project builds no wheel from the HIP {hip} headers (supported: "
            f"{', '.join(r['hip'] for r in rocm.supported())}). A wheel built for another HIP release "
            f"can misbehave with this runtime: pass --allow-mismatch to take the nearest anyway.")


# AMD's ROCm-keyed versions (6.4.2.555.40) share the name: every constraint printed here must be one
# they cannot meet.  Their third field is a ROCm patch (below 100); ours is a HIP patch, five digits
# for every release this project builds (5.2.21153 ... 7.2.53211).  So a range whose lower bound has
# a third field of ROCM_KEYED_MAX_PATCH or more admits none of AMD's.  (From ROCm 10.0 the HIP patch
# restarts at 0: a range for HIP 7.15.0 would admit AMD's hip-python 7.15.0.*; cli refuses
# constraints for releases this project builds no wheel of, which covers those today.)


def constraint(hip: HipVersion, name: str = MAIN) -> str:
    """The pip/uv constraint admitting exactly the wheels of ``hip`` (this project's scheme):
    ``hip-python>=6.4.43484.0,<6.4.43485`` admits 6.4.43484.N and nothing of 6.4.43485 or 6.5.
    Every distribution of a release has its hip-python's version, so ``name`` takes the same range."""
    return f"{name}>={hip}.0,<{hip.next_patch()}"


def every_name(rule, *args) -> List[str]:
    """``rule`` (``constraint``, ``minor_constraint``, ``rocm_constraint``) for every name of a
    release (``distributions.PINNED``, hip-python first): a constraints file pins the whole set,
    AMD's names included, with the one range of the rule."""
    return [rule(*args, name=name) for name in PINNED]


def minor_constraint(major: int, minor: int, name: str = MAIN) -> str:
    """The constraint admitting every wheel of HIP ``major.minor`` (when the patch is unknown):
    from patch ROCM_KEYED_MAX_PATCH up, so that AMD's ``major.minor.x.y.z`` is never admitted.
    From HIP 7.15 on (ROCm 10.0) the patch restarts at 0 and no ROCm release is numbered
    7.15 or later (ROCm went from 7.14 to 10.0), so AMD's ROCm-keyed versions cannot collide
    there and the range starts at 0: a real HIP 7.16.3 wheel must be admitted."""
    low = 0 if (major, minor) >= (7, 15) else ROCM_KEYED_MAX_PATCH
    return f"{name}>={major}.{minor}.{low},<{major}.{minor + 1}"


def rocm_constraint(rocm: str, name: str = MAIN) -> str:
    """The constraint for AMD's ROCm-keyed releases of one ROCm version."""
    a, b, c = (int(x) for x in rocm.split(".")[:3])
    return f"{name}>={a}.{b}.{c}.0,<{a}.{b}.{c + 1}"
