"""``hip-python-select config``: the uv or pip configuration that installs this machine's wheel.

It points the installer at the per-release index of the detected HIP version
(``INDEX/hip-5.2.21153/simple/``, written by the build's ``variants.py``), where
uv with the ``wheel-variants`` preview takes the variant keyed on ``hip :: version`` and pip
takes the plain wheel of the same release (docs/variants.md).

- uv: a ``uv.toml`` naming the index first; uv's default index strategy (the first index that
  has a package wins) then takes hip-python from it alone, other packages from PyPI.
- pip: a ``pip.conf`` adding the index, and a constraints file beside it admitting only this
  release's versions: pip merges every index, and PyPI holds AMD's ROCm-keyed hip-python
  (6.2.0.499.16 and up) whose numbers would otherwise win.

``--write`` never replaces a file it did not write itself (the first line says who wrote it).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .variant_provider import NAMESPACE, FEATURE, release_index

MARK = "# written by hip-python-select config"
CONSTRAINTS = "hip-python-constraints.txt"


def register(add) -> None:
    """Add the subcommand to the command line (``add`` is cli.parser's helper)."""
    from .cli import _path   # cli is loaded: it calls this

    s = add("config", run, "print (or --write) the uv.toml / pip.conf that installs the matching wheel "
            "from its per-release index", "hip-python-select config --for uv --index https://HOST/hip-python/")
    s.add_argument("--for", dest="tool", choices=("uv", "pip"), default="uv", help="the installer (default uv)")
    s.add_argument("--index", metavar="URL|DIR", type=_path, help="the published index's root, which holds simple/ and "
                   "hip-X.Y.Z/simple/ (default: ./wheels when it has an index)")
    s.add_argument("--write", metavar="FILE", nargs="?", const="", help="write the file instead of printing it "
                   "(default: ./uv.toml; pip: the active virtual environment's pip.conf, else the user's)")
    s.add_argument("--hip-version", metavar="X", help="for this HIP version instead of the detected one")
    s.add_argument("--rocm-version", metavar="Y", help="for the HIP version ROCm Y ships")


def _base(index, cli) -> str:
    if index is None:
        if not Path("wheels", "simple").is_dir():
            raise cli.Exit(cli.USAGE, "give --index: the root of the published index (the directory that "
                                      "holds simple/ and hip-X.Y.Z/simple/); no ./wheels index here")
        index = "wheels"
    if "://" not in index:
        index = Path(index).resolve().as_uri()
    return index.rstrip("/") + "/"


def _default_file(tool: str) -> Path:
    """uv: ./uv.toml (uv reads it from the working directory up); pip: the active virtual
    environment's pip.conf, else the user's (~/.config/pip/pip.conf)."""
    if tool == "uv":
        return Path("uv.toml")
    venv = os.environ.get("VIRTUAL_ENV") or (sys.prefix if sys.prefix != sys.base_prefix else None)
    if venv:
        return Path(venv) / "pip.conf"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "pip" / "pip.conf"


def texts(tool: str, hip: str, constraint: str, url: str, target: Path) -> dict:
    """{path: text} of the files that configure ``tool`` for HIP ``hip`` (pure)."""
    why = f"{MARK} --for {tool}: hip-python for HIP {hip}\n"
    if tool == "uv":
        return {target: why + f"# uv takes the wheel variant with {NAMESPACE} :: {FEATURE} :: {hip} from this index "
                "(uv >= 0.13.8, preview)\n"
                'preview-features = ["wheel-variants"]\n\n[[index]]\n'
                f'name = "hip-python-{hip}"\nurl = "{url}"\n'}
    constraints = target.with_name(CONSTRAINTS)
    return {target: why + "# pip ignores wheel variants and takes this release's plain wheel; the constraint keeps\n"
            "# it from a higher-numbered hip-python of another index (AMD's ROCm-keyed releases on PyPI)\n"
            f"[global]\nextra-index-url = {url}\nconstraint = {constraints.resolve()}\n",
            constraints: f"{MARK} --for pip\n{constraint}\n"}


def run(args) -> int:
    from . import cli
    from .resolve import constraint

    hip, _ = cli._target_hip(args, quick=False)
    base = _base(args.index, cli)
    url = base + release_index(str(hip))
    if base.startswith("file:"):
        from .index import _file_path

        try:
            there = os.path.isdir(_file_path(url))
            have = sorted(p.name for p in Path(_file_path(base)).glob("hip-*") if p.is_dir())
        except (OSError, ValueError) as e:   # a NUL byte, a path too long
            raise cli.Exit(cli.INDEX_FAILED, f"cannot read --index {args.index!r}: {e}") from None
        if not there:
            raise cli.Exit(cli.NO_WHEEL, f"{url} does not exist: no index of HIP {hip} there "
                                         f"(it has: {', '.join(have) or 'no per-release index'})")
    target = Path(args.write) if args.write else _default_file(args.tool)
    files = texts(args.tool, str(hip), constraint(hip), url, target)
    data = {"tool": args.tool, "hip_version": str(hip), "index_url": url,
            "files": {str(p): t for p, t in files.items()}, "written": args.write is not None}
    if args.write is None:
        cli._emit(args, data, "\n".join(f"# --- {p} ---\n{t}" if len(files) > 1 else t for p, t in files.items()).rstrip("\n"))
        return cli.OK
    from . import safefile

    try:
        for path in files:
            # a FIFO is refused, not waited on; a directory or anything unreadable is an error
            if path.exists() and not safefile.read_text(str(path)).startswith(MARK):
                raise cli.Exit(cli.PROBLEM, f"{path} exists and was not written by hip-python-select config: "
                                            f"not replaced (print the text without --write and merge it by hand)")
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    except (OSError, UnicodeError) as e:
        raise cli.Exit(cli.PROBLEM, f"cannot write {path}: {getattr(e, 'strerror', None) or e}") from None
    cli._emit(args, data, "\n".join(f"wrote {p}" for p in files))
    return cli.OK
