"""HIP version parsing: every format a real HIP installation prints, as pure functions.

Each parser takes text (or an int) and returns a :class:`HipVersion` (or, for ROCm's
``.info/version``, a :class:`RocmVersion`), or raises :class:`InvalidHipVersion`, whose
message quotes the input.  Nothing here does I/O.

Formats (all seen in real output; see tests/resolver/test_version.py for the table):

* ``hipconfig --version``: ``5.2.21153-0``, ``5.4.22804-474e8620``, ``6.4.43484-9999``,
  ``5.0.13601-`` (empty githash), ``6.4.43484-9999/usr`` (no newline, glued to the next
  option's output);
* the ``hipconfig`` / ``hipconfig --full`` report: ``HIP version  : X`` (Perl) or
  ``HIP version: X`` (C++ hipconfig, hipcc >= 6.x);
* ``hip_version.h``: ``#define HIP_VERSION_MAJOR 5`` ...;
* ``share/hip/version`` (and the older ``bin/.hipVersion``): ``HIP_VERSION_MAJOR=5`` ...;
* the packed integer of ``HIP_VERSION`` / ``hipRuntimeGetVersion``:
  ``MAJOR * 10**7 + MINOR * 10**5 + PATCH`` (``50221153`` is 5.2.21153);
* ROCm's ``.info/version``: ``6.4.2-120``, ``7.1.0`` (a ROCm version, not a HIP one).
"""
from __future__ import annotations

import re
from typing import NamedTuple, Union

from . import _hipfacts

__all__ = ["InvalidHipVersion", "HipVersion", "RocmVersion", "parse", "parse_hipconfig_version",
           "parse_hipconfig_report", "parse_hip_version_h", "parse_version_file", "parse_packed",
           "parse_rocm_version", "grade"]

# From ROCm 5 to 7.2 a HIP patch has five digits (5.2.21153) and a ROCm one is small (5.2.3):
# a version whose patch is below this reads as a ROCm release, unless the table says a ROCm
# release ships it as HIP (HIP 7.15.0 of ROCm 10.0).  The one place this threshold is written.
ROCM_KEYED_MAX_PATCH = 1000

_MAX_INPUT = 1 << 20  # a hipconfig report is a few KB; anything this large is not one


class InvalidHipVersion(ValueError):
    """Text that is not a HIP (or ROCm) version in any format we know; the message quotes it."""


def _quote(text) -> str:
    s = repr(text)
    return s if len(s) <= 120 else s[:117] + "..."


def _fail(what: str, text, why: str = "") -> InvalidHipVersion:
    return InvalidHipVersion(f"not a {what}: {_quote(text)}" + (f" ({why})" if why else ""))


class HipVersion(NamedTuple):
    """MAJOR.MINOR.PATCH of a HIP release, plus the githash when the source gave one.

    Ordering and equality use the numbers only (the githash is build noise:
    ``5.2.21153-0`` and ``5.2.21153-9999`` are the same release).
    """

    major: int
    minor: int
    patch: int
    githash: str = ""

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def __eq__(self, other):
        if isinstance(other, HipVersion):
            return self[:3] == other[:3]
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash(self[:3])

    def __lt__(self, other):
        return self[:3] < other[:3]

    def __le__(self, other):
        return self[:3] <= other[:3]

    def __gt__(self, other):
        return self[:3] > other[:3]

    def __ge__(self, other):
        return self[:3] >= other[:3]

    @property
    def packed(self) -> int:
        """The ``HIP_VERSION`` integer (what ``hipRuntimeGetVersion`` returns)."""
        return _hipfacts.pack(self.major, self.minor, self.patch)

    @property
    def full(self) -> str:
        """As hipconfig prints it (``5.2.21153-0``) when a githash is known."""
        return f"{self}-{self.githash}" if self.githash else str(self)

    def next_patch(self) -> "HipVersion":
        return HipVersion(self.major, self.minor, self.patch + 1)


