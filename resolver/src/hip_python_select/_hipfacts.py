"""What the wheel and the resolver must agree on about a HIP runtime, written once.

* the library search order (``candidates``, ``dynamic``): which ``libamdhip64`` / ``libhiprtc``
  ``import hip`` opens, and why;
* the packed ``HIP_VERSION`` integer (``pack``, ``unpack``) and the version in a library's
  file name (``version_from_path``);
* how far two HIP releases are (``grade``).

This file ships in every wheel as ``hip/_hipfacts.py``; the resolver, which installs without
the bindings, carries a byte-identical copy (``hip_python_select/_hipfacts.py``, checked by
``tests/test_one_home.py``).  Pure: stat calls and small text files only, no library opened,
nothing imported beyond ``os`` (it is on ``import hip``'s path).
"""
import os

LIB_DIRS = ("lib", "lib64", "lib/x86_64-linux-gnu")
# the dynamic loader's own default directories (after LD_LIBRARY_PATH and its cache)
DEFAULT_DIRS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib")
LD_SO_CONF = "/etc/ld.so.conf"
GRADES = ("exact", "same-minor", "same-major", "different-major")


def env_var(lib: str) -> str:
    """``HIP_PYTHON_LIBAMDHIP64_PATH`` for ``amdhip64``: the file a user names explicitly
    (``HIP_PYTHON_LIBLLVM_15_PATH`` for ``LLVM-15``: a shell name has no ``-`` or ``.``)."""
    return "HIP_PYTHON_LIB" + "".join(c if c.isalnum() else "_" for c in lib.upper()) + "_PATH"


def candidates(lib: str, major: int, env) -> list:
    """Every place to try, in order, as (path or bare soname, why):

    1. ``HIP_PYTHON_LIB{NAME}_PATH``: that exact file;
    2. ``$ROCM_PATH`` then ``$HIP_PATH``: ``lib``, ``lib64``, ``lib/x86_64-linux-gnu`` below them,
       ``libNAME.so.MAJOR`` then ``libNAME.so`` (existing files only);
    3. ``libNAME.so.MAJOR`` through the dynamic loader (see :func:`dynamic`);
    4. ``libNAME.so`` the same way.
    """
    out = []
    named = env.get(env_var(lib))
    if named:
        out.append((named, env_var(lib)))
    for var in ("ROCM_PATH", "HIP_PATH"):
        root = env.get(var)
        if not root:
            continue
        for sub in LIB_DIRS:
            for so in (f"lib{lib}.so.{major}", f"lib{lib}.so"):
                path = os.path.join(root, sub, so)
                if os.path.exists(path):
                    out.append((path, var))
    out.append((f"lib{lib}.so.{major}", "soname"))
    out.append((f"lib{lib}.so", "system default"))
    return out


def ld_so_conf_dirs(conf: str = LD_SO_CONF, _seen=None) -> list:
    """The directories ``/etc/ld.so.conf`` (and its ``include``s) lists: what the ld.so cache holds."""
    seen = set() if _seen is None else _seen
    if conf in seen:
        return []
    seen.add(conf)
    dirs = []
    try:
        with open(conf) as f:
            lines = f.read().splitlines()
    except OSError:
        return dirs
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line.startswith("include"):
            pattern = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ""
            if not os.path.isabs(pattern):
                pattern = os.path.join(os.path.dirname(conf), pattern)
            base, _, suffix = pattern.partition("*")
            folder = os.path.dirname(base)
            try:
                names = sorted(os.listdir(folder))
            except OSError:
                continue
            for name in names:
                path = os.path.join(folder, name)
                if path.startswith(base) and path.endswith(suffix):
                    dirs += ld_so_conf_dirs(path, seen)
        elif line.startswith("/"):
            dirs.append(line)
    return dirs


def dynamic(name: str, env) -> "tuple | None":
    """(file, why) where the dynamic loader finds the bare soname ``name``, found with stat calls:
    ``LD_LIBRARY_PATH``, then the ld.so cache's directories (``/etc/ld.so.conf``), then the
    default directories; None when it would not find it."""
    steps = [(d, "LD_LIBRARY_PATH") for d in env.get("LD_LIBRARY_PATH", "").split(":") if d]
    steps += [(d, "ld.so cache") for d in ld_so_conf_dirs()]
    steps += [(d, "default library directories") for d in DEFAULT_DIRS]
    for d, why in steps:
        path = os.path.join(d, name)
        if os.path.exists(path):
            return os.path.realpath(path), why
    return None


def version_from_path(path: str) -> "str | None":
    """MAJOR.MINOR.PATCH from a real library file name (``libamdhip64.so.5.2.21153``)."""
    base = os.path.basename(path)
    if ".so." not in base:
        return None
    parts = base.split(".so.", 1)[1].split(".")
    if len(parts) >= 3 and all(p.isdigit() for p in parts[:3]):
        return ".".join(parts[:3])
    return None


def pack(major: int, minor: int, patch: int) -> int:
    """``HIP_VERSION`` as hip_version.h defines it and hipRuntimeGetVersion returns it."""
    return major * 10_000_000 + minor * 100_000 + patch


def unpack(packed: int) -> tuple:
    """(major, minor, patch) of a packed ``HIP_VERSION``."""
    return packed // 10_000_000, packed // 100_000 % 100, packed % 100_000


def grade(wheel: str, runtime: str) -> str:
    """How far two HIP releases (``MAJOR.MINOR.PATCH``) are: one of :data:`GRADES`."""
    w, r = str(wheel).split(".")[:3], str(runtime).split(".")[:3]
    if w == r:
        return "exact"
    if w[:2] == r[:2]:
        return "same-minor"
    return "same-major" if w[0] == r[0] else "different-major"
