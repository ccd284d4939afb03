"""Stage a release's generated sources and build its ``hip-python`` wheel on this host."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hip_bindgen import cheader, wheelfiles

from . import project
from .rocm_layout import STATIC_FILES as ROCM_STATIC_FILES, rocm_layout_files

BINDINGS = Path(__file__).resolve().parents[1]
STATIC = BINDINGS / "hip"
STATIC_FILES = ("__init__.py", "__main__.py", "_hipfacts.py", "_loader.py", "_runtime.pxi", "_dispatch.pxi", "_limited.pxd", "hiprtc_pyext.py",
                "_util/__init__.py", "_util/types.pyx", "_util/types.pxd", "_util/types.pyi",
                "_util/runtime.pyx", "_util/runtime.pxd")

SETUP_PY = '''\
import os
from setuptools import Extension, setup
from Cython.Build import cythonize

here = os.path.dirname(os.path.abspath(__file__))
flags = ["-O2", "-g0", "-Wno-unused-function", "-Wno-unused-variable", f"-ffile-prefix-map={here}=."]
# hip, hiprtc, the shared _util modules, then the ROCm library modules this release has (hipfft, roctx ...)
shared = ["_util/types", "_util/runtime"]
names = ["hip", "hiprtc"] + shared + sorted(
    f[:-4] for f in os.listdir(os.path.join(here, "hip")) if f.endswith(".pyx") and f[:-4] not in ("hip", "hiprtc"))
# The library modules at -O1: -O1 takes ~40% less gcc time for ~1.5% more instructions per call
# (benchmarks/libraries.py).
modules = [Extension(f"hip.{m.replace('/', '.')}", [f"hip/{m}.pyx"], include_dirs=["hip"], libraries=["dl"],
                     extra_compile_args=flags if m in ["hip", "hiprtc"] + shared else ["-O1"] + flags[1:],
                     extra_link_args=["-Wl,--strip-all"]) for m in names]
setup(ext_modules=cythonize(modules, language_level=3, quiet=True))
'''

PYPROJECT = '''\
[build-system]
requires = {requires}
build-backend = "setuptools.build_meta"

[project]
name = "hip-python"
version = "{version}"
description = "Python bindings for the HIP {hip} runtime and hiprtc APIs, generated from that release's headers"
readme = "README.md"
requires-python = "{requires_python}"
license = {{text = "MIT"}}
classifiers = ["Operating System :: POSIX :: Linux", "Programming Language :: Cython"]

[tool.setuptools]
packages = {packages}
include-package-data = false

[tool.setuptools.package-data]
hip = ["_manifest.json", "_manifest_*.json", "_api.h", "_api_*.h", "chip.pxd", "chiprtc.pxd", "_capi.h", "py.typed", "*.pyi",
       "c*.pxd", "_capi_*.h"]
"hip._util" = ["types.pyi", "types.pxd"]
rocm = ["__init__.pxd", "py.typed"]
"rocm.bindings" = ["__init__.pxd", "py.typed", "*.pyi", "cy*.pxd"]
"rocm.bindings.util" = ["__init__.pxd", "*.pyi", "*.pxd"]
'''

PACKAGES = ("hip", "hip._util", "rocm", "rocm.bindings", "rocm.bindings.util")

# The abi3 build: one wheel per release for the Pythons no per-version wheel serves (3.14 today).
# The limited API of 3.11 is the first with the buffer protocol the bindings need.  pip takes a
# per-version wheel first wherever one exists (its tag ranks before any abi3 tag), so this wheel
# only ever installs on a Python the matrix has no wheel for.
ABI3 = "abi3"
ABI3_FROM = "3.11"
LIMITED_MACROS = '[("Py_LIMITED_API", "0x030B0000"), ("CYTHON_LIMITED_API", "1")]'

README = """# hip-python {version}

