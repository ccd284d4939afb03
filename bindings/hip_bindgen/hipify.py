"""The CUDA -> HIP substitution table of a release, read from Debian's ``hipify-perl``.

``hipify-perl`` is one Perl script; its substitutions are calls ``subst("cuda", "hip", "kind")``
inside two subs: ``simpleSubstitutions`` (always applied) and ``experimentalSubstitutions``
(applied with ``--experimental``). The kind is hipify's own category: an API group for
functions ("memory", "stream", ...), ``type``, ``numeric_literal`` (enum members and other
constants), ``define`` (macros), ``library`` (nvrtc, cuBLAS, ...), ``include`` (headers).

The parser is pure (text in, table out) and deterministic; :func:`table` fetches the pinned
package of a release (``releases.json``: ``debian.hipify``; bookworm has no hipify-perl, its
entry pins trixie's and says so with ``"suite": "trixie"``).
"""
from __future__ import annotations

import re

from . import debian, releases

SUBS = ("simpleSubstitutions", "experimentalSubstitutions")
_SUB = re.compile(r"^sub (\w+) \{\n(.*?)^\}", re.S | re.M)
_SUBST = re.compile(r'^\s*subst\("((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)", "(\w+)"\);\s*$', re.M)
_IDENT = re.compile(r"[A-Za-z_]\w*\Z")


def _unescape(s: str) -> str:
    # Perl double-quoted strings in this file escape only '/', '.' and '\\'
    return re.sub(r"\\(.)", r"\1", s)


def parse(text: str) -> dict:
    """``{cuda_name: {"hip": hip_name, "kind": kind, "experimental": bool}}`` for every
    identifier substitution (headers and other non-identifiers are left out).

    A name substituted twice keeps its first substitution, as hipify-perl applies them in
    order and the first one has already replaced the name. Experimental substitutions run
    before the simple ones in hipify-perl, so they win where both name a CUDA symbol."""
    subs = {m.group(1): m.group(2) for m in _SUB.finditer(text)}
    missing = [s for s in SUBS if s not in subs]
    if "simpleSubstitutions" in missing:
        raise ValueError("not a hipify-perl script: no 'sub simpleSubstitutions'")
    table: dict = {}
    for sub in ("experimentalSubstitutions", "simpleSubstitutions"):
        for cuda, hip, kind in _SUBST.findall(subs.get(sub, "")):
            cuda, hip = _unescape(cuda), _unescape(hip)
            if not (_IDENT.match(cuda) and _IDENT.match(hip)) or cuda in table:
                continue
            table[cuda] = {"hip": hip, "kind": kind, "experimental": sub == "experimentalSubstitutions"}
    return dict(sorted(table.items()))


def pin(release: "str | releases.Release") -> dict:
    """The ``hipify-perl`` pin of a release (``suite`` set where it is another suite's package)."""
    return releases.find(release).debian["hipify"]


def script_text(release: "str | releases.Release") -> str:
    p = pin(release)
    root = debian.extract([p], f"hipify-{p['version']}")
    return (root / "usr" / "bin" / "hipify-perl").read_text()


def table(release: "str | releases.Release") -> dict:
    """The substitution table of a supported release (see :func:`parse`)."""
    return parse(script_text(release))


def version(release: "str | releases.Release") -> str:
    """The hipify-perl version a release's table comes from (``6.0.2``), and the suite if borrowed."""
    p = pin(release)
    v = p["version"].split(":")[-1].split("+")[0].split("-")[0]
    return f"{v} ({p['suite']}'s)" if "suite" in p else v
