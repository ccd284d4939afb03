"""Parse a release's real HIP headers with libclang into the API manifest (a plain dict).

The manifest is the one thing the generator, the wheel and the resolver share:
every exported function, enum, struct/union (with size and field offsets),
typedef and integer ``#define`` of ``hip/hip_runtime_api.h`` and ``hip/hiprtc.h``.
Type references are small dicts (see ``TypeRef`` kinds below) so that the
generator never re-parses C spellings.  Output is sorted and free of paths, so
the same headers always give the same bytes.

TypeRef kinds: ``void``; ``int`` (name, size, signed); ``float`` (name, size);
``typedef`` (name); ``enum`` (name); ``record`` (name); ``pointer`` (to);
``array`` (of, len); ``function`` (returns, params, variadic).  Any of them may
carry ``"const": true``.
"""
from __future__ import annotations

import ast
import glob
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

FORMAT = 1
HEADERS = (("hip", "hip/hip_runtime_api.h"), ("hiprtc", "hip/hiprtc.h"))
# HIP headers that hip_runtime_api.h does not include but whose types the ROCm libraries take
# (``hipDataType`` of library_types.h: hipSPARSE's, hipBLAS's, hipFFT's ``computeType``): bound
# by ``hip.hip``, as AMD's is, so ``hip.hipDataType.HIP_R_32F`` works and every library module
# shares that one class.  Parsed when the tree has them.
OPTIONAL_HEADERS = (("hip", "hip/library_types.h"),)


class ParseError(RuntimeError):
    """The headers could not be parsed into a manifest."""


def builtin_include_dir() -> str:
    """Clang's builtin headers (stddef.h, stdint.h ...): the PyPI libclang wheel has none."""
    explicit = os.environ.get("HIP_PYTHON_CLANG_INCLUDE")
    if explicit:
        return explicit
    found = sorted(glob.glob("/usr/lib/llvm-*/lib/clang/*/include/stddef.h"))
    if found:
        return os.path.dirname(found[-1])
    if shutil.which("gcc"):
        path = subprocess.run(["gcc", "-print-file-name=include"], capture_output=True,
                              text=True).stdout.strip()
        if os.path.exists(os.path.join(path, "stddef.h")):
            return path
    raise ParseError("no builtin C include dir (stddef.h) found: install gcc or clang, "
                     "or set HIP_PYTHON_CLANG_INCLUDE")


def read_hip_version(include: Path) -> dict:
    """The HIP version a tree declares in ``hip/hip_version.h``; never assumed."""
    path = include / "hip" / "hip_version.h"
    if not path.exists():
        raise ParseError(f"{path} not found: is {include} the include dir of a HIP installation?")
    from hip_python_select.version import InvalidHipVersion, parse_hip_version_h

    try:   # the resolver's parser: the one reading of hip_version.h (and of the packed arithmetic)
        v = parse_hip_version_h(path.read_bytes())
    except InvalidHipVersion as e:
        raise ParseError(f"{path}: {e}") from None
    return {"major": v.major, "minor": v.minor, "patch": v.patch, "githash": v.githash,
            "string": str(v), "packed": v.packed}


_C_TO_PY = {"||": " or ", "&&": " and ", "/": "//"}
_INT_SUFFIX = re.compile(r"\b((?:0[xX][0-9a-fA-F]+)|\d+)[uUlL]+\b")
_CAST = re.compile(r"\(\s*(?:const\s+)?(?:unsigned\s+|signed\s+)?[A-Za-z_][A-Za-z_0-9]*\s*\**\s*\)(?=\s*[\w(~-])")


