"""Cases of the bindings fuzz (``test_fuzz_every_function.py``): every bound function of a
release, each input parameter in turn given a wrong value while the others stay valid.

Built from the release's API manifest (the wheel's ``hip/_manifest.json``), walked here from
the C types: what a parameter *is* (an integer of which width and sign, a float, a struct
passed by value, a pointer C writes through ...) is read from its type, not from the
generator's tables.  The generator's role rule (``params.roles``) is used only for what it
alone defines: which parameters are outputs the wrapper owns (not passed by the caller) and
which pointers are lists (``char**`` options, ``void**`` arguments).

A case is ``[module, function, [token, ...], class, expected, name]``: the arguments as JSON
tokens (``ARG_KINDS`` in the child script turns each into a Python value), the class it counts
under, the exception type it must raise (``"accept"``: the call must reach C), and the name of
the parameter given the wrong value, which the refusal's message must contain (None: not checked,
hip's generated ``def``s).

A ROCm library's manifest (``library=True``) has more classes: a handle parameter given a handle
of another type, a struct, or an address (an object with ``__index__``, as a numpy integer); a
library's own ``void*`` handle (``hipblasHandle_t``) given a typed handle or a struct; and each
out-parameter given by the caller (the full positional call, as AMD's bindings take some outs):
a buffer of its C size fenced by guard bytes (accepted, the guards intact after C wrote), one
byte short, one byte, an ``array.array`` too small (ValueError, nothing written), read-only
memory (``bytes``, a read-only memoryview: TypeError) and wrong types.
"""
from __future__ import annotations

from hip_bindgen import params as P

T, V, O = "TypeError", "ValueError", "OverflowError"
MODULES = ("hip", "hiprtc")   # the runtime's modules; a ROCm library's manifest: its own module

# wrong values any by-value integer/enum refuses: an integer is an object with __index__ or a
# real number (numbers.Real) whose value is integral; a Decimal is no numbers.Real
NOT_INTS = [("float", ["float", 1.5]), ("nan", ["floatstr", "nan"]), ("inf", ["floatstr", "-inf"]),
            ("Decimal", ["decimal", "1.5"]), ("integral Decimal", ["decimal", "7"]),
            ("Fraction", ["fraction", [3, 2]]), ("str", ["str", "1"]), ("object()", ["object"]),
            ("None", ["none"])]
# right values that are not ints: the call reaches C with the integer (the expected outcome names
# the C parameter, "accept a<k>=<hex>", and the child reads what the null runtime logged for it)
INTEGRAL_REALS = [("integral float", ["float", 7.0]), ("integral Fraction", ["fraction", [14, 2]])]
NOT_FLOATS = [("str", ["str", "1.5"]), ("object()", ["object"]), ("None", ["none"]), ("bytes", ["bytes", 8])]
NOT_POINTERS = [("float", ["float", 1.5]), ("integral float", ["float", 4096.0]), ("Decimal", ["decimal", "1.5"]),
                ("Fraction", ["fraction", [3, 2]]),
                ("str", ["str", "a"]), ("object()", ["object"]), ("int >= 2**64", ["int", 1 << 64], O),
                ("CAI float address", ["cai", [1.5, False]]), ("CAI {}", ["cai", None]),
                ("bool", ["int", True])]   # True is no address 1
READ_ONLY = [("bytes", ["bytes", 64]), ("read-only memoryview", ["romv", 64]),
             ("read-only CAI", ["cai", [4096, True]]), ("read-only DeviceArray", ["rodev", 64]),
             ("Pointer over bytes", ["roptr", 64]), ("struct over bytes", ["rostruct"])]


def _resolve(t, td):
    return P.resolve(t, td)


def _writes(func: str, ptype: dict, td: dict) -> bool:
    """C may write through this pointer: its pointee is not const (and is data, not code)."""
    t = _resolve(ptype, td)
    if t["kind"] != "pointer":
        return False
    to = _resolve(t["to"], td)
    return not to.get("const") and to["kind"] != "function"


def _c_size(ref: dict, m: dict) -> int:
    """Bytes C writes through an out-parameter of pointee type ``ref`` (from the C type alone)."""
    t = _resolve(ref, m["typedefs"])
    if t["kind"] == "pointer":
        return 8
    if t["kind"] == "enum":
        return m["enums"][t["name"]]["underlying"]["size"]
    if t["kind"] == "record":   # comgr's handles: {uint64_t handle} structs written whole
        return m["records"][t["name"]]["size"]
    return t["size"]


def _void_handle(ref: dict, m: dict) -> bool:
    """A ROCm library's own handle typedef of ``void*`` (``hipblasHandle_t handle``), by value."""
    td = m["typedefs"]
    if ref["kind"] != "typedef" or td[ref["name"]]["module"] in ("hip", "hiprtc"):
        return False
    t = _resolve(ref, td)
    return t["kind"] == "pointer" and _resolve(t["to"], td)["kind"] == "void"