class RocmVersion(NamedTuple):
    """A ROCm release (``6.4.2``), with the build number of ``.info/version`` if any."""

    major: int
    minor: int
    patch: int
    build: str = ""

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def _make(what: str, text, major: str, minor: str, patch: str, githash: str = "") -> HipVersion:
    ma, mi, pa = int(major), int(minor), int(patch)
    # The packed HIP_VERSION gives MINOR two digits and PATCH five: a value outside
    # that cannot be a real HIP release (and would not round-trip through the integer).
    if not 1 <= ma <= 99 or mi > 99 or pa > 99_999:
        raise _fail(what, text, "MAJOR must be 1 to 99, MINOR below 100 and PATCH below 100000")
    return HipVersion(ma, mi, pa, githash)


_NUM = r"(0|[1-9][0-9]{0,5})"
# githash: hex, possibly empty ("5.0.13601-"), possibly glued to whatever hipconfig printed
# next (a path: "6.4.43484-9999/usr", or a second version: "5.1.0-05.1.0-0").
_VERSION = re.compile(
    rf"{_NUM}\.{_NUM}\.{_NUM}"
    r"(?:-([0-9a-fA-F]*?)(?=$|[^0-9a-fA-F]|[1-9][0-9]*\.[0-9]+\.[0-9]+)|(?=$|[^0-9a-zA-Z.\-]))",
    re.ASCII)
_PREFIX = re.compile(r"\s*(?:HIP version\s*:\s*)?", re.ASCII)


def _check_input(what: str, text) -> str:
    if isinstance(text, bytes):
        try:
            text = text.decode()
        except UnicodeDecodeError:
            raise _fail(what, text, "not UTF-8") from None
    if not isinstance(text, str):
        raise _fail(what, text, f"expected text, got {type(text).__name__}")
    if len(text) > _MAX_INPUT:
        raise _fail(what, text[:60], f"{len(text)} characters is far too long")
    return text


def parse_hipconfig_version(text: Union[str, bytes]) -> HipVersion:
    """The stdout of ``hipconfig --version`` (a ``HIP version:`` prefix is tolerated)."""
    what = "hipconfig --version output"
    text = _check_input(what, text)
    start = _PREFIX.match(text).end()
    m = _VERSION.match(text, start)
    if not m:
        raise _fail(what, text, "expected MAJOR.MINOR.PATCH[-GITHASH], e.g. '5.2.21153-0'")
    return _make(what, text, *m.groups(default=""))


_REPORT_LINE = re.compile(r"^[ \t]*HIP version[ \t]*:[ \t]*(\S.*)$", re.MULTILINE | re.ASCII)


def parse_hipconfig_report(text: Union[str, bytes]) -> HipVersion:
    """The ``HIP version`` line of ``hipconfig`` / ``hipconfig --full`` (Perl or C++ layout)."""
    what = "hipconfig report"
    text = _check_input(what, text)
    m = _REPORT_LINE.search(text)
    if not m:
        raise _fail(what, text, "no 'HIP version : X' line")
    v = _VERSION.match(m.group(1))
    if not v:
        raise _fail(what, m.group(0).strip(), "the HIP version line holds no MAJOR.MINOR.PATCH")
    return _make(what, m.group(0).strip(), *v.groups(default=""))


def _defines(text: str, pattern: "re.Pattern") -> dict:
    return {k: v for k, v in pattern.findall(text)}


_H_DEFINE = re.compile(r'^[ \t]*#[ \t]*define[ \t]+HIP_VERSION_(MAJOR|MINOR|PATCH|GITHASH)[ \t]+'
                       r'("[^"\n]*"|[0-9]+)[ \t]*(?://.*|/\*.*)?$', re.MULTILINE | re.ASCII)


def parse_hip_version_h(text: Union[str, bytes]) -> HipVersion:
    """``hip/hip_version.h``: the HIP_VERSION_MAJOR/MINOR/PATCH (and GITHASH) defines."""
    what = "hip_version.h"
    text = _check_input(what, text)
    d = _defines(text, _H_DEFINE)
    missing = [k for k in ("MAJOR", "MINOR", "PATCH") if not d.get(k, "").isdigit()]
    if missing:
        raise _fail(what, text, "no numeric #define HIP_VERSION_" + "/".join(missing))
    return _make(what, text, d["MAJOR"], d["MINOR"], d["PATCH"], d.get("GITHASH", "").strip('"'))


