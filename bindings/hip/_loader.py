"""Find and open ``libamdhip64`` / ``libhiprtc`` at run time, and say where and why.

Search order, the same for both libraries (``NAME`` is ``amdhip64`` or ``hiprtc``,
``MAJOR`` the HIP major version this wheel was generated for):

1. ``HIP_PYTHON_LIB{NAME}_PATH`` (e.g. ``HIP_PYTHON_LIBAMDHIP64_PATH``): that exact file, and
   only it: a file named there that is missing, not an ELF library, truncated, or that the
   dynamic loader refuses is an error, never a fall-through to another library (as is a file
   found at a later step that is not an ELF library or is truncated: every file is checked
   before ``dlopen``, and a soname is opened as the file the loader's search finds);
2. ``$ROCM_PATH`` then ``$HIP_PATH``: ``lib``, ``lib64``, ``lib/x86_64-linux-gnu`` below them,
   ``libNAME.so.MAJOR`` then ``libNAME.so``;
3. ``libNAME.so.MAJOR`` through the dynamic loader's own search (``LD_LIBRARY_PATH``, ld.so cache);
4. ``libNAME.so`` the same way (the system default).

The ROCm library modules (``hip.hipfft``, ``hip.roctx`` ...) search the same way for their own
file and soname major (``libhipfft.so.0``, ``HIP_PYTHON_LIBHIPFFT_PATH``), read from the
wheel's generated ``hip/_libraries.py``; a miss names the Debian package that provides it.

On HIP 5.x the hiprtc functions live in ``libamdhip64`` itself, so when no ``libhiprtc``
is found the hiprtc module uses the library the hip module loaded.  Each step is one
small function that returns a hit or ``None``; a miss leaves a note, and "not found"
reports all of them.  Nothing here imports ctypes: the opener is passed in.
"""
from __future__ import annotations

import os
import sys

from hip import _hipfacts
from hip._hipfacts import version_from_path  # noqa: F401 - part of this module's interface

LIBRARIES = {"hip": "amdhip64", "hiprtc": "hiprtc"}


class HipLibraryNotFoundError(OSError, RuntimeError):
    """No HIP runtime library could be opened; the message lists every place tried.

    Also a ``RuntimeError``: AMD's HIP Python raises ``RuntimeError`` when its loader cannot
    open a library (or find a function), and clients probe "is HIP usable?" with ``except
    RuntimeError``; ``OSError`` stays a base for code written against ours."""


class RocmLibraryNotFoundError(HipLibraryNotFoundError):
    """A ROCm library a module of this wheel binds (hipBLAS, hipFFT ...) is not installed."""


class HipFunctionNotFoundError(RuntimeError):
    """The loaded HIP library does not export a function this wheel binds."""


class HipVersionMismatchWarning(UserWarning):
    """The HIP runtime that will be loaded is not the release this wheel was generated for."""


class RocmLibraryNotFoundWarning(UserWarning):
    """``from hip import hipblas`` on a machine without hipBLAS: its calls will raise."""


NO_CHECK_ENV = "HIP_PYTHON_NO_VERSION_CHECK"
_TRUE = ("1", "true", "yes", "on")


def check_disabled(env=None) -> bool:
    """Only a true value (1/true/yes/on) silences the version check: 0, false, no or empty do not."""
    return (os.environ if env is None else env).get(NO_CHECK_ENV, "").strip().lower() in _TRUE


class _Record:
    """A tiny immutable record (``typing.NamedTuple`` would cost ~6 ms of import time)."""
    __slots__ = ()

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is read-only")

    def _asdict(self) -> dict:
        return {n: getattr(self, n) for n in self.__slots__}

    def _replace(self, **changes):
        return type(self)(*(changes.get(n, getattr(self, n)) for n in self.__slots__))

    def __eq__(self, other):
        return type(self) is type(other) and self._asdict() == other._asdict()

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._asdict().items())})"


class Candidate(_Record):
    """A place to try: a file path, or a bare soname for the dynamic loader to search."""
    __slots__ = ("path", "found_via")


