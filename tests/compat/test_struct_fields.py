"""Every field of every struct and union of every release, written and read back.

The expected values and bytes come from the wheel's own API manifest, walked here
independently of the generator's tables: for each field, a value is set on a fresh
instance, read back, and the bytes at the field's C offset (or the bits of its storage
unit, for a bitfield) are compared with what C would hold.  Kinds covered: integers,
bools, floats, enums, pointers, nested structs, arrays (of scalars, chars, structs, arrays),
anonymous members, unions and bitfields.
"""
from __future__ import annotations

import json

import pytest

from wheels_for_tests import build_wheel, make_venv

CHECK = r'''
import json, struct, sys
from hip import hip, hiprtc
m = json.load(open(sys.argv[1]))
td = m["typedefs"]
mods = {"hip": hip, "hiprtc": hiprtc}

def resolve(t):
    while t["kind"] == "typedef":
        t = td[t["name"]]["type"]
    return t

def fields(rec, base=0):
    for f in m["records"][rec]["fields"]:
        if not f["name"]:
            yield from fields(resolve(f["type"])["name"], base + f["offset"])
        else:
            yield f["name"], base + f["offset"], f

def scalar(t, k=0):
    """(value to set, what reading gives, the C bytes) for a scalar type."""
    if t["kind"] == "enum":
        e = m["enums"][t["name"]]
        u = e["underlying"]
        v = e["constants"][-1][1] if e["constants"] else 0
        return v, v, v.to_bytes(u["size"], "little", signed=u["signed"]), "enum"
    if t["kind"] == "int":
        if t["name"] == "bool":
            return True, True, b"\x01", "bool"
        n, signed = t["size"], t["signed"]
        v = (-(1 << (8 * n - 1)) + 3 + k) if signed else ((1 << (8 * n)) - 2 - k)
        return v, v, v.to_bytes(n, "little", signed=signed), "int"
    if t["kind"] == "float":
        fmt = {2: "<e", 4: "<f", 8: "<d"}[t["size"]]
        return 1.5 + k, 1.5 + k, struct.pack(fmt, 1.5 + k), "float"
    v = 0x123456789A + k          # pointers, function pointers
    return v, v, v.to_bytes(8, "little"), "pointer"

def sample(t, k=0):
    t = resolve(t)
    if t["kind"] == "record":
        r = m["records"][t["name"]]
        cls = getattr(mods[r["module"]], t["name"])
        raw = bytes((i * 7 + 1 + k) % 256 for i in range(r["size"]))
        obj = cls.fromObj(bytearray(raw))
        return obj, raw, raw, "union" if r["kind"] == "union" else "struct"
    if t["kind"] == "array":
        of = resolve(t["of"])
        if of["kind"] == "int" and of["size"] == 1 and of["name"] != "bool":
            v = bytes(range(65, 65 + min(t["len"] - 1, 5)))
            return v, v, v + b"\0" * (t["len"] - len(v)), "char array"
        items = [sample(of, k + i) for i in range(t["len"])]
        return [i[0] for i in items], [i[1] for i in items], b"".join(i[2] for i in items), "array"
    return scalar(t, k)

def normal(v):
    if hasattr(v, "PROPERTIES"):
        return bytes(memoryview(v))
    if isinstance(v, list):
        return [normal(x) for x in v]
    return v

counts, failures = {}, []
for rname, r in sorted(m["records"].items()):
    if not r["size"]:
        continue
    cls = getattr(mods[r["module"]], rname)
    zero = cls()
    for fname, off, f in fields(rname):
        getattr(zero, fname)                                   # every field reads
        s = cls()
        t = resolve(f["type"])
        try:
            if "bits" in f:
                bits, shift = f["bits"], f["bit_offset"]
                signed = t["kind"] == "int" and t["signed"]
                v = -1 if signed else (1 << bits) - 1
                setattr(s, fname, v)
                unit = int.from_bytes(bytes(memoryview(s))[off:off + t["size"]], "little")
                ok = getattr(s, fname) == v and unit == ((1 << bits) - 1) << shift
                kind = "bitfield"
            else:
                value, read, raw, kind = sample(t)
                setattr(s, fname, value)
                ok = normal(getattr(s, fname)) == normal(read) and bytes(memoryview(s))[off:off + len(raw)] == raw
                if r["kind"] == "union" and kind not in ("union",):
                    kind = "union member"
        except Exception as exc:
            ok, kind = False, "error"
            failures.append(f"{rname}.{fname}: {type(exc).__name__}: {exc}")
        counts[kind] = counts.get(kind, 0) + 1
        if not ok and kind != "error":
            failures.append(f"{rname}.{fname} ({kind})")
print(json.dumps({"counts": counts, "failures": failures}))
'''


@pytest.fixture(scope="module", params=["5.2.3", "5.7.1", "6.4.3", "7.2.4"])
def release_python(request, tmp_path_factory):
    return request.param, make_venv(tmp_path_factory.mktemp("fields") / request.param, build_wheel(request.param))


def test_every_struct_field_reads_and_writes_as_c_lays_it_out(release_python, tmp_path):
    import os
    import subprocess

    release, py = release_python
    site = subprocess.run([str(py), "-c", "import hip, os; print(os.path.dirname(hip.__file__))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    script = tmp_path / "check.py"
    script.write_text(CHECK)
    env = dict(os.environ, HIP_PYTHON_NO_VERSION_CHECK="1")
    p = subprocess.run([str(py), str(script), os.path.join(site, "_manifest.json")], capture_output=True,
                       text=True, env=env, cwd="/")
    assert p.returncode == 0, p.stderr[-3000:]
    res = json.loads(p.stdout.strip().splitlines()[-1])
    assert res["failures"] == [], (release, res["failures"][:40], len(res["failures"]))
    counts = res["counts"]
    for kind in ("int", "pointer", "enum", "struct", "array", "char array", "union member"):
        assert counts.get(kind, 0) > 0, (release, kind, counts)
    assert sum(counts.values()) > 300, counts