_KV = re.compile(r"^[ \t]*HIP_VERSION_(MAJOR|MINOR|PATCH|GITHASH)[ \t]*=[ \t]*([0-9A-Za-z]*)[ \t]*$",
                 re.MULTILINE | re.ASCII)


def parse_version_file(text: Union[str, bytes]) -> HipVersion:
    """``share/hip/version`` / ``bin/.hipVersion``: the KEY=VALUE file hipconfig itself reads."""
    what = "HIP version file"
    text = _check_input(what, text)
    d = _defines(text, _KV)
    missing = [k for k in ("MAJOR", "MINOR", "PATCH") if not d.get(k, "").isdigit()]
    if missing:
        raise _fail(what, text, "no numeric HIP_VERSION_" + "/".join(missing) + "=")
    return _make(what, text, d["MAJOR"], d["MINOR"], d["PATCH"], d.get("GITHASH", ""))


def parse_packed(value: Union[int, str, bytes]) -> HipVersion:
    """The ``HIP_VERSION`` integer: ``50221153`` -> 5.2.21153."""
    what = "packed HIP_VERSION integer"
    if isinstance(value, bool):
        raise _fail(what, value, "a bool is not a version")
    if isinstance(value, (str, bytes)):
        text = _check_input(what, value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 10:
            raise _fail(what, value, "expected decimal digits, e.g. '50221153'")
        n = int(text)
    elif isinstance(value, int):
        n = value
    else:
        raise _fail(what, value, f"expected an int, got {type(value).__name__}")
    # major 0 is not a HIP release (the CUDA platform's hipRuntimeGetVersion returns
    # CUDA's own number, e.g. 12000, which must not be read as HIP 0.0.12000)
    if not 10_000_000 <= n < 1_000_000_000:
        raise _fail(what, value, "must be MAJOR*10**7 + MINOR*10**5 + PATCH with MAJOR from 1 to 99")
    return HipVersion(*_hipfacts.unpack(n))


_PLAIN = re.compile(rf"\s*{_NUM}\.{_NUM}\.{_NUM}(?:-([0-9A-Za-z]*))?\s*\Z", re.ASCII)


def parse(text: Union[str, bytes, int]) -> HipVersion:
    """A version the user typed: ``5.2.21153``, ``5.2.21153-0`` or the packed ``50221153``."""
    what = "HIP version"
    if isinstance(text, int) and not isinstance(text, bool):
        return parse_packed(text)
    text = _check_input(what, text)
    m = _PLAIN.match(text)
    if m:
        return _make(what, text, *m.groups(default=""))
    if text.strip().isdigit() and text.strip().isascii():
        return parse_packed(text)
    raise _fail(what, text, "expected MAJOR.MINOR.PATCH, e.g. '5.2.21153', or the packed '50221153'")


_ROCM = re.compile(rf"\s*{_NUM}\.{_NUM}(?:\.{_NUM})?(?:-([0-9A-Za-z.]*))?\s*\Z", re.ASCII)


def parse_rocm_version(text: Union[str, bytes]) -> RocmVersion:
    """A ROCm version: ``.info/version`` (``6.4.2-120``, ``7.1.0``) or typed (``6.4``)."""
    what = "ROCm version"
    text = _check_input(what, text)
    m = _ROCM.match(text)
    if not m:
        raise _fail(what, text, "expected MAJOR.MINOR.PATCH[-BUILD], e.g. '6.4.2-120'")
    ma, mi, pa, build = m.groups(default="")
    if int(ma) > 99 or int(mi) > 99 or int(pa or 0) > 99:
        raise _fail(what, text, "ROCm's MAJOR, MINOR and PATCH are below 100")
    return RocmVersion(int(ma), int(mi), int(pa or 0), build)


def grade(wheel: HipVersion, runtime: HipVersion) -> str:
    """How far apart two HIP releases are: ``exact``, ``same-minor``, ``same-major``, ``different-major``."""
    return _hipfacts.grade(str(wheel), str(runtime))