class LoadedLibrary(_Record):
    """The library opened: its resolved file, why it was chosen, and every earlier miss."""
    __slots__ = ("name", "path", "found_via", "handle", "attempts")


_env_var = _hipfacts.env_var


def elf_problem(path: str) -> "str | None":
    """Why ``path`` cannot be a loadable ELF library, judged from its headers; None when it can.

    dlopen maps the file's segments without checking them against its size, so a truncated
    library kills the process with SIGBUS instead of failing: ``load`` checks every file before
    it opens it, however it was found (named, under ROCM_PATH, or on the loader's path)."""
    try:
        if not os.path.isfile(path):
            return "no such file" if not os.path.exists(path) else "not a regular file"
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(64)
            if len(head) < 64 or head[:4] != b"\x7fELF":
                return "not an ELF file"
            if head[4] != 2 or head[5] != 1:
                return "not a 64-bit little-endian ELF file"
            u = lambda off, n: int.from_bytes(head[off:off + n], "little")  # noqa: E731
            phoff, shoff, phsize, phnum, shsize, shnum = u(32, 8), u(40, 8), u(54, 2), u(56, 2), u(58, 2), u(60, 2)
            if phoff + phsize * phnum > size or shoff + shsize * shnum > size:
                return f"truncated: {size} bytes, but its headers reach beyond that"
            f.seek(phoff)
            table = f.read(phsize * phnum)
        for i in range(phnum):
            ph = table[i * phsize:(i + 1) * phsize]
            if int.from_bytes(ph[0:4], "little") == 1:   # PT_LOAD: mapped from the file
                end = int.from_bytes(ph[8:16], "little") + int.from_bytes(ph[32:40], "little")
                if end > size:
                    return f"truncated: {size} bytes, but a loadable segment ends at {end}"
    except OSError as e:
        return f"cannot read it: {e.strerror or e}"
    return None


def candidates(lib: str, major: int, env=None) -> list[Candidate]:
    """Every place to try, in order (pure: no library is opened); the order is hip._hipfacts'."""
    env = os.environ if env is None else env
    return [Candidate(path, why) for path, why in _hipfacts.candidates(lib, major, env)]


def _resolved_path(handle_path: str) -> str:
    """The file a soname resolved to, read from /proc/self/maps after opening it."""
    if os.sep in handle_path:
        return os.path.realpath(handle_path)
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if os.path.basename(path).startswith(handle_path):
                    return path
    except OSError:
        pass
    return handle_path


_loaded: dict[str, LoadedLibrary] = {}


def rocm_library(module: str) -> "tuple | None":
    """(file name, soname major, title, version, package) of a ROCm library module, else None."""
    if module in LIBRARIES:
        return None
    from hip import _libraries
    return _libraries.LIBRARIES[module]


