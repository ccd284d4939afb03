"""The generator <-> runtime contract (hip_bindgen/contract.py), named once and used by name.

The generated module passes the runtime argument kinds, struct field codes and table
positions; a change on one side only would silently misread structs or convert arguments
the wrong way.  These tests name the contract and check both sides against it.
"""
from __future__ import annotations

import ast
import re

from conftest import ROOT

from hip_bindgen import contract as C
from hip_bindgen import emit

# the runtime's two halves: in each module (included) and compiled once per wheel
RUNTIME = "".join((ROOT / "bindings" / "hip" / name).read_text() for name in ("_runtime.pxi", "_util/runtime.pyx"))


def defined_names() -> set[str]:
    names = set()
    for line in C.runtime_constants():
        m = re.match(r"\s*(_[A-Z_]+) = ", line)
        if m:
            names.add(m.group(1))
    return names


def test_the_contract_names_every_kind_and_field_code():
    assert C.KINDS == {"pointer": 0, "string": 1, "strings": 2, "pointers": 3, "launch_extra": 4, "ints": 5,
                       "pointer_out": 6}
    assert sorted(C.FIELD_CODES.values()) == sorted(["i", "u", "b", "f", "e", "p", "r", "a", "B"])
    assert len(set(C.FIELD_CODES.values())) == len(C.FIELD_CODES)
    assert C.positions(["b", "a", "c"]) == {"a": 0, "b": 1, "c": 2}


def test_the_runtime_uses_exactly_the_contract_names():
    used = set(re.findall(r"\b(_KIND_[A-Z_]+|_FIELD_[A-Z_]+)\b", RUNTIME))
    assert used == defined_names()
    # and no bare literal where a contract name belongs
    assert not re.search(r"code ==? ?\"[a-zA-Z]\"", RUNTIME)
    assert not re.search(r"kind (==|in) \(?\d", RUNTIME)


def test_generated_modules_define_the_contract_before_the_runtime(manifests):
    for release, m in manifests.items():
        text = emit.generate(m)["hip.pyx"]
        head, _, _ = text.partition('include "_runtime.pxi"')
        for line in C.runtime_constants():
            assert line in head, (release, line)


def test_generated_tables_use_contract_codes_and_sorted_positions(manifests):
    m = manifests["5.2.3"]
    text = emit.generate(m)["hip.pyx"]
    records = ast.literal_eval(text.split("_RECORDS = ", 1)[1].split("\n}\n", 1)[0] + "\n}")
    codes = set()

    def walk(spec):
        code, _size, extra = spec
        codes.add(code)
        if code == C.FIELD_ARRAY:
            walk(extra)
        if code == C.FIELD_ENUM:
            assert sorted(m["enums"])[extra[0]] in m["enums"]

    for _module, _size, table, _defaults in records.values():
        for _name, _offset, spec in table:
            walk(spec)
    assert codes <= set(C.FIELD_CODES.values()) and len(codes) >= 7
    # a function returning hipError_t names that enum by its sorted position
    pos = C.positions(m["enums"])["hipError_t"]
    assert f"return _e1({pos}, _r_)" in text
    kinds = {int(k) for k in re.findall(r"_hold\([^)]*?, (\d+)\)", text)}
    assert kinds <= set(C.KINDS.values()) and kinds
