"""Wheel versions from git: ``MAJOR.MINOR.PATCH.N`` on ``main``, ``...N.devM`` off it.

N is the number of commits on ``main`` up to the commit being built (for a branch: up to
where it left ``main``), M the number of commits the branch is ahead of that point.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import NamedTuple, Optional


class VersionError(RuntimeError):
    """The checkout cannot give a trustworthy revision number."""


class Revision(NamedTuple):
    n: int
    dev: Optional[int]
    dirty: bool

    def version(self, hip: str) -> str:
        return f"{hip}.{self}"

    def __str__(self) -> str:
        """``N``, ``N.devM``, with ``+dirty``: what :func:`parse` (``build_matrix.py --revision``) reads back."""
        return f"{self.n}" + (f".dev{self.dev}" if self.dev else "") + ("+dirty" if self.dirty else "")


def parse(text: str) -> Revision:
    """A revision as ``str(Revision)`` writes it: for a build where the checkout's history is not
    at hand (inside the runtime matrix's root filesystems), given by the machine that has it."""
    m = re.fullmatch(r"(\d+)(?:\.dev(\d+))?(\+dirty)?", text.strip())
    if not m:
        raise VersionError(f"revision {text!r}: want N, N.devM, optionally followed by +dirty (e.g. 412.dev3+dirty)")
    return Revision(int(m.group(1)), int(m.group(2)) if m.group(2) else None, bool(m.group(3)))


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise VersionError(f"git {' '.join(args)} failed in {repo}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def main_ref(repo: Path) -> str:
    for ref in ("main", "origin/main", "refs/remotes/origin/main"):
        try:
            _git(repo, "rev-parse", "--verify", "--quiet", ref + "^{commit}")
            return ref
        except VersionError:
            continue
    raise VersionError("no 'main' branch (local or origin/main) to count revisions against; "
                       "fetch it (git fetch origin main) before building")


def revision(repo: Path, allow_dirty: bool = False) -> Revision:
    """The revision of ``repo``'s HEAD; refuses shallow clones and (unless allowed) dirty trees."""
    try:
        _git(repo, "rev-parse", "--git-dir")
    except VersionError:
        raise VersionError(f"{repo} is not a git checkout: wheel versions count commits on main")
    if _git(repo, "rev-parse", "--is-shallow-repository") == "true":
        raise VersionError("this is a shallow clone, so the commit count N would be wrong; "
                           "run 'git fetch --unshallow' (or clone with full history) first")
    dirty = bool(_git(repo, "status", "--porcelain", "--untracked-files=no"))
    if dirty and not allow_dirty:
        raise VersionError("the working tree has uncommitted changes, so no commit describes this "
                           "build; commit or stash them, or pass --allow-dirty for a '+dirty' local version")
    main = main_ref(repo)
    base = _git(repo, "merge-base", "HEAD", main)
    n = int(_git(repo, "rev-list", "--count", base))
    ahead = int(_git(repo, "rev-list", "--count", f"{base}..HEAD"))
    return Revision(n, ahead or None, dirty)