def _out_cases(m: dict, name: str, f: dict, roles: list, valid: list) -> list:
    """The full positional call (every C parameter, outs included): valid with None for each out,
    then each out in turn given a wrong or guarded buffer (module docstring)."""
    outs = [k for k, r in enumerate(roles) if r == "out"]
    if not outs:
        return []
    ins = iter(valid)
    full = [["none"] if r == "out" else next(ins) for r in roles]
    mod = f["module"]
    out = [[mod, name, full, "out <- None (full call)", "accept", None]]
    for k in outs:
        p = f["params"][k]
        need = _c_size(_resolve(p["type"], m["typedefs"])["to"], m)
        wrong = [("out <- buffer of its C size, guarded", ["guarded", need], "accept guards"),
                 ("out <- one byte short, guarded", ["guarded", need - 1], V),
                 ("out <- one byte", ["guarded", 1], V),
                 ("out <- array.array too small", ["array", need - 1], V),
                 ("out <- bytes", ["bytes", need], T), ("out <- read-only memoryview", ["romv", need], T),
                 ("out <- float", ["float", 1.5], T), ("out <- str", ["str", "a"], T),
                 ("out <- object()", ["object"], T)]
        for cls, tok, expected in wrong:
            if tok[0] in ("guarded", "array") and tok[1] == 0:
                continue   # a 1-byte out has no shorter buffer than empty (the "one byte" case is exact)
            if tok == ["guarded", 1] and need == 1:
                cls, expected = "out <- buffer of its C size, guarded", "accept guards"
            out.append([mod, name, full[:k] + [tok] + full[k + 1:], cls, expected, p["name"]])
    return out