def load(module: str, major: int, opener) -> LoadedLibrary:
    """Open the library of ``module`` (``hip``, ``hiprtc`` or a ROCm library), once per process."""
    if module in _loaded:
        return _loaded[module]
    if not sys.platform.startswith("linux"):
        raise HipLibraryNotFoundError(f"hip-python supports Linux only, not {sys.platform}")
    rocm = rocm_library(module)
    lib = rocm[0] if rocm else LIBRARIES[module]
    if rocm:
        major = rocm[1]  # the library's own soname (libhipblas.so.2), not the HIP major
    attempts = []
    for cand in candidates(lib, major):
        explicit = cand.found_via == _env_var(lib)
        path, where = cand.path, cand.found_via
        if os.sep not in path:
            # a bare soname: open the file the dynamic loader's search finds (hip._hipfacts
            # reproduces it), by path, so the file checked below is the file mapped; one only
            # the binary ld.so cache knows is left to dlopen's own search
            hit = _hipfacts.dynamic(path, os.environ)
            if hit:
                path, where = hit[0], f"{cand.path} through {hit[1]}"
        problem = elf_problem(path) if os.sep in path else None
        if problem is not None and (explicit or problem != "no such file"):
            raise _unusable(module, rocm, lib, major, cand, path, where, problem)
        handle, error = opener(os.fsencode(path))
        if explicit and not handle:
            raise _unusable(module, rocm, lib, major, cand, path, where, error)
        if handle:
            found = LoadedLibrary(lib, _resolved_path(path), cand.found_via, handle, tuple(attempts))
            _loaded[module] = found
            return found
        attempts.append((cand, error))
    if module == "hiprtc":
        base = load("hip", major, opener)  # HIP 5.x: hiprtc is inside libamdhip64
        found = base._replace(found_via=f"{base.found_via}, libamdhip64 exports hiprtc",
                              attempts=tuple(attempts))
        _loaded[module] = found
        return found
    tried = "\n".join(f"  {c.path} ({c.found_via}): {e}" for c, e in attempts)
    if rocm:
        from hip import _version
        raise RocmLibraryNotFoundError(
            f"hip.{module} needs {rocm[2]} {rocm[3]} (lib{lib}.so.{major}), which is not installed; "
            f"tried, in order:\n{tried}\nInstall it (Debian/Ubuntu: apt install {rocm[4]}; ROCm: the "
            f"{module} package of ROCm {_version.ROCM_VERSION_NAME}), or set ROCM_PATH or {_env_var(lib)}.")
    raise HipLibraryNotFoundError(
        f"could not open lib{lib} (HIP {major}.x); tried, in order:\n{tried}\n"
        f"Install the HIP runtime of ROCm {major}.x, or set ROCM_PATH or {_env_var(lib)}.")


def _wanted(lib: str, major: int, rocm) -> str:
    """The file a module needs, for a message: HIP's runtime by its HIP major; a ROCm library by
    its own soname and version (hipRAND's soname major 1 is not a HIP version) and, apart, the
    HIP release of this wheel that it belongs to."""
    if not rocm:
        return f"lib{lib} of HIP {major}.x"
    from hip import _version
    return (f"lib{lib}.so.{major} ({rocm[2]} {rocm[3]}, the {rocm[2]} of HIP "
            f"{_version.HIP_VERSION_STRING}, which this wheel was generated for)")


def _unusable(module: str, rocm, lib: str, major: int, cand: Candidate, path: str, where: str,
              why: str) -> HipLibraryNotFoundError:
    """The error for a library file that was found (named, under ROCM_PATH, or where the dynamic
    loader looks) but cannot be used: a found file is used or refused, never skipped, so the
    file the user has to fix is the one the message names.  A truncated one is refused before
    dlopen, which would map it and die of SIGBUS."""
    want = _wanted(lib, major, rocm)
    cls = RocmLibraryNotFoundError if rocm else HipLibraryNotFoundError
    if cand.found_via == _env_var(lib):
        return cls(f"{_env_var(lib)}={cand.path} cannot be opened: {why}. Point it at {want}, or unset "
                   f"it to search ROCM_PATH and the system.")
    fix = (f"Reinstall it (Debian/Ubuntu: apt install --reinstall {rocm[4]})" if rocm
           else "Reinstall the HIP runtime it belongs to")
    return cls(f"hip.{module} needs {want}; the file found ({where}), {path}, cannot be opened: {why}. "
               f"{fix}, remove it from the search, or set {_env_var(lib)} to a good copy.")


def runtime_version(loaded: LoadedLibrary, dlsym) -> "str | None":
    """The HIP version of the loaded runtime, as MAJOR.MINOR.PATCH, if it can tell."""
    return version_from_path(loaded.path)


def grade(wheel: str, runtime: str) -> "str | None":
    """None when MAJOR.MINOR.PATCH match, else same-minor / same-major / different-major."""
    g = _hipfacts.grade(wheel, runtime)
    return None if g == "exact" else g


_warned = False