def eval_macro(tokens: list[str], known: dict[str, int]) -> int | None:
    """Value of an object-like macro's body if it is an integer expression, else None."""
    text = " ".join(_C_TO_PY.get(t, t) for t in tokens)
    text = _INT_SUFFIX.sub(r"\1", text)
    text = _CAST.sub("", text)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return None
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load,
               ast.operator, ast.unaryop, ast.BoolOp, ast.boolop)
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            return None
        if isinstance(node, ast.Constant) and not isinstance(node.value, int):
            return None
        if isinstance(node, ast.Name) and node.id not in known:
            return None
    try:
        value = eval(compile(tree, "<macro>", "eval"), {"__builtins__": {}}, dict(known))  # noqa: S307
    except (ArithmeticError, ValueError, TypeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Collector:
    """Walks one translation unit and fills the manifest tables."""

    def __init__(self, ci, include: Path, module: str, manifest: dict, own: tuple[str, ...] = ("hip",),
                 wants=None):
        self.ci = ci
        self.include = str(include) + os.sep
        self.module = module
        self.m = manifest
        self.anon_names: dict[str, str] = {}
        # A ROCm library's headers (hipfft/, ...) are its own; HIP's (hip/) stay the hip module's:
        # a library manifest declares the HIP types it uses (for C) under module "hip".
        # a directory of headers (hipfft/), or one header file at the top (bookworm's amd_comgr.h)
        self.own = tuple(self.include + d + ("" if d.endswith(".h") else os.sep) for d in own)
        self.wants = wants or (lambda n: n.startswith("hiprtc") == (module == "hiprtc") and n.startswith("hip"))

    # -- helpers -----------------------------------------------------------
    def in_hip(self, cursor) -> bool:
        """Declared in HIP's or this library's headers: its typedef names are kept."""
        loc = cursor.location
        return bool(loc.file) and loc.file.name.startswith(self.own + (self.include + "hip" + os.sep,))

    def in_own(self, cursor) -> bool:
        loc = cursor.location
        return bool(loc.file) and loc.file.name.startswith(self.own)

    def module_of(self, decl) -> str:
        if self.module in ("hip", "hiprtc") or self.in_own(decl) or not self.in_hip(decl):
            return self.module
        return "hip"

    def _int(self, name, t):
        signed = t.kind.name not in {"UCHAR", "USHORT", "UINT", "ULONG", "ULONGLONG", "BOOL",
                                     "CHAR_U", "UINT128", "CHAR16", "CHAR32", "WCHAR"}
        return {"kind": "int", "name": name, "size": t.get_size(), "signed": signed}

    def typeref(self, t, hint: str = "") -> dict:
        ref = self._typeref(t, hint)
        if t.is_const_qualified():
            ref = dict(ref, const=True)
        return ref

    def _typeref(self, t, hint):
        K = self.ci.TypeKind
        k = t.kind
        if k == K.ELABORATED:
            return self._typeref(t.get_named_type(), hint)
        if k == K.TYPEDEF:
            decl = t.get_declaration()
            name = decl.spelling
            under = decl.underlying_typedef_type
            target = under.get_named_type() if under.kind == K.ELABORATED else under
            if target.kind in (K.RECORD, K.ENUM):
                tdecl = target.get_declaration()
                if tdecl.spelling in (name, "") or tdecl.is_anonymous():
                    # `typedef struct X {...} X;` and `typedef enum {...} X;` name one thing
                    return self.declare_tagged(tdecl, name)
            if not self.in_hip(decl):
                canon = t.get_canonical()
                if canon.kind in (K.POINTER, K.RECORD, K.ENUM, K.CONSTANTARRAY):
                    return self._typeref(canon, hint)
                ref = self._typeref(canon, hint)
                return dict(ref, name=name) if ref["kind"] in ("int", "float") else ref
            self.declare_typedef(decl)
            return {"kind": "typedef", "name": name}
        if k == K.POINTER:
            return {"kind": "pointer", "to": self.typeref(t.get_pointee(), hint)}
        if k in (K.LVALUEREFERENCE, K.RVALUEREFERENCE):
            return {"kind": "pointer", "to": self.typeref(t.get_pointee(), hint), "reference": True}
        if k == K.CONSTANTARRAY:
            return {"kind": "array", "of": self.typeref(t.element_type, hint), "len": t.element_count}
        if k == K.INCOMPLETEARRAY:
            return {"kind": "pointer", "to": self.typeref(t.element_type, hint)}
        if k in (K.RECORD, K.ENUM):
            return self.declare_tagged(t.get_declaration(), hint)
        if k == K.FUNCTIONPROTO:
            return {"kind": "function", "returns": self.typeref(t.get_result()),
                    "params": [self.typeref(a) for a in t.argument_types()],
                    "variadic": t.is_function_variadic()}
        if k == K.FUNCTIONNOPROTO:
            return {"kind": "function", "returns": self.typeref(t.get_result()), "params": [],
                    "variadic": True}
        if k == K.VOID:
            return {"kind": "void"}
        if k.name in {"FLOAT", "DOUBLE", "LONGDOUBLE", "HALF", "FLOAT16", "FLOAT128"}:
            return {"kind": "float", "name": t.get_canonical().spelling.replace("const ", ""),
                    "size": t.get_size()}
        if k.name in {"BOOL", "CHAR_U", "UCHAR", "CHAR16", "CHAR32", "USHORT", "UINT", "ULONG",
                      "ULONGLONG", "UINT128", "CHAR_S", "SCHAR", "WCHAR", "SHORT", "INT", "LONG",
                      "LONGLONG", "INT128"}:
            return self._int(t.get_canonical().spelling.replace("const ", ""), t)
        canon = t.get_canonical()
        if canon.kind == K.RECORD:
            # A C++ template instance (HIP_vector_type<float, 2> behind hipFloatComplex) has no
            # C spelling: it is kept as an opaque record, usable behind pointers only.
            name = re.sub(r"\W+", "_", canon.spelling).strip("_")
            self.m["records"].setdefault(name, {"module": self.module, "kind": "struct", "size": None,
                                                "align": None, "fields": [], "template": canon.spelling})
            return {"kind": "record", "name": name}
        raise ParseError(f"unsupported C type {t.spelling!r} ({k})")

    # -- declarations --------------------------------------------------------
    def tag_name(self, decl, hint):
        if decl.spelling and not decl.is_anonymous():
            return decl.spelling
        key = decl.hash
        if key not in self.anon_names:
            self.anon_names[key] = hint or f"anon_{len(self.anon_names)}"
        return self.anon_names[key]

    def declare_tagged(self, decl, hint):
        K = self.ci.CursorKind
        name = self.tag_name(decl, hint)
        if decl.kind == K.ENUM_DECL:
            self.declare_enum(decl, name)
            return {"kind": "enum", "name": name}
        self.declare_record(decl, name)
        return {"kind": "record", "name": name}

    def declare_enum(self, decl, name):
        enums = self.m["enums"]
        defn = decl.get_definition() or decl
        if name in enums:
            return
        consts = [[c.spelling, c.enum_value] for c in defn.get_children()
                  if c.kind == self.ci.CursorKind.ENUM_CONSTANT_DECL]
        enums[name] = {"module": self.module_of(decl), "constants": consts,
                       "underlying": self.typeref(defn.enum_type)}

    def declare_record(self, decl, name):
        records = self.m["records"]
        defn = decl.get_definition()
        if name in records and (records[name]["size"] is not None or defn is None):
            return
        kind = "union" if decl.kind == self.ci.CursorKind.UNION_DECL else "struct"
        entry = {"module": self.module_of(decl), "kind": kind, "size": None, "align": None, "fields": []}
        records[name] = entry
        if defn is None:
            return  # opaque: only ever used behind a pointer (ihipStream_t, ...)
        t = defn.type
        entry["size"], entry["align"] = t.get_size(), t.get_align()
        for i, f in enumerate(t.get_fields()):
            fname = f.spelling
            # Only a member without a name is anonymous.  libclang's is_anonymous() on a field is
            # about its *type*: ``union {...} res;`` is a named member of an unnamed union type,
            # and flattening it lost ``desc.res`` (and merged the fields of sibling structs).
            anonymous = not fname or "(" in fname   # libclang may spell it "...::(anonymous union at ...)"
            hint = f"{name}_{fname}" if fname and not anonymous else f"{name}_anon{i}"
            field = {"name": "" if anonymous else fname, "type": self.typeref(f.type, hint),
                     "offset": f.get_field_offsetof() // 8}
            if f.is_bitfield():
                field["bit_offset"] = f.get_field_offsetof() % 8
                field["bits"] = f.get_bitfield_width()
            entry["fields"].append(field)

    def declare_typedef(self, decl):
        name = decl.spelling
        if name in self.m["typedefs"]:
            return
        self.m["typedefs"][name] = {"module": self.module_of(decl), "type": None}
        self.m["typedefs"][name]["type"] = self.typeref(decl.underlying_typedef_type, name)

    def declare_function(self, c):
        existing = self.m["functions"].get(c.spelling)
        cpp = c.mangled_name != c.spelling
        if existing and (cpp or "symbol" not in existing):
            return  # keep the C function over any C++ overload of the same name
        if c.is_definition() or c.linkage != self.ci.LinkageKind.EXTERNAL:
            self.m["skipped"].setdefault(c.spelling, {
                "module": self.module, "reason": "inline definition in the header, not exported by the library"})
            return
        params = []
        for i, a in enumerate(c.get_arguments()):
            params.append({"name": a.spelling or f"arg{i}", "type": self.typeref(a.type)})
        entry = {
            "module": self.module, "returns": self.typeref(c.result_type), "params": params,
            "variadic": c.type.kind == self.ci.TypeKind.FUNCTIONPROTO and c.type.is_function_variadic(),
        }
        if cpp:
            entry["symbol"] = c.mangled_name  # C++ linkage: exported under its mangled name
        self.m["functions"][c.spelling] = entry

    def walk(self, cursor):
        K = self.ci.CursorKind
        for c in cursor.get_children():
            if c.kind in (K.LINKAGE_SPEC, K.UNEXPOSED_DECL):
                self.walk(c)
                continue
            if not self.in_own(c):
                continue
            if c.kind == K.FUNCTION_TEMPLATE and self.wants(c.spelling):
                self.m["skipped"].setdefault(c.spelling, {"module": self.module, "reason": "C++ template, not exported by the library"})
            elif c.kind == K.FUNCTION_DECL:
                if self.wants(c.spelling):
                    self.declare_function(c)
            elif c.kind == K.TYPEDEF_DECL:
                if not c.spelling.startswith("_"):
                    self.typeref(c.type)
            elif c.kind in (K.STRUCT_DECL, K.UNION_DECL, K.ENUM_DECL):
                if c.spelling and not c.is_anonymous() and not c.spelling.startswith("_"):
                    self.declare_tagged(c, c.spelling)
                elif c.kind == K.ENUM_DECL and c.is_definition():
                    for e in c.get_children():  # unnamed enums are sets of constants
                        if e.kind == K.ENUM_CONSTANT_DECL:
                            self.m["constants"].setdefault(
                                e.spelling, {"module": self.module, "value": e.enum_value, "from": "enum"})
            elif c.kind == K.MACRO_DEFINITION:
                self.declare_macro(c)

    def declare_macro(self, c):
        name = c.spelling
        if name.startswith("_") or name in self.m["constants"]:
            return
        tokens = [t.spelling for t in c.get_tokens()]
        if len(tokens) < 2:
            return
        ext = list(c.get_tokens())
        if tokens[1] == "(" and ext[1].extent.start.column == ext[0].extent.end.column:
            return  # function-like macro
        if len(tokens) == 2 and re.fullmatch(r"[A-Za-z_]\w*", tokens[1]):
            self.m["aliases"].setdefault(name, {"module": self.module, "target": tokens[1]})
        known = {k: v["value"] for k, v in self.m["constants"].items()}
        for enum in self.m["enums"].values():
            known.update({n: v for n, v in enum["constants"]})
        value = eval_macro(tokens[1:], known)
        if value is not None:
            self.m["constants"][name] = {"module": self.module, "value": value, "from": "define"}


def parse(include: Path, extra_args: tuple[str, ...] = ()) -> dict:
    """Parse ``include/hip/hip_runtime_api.h`` and ``include/hip/hiprtc.h`` (and the
    ``OPTIONAL_HEADERS`` the tree has) into a manifest."""
    import clang.cindex as ci

    include = Path(include).resolve()
    manifest = {"format": FORMAT, "hip_version": read_hip_version(include), "headers": {},
                "functions": {}, "enums": {}, "records": {}, "typedefs": {}, "constants": {}, "skipped": {}, "aliases": {}}
    args = ["-x", "c++", "-std=c++17", "-D__HIP_PLATFORM_AMD__", f"-I{include}",
            "-isystem", builtin_include_dir(), *extra_args]
    index = ci.Index.create()
    opts = ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD | ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES
    for module, header in HEADERS + tuple(h for h in OPTIONAL_HEADERS if (include / h[1]).exists()):
        path = include / header
        if not path.exists():
            raise ParseError(f"{path} not found")
        manifest["headers"][header] = hashlib.sha256(path.read_bytes()).hexdigest()
        tu = index.parse(str(path), args=args, options=opts)
        errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
        if errors:
            raise ParseError(f"{header}: " + "; ".join(str(d) for d in errors[:5]))
        _Collector(ci, include, module, manifest).walk(tu.cursor)
    for name in manifest["functions"]:
        manifest["skipped"].pop(name, None)  # an overload beside the exported C function
    # `#define hipGetDeviceProperties hipGetDevicePropertiesR0600`: the name users call
    names = set(manifest["functions"]) | set(manifest["records"]) | set(manifest["typedefs"]) | set(manifest["enums"])
    manifest["aliases"] = {k: v for k, v in sorted(manifest["aliases"].items())
                           if v["target"] in names and k not in names}
    return manifest


def dumps(manifest: dict) -> str:
    import json

    return json.dumps(manifest, sort_keys=True, indent=1) + "\n"