def cases(m: dict, modules: tuple = MODULES, library: bool = False) -> list:
    """The cases of the functions of ``modules`` in manifest ``m`` (a ROCm library's manifest:
    ``modules=(its name,)``, ``library=True``: its extra classes, and each refusal's message must
    name the parameter)."""
    td = m["typedefs"]
    sized = sorted(n for n, r in m["records"].items() if r["size"])
    opaque = sorted(n for n, r in m["records"].items() if not r["size"])
    out = []
    for name in sorted(m["functions"]):
        f = m["functions"][name]
        mod = f["module"]
        if mod not in modules:
            continue
        roles = P.roles(name, f, td)
        slots = []   # (param, role, valid token, [(class, token, expected)])
        for k, (p, role) in enumerate(zip(f["params"], roles)):
            if role == "out":
                continue
            t = _resolve(p["type"], td)
            if role == "value" and t["kind"] == "int" and t["name"] == "bool":
                # C bool (AMD SMI's amdsmi_set_gpu_ptl_state(handle, enable)): any object by its truth
                # value, as AMD's `_Bool`/bint parameter takes it; nothing is wrong-typed
                slots.append((p, ["int", 0], []))
            elif role == "value" and t["kind"] in ("int", "enum"):
                u = m["enums"][t["name"]]["underlying"] if t["kind"] == "enum" else t
                bits, signed = 8 * u["size"], u["signed"]
                kind = "enum" if t["kind"] == "enum" else "int"
                wrong = [(f"{kind} <- {c}", tok, T) for c, tok in NOT_INTS]
                wrong += [(f"{kind} <- {c}", tok, f"accept a{k}=7") for c, tok in INTEGRAL_REALS]
                top = 1 << (bits - 1) if signed else 1 << bits
                wrong.append((f"{kind} <- too large", ["int", top], O))
                if not signed:
                    wrong.append((f"{kind} <- negative (unsigned)", ["int", -1], O))
                slots.append((p, ["int", 0], wrong))
            elif role == "value":
                wrong = [(f"float <- {c}", tok, T) for c, tok in NOT_FLOATS]
                if library:   # nan and inf are floats C takes; an int beyond a double's range is not
                    wrong += [("float <- nan", ["floatstr", "nan"], "accept"), ("float <- inf", ["floatstr", "inf"], "accept"),
                              ("float <- int >= 2**1024", ["int", 1 << 1024], O)]
                slots.append((p, ["float", 0.0], wrong))
            elif role == "record":
                rec = t["name"]
                size = m["records"][rec]["size"]
                # another struct type of another size, of the same module where it has one
                others = [r for r in sized if r != rec and m["records"][r]["size"] != size]
                other = next((r for r in others if m["records"][r]["module"] == m["records"][rec]["module"]),
                             others[0] if others else None)
                # none (RCCL's only sized struct is ncclUniqueId): hip's dim3, in every release
                other_tok = ["struct", m["records"][other]["module"], other] if other else ["struct", "hip", "dim3"]
                wrong = [("struct <- another struct", other_tok, T),
                         ("struct <- wrong-size buffer", ["bytearray", size + 1], T),
                         ("struct <- float", ["float", 1.5], T), ("struct <- str", ["str", "a"], T),
                         ("struct <- object()", ["object"], T), ("struct <- None", ["none"], T)]
                if rec == "dim3":   # hip.dim3(n / block[0]), as AMD's examples write it: dim3(7, 1, 1)
                    wrong.append(("dim3 <- integral float", ["float", 7.0],
                                  f"accept a{k}={{{(7).to_bytes(4, 'little').hex()}{(1).to_bytes(4, 'little').hex() * 2}}}"))
                slots.append((p, ["struct", m["records"][rec]["module"], rec], wrong))
            elif role in ("pointer", "ints"):
                wrong = [(f"pointer <- {c}", tok, *(e or (T,))) for c, tok, *e in NOT_POINTERS]
                to = _resolve(t["to"], td) if t["kind"] == "pointer" else {}
                if library and to.get("kind") == "record" and to["name"] in opaque:
                    rec = to["name"]
                    own = ["handle", m["records"][rec]["module"], rec, 0x7000]
                    # another handle type: of the same module where it has one, and hip's event
                    other = [r for r in opaque if r != rec and m["records"][r]["module"] == m["records"][rec]["module"]]
                    wrong += [("handle <- its own class", own, f"accept a{k}=7000"),
                              ("handle <- address (__index__)", ["index", 0x7100], f"accept a{k}=7100"),
                              ("handle <- another handle type",
                               ["handle", "hip", "ihipEvent_t" if rec != "ihipEvent_t" else "ihipStream_t", 0x7200], T),
                              ("handle <- struct", ["struct", "hip", "dim3"], T)]
                    if other:
                        wrong.append(("handle <- another handle type (same module)",
                                      ["handle", m["records"][other[0]]["module"], other[0], 0x7300], T))
                elif library and _void_handle(p["type"], m):
                    wrong += [("void* handle <- typed handle", ["handle", "hip", "ihipStream_t", 0x7200], T),
                              ("void* handle <- struct", ["struct", "hip", "dim3"], T),
                              ("void* handle <- Pointer", ["pointer", 0x7400], f"accept a{k}=7400")]
                if role == "ints":   # an int/enum array also takes a list of ints
                    wrong += [("int array <- [float]", ["list", [["float", 1.5]]], T),
                              ("int array <- [integral float]", ["list", [["float", 7.0]]], "accept"),
                              ("int array <- [str]", ["list", [["str", "1"]]], T),
                              ("int array <- [int >= 2**64]", ["list", [["int", 1 << 64]]], O)]
                if _writes(name, p["type"], td):
                    exempt = (name, p["name"]) in P.READ_ONLY_INPUTS
                    # a pointer to an opaque record is typed by its class (a handle): a struct of
                    # another type is refused there whatever its memory (hipfftExecC2C's
                    # hipfftComplex* idata given a dim3)
                    handle = library and to.get("kind") == "record" and to["name"] in opaque
                    wrong += [(("read-only input" if exempt else "written buffer") + f" <- {c}", tok,
                               T if handle and tok[0] == "rostruct" else "accept" if exempt else T)
                              for c, tok in READ_ONLY]
                slots.append((p, ["none"], wrong))
            elif role == "string":
                slots.append((p, ["str", "a"], [
                    ("string <- str with NUL", ["str", "a\0b"], V), ("string <- float", ["float", 1.5], T),
                    ("string <- Decimal", ["decimal", "1.5"], T), ("string <- object()", ["object"], T),
                    ("string <- int >= 2**64", ["int", 1 << 64], O)]))
            elif role in ("strings", "pointers", "launch_extra"):
                wrong = [(f"{role} <- float", ["float", 1.5], T), (f"{role} <- object()", ["object"], T),
                         (f"{role} <- [float]", ["list", [["float", 1.5]]], T),
                         (f"{role} <- [object()]", ["list", [["object"]]], T)]
                if role == "strings":
                    wrong += [("strings <- [str with NUL]", ["list", [["str", "a\0b"]]], V),
                              ("strings <- str", ["str", "abc"], T)]
                slots.append((p, ["none"], wrong))
            elif role == "handle_ref":
                slots.append((p, ["none"], [("handle ref <- float", ["float", 1.5], T),
                                            ("handle ref <- bool", ["int", True], T),
                                            ("handle ref <- str", ["str", "a"], T),
                                            ("handle ref <- object()", ["object"], T)]))
            else:
                raise AssertionError(f"{name}({p['name']}): role {role} has no cases")
        valid = [v for _, v, _ in slots]
        out.append([mod, name, valid, "valid call", "accept", None])
        for i, (p, _, wrong) in enumerate(slots):
            for cls, tok, expected in wrong:
                out.append([mod, name, valid[:i] + [tok] + valid[i + 1:], cls, expected,
                            p["name"] if library else None])
        if library:
            out += _out_cases(m, name, f, roles, valid)
    return out