def warn_if_mismatched(wheel_hip: str, runtime_hip: "str | None", where: str) -> None:
    """Warn once per process when the wheel and the runtime are different HIP releases."""
    global _warned
    if _warned or not runtime_hip or check_disabled():
        return
    g = grade(wheel_hip, runtime_hip)
    if g is None:
        return
    _warned = True
    import warnings
    from hip import _version
    major, minor, patch = runtime_hip.split(".")
    warnings.warn(
        f"hip-python {_version.__version__} was generated from the HIP {wheel_hip} headers, but the HIP "
        f"runtime it loads ({where}) is HIP {runtime_hip} ({g}). A function or struct that changed "
        f"between the two can misbehave. Fix: install the wheel of HIP {runtime_hip} from this project's "
        f"index (PyPI's hip-python is AMD's): pip install --index-url URL 'hip-python=={major}.{minor}.{patch}.*' "
        f"(or, with the resolver, hip-python-select install --index-url URL), or check what your code uses with "
        f"'hip-python-select check --script app.py'. Silence with {NO_CHECK_ENV}=1.",
        HipVersionMismatchWarning, stacklevel=4)


def library_version(scheme: str, values: list) -> str:
    """MAJOR.MINOR.PATCH from what a ROCm library's version call answered (``VERSION_CALLS``)."""
    if scheme == "hiprand":   # HIPRAND_VERSION: major * 100000 + minor * 100 + patch
        v = values[0]
        return f"{v // 100000}.{v // 100 % 1000}.{v % 100}"
    if scheme == "nccl":      # NCCL_VERSION_CODE: major * 10000 + minor * 100 + patch from 2.9 on
        v = values[0]
        return f"{v // 10000}.{v // 100 % 100}.{v % 100}" if v >= 20900 else f"{v // 1000}.{v // 100 % 10}.{v % 100}"
    return ".".join(str(v) for v in values)


_warned_libraries: set = set()


def warn_if_library_mismatched(module: str, scheme: str, values: list, where: str) -> None:
    """Warn once per library when the library loaded is another MAJOR.MINOR than its headers'."""
    if module in _warned_libraries or check_disabled():
        return
    from hip import _libraries
    title, version, declared = _libraries.LIBRARIES[module][2], _libraries.LIBRARIES[module][3], _libraries.HEADER_VERSIONS[module]
    have = library_version(scheme, values)
    if have.split(".")[:2] == declared.split(".")[:2]:
        return
    _warned_libraries.add(module)
    from hip import _version
    _warn_at_caller(
        f"hip.{module} of hip-python {_version.__version__} was generated from the {title} {version} "
        f"headers (declaring version {declared}), but the library it loaded ({where}) is version {have}. "
        f"A function or struct that changed between the two can misbehave. {_library_fix(module)}, or "
        f"check what your code uses with 'hip-python-select check --script app.py'. Silence with "
        f"{NO_CHECK_ENV}=1.",
        HipVersionMismatchWarning)


def warn_library_incomplete(module: str, missing: list, bound: int, where: str) -> None:
    """The library loaded lacks functions its module binds: it is another version (once per library)."""
    if module in _warned_libraries or check_disabled():
        return
    _warned_libraries.add(module)
    from hip import _libraries, _version
    title, version = _libraries.LIBRARIES[module][2:4]
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    _warn_at_caller(
        f"hip.{module} of hip-python {_version.__version__} was generated from the {title} {version} "
        f"headers, but the library it loaded ({where}) lacks {len(missing)} of the {bound} functions it "
        f"binds ({shown}): it is another version of {title}. Calling those raises "
        f"HipFunctionNotFoundError; a function or struct that changed between the two can misbehave. "
        f"{_library_fix(module)}. Silence with {NO_CHECK_ENV}=1.",
        HipVersionMismatchWarning)


def _library_fix(module: str) -> str:
    """The remedy both library-version warnings give: the library of the wheel's own release."""
    from hip import _libraries
    title, package = _libraries.LIBRARIES[module][2], _libraries.LIBRARIES[module][4]
    return (f"Fix: install the {title} of the wheel's release ('hip-python-select detect' shows the HIP "
            f"release; Debian: apt install {package})")


def warn_library_missing(module: str, error: Exception) -> None:
    """At ``from hip import <library>``: the library cannot be opened; say why and how to get it."""
    _warn_at_caller(f"{error}\nIts functions raise {type(error).__name__} until then.", RocmLibraryNotFoundWarning)


