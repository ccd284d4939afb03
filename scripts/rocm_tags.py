#!/usr/bin/env python3
"""The HIP version of every tagged ROCm release, read from the HIP repository's own tags.

The ROCm -> HIP table (resolver/src/hip_python_select/releases.json) wants, for each ROCm
release, the exact HIP ``MAJOR.MINOR.PATCH`` and a public source for it. The HIP repository
tags every release (``rocm-5.4.3``), and each tag carries the version the build stamps into
``hipconfig`` and ``hip_version.h``: ``bin/hipvars.pm``'s ``HIP_BASE_VERSION_*`` up to 5.5, the
``VERSION`` file from 5.5 on (both agree where both exist). So the next release is one command,
not a search::

    git clone --bare https://github.com/ROCm/HIP hip.git      # or any mirror of it
    python scripts/rocm_tags.py hip.git                       # a table, one release a line
    python scripts/rocm_tags.py hip.git --json                # [{"rocm", "hip", "evidence"}]
    python scripts/rocm_tags.py hip.git --missing             # only what releases.json lacks

A release whose HIP is not in the table, or is there with another number, is printed with
``--missing``; the evidence string is what ``rocm_sources`` records (kind ``hip-tag``).
Releases tagged before HIP had a patch number (4.x: ``HIP_BASE_VERSION_PATCH`` empty or 0) give
MAJOR.MINOR only and are left out: a build number of 0 is no evidence of the shipped patch.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

RELEASES_JSON = Path(__file__).resolve().parents[1] / "resolver" / "src" / "hip_python_select" / "releases.json"
TAG = re.compile(r"^rocm-(\d+)\.(\d+)\.(\d+)$")


def _show(git_dir: str, tag: str, path: str) -> str | None:
    proc = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{tag}:{path}"], capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


def version_at(git_dir: str, tag: str) -> tuple[str, str] | None:
    """(HIP version, the file it was read from) at ``tag``, or None where the tag has no patch."""
    text = _show(git_dir, tag, "VERSION")
    if text is not None:
        nums = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        where = "VERSION"
    else:
        text = _show(git_dir, tag, "bin/hipvars.pm") or ""
        nums = [m.group(1) if (m := re.search(rf'HIP_BASE_VERSION_{k}\s*=\s*"(\d*)"', text)) else ""
                for k in ("MAJOR", "MINOR", "PATCH")]
        where = "bin/hipvars.pm HIP_BASE_VERSION_*"
    if len(nums) < 3 or not all(n.isdigit() for n in nums[:3]) or int(nums[2]) == 0:
        return None
    return ".".join(str(int(n)) for n in nums[:3]), where


def tagged(git_dir: str) -> list[dict]:
    tags = subprocess.run(["git", f"--git-dir={git_dir}", "tag"], capture_output=True, text=True, check=True).stdout.split()
    out = []
    for tag in sorted((t for t in tags if TAG.match(t)), key=lambda t: tuple(map(int, TAG.match(t).groups()))):
        found = version_at(git_dir, tag)
        if found:
            hip, where = found
            out.append({"rocm": tag[len("rocm-"):], "hip": hip,
                        "evidence": f"ROCm/HIP tag {tag}: {where} -> {hip}"})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("git_dir", help="a clone (bare or not: its .git) of the HIP repository, with its tags")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--missing", action="store_true", help="only the releases releases.json lacks or answers otherwise")
    args = ap.parse_args(argv)
    git_dir = args.git_dir if (Path(args.git_dir) / "HEAD").exists() else str(Path(args.git_dir) / ".git")
    rows = tagged(git_dir)
    if args.missing:
        table = json.loads(RELEASES_JSON.read_text())["rocm"]
        rows = [r for r in rows if table.get(r["rocm"]) != r["hip"]]
        # the lines to add, in releases.json's own layout (one entry a line), on stderr
        for r in rows:
            print(f'    "{r["rocm"]}": "{r["hip"]}",', file=sys.stderr)
        for r in rows:
            print(f'    "{r["rocm"]}": {json.dumps([["hip-tag", r["evidence"]]])},', file=sys.stderr)
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
    else:
        for r in rows:
            print(f"{r['rocm']:8} {r['hip']:12} {r['evidence']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