# The child: runs cases[start:] in order against the recording null runtime; for each writes
# "index outcome" to the results file (flushed), outcome = the exception's type name, "accept"
# (no exception and the call reached C, seen in the null runtime's log), "accept-nocall" (no
# exception and no call) or "<type>-after-call"; "<type>-unnamed: message" when the message does
# not name the parameter; "guards-overwritten" when C wrote outside a guarded buffer, "accept
# guards" when it wrote inside it and nowhere else.  A crash ends the child: the runner records
# the case after the last result as "crash" and starts a new child after it.
CHILD = r'''
import array, importlib, json, os, sys
from decimal import Decimal
from fractions import Fraction
from hip._util.types import DeviceArray, Pointer
cases = json.load(open(sys.argv[1]))
mods = {m: importlib.import_module("hip." + m) for m in sorted({c[0] for c in cases} | {"hip"})}
start = int(sys.argv[3])
res = open(sys.argv[2], "a", buffering=1)
# on a real library (no NULLRT_LOG) nothing logs a call: a call that raised nothing is taken as
# one that reached C (the runner gives a real library only cases refused before C, and outs of
# GPU-free functions)
real = not os.environ.get("NULLRT_LOG")
log = os.open(os.environ.get("NULLRT_LOG") or "/dev/null", os.O_RDONLY)

class CAI:
    def __init__(self, data):
        self.__cuda_array_interface__ = {} if data is None else {
            "shape": (64,), "typestr": "|u1", "version": 3, "data": tuple(data)}

GUARD = 16
guarded = []    # (bytearray, size) of the case's guarded buffers: C may write the middle only
def guard(n):
    b = bytearray(b"\xaa" * (2 * GUARD + n))
    guarded.append((b, n))
    return memoryview(b)[GUARD:GUARD + n]

class Address:
    def __init__(self, v):
        self.v = v
    def __index__(self):
        return self.v

ARG_KINDS = {
    "int": lambda t: t[1], "float": lambda t: t[1], "str": lambda t: t[1], "none": lambda t: None,
    "bytes": lambda t: bytes(t[1]), "bytearray": lambda t: bytearray(t[1]),
    "romv": lambda t: memoryview(bytes(t[1])), "decimal": lambda t: Decimal(t[1]),
    "fraction": lambda t: Fraction(*t[1]), "floatstr": lambda t: float(t[1]), "object": lambda t: object(),
    "struct": lambda t: getattr(mods[t[1]], t[2])(), "list": lambda t: [make(x) for x in t[1]],
    "cai": lambda t: CAI(t[1]),
    "rodev": lambda t: DeviceArray(bytes(t[1])), "roptr": lambda t: Pointer(bytes(t[1])),
    "rostruct": lambda t: mods["hip"].dim3.fromObj(bytes(12)),
    "handle": lambda t: getattr(mods[t[1]], t[2]).fromObj(t[3]), "index": lambda t: Address(t[1]),
    "pointer": lambda t: Pointer(t[1]), "guarded": lambda t: guard(t[1]),
    "array": lambda t: array.array("B", bytes(t[1])),
}
def make(t):
    return ARG_KINDS[t[0]](t)

for i in range(start, len(cases)):
    mod, name, args, cls, expected, pname = cases[i]
    fn = getattr(mods[mod], name)
    guarded.clear()
    args = [make(a) for a in args]
    before = os.fstat(log).st_size
    try:
        fn(*args)
        outcome = None
    except Exception as exc:
        outcome = type(exc).__name__
        if pname is not None and pname not in str(exc):
            outcome += "-unnamed: " + str(exc)[:200]
    called = (outcome is None) if real else os.fstat(log).st_size != before
    damaged = any(b[:GUARD] != b"\xaa" * GUARD or b[GUARD + n:] != b"\xaa" * GUARD for b, n in guarded)
    if outcome is None:
        outcome = "accept" if called else "accept-nocall"
        if called and expected == "accept guards":   # C wrote the out into the buffer given
            outcome = "accept guards" if all(b[GUARD:GUARD + n] != b"\xaa" * n for b, n in guarded) \
                else "accept-unwritten"
        elif called and expected.startswith("accept a"):   # what C received in parameter k
            k = int(expected[len("accept a"):].split("=")[0])
            new = os.pread(log, os.fstat(log).st_size - before, before).decode().splitlines()
            line = [l.split(" ") for l in new if l.split(" ")[0] == name][-1]
            outcome = f"accept a{k}={line[1 + k]}"
    elif called:
        outcome += "-after-call"
    if damaged:
        outcome = "guards-overwritten"
    res.write(f"{i} {outcome}\n")
'''