Bindings for HIP {hip} (`from hip import hip, hiprtc`; AMD's 10.x layout too:
`from rocm.bindings import hip, hiprtc`), generated from the HIP {hip}
headers by hip_bindgen {gen}. Pair it with a HIP {hip} runtime: `hip-python-select install`
picks the right wheel for a machine.
"""


GENERATOR_FILES = ("hip_bindgen/emit.py", "hip_bindgen/libemit.py", "hip_bindgen/compact.py", "hip_bindgen/libraries.py", "hip_bindgen/params.py", "hip_bindgen/contract.py", "hip_build/wheel.py",
                   "hip_bindgen/stubs.py", "hip_bindgen/capi.py", "hip_bindgen/plan.py", "hip_bindgen/cview.py",
                   "hip_bindgen/cheader.py", "hip_bindgen/tables.py", "hip_bindgen/wheelfiles.py",
                   "hip_build/rocm_layout.py", "hip_build/llvm_layout.py", *(f"rocm/{f}" for f in ROCM_STATIC_FILES))


def generator_digest() -> str:
    """Hash of the generator and the static package files: a change rebuilds every wheel.

    Only the modules that shape a wheel's bytes count (the manifest, hashed beside this,
    covers the parser), so editing the test provisioning or the index writer rebuilds nothing.
    """
    h = hashlib.sha256()
    for path in [BINDINGS / f for f in GENERATOR_FILES] + [STATIC / f for f in STATIC_FILES]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def stage(manifest: dict, version: str, dest: Path, abi3: bool = False) -> Path:
    """Write a buildable source tree for ``manifest`` at ``dest`` (replacing it); ``abi3``: for
    the stable ABI (``cp311-abi3``), built once per release by the newest Python here."""
    if dest.exists():
        shutil.rmtree(dest)
    pkg = dest / "hip"
    pkg.mkdir(parents=True)
    for name in STATIC_FILES:
        (pkg / name).parent.mkdir(exist_ok=True)
        shutil.copyfile(STATIC / name, pkg / name)
    for name, text in wheelfiles.files(manifest, version).items():
        (pkg / name).write_text(text)
    hip = manifest["hip_version"]["string"]
    layout = rocm_layout_files(manifest)
    for name, text in layout.items():   # AMD's 10.x layout: rocm.bindings.hip ...
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_text(text)
    setup_py = SETUP_PY
    if abi3:
        # Cython's limited API cannot make a classmethod of a cdef class method bound with
        # binding=False (the per-version default, kept there because it is faster per call)
        for pyx in pkg.rglob("*.pyx"):
            pyx.write_text(pyx.read_text().replace("binding=False", "binding=True"))
        setup_py = (SETUP_PY.replace('libraries=["dl"],', f'libraries=["dl"], define_macros='
                                     f"{LIMITED_MACROS}, py_limited_api=True,")
                    .replace("quiet=True))", "quiet=True),\n      options={'bdist_wheel': {'py_limited_api': "
                             f"'cp{ABI3_FROM.replace('.', '')}'}}}})"))
    (dest / "setup.py").write_text(setup_py)
    (dest / "setup.cfg").write_text("[build_ext]\nparallel = 2\n")
    # the release's rocm packages beyond the fixed ones (rocm.bindings.llvm.c ... where it has LLVM-C)
    packages = list(PACKAGES) + sorted({str(Path(n).parent).replace("/", ".") for n in layout if n.endswith(".py")}
                                       - set(PACKAGES))
    (dest / "pyproject.toml").write_text(PYPROJECT.format(
        packages="[" + ", ".join(f'"{p}"' for p in packages) + "]",
        version=version, hip=hip, requires_python=project.requires_python(),
        requires="[" + ", ".join(f'"{r}"' for r in project.build_requirements()) + "]"))
    (dest / "README.md").write_text(README.format(version=version, hip=hip, gen=cheader.GENERATOR_VERSION))
    return dest


def build_env() -> dict:
    """What every wheel build sets, on the host or in a chroot: reproducible timestamps and hashes."""
    return {"SOURCE_DATE_EPOCH": project.source_date_epoch(), "PYTHONHASHSEED": "0"}


def pip_wheel_argv(python: str, source, dist) -> list:
    """The one command that builds a staged tree into a wheel, here or inside a chroot (with
    :func:`build_env`): the build requirements come from the interpreter's own environment."""
    return [str(python), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
            "-q", "-w", str(dist), str(source)]


def build(source: Path, out_dir: Path, python: str = sys.executable) -> Path:
    """Build the staged tree into a wheel in ``out_dir``; returns the wheel's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = source.parent / "dist"
    shutil.rmtree(tmp, ignore_errors=True)
    env = dict(os.environ, **build_env())
    proc = subprocess.run(pip_wheel_argv(python, source, tmp), capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"building {source} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    wheels = list(tmp.glob("*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one wheel in {tmp}, found {wheels}")
    target = out_dir / wheels[0].name
    os.replace(wheels[0], target)
    shutil.rmtree(source / "build", ignore_errors=True)
    return target


def audit(built: Path, out_dir: Path) -> Path:
    """Retag ``built`` with the lowest manylinux tag its symbols allow; nothing is grafted in."""
    tmp = built.parent / "audited"
    shutil.rmtree(tmp, ignore_errors=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH=project.source_date_epoch())
    proc = subprocess.run([sys.executable, "-m", "auditwheel", "repair", "--strip", "-w", str(tmp), str(built)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"auditwheel repair {built.name} failed:\n{proc.stderr[-3000:]}")
    (audited,) = tmp.glob("*.whl")
    libs = [n for n in _names(audited) if ".libs/" in n]
    if libs:
        raise RuntimeError(f"auditwheel grafted libraries into {audited.name}: {libs}; the HIP "
                           "libraries must be loaded at run time, never bundled")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / audited.name
    os.replace(audited, target)
    built.unlink()
    return target


def _names(whl: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(whl) as z:
        return z.namelist()