def _warn_at_caller(message: str, category: type) -> None:
    """Warn at the first frame outside this package and importlib: the user's ``from hip import
    hipX`` (which reaches a library module's import through ``hip.__getattr__`` and
    ``importlib.import_module``, or through the import system alone: no fixed stacklevel fits)."""
    import warnings
    here = os.path.dirname(os.path.abspath(__file__)) + os.sep
    f = sys._getframe(1)
    # rocm.bindings.<m> (AMD's 10.x names) imports hip.<m> on the user's behalf: not the caller either
    while f is not None and (f.f_code.co_filename.startswith(here) or "importlib" in f.f_code.co_filename
                             or f.f_globals.get("__name__", "").startswith("rocm.bindings")):
        f = f.f_back
    if f is None:
        warnings.warn(message, category, stacklevel=2)
        return
    g = f.f_globals
    warnings.warn_explicit(message, category, f.f_code.co_filename, f.f_lineno, module=g.get("__name__"),
                           registry=g.setdefault("__warningregistry__", {}))


def peek(module: str, major: int, env=None) -> "str | None":
    """The file the loader would most likely open, found with stat calls only (no dlopen)."""
    env = os.environ if env is None else env
    lib = LIBRARIES[module]
    for cand in candidates(lib, major, env):
        if os.sep in cand.path:
            if os.path.exists(cand.path):
                return os.path.realpath(cand.path)
            continue
        hit = _hipfacts.dynamic(cand.path, env)
        if hit:
            return hit[0]
    return None


def check_at_import(module: str, major: int, wheel_hip: str) -> None:
    """The cheap check ``import hip.hip`` runs: never raises, never opens the library."""
    if check_disabled():
        return
    try:
        path = peek(module, major)
        if path:
            warn_if_mismatched(wheel_hip, version_from_path(path), path)
    except Exception:  # noqa: BLE001 - a version check must never break the import
        pass


def missing_function(name: str, loaded: LoadedLibrary, wheel_hip: str, dlsym) -> HipFunctionNotFoundError:
    if loaded.name not in LIBRARIES.values():
        from hip import _libraries
        title, version = next((t, v) for f, _, t, v, _ in _libraries.LIBRARIES.values() if f == loaded.name)
        return HipFunctionNotFoundError(
            f"{name} is not exported by {loaded.path}: this hip-python wheel was generated from the "
            f"{title} {version} headers, and that library lacks the function. Install {title} {version}, "
            f"or the hip-python wheel that matches the installed one (hip-python-select install).")
    version = runtime_version(loaded, dlsym)
    have = f"HIP {version}" if version else "an unknown HIP version"
    return HipFunctionNotFoundError(
        f"{name} is not exported by {loaded.path} ({have}): this hip-python wheel was generated "
        f"from the HIP {wheel_hip} headers, and that runtime lacks the function. Install the "
        f"runtime the wheel was built for, or the wheel that matches the runtime "
        f"(hip-python-select install).")


class MissingFieldError(AttributeError):
    """A field the struct lacks in this wheel's release (``hipDeviceProp_t.uuid`` before HIP 6.0).

    The message names the field, the struct and the release, and the releases whose struct has
    the field (read from the manifests the resolver, ``hip-python-select``, ships, when it is
    installed).  It is composed only when shown: ``hasattr(props, "uuid")`` and ``getattr(s, f,
    default)`` discard the exception, and must stay as cheap as a plain AttributeError."""

    def __init__(self, struct: str, field: str, module: str, obj=None):
        super().__init__(name=field, obj=obj)
        self._where = (struct, module)
        self._text = None

    def __str__(self):
        if self._text is None:
            self._text = missing_field_message(self._where[0], self.name, self._where[1])
        return self._text

    def __repr__(self):
        return f"{type(self).__name__}({str(self)!r})"


def missing_field_message(struct: str, field: str, module: str) -> str:
    """The text of a ``MissingFieldError``: ``struct`` is the class name, ``module`` its module
    (``hip.hip``, ``hip.hipblas`` ...); the other releases' facts come from the resolver's
    shipped manifests, and any failure to read them leaves them out, never raises."""
    from hip import _version
    lib = module.rpartition(".")[2]
    release = f"HIP {_version.HIP_VERSION_STRING}"
    if lib not in ("hip", "hiprtc"):
        try:
            from hip import _libraries
            release = f"{_libraries.LIBRARIES[lib][2]} {_libraries.LIBRARIES[lib][3]} ({release})"
        except (ImportError, KeyError):
            pass
    text = f"{struct} has no field {field!r} in the {release} headers this hip-python wheel was generated from"
    try:
        others = _releases_with_field(struct, field, lib)
    except Exception:  # noqa: BLE001 - the error being reported matters more than this detail
        others = None
    if others:
        return (f"{text}; the struct of HIP {' and '.join(others)} has it (install the wheel of that "
                f"release where that runtime is: hip-python-select install)")
    if others == []:
        return f"{text}, nor in any other release hip-python supports"
    return text


def _releases_with_field(struct: str, field: str, lib: str) -> "list | None":
    """HIP versions (other than this wheel's) whose struct ``struct``, under any of its names,
    has ``field``; None when the resolver's manifests are not installed."""
    import json
    import lzma

    from hip import _version
    try:
        from hip_python_select import manifests
    except ImportError:
        return None
    own = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "_manifest.json" if lib in ("hip", "hiprtc") else f"_manifest_{lib}.json")
    with open(own) as f:
        mine = json.load(f)
    names = {struct} | {n for n in (*mine["aliases"], *mine["typedefs"]) if _record_of(mine, n) == struct}
    found = []
    for hip in manifests.shipped_versions():
        if hip == _version.HIP_VERSION_STRING:
            continue
        # the one file needed (manifests.shipped reads every library's too: seconds, not 0.1 s)
        path = manifests.SHIPPED / (f"{hip}.json.xz" if lib in ("hip", "hiprtc") else f"{hip}-{lib}.json.xz")
        if not path.is_file():
            continue
        m = json.loads(lzma.decompress(path.read_bytes()))
        rec = next((r for r in map(lambda n: _record_of(m, n), sorted(names)) if r), None)
        if rec and field in _field_names(m, rec):
            found.append(hip)
    return found


def _record_of(m: dict, name: str) -> "str | None":
    """The record ``name`` is, or names through aliases and typedefs, in manifest ``m``."""
    for _ in range(16):
        if name in m["records"]:
            return name
        if name in m["aliases"]:
            name = m["aliases"][name]["target"]
            continue
        t = m["typedefs"].get(name, {}).get("type", {})
        if t.get("kind") not in ("record", "typedef"):
            return None
        name = t["name"]
    return None


def _field_names(m: dict, rec: str) -> set:
    """The field names of record ``rec``, anonymous members' fields flattened (as the classes)."""
    out = set()
    for f in m["records"][rec].get("fields", ()):
        if f["name"]:
            out.add(f["name"])
        elif f["type"].get("name"):
            inner = _record_of(m, f["type"]["name"])
            if inner:
                out |= _field_names(m, inner)
    return out


def report() -> list[dict]:
    """What was loaded and why, for every library opened so far in this process."""
    return [{"module": m, "library": l.name, "path": l.path, "found_via": l.found_via,
             "misses": [{"path": c.path, "found_via": c.found_via, "error": e} for c, e in l.attempts]}
            for m, l in sorted(_loaded.items())]


def report_json(open_libraries: bool = False) -> str:
    """JSON of the search: with ``open_libraries`` the hip module's library is opened first."""
    import json

    if open_libraries:
        from hip import hip
        hip._library()
    plan = {lib: [c._asdict() for c in candidates(lib, _major())] for lib in LIBRARIES.values()}
    return json.dumps({"loaded": report(), "search": plan,
                       "would_load": {m: peek(m, _major()) for m in LIBRARIES}}, indent=1)


def _major() -> int:
    from hip import _version
    return int(_version.HIP_VERSION_STRING.split(".")[0])
